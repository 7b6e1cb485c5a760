package netc.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;
import netc.runtime.data.FashionMnist;
import netc.runtime.train.Initializer;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.Momentum;
import netc.runtime.train.Optimizer;
import netc.runtime.train.Sgd;
import netc.runtime.train.StepUpdate;

/**
 * Training throughput of a compiled network, measured the way {@code shared/peers/torch_mlp.py --part train} measures
 * PyTorch, so that the two numbers can be put side by side (see {@code benchmarks/run-peer.sh}).
 *
 * <p>Per configuration (kernel style x threads x batch size): a fresh instance of the compiled class, weights from
 * {@code Initializer.initialize(spec, 0)}, plain SGD with learning rate 0.1 (or, with {@code --optimizer momentum},
 * SGD with momentum in PyTorch's form, {@code --momentum 0.9}, as {@code shared/peers/torch_cnn.py} trains the
 * convnet: {@code --optimizer momentum --lr 0.01}). One step = copy the next contiguous
 * slice of the training set into the batch buffers (the {@link Network} API takes no offset; torch slices a view,
 * and the copy is about 0.4 MB at batch 128), {@code lossAndGradient}, the optimizer's {@code step} on the network's
 * threads, as {@code netc train} runs it ({@code StepUpdate}; bitwise the serial step). Warm-up: at least 1 s and
 * 50 steps. Then the number of steps per repeat is calibrated to about 0.7 s exactly like {@code common.calibrate},
 * and 7 repeats are timed; the reported value is the median of the per-repeat samples/s, with min and max.
 *
 * <p>Warm-up differs in one respect, because PyTorch has no JIT: after the 1 s / 50 steps, stepping continues until
 * the JIT compilers have been idle for {@code --jit-quiet-seconds} (0.5 s; at most {@code --jit-max-seconds}).
 * Measured with {@code -XX:+PrintCompilation}: the 2,000-odd tile calls per step take 5-7 s to reach C2 on this
 * 2-core machine (C2 competes with the benchmark for the cores), so a 1 s warm-up times partly C1 code.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.TrainThroughput \
 *     [samples/nets/mnist_mlp.net] [--batches 128[,512..]] [--threads 2[,1..]] [--scalar | --styles vector,scalar]
 *     [--repeats 7] [--jsonl FILE] [--tag TEXT] [--data DIR] [--target-seconds 0.7] [--warmup-seconds 1]
 *     [--lr 0.1] [--optimizer sgd|momentum] [--momentum 0.9]
 * </pre>
 *
 * <p>For the convnet next to {@code torch_cnn.py --part train} (2 s warm-up there, 5 repeats of about 1.5 s):
 * {@code samples/nets/convnet.net --batches 64 --optimizer momentum --lr 0.01 --target-seconds 1.5 --repeats 5}.
 *
 * <p>Prints one human-readable line per configuration on stdout and, with {@code --jsonl}, appends one JSON object
 * per configuration to that file (field names follow {@code common.emit}).
 */
public final class TrainThroughput {

    static final String DEFAULT_NET = "samples/nets/mnist_mlp.net";
    static final String DEFAULT_DATA = "/usr/share/datasets/fashion-mnist";

    private TrainThroughput() {
    }

    /** Parsed command line. */
    static final class Args {
        Path net = Path.of(DEFAULT_NET);
        int[] batches = {128};
        int[] threads = {2};
        List<String> styles = List.of("vector");
        int repeats = 7;
        double targetSeconds = 0.7;
        double warmupSeconds = 1.0;
        int warmupSteps = 50;
        double jitQuietSeconds = 0.5;
        double jitMaxSeconds = 20;
        double lr = 0.1;
        String optimizer = "sgd";
        double momentum = Momentum.DEFAULT_MOMENTUM;
        Path jsonl;
        String tag = "";
        Path data = Path.of(DEFAULT_DATA);

