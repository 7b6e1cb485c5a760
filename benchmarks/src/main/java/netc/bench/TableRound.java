package netc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.Network;
import netc.runtime.data.DataSplit;
import netc.runtime.data.FashionMnist;
import netc.runtime.train.EpochReport;
import netc.runtime.train.Initializer;
import netc.runtime.train.ProgressListener;
import netc.runtime.train.Trainer;
import netc.runtime.train.TrainingDefaults;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * netc's side of one group of issue #9's table in one round: runs the JMH benchmarks of that group (each in its own
 * forked JVM, as {@code java -jar benchmarks.jar} would) and appends one JSON row per result to the raw file that
 * {@link PerfTable} reads. {@code benchmarks/run-table.sh} calls it group by group, alternating with the PyTorch
 * peers. JMH's own log goes to {@code --jmh-log}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.TableRound
 *     --group train-mlp --round 1 --out RAW.jsonl [--quick] [--jmh-log FILE]
 * </pre>
 * Groups: {@code machine} (CPU, vector width; no timing), {@code peak} (FmaPeak on 1 and 2 threads),
 * {@code train-mlp} (batch 32, 128, 512 on 2 threads), {@code scaling} (batch 128 on 1 thread),
 * {@code train-mlp2048}, {@code train-convnet}, {@code infer} (batch 1024, 1 and 2 threads), {@code latency} (mlp on 1
 * and 2 threads, xor, logreg), {@code kernels} (every shape of {@link Kernels}), {@code epochs} (3 epochs of the MLP
 * with the Trainer's defaults: epoch 1 against the later ones). {@code --quick} shortens warm-up and measurement to a
 * smoke run (the JIT is not warm by then; the figures only show that everything runs), except for the FMA peak.
 */
public final class TableRound {
    /** The group names, in the order run-table.sh runs them. */
    static final List<String> GROUPS = List.of("machine", "peak", "train-mlp", "scaling", "train-mlp2048",
            "train-convnet", "infer", "latency", "kernels", "epochs");

    private final int round;
    private final boolean quick;
    private final Path out;
    private final Path jmhLog;

    private TableRound(int round, boolean quick, Path out, Path jmhLog) {
        this.round = round;
        this.quick = quick;
        this.out = out;
        this.jmhLog = jmhLog;
    }

    public static void main(String[] argv) throws Exception {
        String group = null;
        int round = 1;
        boolean quick = false;
        Path out = null;
        Path jmhLog = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--group" -> group = argv[++i];
                case "--round" -> round = Integer.parseInt(argv[++i]);
                case "--quick" -> quick = true;
                case "--out" -> out = Path.of(argv[++i]);
                case "--jmh-log" -> jmhLog = Path.of(argv[++i]);
                default -> usage("unknown argument " + argv[i]);
            }
        }
        if (group == null || out == null || !GROUPS.contains(group)) {
            usage("--group (one of " + GROUPS + ") and --out are required");
        }
        new TableRound(round, quick, out, jmhLog).run(group);
    }

    private static void usage(String problem) {
        System.err.println("TableRound: " + problem);
        System.err.println("usage: TableRound --group NAME --round N --out RAW.jsonl [--quick] [--jmh-log FILE]");
        System.exit(2);
    }

    private void run(String group) throws RunnerException, IOException {
        switch (group) {
            case "machine" -> machine();
            case "peak" -> {
                for (int t : new int[] {1, 2}) {
                    // never shortened: every "% of peak" divides by it
                    for (RunResult r : jmh(FmaPeak.class, "fma", Map.of(), t, 0)) {
                        write(row("peak:fma", 0, t, secondary(r, "gflop"), "GFLOP/s", r));
                    }
                }
            }
            case "train-mlp" -> train("mlp", "32,128,512", 2);
            case "scaling" -> train("mlp", "128", 1);
            case "train-mlp2048" -> train("mlp2048", "128", 2);
            case "train-convnet" -> train("convnet", "64", 2);
            case "infer" -> {
                for (RunResult r : jmh(Inference.class, "forward",
                        Map.of("net", "mlp", "batch", "1024", "threads", "1,2"), 1, 1)) {
                    int threads = Integer.parseInt(r.getParams().getParam("threads"));
                    write(row("infer:mlp", 1024, threads, secondary(r, "samples"), "samples/s", r)
                            .put("fwd_flop", BenchNet.forwardFlop("mlp")));
                }
            }
            case "latency" -> {
                List<RunResult> runs = new ArrayList<>(jmh(BatchOneLatency.class, "forward",
                        Map.of("net", "mlp,xor,logreg", "threads", "1"), 1, 1));
                runs.addAll(jmh(BatchOneLatency.class, "forward", Map.of("net", "mlp", "threads", "2"), 1, 1));
                for (RunResult r : runs) {
                    String net = r.getParams().getParam("net");
                    int threads = Integer.parseInt(r.getParams().getParam("threads"));
                    write(row("latency:" + net, 1, threads, r.getPrimaryResult().getScore(), "ns", r)
                            .put("fwd_flop", BenchNet.forwardFlop(net)));
                }
            }
            case "kernels" -> {
                for (RunResult r : jmh(Kernels.class, "call", Map.of(), 1, 1)) {
                    write(row("kernel:" + r.getParams().getParam("shape"), 0, 1, secondary(r, "gflop"), "GFLOP/s",
                            r));
                }
            }
            case "epochs" -> epochs();
            default -> throw new IllegalArgumentException(group);
        }
    }

    private void train(String net, String batches, int threads) throws RunnerException, IOException {
        long flop = BenchNet.forwardFlop(net);
        for (RunResult r : jmh(TrainStep.class, "step",
                Map.of("net", net, "batch", batches, "threads", Integer.toString(threads)), 1, 2)) {
            int batch = Integer.parseInt(r.getParams().getParam("batch"));
            write(row("train:" + net, batch, threads, secondary(r, "samples"), "samples/s", r).put("fwd_flop", flop));
        }
    }

    /**
     * Runs {@code type.method} with the given parameters (comma lists) on {@code threads} JMH threads; the full
     * run keeps the class's annotations, {@code --quick} cuts warm-up and measurement (warm-up seconds x
     * {@code warmupScale}; 0 keeps the annotations in quick runs too).
     */
    private Collection<RunResult> jmh(Class<?> type, String method, Map<String, String> params, int threads,
                                      int warmupScale) throws RunnerException, IOException {
        ChainedOptionsBuilder o = new OptionsBuilder()
                .include("^" + type.getName().replace(".", "\\.") + "\\." + method + "$")
                .threads(threads).shouldFailOnError(true).verbosity(VerboseMode.NORMAL);
        params.forEach((k, v) -> o.param(k, v.split(",")));
        if (quick && warmupScale > 0) {
            o.warmupIterations(2).warmupTime(TimeValue.milliseconds(1000L * warmupScale))
                    .measurementIterations(2).measurementTime(TimeValue.milliseconds(500)).forks(1);
        }
        System.out.printf(Locale.ROOT, "TableRound: round %d, JMH %s.%s %s, %d thread(s)%s%n", round,
                type.getSimpleName(), method, params, threads, quick ? " (quick)" : "");
        if (jmhLog == null) {
            return new Runner(o.build()).run();
        }
        // JMH truncates its output file; the sitting's log keeps every run, so each goes to a part that is appended
        Path part = Files.createTempFile("netc-jmh", ".log");
        try {
            o.output(part.toString());
            return new Runner(o.build()).run();
        } finally {
            Files.writeString(jmhLog, Files.readString(part), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.delete(part);
        }
    }

    private static double secondary(RunResult r, String name) {
        Result<?> s = r.getSecondaryResults().get(name);
        if (s == null) {
            throw new IllegalStateException("JMH result without the counter " + name + ": "
                    + r.getSecondaryResults().keySet());
        }
        return s.getScore();
    }

    private JsonLine row(String workload, int batch, int threads, double value, String unit, RunResult r) {
        Result<?> p = r.getPrimaryResult();
        return row(workload, batch, threads, value, unit)
                .put("jmh_score", p.getScore()).put("jmh_error", p.getScoreError()).put("jmh_unit", p.getScoreUnit())
                .put("jmh_iterations", p.getSampleCount())
                .put("jmh_params", r.getParams().getParamsKeys().stream()
                        .map(k -> k + "=" + r.getParams().getParam(k)).toList());
    }

    private JsonLine row(String workload, int batch, int threads, double value, String unit) {
        // Where the host had the two vCPUs (see CorePlacement) when the row is written: after its JMH run (of the
        // JVM forks that measured it, and of the run's other parameters), a snapshot, not the placement it measured.
        double roundTrip = Math.round(CorePlacement.roundTripNanos(5));
        return new JsonLine("netc_" + workload, batch, threads, significant(value), unit)
                .put("side", "netc").put("workload", workload).put("round", round).put("quick", quick)
                .put("core_round_trip_ns", roundTrip);
    }

    /**
     * {@code value} to 4 significant digits: rounding to 0.1 made an epoch of 0.75 s and one of 0.84 s the same
     * 0.8 s, where the goal is 0.8 s.
     */
    static double significant(double value) {
        if (value == 0 || !Double.isFinite(value)) {
            return value;
        }
        // valueOf: the double's decimal reading (1.0005 -> 1.001), not its exact binary value (1.000499.. -> 1.0)
        return java.math.BigDecimal.valueOf(value).round(new java.math.MathContext(4)).doubleValue();
    }

    private void write(JsonLine row) throws IOException {
        String line = row.render();
        System.out.println(line);
        row.appendTo(out);
    }

    private void machine() throws IOException {
        write(row("machine", 0, Runtime.getRuntime().availableProcessors(), 0, "")
                .put("date", LocalDate.now(ZoneOffset.UTC).toString())
                .put("cpu", cpuModel())
                .put("cores", Runtime.getRuntime().availableProcessors())
                .put("vector_bits", FmaPeak.vectorBits())
                .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version")));
    }

    /** "model name" of /proc/cpuinfo, or os.arch where there is none. */
    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // fall through: not Linux
        }
        return System.getProperty("os.arch");
    }

    /**
     * Epoch times of {@code netc train samples/nets/mnist_mlp.net} with the CLI's defaults (optimizer, batch,
     * threads, schedule, kernel warm-up before epoch 1), 3 epochs ({@code --quick}: 2) on the full Fashion-MNIST,
     * timed by the Trainer.
     */
    private void epochs() throws IOException {
        Path full = Path.of(TrainThroughput.DEFAULT_DATA);
        DataSplit data = Files.isDirectory(full) ? FashionMnist.load(full) : FashionMnist.loadEmbedded();
        Compilation c = NetCompiler.compile(NetCompiler.read(Path.of(BenchNet.FILES.get("mlp"))),
                NetCompiler.Options.defaults());
        Network network = Compilation.instantiate(c.loadClass().type());
        float[] params = Initializer.initialize(network.spec(), TrainingDefaults.SEED);
        int epochs = quick ? 2 : 3;
        List<Integer> switches = new ArrayList<>();
        // As TrainCommand builds it: the default optimizer, and the kernels warmed before epoch 1's clock starts.
        Trainer trainer = Trainer.builder(network).optimizer(TrainingDefaults.optimizer())
                .epochs(epochs).batchSize(TrainingDefaults.BATCH_SIZE).threads(TrainingDefaults.threads())
                .seed(TrainingDefaults.SEED).schedule(TrainingDefaults.SCHEDULE)
                .warmKernels(TrainingDefaults.WARM_KERNELS_SECONDS).listener(new ProgressListener() {
                    @Override
                    public void epochDone(EpochReport report) {
                    }

                    @Override
                    public void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
                        // the defaults move the steps to one thread while two run slower: the rows say when
                        switches.add(threads);
                    }
                }).build();
        System.out.printf(Locale.ROOT, "TableRound: round %d, %d epochs of the MLP (%d training samples)%n", round,
                epochs, data.train().n());
        for (EpochReport e : trainer.train(params, data.train(), data.test())) {
            write(row("epoch:mlp", TrainingDefaults.BATCH_SIZE, TrainingDefaults.THREADS, e.seconds(), "s")
                    .put("epoch", e.epoch()).put("samples", data.train().n())
                    .put("test_accuracy", Math.round(e.testAccuracy() * 1e4) / 1e4)
                    .put("thread_switches", switches.toString()));
        }
    }
}
