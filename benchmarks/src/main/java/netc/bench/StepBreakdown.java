package netc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;
import netc.runtime.data.FashionMnist;
import netc.runtime.train.Initializer;
import netc.runtime.train.Sgd;

/**
 * Where the time of one training step goes: batch copy, {@code lossAndGradient} stage by stage, and the SGD update.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.StepBreakdown \
 *     [samples/nets/mnist_mlp.net] [--batch 128] [--threads 1,2] [--repeats 7] [--seconds 0.5] [--scalar]
 *     [--dump-source DIR] [--jsonl FILE] [--tag TEXT] [--skip step,kernels]
 * </pre>
 *
 * <p>Three measurements per thread count, each the median (with min and max) over {@code --repeats} repeats of about
 * {@code --seconds} each, after a 2 s warm-up:
 * <ol>
 *   <li><b>step</b>: the original generated class; copy, {@code lossAndGradient} and the update (the Trainer's
 *       finite check and {@code Momentum.step}, on the pool, and on more threads also serially) each timed
 *       with {@code System.nanoTime}, and the bytes the calling thread allocates per step;
 *   <li><b>stages</b>: an instrumented copy of the class ({@link TimedSource}) in which each stage call of
 *       {@code lossAndGradient} is timed from the caller (so a 2-thread stage includes the hand-off and the wait
 *       for the worker);
 *   <li><b>kernels</b> (once, one thread): every gemm stage called on its own through {@code runStage} on all rows,
 *       and its epilogue on its own, so the matmul proper and the elementwise epilogue can be told apart.
 * </ol>
 * The chunked hand-off that {@code netc.runtime.Parallel} now uses was first measured here against the fixed split
 * as a prototype (results/2026-11-27-step-breakdown.md, section 4).
 */
public final class StepBreakdown {

    private StepBreakdown() {
    }

    public static void main(String[] argv) throws IOException {
        Path net = Path.of(TrainThroughput.DEFAULT_NET);
        Path data = Path.of(TrainThroughput.DEFAULT_DATA);
        int batch = 128;
        int[] threadsList = {1, 2};
        int repeats = 7;
        double seconds = 0.5;
        boolean vector = true;
        Path dump = null;
        Path jsonl = null;
        String tag = "";
        String skip = "";
        for (int i = 0; i < argv.length; i++) {
            String s = argv[i];
            switch (s) {
                case "--batch": batch = Integer.parseInt(argv[++i]); break;
                case "--threads": threadsList = TrainThroughput.Args.ints(argv[++i]); break;
                case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
                case "--seconds": seconds = Double.parseDouble(argv[++i]); break;
                case "--scalar": vector = false; break;
                case "--skip": skip = argv[++i]; break;
                case "--dump-source": dump = Path.of(argv[++i]); break;
                case "--jsonl": jsonl = Path.of(argv[++i]); break;
                case "--tag": tag = argv[++i]; break;
                case "--data": data = Path.of(argv[++i]); break;
                default:
                    if (s.startsWith("-")) {
                        System.err.println("StepBreakdown: unknown option " + s);
                        System.exit(2);
                    }
                    net = Path.of(s);
            }
        }
        if (vector && !JaninoLoader.vectorApiAvailable()) {
            System.err.println("StepBreakdown: needs 'java --add-modules jdk.incubator.vector' (or --scalar)");
            System.exit(2);
        }
        Compilation compilation = NetCompiler.compile(NetCompiler.read(net),
                NetCompiler.Options.defaults().withVector(vector));
        TimedSource timed = TimedSource.instrument(compilation.javaSource());
        String pkg = compilation.emitOptions().packageName();
        Class<?> plainType = compilation.loadClass().type();
        Class<?> timedType = JaninoLoader.compile((pkg.isEmpty() ? "" : pkg + ".") + timed.timedName, timed.source,
                Network.class.getClassLoader()).type();
        if (dump != null) {
            Files.createDirectories(dump);
            Files.writeString(dump.resolve(timed.className + ".java"), compilation.javaSource(), StandardCharsets.UTF_8);
            Files.writeString(dump.resolve(timed.timedName + ".java"), timed.source, StandardCharsets.UTF_8);
        }
        Dataset train = FashionMnist.load(data).train();
        System.out.printf(Locale.ROOT, "StepBreakdown: %s, %s kernels, batch %d, %d repeats of ~%.2f s, JVM %s %s%n",
                net, vector ? "vector" : "scalar", batch, repeats, seconds, System.getProperty("java.vm.name"),
                System.getProperty("java.version"));

        Bench b = new Bench(train, batch, repeats, seconds, jsonl, tag, vector ? "vector" : "scalar");
        for (int threads : threadsList) {
            if (!skip.contains("step")) {
                b.step(plainType, threads, false);
                if (threads > 1 && !skip.contains("serial")) {
                    b.step(plainType, threads, true);
                }
            }
            b.stages(timedType, timed, threads);
        }
        if (!skip.contains("kernels")) {
            b.kernels(timedType, timed);
        }
    }