        static Args parse(String[] argv) {
            Args a = new Args();
            for (int i = 0; i < argv.length; i++) {
                String s = argv[i];
                switch (s) {
                    case "--batches": a.batches = ints(value(argv, ++i, s)); break;
                    case "--threads": a.threads = ints(value(argv, ++i, s)); break;
                    case "--scalar": a.styles = List.of("scalar"); break;
                    case "--styles": a.styles = styles(value(argv, ++i, s)); break;
                    case "--repeats": a.repeats = Integer.parseInt(value(argv, ++i, s)); break;
                    case "--target-seconds": a.targetSeconds = Double.parseDouble(value(argv, ++i, s)); break;
                    case "--warmup-seconds": a.warmupSeconds = Double.parseDouble(value(argv, ++i, s)); break;
                    case "--warmup-steps": a.warmupSteps = Integer.parseInt(value(argv, ++i, s)); break;
                    case "--jit-quiet-seconds": a.jitQuietSeconds = Double.parseDouble(value(argv, ++i, s)); break;
                    case "--jit-max-seconds": a.jitMaxSeconds = Double.parseDouble(value(argv, ++i, s)); break;
                    case "--lr": a.lr = Double.parseDouble(value(argv, ++i, s)); break;
                    case "--optimizer": a.optimizer = optimizer(value(argv, ++i, s)); break;
                    case "--momentum": a.momentum = Double.parseDouble(value(argv, ++i, s)); break;
                    case "--jsonl": a.jsonl = Path.of(value(argv, ++i, s)); break;
                    case "--tag": a.tag = value(argv, ++i, s); break;
                    case "--data": a.data = Path.of(value(argv, ++i, s)); break;
                    case "-h":
                    case "--help":
                        throw new IllegalArgumentException("usage");
                    default:
                        if (s.startsWith("-")) {
                            throw new IllegalArgumentException("unknown option " + s);
                        }
                        a.net = Path.of(s);
                }
            }
            if (a.repeats < 1 || a.targetSeconds <= 0) {
                throw new IllegalArgumentException("--repeats must be >= 1 and --target-seconds > 0");
            }
            return a;
        }

        private static String value(String[] argv, int i, String option) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return argv[i];
        }

        static int[] ints(String list) {
            int[] v = Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
            for (int x : v) {
                if (x < 1) {
                    throw new IllegalArgumentException("values must be >= 1: " + list);
                }
            }
            return v;
        }

        /** Comma-separated ints, each >= 0. */
        static int[] ints0(String list) {
            return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
        }

        private static String optimizer(String name) {
            if (!name.equals("sgd") && !name.equals("momentum")) {
                throw new IllegalArgumentException("optimizers are sgd and momentum, got " + name);
            }
            return name;
        }

        /** A fresh optimizer as configured (its state starts at zero). */
        Optimizer newOptimizer() {
            return optimizer.equals("momentum") ? new Momentum(lr, momentum) : new Sgd(lr);
        }

        /** How the rows describe the optimizer, in torch_mlp.py's / torch_cnn.py's words. */
        String describeOptimizer() {
            return optimizer.equals("momentum") ? "SGD lr=" + lr + " momentum=" + momentum
                    : "SGD lr=" + lr + " no momentum";
        }

