package netc.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import netc.compiler.internal.load.JaninoLoader;

/**
 * One matrix kernel as two builds of netc emit it, timed in one JVM, alternately: the way to tell a 5% change in an
 * emitted kernel on a host whose speed moves by 10-20% between runs (two JVMs run one after the other measured the
 * same kernel at 60 and 89 GFLOP/s). Each build's emitter runs in its own class loader on its benchmarks jar; both
 * kernels are compiled by this build's Janino, must give bitwise the same C, and are timed by the calling thread's
 * CPU time in rounds of about 0.3 s, A then B in odd rounds and B then A in even ones.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.KernelAB
 *      OLD.jar NEW.jar nt|nn|tn|nt/nn M N K [--bits 512|256,512] [--rounds 11] [--offsets 0,4] [--close]
 * </pre>
 *
 * M is the batch (rows of C) for NT and NN and the rows of C for TN; K is the reduction (the batch for TN).
 * {@code nt/nn} times one product two ways: A's build as NT on B [N, K], B's build as NN on B transposed; their C
 * then differ in rounding only (checked to a relative 1e-4), not bit for bit. {@code --close} checks any two builds
 * so, for a change that changes the operations (as the NT kernels that ran as NN on B transposed from batch 512 on,
 * 2026-12-04-nt-as-nn.md).
 */
public final class KernelAB {

    private KernelAB() {
    }

    /**
     * Runs in each build's class loader (its bytes defined there, so it links to that build's emitter): the source
     * of a class {@code netc.generated.<name>} holding the VECTOR kernel {@code kernel} of the given shape.
     */
    public static final class Source {
        private Source() {
        }

        public static String of(String name, String form, int m, int n, int k, int bits) {
            netc.compiler.internal.emit.GemmSpec.Style v = netc.compiler.internal.emit.GemmSpec.Style.VECTOR;
            netc.compiler.internal.emit.GemmSpec spec = switch (form) {
                case "nt" -> netc.compiler.internal.emit.GemmSpec.nt("kernel", n, k, v);
                case "nn" -> netc.compiler.internal.emit.GemmSpec.nn("kernel", n, k, v);
                case "tn" -> netc.compiler.internal.emit.GemmSpec.tn("kernel", m, n, v);
                default -> throw new IllegalArgumentException("form nt, nn or tn: " + form);
            };
            spec = spec.withVectorBits(bits);
            com.palantir.javapoet.TypeSpec.Builder type = com.palantir.javapoet.TypeSpec.classBuilder(name)
                    .addModifiers(javax.lang.model.element.Modifier.PUBLIC, javax.lang.model.element.Modifier.FINAL);
            netc.compiler.internal.emit.GemmEmitter.addVectorFields(type);
            for (com.palantir.javapoet.MethodSpec method : netc.compiler.internal.emit.GemmEmitter.emit(spec)) {
                type.addMethod(method.name().equals("kernel")
                        ? method.toBuilder().addModifiers(javax.lang.model.element.Modifier.PUBLIC).build() : method);
            }
            return com.palantir.javapoet.JavaFile.builder("netc.generated", type.build()).build().toString();
        }
    }

