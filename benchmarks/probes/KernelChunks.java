import java.lang.invoke.MethodHandle;
import java.lang.reflect.Field;

/**
 * What cutting a GEMM kernel's rows into chunks costs on one thread: the kernel of a {@code Kernels} shape called
 * over all its rows at once, then in calls of 1/2, 1/4, 1/8 and 1/16 of them, as {@code Parallel.run} hands a stage
 * out (about four chunks per thread: 16-row chunks for a batch of 128 on two threads). Each call streams the other
 * operand (W) again, from L2 where it fits and from L3 where it does not.
 *
 * <p>Not part of the build; run it as a single-file program on the benchmarks jar, with a shape of {@code Kernels}
 * and a number of calls per figure:
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar \
 *     benchmarks/probes/KernelChunks.java mlp.fc1.nt 1000
 * </pre>
 * AMD EPYC Zen 5 (family 26 model 2: 1 MB L2 per core), 2026-12-05, us per 128 rows (512 for the TN):
 * mlp.fc1.nt (W 1.6 MB) 633 at once, 633 in 64-row calls, 676 in 32, 988 in 16, 2,020 in 8; mlp.fc2.nt (W 512 KB)
 * 206, 209, 237, 329, 717; mlp.fc1.tn in 256/128/64/32-row calls 603, 610, 657, 784, 890; mlp.fc2.nn 169, 187, 187,
 * 234, 235. In a two-thread training step that did not carry over: one part per thread for every GEMM stage gave
 * 0.984 (batch 128), 1.046 (512), 0.969 (32) in StepAB, two chunks per thread instead of four 1.033 and 0.994
 * (benchmarks/results/2026-12-05-zen5-two-ccds.md).
 */
public class KernelChunks {
    public static void main(String[] args) throws Throwable {
        Class<?> kernels = Class.forName("netc.bench.Kernels");
        Object k = kernels.getDeclaredConstructor().newInstance();
        kernels.getField("shape").set(k, args[0]);
        kernels.getMethod("compile").invoke(k);
        MethodHandle h = (MethodHandle) get(kernels, k, "kernel");
        float[] a = (float[]) get(kernels, k, "a");
        float[] b = (float[]) get(kernels, k, "b");
        float[] c = (float[]) get(kernels, k, "c");
        int batch = (int) get(kernels, k, "batch");
        int rows = (int) get(kernels, k, "rows");
        int calls = Integer.parseInt(args[1]);
        for (int round = 0; round < 4; round++) {
            StringBuilder line = new StringBuilder(args[0] + ", us per " + rows + " rows:");
            for (int parts = 1; parts <= 16; parts *= 2) {
                int chunk = rows / parts;
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) {
                    for (int lo = 0; lo < rows; lo += chunk) {
                        h.invoke(a, 0, b, 0, c, 0, batch, lo, Math.min(rows, lo + chunk));
                    }
                }
                line.append(String.format(" %d-row calls %.1f", chunk, (System.nanoTime() - t0) / 1e3 / calls));
            }
            System.out.println(line);
        }
    }

    private static Object get(Class<?> type, Object o, String field) throws ReflectiveOperationException {
        Field f = type.getDeclaredField(field);
        f.setAccessible(true);
        return f.get(o);
    }
}