    /** Shared state of the three measurements. */
    static final class Bench {
        final Dataset train;
        final int batch;
        final int repeats;
        final double seconds;
        final Path jsonl;
        final String tag;
        final String style;
        final float[] xb;
        final float[] yb;
        final int nBatches;
        int cursor;

        Bench(Dataset train, int batch, int repeats, double seconds, Path jsonl, String tag, String style) {
            this.train = train;
            this.batch = batch;
            this.repeats = repeats;
            this.seconds = seconds;
            this.jsonl = jsonl;
            this.tag = tag;
            this.style = style;
            this.xb = new float[batch * train.inputSize()];
            this.yb = new float[batch * train.targetValues()];
            this.nBatches = train.n() / batch;
        }

        void copyNext() {
            int i = cursor;
            cursor = (i + 1) % nBatches;
            int in = train.inputSize();
            int tv = train.targetValues();
            System.arraycopy(train.x(), i * batch * in, xb, 0, batch * in);
            System.arraycopy(train.y(), i * batch * tv, yb, 0, batch * tv);
        }

        /** Warm-up (2 s and 50 steps, then until the JIT is quiet); returns steps per repeat of ~{@code seconds}. */
        int warmUp(Runnable step) {
            long t0 = System.nanoTime();
            int k = 0;
            while (System.nanoTime() - t0 < 2_000_000_000L || k < 50) {
                step.run();
                k++;
            }
            JitQuiet.await(step, 0.5, 20);
            t0 = System.nanoTime();
            for (int j = 0; j < 20; j++) {
                step.run();
            }
            double perStep = (System.nanoTime() - t0) / 1e9 / 20;
            return Math.max(3, (int) (seconds / perStep));
        }

