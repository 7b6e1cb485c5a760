package netc.compiler.internal.emit;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;

/**
 * Quick single-thread speed probe of the generated kernels on the MLP 784-512-256-10 shapes at batch 128 (not a test,
 * not JMH; indicative only on a shared machine). Janino compiles every kernel; each figure is the median GFLOP/s of
 * several timed rounds after a warm-up.
 *
 * <p>HOW TO RUN (from compiler/, after {@code mvn -pl compiler test-compile}; CP = the test class path):
 * {@code flock /tmp/bench.lock java --add-modules jdk.incubator.vector -cp target/test-classes:target/classes:$CP
 * netc.compiler.internal.emit.GemmProbe [warmupMillis] [rounds]}
 */
public final class GemmProbe {

    private GemmProbe() {
    }

    /** A probed kernel: form, C rows (for TN), N, K (for NT/NN), the runtime batch, and what it is in the MLP. */
    private record Shape(String role, Form form, int m, int n, int k, int batch) {
        GemmSpec spec(String name, Style style) {
            return switch (form) {
                case NT -> GemmSpec.nt(name, n, k, style);
                case NN -> GemmSpec.nn(name, n, k, style);
                case TN -> GemmSpec.tn(name, m, n, style);
            };
        }

        int rows() {
            return form == Form.TN ? m : batch;
        }

        int depth() {
            return form == Form.TN ? batch : k;
        }

        double flops() {
            return 2.0 * rows() * n * depth();
        }

        String dims() {
            return form + " " + rows() + "x" + n + "x" + depth();
        }
    }

    private static final List<Shape> SHAPES = List.of(
            new Shape("forward L1  h1 = x W1^T", Form.NT, 0, 512, 784, 128),
            new Shape("forward L2  h2 = h1 W2^T", Form.NT, 0, 256, 512, 128),
            new Shape("forward L3  z = h2 W3^T", Form.NT, 0, 10, 256, 128),
            new Shape("dH2 = dZ W3", Form.NN, 0, 256, 10, 128),
            new Shape("dH1 = dH2 W2", Form.NN, 0, 512, 256, 128),
            new Shape("dW3 = dZ^T h2", Form.TN, 10, 256, 0, 128),
            new Shape("dW2 = dH2^T h1", Form.TN, 256, 512, 0, 128),
            new Shape("dW1 = dH1^T x", Form.TN, 512, 784, 0, 128));

    public static void main(String[] args) throws Throwable {
        long warmupMillis = args.length > 0 ? Long.parseLong(args[0]) : 1500;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
        String only = args.length > 2 ? args[2] : "VSs"; // V = VECTOR, S = SCALAR fma, s = SCALAR mul+add
        System.out.println("JVM " + System.getProperty("java.vm.version") + ", vector API "
                + JaninoLoader.vectorApiAvailable() + ", warm-up " + warmupMillis + " ms, " + rounds + " rounds");
        if (JaninoLoader.vectorApiAvailable()) {
            System.out.printf("register-only FMA peak now: %.1f GFLOP/s (12 independent FloatVector fma chains)%n",
                    fmaPeak());
        }
        String[] variants = {"VECTOR", "SCALAR fma", "SCALAR mul+add"};
        double[][] results = new double[SHAPES.size()][variants.length];
        double[][] spread = new double[SHAPES.size()][2 * variants.length];
        for (int v = 0; v < variants.length; v++) {
            if (only.indexOf("VSs".charAt(v)) < 0) {
                continue;
            }
            Style style = v == 0 ? Style.VECTOR : Style.SCALAR;
            List<GemmSpec> specs = new ArrayList<>();
            for (int s = 0; s < SHAPES.size(); s++) {
                specs.add(SHAPES.get(s).spec("k" + s, style));
            }
            String name = KernelClasses.uniqueSimpleName("Probe");
            JaninoLoader.Compiled compiled = JaninoLoader.compile(KernelClasses.PACKAGE + "." + name,
                    KernelClasses.source(name, specs, v == 1));
            for (int s = 0; s < SHAPES.size(); s++) {
                Shape shape = SHAPES.get(s);
                MethodHandle kernel = KernelClasses.kernel(compiled.type(), "k" + s);
                double[] r = measure(kernel, shape, warmupMillis, rounds, v == 0 && s == 0);
                results[s][v] = r[1];
                spread[s][2 * v] = r[0];
                spread[s][2 * v + 1] = r[2];
                System.out.printf("  %-14s %-26s %-16s %7.2f GFLOP/s [%.2f-%.2f]%n", variants[v], shape.role(),
                        shape.dims(), r[1], r[0], r[2]);
            }
        }
        System.out.println();
        System.out.printf("| %-26s | %-16s | %-22s | %-22s | %-22s |%n", "kernel", "shape (MxNxK)", variants[0],
                variants[1], variants[2]);
        System.out.println("|---|---|---|---|---|");
        double[] totalTime = new double[variants.length];
        double totalFlops = 0;
        for (int s = 0; s < SHAPES.size(); s++) {
            Shape shape = SHAPES.get(s);
            StringBuilder row = new StringBuilder(String.format("| %-26s | %-16s |", shape.role(), shape.dims()));
            for (int v = 0; v < variants.length; v++) {
                row.append(String.format(" %6.2f [%.1f-%.1f] |", results[s][v], spread[s][2 * v],
                        spread[s][2 * v + 1]));
                totalTime[v] += results[s][v] > 0 ? shape.flops() / (results[s][v] * 1e9) : 0;
            }
            totalFlops += shape.flops();
            System.out.println(row);
        }
        StringBuilder total = new StringBuilder(String.format("| %-26s | %-16s |", "all 8 (time-weighted)", ""));
        for (int v = 0; v < variants.length; v++) {
            total.append(String.format(" %6.2f |", totalFlops / totalTime[v] / 1e9));
        }
        System.out.println(total);
    }

