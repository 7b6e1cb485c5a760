import java.util.concurrent.atomic.AtomicInteger;

/**
 * What an optimizer's update costs on two threads after both threads read the parameters, against after each read
 * only the half it then updates: the pattern of a training step whose forward product splits by rows (both cores
 * read all of W) and whose update splits by position (each core writes its half).
 *
 * <p>Two threads, the caller and a spinning worker, alternate two phases per step over vectors of the MNIST MLP's
 * 535,818 parameters. Phase 1: each thread reads the parameters (mode 0: all of them; mode 1: its half; mode 2: none)
 * and writes its half of the gradient. Phase 2: each thread applies momentum to its half (v = 0.9 v + g, p -= lr v),
 * timed per thread.
 *
 * <p>Not part of the build; run it as a single-file program, once per mode:
 * <pre>
 * java benchmarks/probes/UpdateAfterSharedRead.java 0
 * </pre>
 * Intel Xeon family 6 model 167, 2 vCPUs (2026-12-05), microseconds of the update per step, two runs: mode 0 caller
 * 184-249, worker 172-180; mode 1 80-82 and 82; mode 2 82-83 and 80-85. A core that writes a line the other core
 * holds must first take it away from that core, one line after the other. So in a training step each core should
 * read only the rows of W it later updates (benchmarks/results/2026-12-05-weight-lines.md).
 */
public class UpdateAfterSharedRead {
    static final int N = 535818;
    static final float[] P = new float[N];
    static final float[] G = new float[N];
    static final float[] V = new float[N];
    /** The phase the caller has started; the phases both threads have finished, twice over. */
    static final AtomicInteger GO = new AtomicInteger();
    static final AtomicInteger DONE = new AtomicInteger();
    static final long[] UPDATE_NANOS = new long[2];
    static volatile float sink;
    static int mode;

    static void work(int thread, int phase) {
        int lo = thread == 0 ? 0 : N / 2;
        int hi = thread == 0 ? N / 2 : N;
        if (phase == 0) {
            int from = mode == 0 ? 0 : lo;
            int to = mode == 0 ? N : hi;
            float s = 0;
            if (mode != 2) {
                for (int i = from; i < to; i++) {
                    s += P[i];
                }
            }
            for (int i = lo; i < hi; i++) {
                G[i] = 1e-3f * (i & 7);
            }
            sink += s;
        } else {
            long t0 = System.nanoTime();
            for (int i = lo; i < hi; i++) {
                float vi = 0.9f * V[i] + G[i];
                V[i] = vi;
                P[i] -= 1e-9f * vi;
            }
            UPDATE_NANOS[thread] += System.nanoTime() - t0;
        }
    }

    public static void main(String[] args) {
        mode = Integer.parseInt(args[0]);
        int steps = 3000;
        int warm = 1000;
        Thread worker = new Thread(() -> {
            for (int ph = 1; ph <= 2 * steps; ph++) {
                while (GO.get() < ph) {
                    Thread.onSpinWait();
                }
                work(1, (ph - 1) & 1);
                DONE.incrementAndGet();
            }
        });
        worker.setDaemon(true);
        worker.start();
        long t0 = 0;
        for (int ph = 1; ph <= 2 * steps; ph++) {
            if (ph == 2 * warm + 1) {
                t0 = System.nanoTime();
                UPDATE_NANOS[0] = 0;
                UPDATE_NANOS[1] = 0;
            }
            GO.set(ph);
            work(0, (ph - 1) & 1);
            DONE.incrementAndGet();
            while (DONE.get() < 2 * ph) {
                Thread.onSpinWait();
            }
        }
        double measured = (steps - warm) * 1e3;
        System.out.printf("mode %d: update caller %.1f us, worker %.1f us per step; step %.1f us%n", mode,
                UPDATE_NANOS[0] / measured, UPDATE_NANOS[1] / measured, (System.nanoTime() - t0) / measured);
    }
}