        /** Measurement 1: the plain class, copy / lossAndGradient / update timed apart. */
        void step(Class<?> type, int threads, boolean serialUpdate) throws IOException {
            Network net = Compilation.instantiate(type);
            float[] params = Initializer.initialize(net.spec(), 0);
            float[] grad = new float[params.length];
            // what the Trainer does with the CLI defaults: the finite check, then momentum (tiny rate: stays stable)
            netc.runtime.train.Momentum momentum = new netc.runtime.train.Momentum(1e-4, 0.9);
            // as the Trainer cuts both over the threads: tensor by tensor (StepUpdate, FiniteCheck(network))
            netc.runtime.train.StepUpdate update = new netc.runtime.train.StepUpdate(net.spec(), momentum,
                    netc.runtime.train.LearningRateSchedule.CONSTANT, 0, 0, 0);
            netc.runtime.train.FiniteCheck check = new netc.runtime.train.FiniteCheck(net);
            long[] parts = new long[4];
            com.sun.management.ThreadMXBean tmx =
                    (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            try (Parallel pool = Parallel.threads(threads)) {
                net.setParallel(pool);
                Runnable step = () -> {
                    long t0 = System.nanoTime();
                    copyNext();
                    long t1 = System.nanoTime();
                    net.lossAndGradient(params, xb, yb, batch, grad, null);
                    long t2 = System.nanoTime();
                    if (serialUpdate) {
                        finiteSink += netc.runtime.train.FiniteCheck.allFinite(grad, 0, grad.length) ? 1 : 0;
                    } else {
                        finiteSink += check.allFinite(grad, pool) ? 1 : 0;
                    }
                    long t3 = System.nanoTime();
                    if (serialUpdate) {
                        momentum.step(params, grad);
                    } else {
                        update.apply(params, grad, 0, 1, pool);
                    }
                    long t4 = System.nanoTime();
                    parts[0] += t1 - t0;
                    parts[1] += t2 - t1;
                    parts[2] += t3 - t2;
                    parts[3] += t4 - t3;
                };
                int steps = warmUp(step);
                double[] total = new double[repeats];
                double[][] part = new double[4][repeats];
                double[] alloc = new double[repeats];
                CpuProbe probe = new CpuProbe();
                for (int r = 0; r < repeats; r++) {
                    Arrays.fill(parts, 0);
                    long a0 = tmx.getCurrentThreadAllocatedBytes();
                    long t0 = System.nanoTime();
                    for (int s = 0; s < steps; s++) {
                        step.run();
                    }
                    total[r] = (System.nanoTime() - t0) / 1e3 / steps;
                    alloc[r] = (double) (tmx.getCurrentThreadAllocatedBytes() - a0) / steps;
                    for (int p = 0; p < 4; p++) {
                        part[p][r] = parts[p] / 1e3 / steps;
                    }
                }
                Map<String, Object> noise = probe.stop();
                net.setParallel(Parallel.serial());
                double med = TrainThroughput.median(total);
                System.out.printf(Locale.ROOT, "%n== step, %d thread(s), %s update: %.0f us/step median [%.0f-%.0f] = %,.0f "
                                + "samples/s (%d x %d steps; foreign cpu %s%%, steal %s%%, core round trip %s ns)%n",
                        threads,
                        serialUpdate ? "serial" : "pool", med,
                        min(total), max(total), batch * 1e6 / med, repeats, steps, noise.get("foreign_cpu_pct"),
                        noise.get("steal_pct"), noise.get("core_round_trip_ns"));
                String[] names = {"batch copy", "lossAndGradient", "finite check", "momentum"};
                for (int p = 0; p < 4; p++) {
                    double m = TrainThroughput.median(part[p]);
                    System.out.printf(Locale.ROOT, "   %-16s %8.1f us [%.1f-%.1f]  %5.1f%%%n", names[p], m,
                            min(part[p]), max(part[p]), 100 * m / med);
                }
                System.out.printf(Locale.ROOT, "   allocated by the calling thread: %.0f bytes/step (median)%n",
                        TrainThroughput.median(alloc));
                emit(new JsonLine("netc_breakdown_step", batch, threads, TrainThroughput.round1(med), "us/step")
                        .put("us_min", TrainThroughput.round1(min(total)))
                        .put("us_max", TrainThroughput.round1(max(total)))
                        .put("copy_us", TrainThroughput.round2(TrainThroughput.median(part[0])))
                        .put("loss_and_gradient_us", TrainThroughput.round1(TrainThroughput.median(part[1])))
                        .put("finite_check_us", TrainThroughput.round2(TrainThroughput.median(part[2])))
                        .put("optimizer_us", TrainThroughput.round2(TrainThroughput.median(part[3])))
                        .put("update", serialUpdate ? "serial finite check + momentum" : "finite check + momentum on the pool")
                        .put("alloc_bytes_per_step", TrainThroughput.median(alloc))
                        .put("steps_per_repeat", steps).putAll(noise));
            }
        }

        /** Measurement 2: the instrumented class, per-stage wall time seen by the caller. */
        void stages(Class<?> type, TimedSource timed, int threads) throws IOException {
            Network net = Compilation.instantiate(type);
            long[] stageNs = stageArray(type);
            float[] params = Initializer.initialize(net.spec(), 0);
            float[] grad = new float[params.length];
            Sgd sgd = new Sgd(0.1);
            long[] lg = new long[1];
            try (Parallel pool = Parallel.threads(threads)) {
                net.setParallel(pool);
                Runnable step = () -> {
                    copyNext();
                    long t0 = System.nanoTime();
                    net.lossAndGradient(params, xb, yb, batch, grad, null);
                    lg[0] += System.nanoTime() - t0;
                    sgd.step(params, grad);
                };
                int steps = warmUp(step);
                List<TimedSource.Stage> st = timed.stages;
                double[][] per = new double[st.size()][repeats];
                double[] lgUs = new double[repeats];
                double[] matmul = new double[repeats];
                double[] rows = new double[repeats];
                CpuProbe probe = new CpuProbe();
                for (int r = 0; r < repeats; r++) {
                    Arrays.fill(stageNs, 0);
                    lg[0] = 0;
                    for (int s = 0; s < steps; s++) {
                        step.run();
                    }
                    lgUs[r] = lg[0] / 1e3 / steps;
                    for (int i = 0; i < st.size(); i++) {
                        per[i][r] = stageNs[st.get(i).id()] / 1e3 / steps;
                        if (st.get(i).isGemm()) {
                            matmul[r] += per[i][r];
                        } else {
                            rows[r] += per[i][r];
                        }
                    }
                }
                Map<String, Object> noise = probe.stop();
                net.setParallel(Parallel.serial());
                double lgMed = TrainThroughput.median(lgUs);
                System.out.printf(Locale.ROOT, "%n== stages of lossAndGradient, %d thread(s)%s, instrumented class: "
                                + "%.0f us per call median [%.0f-%.0f] = %,.0f samples/s without copy and SGD (foreign cpu "
                                + "%s%%, core round trip %s ns)%n", threads, " via netc.runtime.Parallel", lgMed,
                        min(lgUs), max(lgUs), batch * 1e6 / lgMed, noise.get("foreign_cpu_pct"),
                        noise.get("core_round_trip_ns"));
                System.out.println("   stage  call                              form  M x N x K        split   "
                        + "us median [min-max]      share  GFLOP/s");
                for (int i = 0; i < st.size(); i++) {
                    TimedSource.Stage s = st.get(i);
                    double m = TrainThroughput.median(per[i]);
                    String shape = s.isGemm() ? s.m() + "x" + s.n() + "x" + s.k() : "";
                    String gf = s.isGemm() ? String.format(Locale.ROOT, "%6.1f", s.flop(batch) / (m * 1e3)) : "";
                    System.out.printf(Locale.ROOT, "   %5d  %-32s  %-4s  %-15s  %-6s  %8.1f [%.1f-%.1f]%s  %5.1f%%  %s%n",
                            s.id(), s.call() + (s.hasEpilogue() ? "+epi" : ""), s.isGemm() ? s.form() : "row",
                            shape, s.parallel() ? s.rows(batch) + "r" : "serial", m, min(per[i]), max(per[i]),
                            pad(min(per[i]), max(per[i])), 100 * m / lgMed, gf);
                    emit(new JsonLine("netc_breakdown_stage", batch, threads, TrainThroughput.round2(m), "us/step")
                            .put("parallel_impl", "runtime")
                            .put("stage", s.id()).put("call", s.call()).put("form", s.isGemm() ? s.form() : "row")
                            .put("shape", shape).put("parallel", s.parallel())
                            .put("us_min", TrainThroughput.round2(min(per[i])))
                            .put("us_max", TrainThroughput.round2(max(per[i])))
                            .put("gflops", s.isGemm() ? TrainThroughput.round1(s.flop(batch) / (m * 1e3)) : null)
                            .putAll(noise));
                }
                double mm = TrainThroughput.median(matmul);
                double rw = TrainThroughput.median(rows);
                double flop = 0;
                for (TimedSource.Stage s : st) {
                    flop += s.flop(batch);
                }
                System.out.printf(Locale.ROOT, "   gemm stages (incl. fused epilogues) %.0f us (%.1f%%, %.1f GFLOP/s over "
                                + "%.1f MFLOP), row stages %.0f us (%.1f%%), rest of lossAndGradient %.0f us%n", mm,
                        100 * mm / lgMed, flop / (mm * 1e3), flop / 1e6, rw, 100 * rw / lgMed, lgMed - mm - rw);
                emit(new JsonLine("netc_breakdown_loss_and_gradient", batch, threads, TrainThroughput.round1(lgMed),
                        "us/call").put("parallel_impl", "runtime")
                        .put("us_min", TrainThroughput.round1(min(lgUs))).put("us_max", TrainThroughput.round1(max(lgUs)))
                        .put("gemm_us", TrainThroughput.round1(mm)).put("row_us", TrainThroughput.round1(rw))
                        .putAll(noise));
            }
        }

        /** Measurement 3: each gemm stage alone on one thread, and its epilogue alone. */
        void kernels(Class<?> type, TimedSource timed) throws IOException {
            Network net = Compilation.instantiate(type);
            float[] params = Initializer.initialize(net.spec(), 0);
            float[] grad = new float[params.length];
            Sgd sgd = new Sgd(0.1);
            // one real step first so that every buffer holds realistic values (ReLU zeros, softmax outputs)
            copyNext();
            net.lossAndGradient(params, xb, yb, batch, grad, null);
            java.lang.reflect.Method bind;
            java.lang.reflect.Method runStage;
            java.lang.reflect.Method epilogue;
            try {
                bind = type.getMethod("bind", float[].class, float[].class, float[].class, int.class, float[].class);
                runStage = type.getMethod("runStage", int.class, int.class, int.class);
                epilogue = type.getMethod("epilogue", int.class, int.class, int.class);
                bind.invoke(net, params, xb, yb, batch, grad);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            netc.runtime.StageRunner runner = (netc.runtime.StageRunner) net;
            System.out.printf(Locale.ROOT, "%n== kernels alone, 1 thread, batch %d (runStage on all rows; the "
                    + "epilogue alone; median of %d repeats)%n", batch, repeats);
            System.out.println("   stage  kernel    form  M x N x K        total us   GFLOP/s   epilogue us   "
                    + "matmul-only GFLOP/s");
            double sumTotal = 0;
            double sumEpi = 0;
            for (TimedSource.Stage s : timed.stages) {
                if (!s.isGemm()) {
                    continue;
                }
                int rows = s.rows(batch);
                Runnable kernel = () -> runner.runStage(s.id(), 0, rows);
                double total = timeCalls(kernel);
                double epi = 0;
                if (s.hasEpilogue()) {
                    Runnable e = () -> {
                        try {
                            epilogue.invoke(net, s.id(), 0, rows);
                        } catch (ReflectiveOperationException ex) {
                            throw new IllegalStateException(ex);
                        }
                    };
                    epi = timeCalls(e);
                }
                sumTotal += total;
                sumEpi += epi;
                double flop = s.flop(batch);
                System.out.printf(Locale.ROOT, "   %5d  %-8s  %-4s  %-15s  %8.1f  %8.1f   %11.1f   %8.1f%n", s.id(),
                        s.gemm(), s.form(), s.m() + "x" + s.n() + "x" + s.k(), total, flop / (total * 1e3), epi,
                        flop / ((total - epi) * 1e3));
                emit(new JsonLine("netc_breakdown_kernel", batch, 1, TrainThroughput.round2(total), "us/call")
                        .put("stage", s.id()).put("kernel", s.gemm()).put("form", s.form())
                        .put("shape", s.m() + "x" + s.n() + "x" + s.k())
                        .put("gflops", TrainThroughput.round1(flop / (total * 1e3)))
                        .put("epilogue_us", TrainThroughput.round2(epi)));
            }
            // the optimizer and the copy alone, for reference
            double sgdUs = timeCalls(() -> sgd.step(params, grad));
            netc.runtime.train.Momentum momentum = new netc.runtime.train.Momentum(1e-9, 0.9);
            double momUs = timeCalls(() -> momentum.step(params, grad));
            double finiteUs = timeCalls(() -> finiteSink += netc.runtime.train.FiniteCheck.allFinite(grad, 0,
                    grad.length) ? 1 : 0);
            double copyUs = timeCalls(this::copyNext);
            int[] order = new int[train.n()];
            for (int i = 0; i < order.length; i++) {
                order[i] = (int) ((i * 2654435761L) % order.length);
            }
            double gatherUs = timeCalls(() -> train.copyBatch(order, 0, batch, xb, yb));
            System.out.printf(Locale.ROOT, "   sum of gemm stages %.0f us, of which epilogues %.0f us (%.1f%%)%n",
                    sumTotal, sumEpi, 100 * sumEpi / sumTotal);
            System.out.printf(Locale.ROOT, "   serial per-step work outside lossAndGradient: Sgd.step %.0f us, "
                    + "Momentum.step %.0f us, Trainer's finite check %.0f us, contiguous batch copy %.1f us, "
                    + "shuffled gather (Dataset.copyBatch) %.1f us%n", sgdUs, momUs, finiteUs, copyUs, gatherUs);
        }

        /** Median microseconds per call over {@code repeats} repeats of about seconds / 3 each. */
        double timeCalls(Runnable r) {
            long t0 = System.nanoTime();
            int k = 0;
            while (System.nanoTime() - t0 < 300_000_000L || k < 20) {
                r.run();
                k++;
            }
            double per = (System.nanoTime() - t0) / 1e9 / k;
            if (JitQuiet.await(r, 0.3, 10)) {
                long t1 = System.nanoTime();
                for (int i = 0; i < 10; i++) {
                    r.run();
                }
                per = (System.nanoTime() - t1) / 1e9 / 10;
            }
            int calls = Math.max(3, (int) (seconds / 3 / per));
            double[] us = new double[repeats];
            for (int i = 0; i < repeats; i++) {
                long s = System.nanoTime();
                for (int c = 0; c < calls; c++) {
                    r.run();
                }
                us[i] = (System.nanoTime() - s) / 1e3 / calls;
            }
            return TrainThroughput.median(us);
        }

        void emit(JsonLine row) throws IOException {
            row.put("tag", tag).put("kernel_style", style);
            if (jsonl != null) {
                row.appendTo(jsonl);
            }
        }
    }

    static volatile int finiteSink;

    private static long[] stageArray(Class<?> type) {
        try {
            return (long[]) type.getField("STAGE_NS").get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pad(double lo, double hi) {
        int len = String.format(Locale.ROOT, "[%.1f-%.1f]", lo, hi).length();
        return " ".repeat(Math.max(0, 17 - len));
    }

    static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return Arrays.stream(v).max().orElse(Double.NaN);
    }
}