    /** GFLOP/s of 12 independent FMA chains on FloatVector registers: the ceiling on this core right now. */
    private static double fmaPeak() throws Throwable {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            body.append("FloatVector a").append(i).append(" = FloatVector.broadcast(S, ").append(i).append("f);\n");
        }
        body.append("FloatVector x = FloatVector.broadcast(S, 0.9999f);\n");
        body.append("FloatVector y = FloatVector.broadcast(S, 1e-4f);\n");
        body.append("for (int i = 0; i < iters; i++) {\n");
        for (int i = 0; i < 12; i++) {
            body.append("a").append(i).append(" = a").append(i).append(".fma(x, y);\n");
        }
        body.append("}\nreturn a0");
        for (int i = 1; i < 12; i++) {
            body.append(".add(a").append(i).append(")");
        }
        body.append(".reduceLanes(VectorOperators.ADD);\n");
        String source = "package netc.generated;\nimport jdk.incubator.vector.*;\npublic final class Peak {\n"
                + "static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;\n"
                + "public static int lanes() { return S.length(); }\n"
                + "public static float run(int iters) {\n" + body + "}\n}\n";
        Class<?> peak = JaninoLoader.compile("netc.generated.Peak", source).type();
        MethodHandle run = java.lang.invoke.MethodHandles.publicLookup().findStatic(peak, "run",
                java.lang.invoke.MethodType.methodType(float.class, int.class));
        int lanes = (int) peak.getMethod("lanes").invoke(null);
        double best = 0;
        for (int r = 0; r < 12; r++) {
            int iters = 10_000_000;
            long t0 = System.nanoTime();
            float sink = (float) run.invokeExact(iters);
            double gflops = 12.0 * 2 * lanes * iters / (System.nanoTime() - t0);
            best = Math.max(best, Float.isNaN(sink) ? 0 : gflops);
        }
        return best;
    }

    /** Returns {min, median, max} GFLOP/s over the rounds; each round runs the kernel for at least 20 ms. */
    private static double[] measure(MethodHandle kernel, Shape shape, long warmupMillis, int rounds,
            boolean traceWarmup) throws Throwable {
        Random random = new Random(1);
        int aSize = shape.form() == Form.TN ? shape.batch() * shape.m() : shape.batch() * shape.k();
        int bSize = shape.n() * shape.depth();
        float[] a = new float[aSize];
        float[] b = new float[bSize];
        float[] c = new float[shape.rows() * shape.n()];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() - 0.5f;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat() - 0.5f;
        }
        int rows = shape.rows();
        long start = System.nanoTime();
        long end = start + warmupMillis * 1_000_000;
        int callsPerRound = 1;
        if (traceWarmup) {
            // median GFLOP/s per 250 ms window of a freshly compiled kernel: shows how soon it runs compiled
            StringBuilder trace = new StringBuilder("  warm-up of " + shape.dims() + " from its first call:");
            List<Double> window = new ArrayList<>();
            long windowEnd = start + 250_000_000L;
            while (System.nanoTime() - start < 2_000_000_000L) {
                long t0 = System.nanoTime();
                kernel.invokeExact(a, 0, b, 0, c, 0, shape.batch(), 0, rows);
                long t1 = System.nanoTime();
                window.add(shape.flops() / (t1 - t0));
                if (t1 >= windowEnd) {
                    window.sort(null);
                    trace.append(String.format(" [to %.2fs: %d calls, median %.1f]", (t1 - start) / 1e9,
                            window.size(), window.get(window.size() / 2)));
                    window.clear();
                    windowEnd = t1 + 250_000_000L;
                }
            }
            System.out.println(trace);
        }
        while (System.nanoTime() < end) {
            long t0 = System.nanoTime();
            for (int i = 0; i < callsPerRound; i++) {
                kernel.invokeExact(a, 0, b, 0, c, 0, shape.batch(), 0, rows);
            }
            if (System.nanoTime() - t0 < 20_000_000) {
                callsPerRound *= 2;
            }
        }
        double[] gflops = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < callsPerRound; i++) {
                kernel.invokeExact(a, 0, b, 0, c, 0, shape.batch(), 0, rows);
            }
            gflops[r] = shape.flops() * callsPerRound / (System.nanoTime() - t0);
        }
        Arrays.sort(gflops);
        return new double[] {gflops[0], gflops[rounds / 2], gflops[rounds - 1]};
    }
}