        private static List<String> styles(String list) {
            List<String> v = new ArrayList<>();
            for (String s : list.split(",")) {
                s = s.trim();
                if (!s.equals("vector") && !s.equals("scalar")) {
                    throw new IllegalArgumentException("kernel styles are vector and scalar, got " + s);
                }
                v.add(s);
            }
            return v;
        }
    }

    public static void main(String[] argv) throws IOException {
        Args args;
        try {
            args = Args.parse(argv);
        } catch (IllegalArgumentException e) {
            System.err.println("TrainThroughput: " + e.getMessage());
            System.err.println("usage: TrainThroughput [NET] [--batches 128,...] [--threads 2,...] [--scalar] "
                    + "[--styles vector,scalar] [--repeats 7] [--jsonl FILE] [--tag TEXT] [--data DIR] "
                    + "[--target-seconds 0.7] [--warmup-seconds 1] [--warmup-steps 50] [--jit-quiet-seconds 0.5] "
                    + "[--jit-max-seconds 20] [--lr 0.1] [--optimizer sgd|momentum] [--momentum 0.9]");
            System.exit(2);
            return;
        }
        if (args.styles.contains("vector") && !JaninoLoader.vectorApiAvailable()) {
            System.err.println("TrainThroughput: the vector kernels need 'java --add-modules jdk.incubator.vector'"
                    + " (or pass --scalar)");
            System.exit(2);
        }
        Dataset train = FashionMnist.load(args.data).train();
        for (String style : args.styles) {
            long c0 = System.nanoTime();
            Compilation compilation = NetCompiler.compile(NetCompiler.read(args.net),
                    NetCompiler.Options.defaults().withVector(style.equals("vector")));
            Class<?> type = compilation.loadClass().type();
            double compileMs = (System.nanoTime() - c0) / 1e6;
            long macs = forwardMacs(compilation.model().graph());
            for (int threads : args.threads) {
                for (int batch : args.batches) {
                    JsonLine row = measure(args, train, type, style, threads, batch, compileMs, macs);
                    if (args.jsonl != null) {
                        row.appendTo(args.jsonl);
                    }
                }
            }
        }
    }

    /** One configuration: warm-up, calibration, timed repeats; prints the human-readable line. */
    static JsonLine measure(Args args, Dataset train, Class<?> type, String style, int threads, int batch,
                            double compileMs, long forwardMacs) {
        Network network = Compilation.instantiate(type);
        ModelSpec spec = network.spec();
        train.requireFits(spec);
        if (batch > train.n()) {
            throw new IllegalArgumentException("batch " + batch + " exceeds the " + train.n() + " training samples");
        }
        try (Parallel pool = Parallel.threads(threads)) {
            network.setParallel(pool);
            Stepper step = new Stepper(network, train, batch, args.newOptimizer(), pool);
            long w0 = System.nanoTime();
            long end = w0 + (long) (args.warmupSeconds * 1e9);
            int k = 0;
            while (System.nanoTime() < end || k < args.warmupSteps) {
                step.run(1);
                k++;
            }
            boolean jitQuiet = JitQuiet.await(() -> step.run(1), args.jitQuietSeconds, args.jitMaxSeconds);
            double warmupS = (System.nanoTime() - w0) / 1e9;
            int inner = calibrate(step, args.targetSeconds);
            CpuProbe probe = new CpuProbe();
            double[] rates = new double[args.repeats];
            for (int r = 0; r < args.repeats; r++) {
                long t0 = System.nanoTime();
                step.run(inner);
                rates[r] = (double) inner * batch / ((System.nanoTime() - t0) / 1e9);
            }
            Map<String, Object> noise = probe.stop();
            double lossAfter = step.run(1);
            network.setParallel(Parallel.serial());

            double med = median(rates);
            double min = Arrays.stream(rates).min().orElse(Double.NaN);
            double max = Arrays.stream(rates).max().orElse(Double.NaN);
            double fwdFlop = 2.0 * forwardMacs;
            String name = spec.name();
            System.out.printf(Locale.ROOT, "netc %s train %s kernel=%s threads=%d batch=%d: median %,.0f samples/s "
                            + "[min %,.0f, max %,.0f] (%d x %d steps, %.3f ms/step, %.1f GFLOP/s nominal, "
                            + "foreign cpu %s%%, core round trip %s ns, loss %.4f)%n", name, args.optimizer, style,
                    threads, batch, med, min,
                    max, args.repeats, inner, 1e3 * batch / med, med * 3 * fwdFlop / 1e9,
                    noise.get("foreign_cpu_pct"), noise.get("core_round_trip_ns"), lossAfter);
            return new JsonLine("netc_" + name + "_train_" + args.optimizer, batch, threads, round1(med), "samples/s")
                    .put("model", name).put("tag", args.tag).put("kernel", style)
                    .put("us_per_step", round2(1e6 * batch / med))
                    .put("gflops_nominal", round2(med * 3 * fwdFlop / 1e9))
                    .put("rate_min", round1(min)).put("rate_max", round1(max))
                    .put("rates", roundAll(rates))
                    .put("repeats", args.repeats).put("steps_per_repeat", inner)
                    .put("warmup_s", round2(warmupS)).put("jit_quiet", jitQuiet)
                    .put("optimizer", args.describeOptimizer())
                    .put("data", "fashion-mnist train slices (copied into the batch buffer)")
                    .put("loss_after", Math.round(lossAfter * 1e4) / 1e4)
                    .putAll(noise)
                    .put("compile_ms", round1(compileMs))
                    .put("net_file", args.net.toString())
                    .put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"))
                    .put("vector_api", JaninoLoader.vectorApiAvailable())
                    .put("note", "gflops_nominal = 3 x forward FLOP (" + Math.round(fwdFlop)
                            + " per sample: 2 x the multiply-adds of the matrix products, convolutions per pixel)");
        }
    }

    /** The training loop body, with its own cursor over contiguous slices of the training set. */
    static final class Stepper {
        private final Network network;
        private final float[] trainX;
        private final float[] trainY;
        private final int batch;
        private final int inSize;
        private final int tv;
        private final int nBatches;
        private final float[] params;
        private final float[] grad;
        private final float[] xb;
        private final float[] yb;
        /** The optimizer's step as the Trainer runs it: cut over the threads tensor by tensor. */
        private final StepUpdate update;
        private final Parallel pool;
        private int cursor;

        /** Steps {@code network} on {@code train}; the optimizer's step runs on {@code pool}, the network's threads. */
        Stepper(Network network, Dataset train, int batch, Optimizer optimizer, Parallel pool) {
            this.network = network;
            this.trainX = train.x();
            this.trainY = train.y();
            this.batch = batch;
            this.inSize = train.inputSize();
            this.tv = train.targetValues();
            this.nBatches = train.n() / batch;
            this.params = Initializer.initialize(network.spec(), 0);
            this.grad = new float[params.length];
            this.xb = new float[batch * inSize];
            this.yb = new float[batch * tv];
            this.update = new StepUpdate(network.spec(), optimizer, LearningRateSchedule.CONSTANT, 0, 0, 0);
            this.pool = pool;
        }

        /** Runs {@code steps} steps; returns the loss of the last. */
        double run(int steps) {
            double loss = Double.NaN;
            for (int s = 0; s < steps; s++) {
                int i = cursor;
                cursor = (i + 1) % nBatches;
                System.arraycopy(trainX, i * batch * inSize, xb, 0, batch * inSize);
                System.arraycopy(trainY, i * batch * tv, yb, 0, batch * tv);
                loss = network.lossAndGradient(params, xb, yb, batch, grad, null);
                update.apply(params, grad, 0, 1, pool);
            }
            return loss;
        }
    }

    /** As {@code common.calibrate}: steps that take about {@code targetSeconds}, at least 3. */
    static int calibrate(Stepper step, double targetSeconds) {
        int n = 1;
        while (true) {
            long t0 = System.nanoTime();
            step.run(n);
            double dt = (System.nanoTime() - t0) / 1e9;
            if (dt >= 0.05) {
                return Math.max(3, (int) (n * targetSeconds / dt));
            }
            n *= 4;
        }
    }

    /**
     * Multiply-adds per sample of the forward graph's matrix products: for each {@code mat_vec}, the size of its
     * matrix times the pixels it is applied to (1 for a vector; H x W for an image, so a convolution counts every
     * output pixel). For a dense net this is the size of its weight matrices; for the convnet it matches
     * {@code FWD_FLOP / 2} of torch_cnn.py.
     */
    static long forwardMacs(Graph forward) {
        long macs = 0;
        for (Node n : forward.nodes()) {
            if (n.op() == Op.MAT_VEC) {
                macs += (long) n.input(0).shape().size() * (n.shape().size() / n.shape().dim(0));
            }
        }
        return macs;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static double round2(double v) {
        return Math.round(v * 100) / 100.0;
    }

    private static List<Object> roundAll(double[] v) {
        List<Object> out = new ArrayList<>();
        for (double x : v) {
            out.add(round1(x));
        }
        return out;
    }
}