    public static void main(String[] argv) throws Throwable {
        if (argv.length < 6) {
            System.err.println("usage: KernelAB OLD.jar NEW.jar nt|nn|tn|nt/nn M N K [--bits 512|256,512] [--rounds 11]"
                    + " [--offsets 0,4] [--close]");
            System.exit(2);
        }
        String[] forms = argv[2].equals("nt/nn") ? new String[] {"nt", "nn"} : new String[] {argv[2], argv[2]};
        String form = forms[0];
        int m = Integer.parseInt(argv[3]);
        int n = Integer.parseInt(argv[4]);
        int k = Integer.parseInt(argv[5]);
        int[] bits = {512, 512};
        int rounds = 11;
        int[] offsets = {0, 0};
        boolean close = false;
        for (int i = 6; i < argv.length; i++) {
            switch (argv[i]) {
                case "--bits" -> {
                    // one width for both, or A's,B's: tiles for 256 bits against tiles for 512 on this JVM
                    String[] b = argv[++i].split(",");
                    bits = new int[] {Integer.parseInt(b[0]), Integer.parseInt(b[b.length - 1])};
                }
                case "--rounds" -> rounds = Integer.parseInt(argv[++i]);
                case "--offsets" -> {
                    String[] o = argv[++i].split(",");
                    offsets = new int[] {Integer.parseInt(o[0]), Integer.parseInt(o[1])};
                }
                case "--close" -> close = true;
                default -> throw new IllegalArgumentException("unknown argument " + argv[i]);
            }
        }
        MethodHandle[] kernels = new MethodHandle[2];
        for (int i = 0; i < 2; i++) {
            Class<?> source = new BuildLoader(Path.of(argv[i]), Source.class).loadClass(Source.class.getName());
            String name = "KernelAB" + i;
            String text = (String) source.getMethod("of", String.class, String.class, int.class, int.class, int.class,
                    int.class).invoke(null, name, forms[i], m, n, k, bits[i]);
            Class<?> type = JaninoLoader.compile("netc.generated." + name, text).type();
            kernels[i] = MethodHandles.publicLookup().findStatic(type, "kernel", MethodType.methodType(void.class,
                    float[].class, int.class, float[].class, int.class, float[].class, int.class, int.class,
                    int.class, int.class));
        }
        SplittableRandom random = new SplittableRandom(1);
        int pad = Math.max(offsets[0], offsets[1]);
        float[] a = new float[m * k + pad];
        float[] b = new float[k * n + pad];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) random.nextDouble(-1, 1);
        }
        float[] bt = new float[k * n + pad];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < k; i++) {
                bt[i * n + j] = b[j * k + i];
            }
        }
        float[][] operandB = {b, forms[1].equals(forms[0]) ? b : bt};
        float[][] c = {new float[m * n + pad], new float[m * n + pad]};
        float[][] operandA = {a, a};
        for (int i = 0; i < 2; i++) {
            // the same values at offset offsets[i] of each operand
            if (offsets[i] != 0) {
                operandA[i] = shifted(a, offsets[i]);
                operandB[i] = shifted(operandB[i], offsets[i]);
            }
        }
        int batch = form.equals("tn") ? k : m;
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        for (int warm = 0; warm < 3; warm++) {
            for (int i = 0; i < 2; i++) {
                long end = System.nanoTime() + 1_000_000_000L;
                while (System.nanoTime() < end) {
                    kernels[i].invokeExact(operandA[i], offsets[i], operandB[i], offsets[i], c[i], offsets[i], batch, 0,
                            m);
                }
            }
        }
        float[] c0 = Arrays.copyOfRange(c[0], offsets[0], offsets[0] + m * n);
        float[] c1 = Arrays.copyOfRange(c[1], offsets[1], offsets[1] + m * n);
        if (forms[0].equals(forms[1]) && !close ? !Arrays.equals(c0, c1) : !close(c0, c1)) {
            throw new AssertionError("the two builds' kernels give different C");
        }
        double flop = 2.0 * m * n * k;
        double[][] gflops = new double[2][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int j = 0; j < 2; j++) {
                int i = round % 2 == 0 ? j : 1 - j;
                long calls = 0;
                long cpu = bean.getCurrentThreadCpuTime();
                long end = System.nanoTime() + 300_000_000L;
                while (System.nanoTime() < end) {
                    kernels[i].invokeExact(operandA[i], offsets[i], operandB[i], offsets[i], c[i], offsets[i], batch, 0,
                            m);
                    calls++;
                }
                gflops[i][round] = flop * calls / (bean.getCurrentThreadCpuTime() - cpu);
            }
        }
        double[] ratio = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            ratio[round] = gflops[1][round] / gflops[0][round];
        }
        String shape = argv[2].toUpperCase(Locale.ROOT) + " " + m + "x" + n + "x" + k;
        for (int i = 0; i < 2; i++) {
            double[] g = gflops[i].clone();
            Arrays.sort(g);
            System.out.printf(Locale.ROOT, "%s %-22s %6.1f GFLOP/s [%.1f-%.1f] (CPU time, median of %d)%n",
                    i == 0 ? "A" : "B", shape, g[rounds / 2], g[0], g[rounds - 1], rounds);
        }
        Arrays.sort(ratio);
        System.out.printf(Locale.ROOT, "B/A %.3f [%.3f-%.3f]%n", ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
    }

    /** x's values moved up by offset places in a new array of the same length. */
    private static float[] shifted(float[] x, int offset) {
        float[] y = new float[x.length];
        System.arraycopy(x, 0, y, offset, x.length - offset);
        return y;
    }

    /** Whether x and y agree to a relative 1e-4 of the largest magnitude in x. */
    private static boolean close(float[] x, float[] y) {
        float scale = 0;
        for (float v : x) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < x.length; i++) {
            if (!(Math.abs(x[i] - y[i]) <= 1e-4f * scale)) {
                return false;
            }
        }
        return true;
    }
}
