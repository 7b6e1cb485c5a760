import java.util.concurrent.atomic.AtomicInteger;

/**
 * How fast the momentum update ({@code v = mu v + g; p -= lr v}, five streams of floats: p, v, g read, p and v
 * written) runs over a parameter vector of a given size on one thread and on two, each thread always on its own half
 * (as {@code ParamSlices} cuts it): whether the optimizer's pass is bound by a core or by the memory behind both.
 *
 * <p>Not part of the build; run it as a single-file program with the parameter count and the thread count:
 * <pre>
 * java benchmarks/probes/UpdateBandwidth.java 3700000 2
 * </pre>
 * AMD EPYC Zen 5 (family 26 model 2), 2 vCPUs on two core complexes, 2026-12-05 evening, the 75th percentile of the
 * second half of the passes: 540,000 floats (the MNIST MLP, 6.5 MB of p, v and g) 70 us on one thread, 40-44 on two
 * (1.6-1.8x); 3,700,000 (the 2048-wide MLP, 44 MB) 841-880 us on one thread, and on two 864 in one sitting (no gain:
 * about 86 GB/s either way) and 551-564 (1.5-1.6x) in another later that evening. Inside a training step (StepBreakdown,
 * the same evening) the 2048-wide MLP's update took 1,365 us on one thread and 1,327 on two: there the kernels
 * between two updates have pushed p, v and g out to memory.
 */
public class UpdateBandwidth {
    static void update(float[] p, float[] g, float[] v, int lo, int hi) {
        for (int i = lo; i < hi; i++) {
            float vi = 0.9f * v[i] + g[i];
            v[i] = vi;
            p[i] -= 0.01f * vi;
        }
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int threads = Integer.parseInt(args[1]);
        if (threads != 1 && threads != 2) {
            throw new IllegalArgumentException("threads: 1 or 2");
        }
        float[] p = new float[n];
        float[] g = new float[n];
        float[] v = new float[n];
        int rounds = 2000;
        AtomicInteger go = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        if (threads == 2) {
            Thread worker = new Thread(() -> {
                for (int r = 1; r <= rounds; r++) {
                    while (go.get() < r) {
                        Thread.onSpinWait();
                    }
                    update(p, g, v, n / 2, n);
                    done.incrementAndGet();
                }
            });
            worker.setDaemon(true);
            worker.start();
        }
        long[] t = new long[rounds];
        for (int r = 1; r <= rounds; r++) {
            long t0 = System.nanoTime();
            go.set(r);
            update(p, g, v, 0, threads == 2 ? n / 2 : n);
            while (threads == 2 && done.get() < r) {
                Thread.onSpinWait();
            }
            t[r - 1] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(t, rounds / 2, rounds);
        long q3 = t[rounds * 3 / 4];
        System.out.printf("%,d floats, %d thread(s): %.1f us a pass, %.1f GB/s (20 bytes a float)%n", n, threads,
                q3 / 1e3, 20.0 * n / q3);
    }
}
