import java.util.concurrent.atomic.AtomicInteger;

/**
 * How fast a thread reads cache lines that another thread has just written, against lines it wrote itself: what a
 * stage of a training step pays for rows the other core wrote in the stage before (activations split differently
 * by the two stages, a batch the other core gathered).
 *
 * <p>Two threads take turns over one vector: the other thread writes all of it, then the caller reads one float per
 * cache line (four independent sums, so that the reads, not the adds, set the pace), writes it all itself and reads
 * it again. Medians are not needed: the second half of 2,000 turns is averaged.
 *
 * <p>Not part of the build; run it as a single-file program with the vector's size in KB:
 * <pre>
 * java benchmarks/probes/RemoteReads.java 400
 * </pre>
 * AMD EPYC Zen 5 (family 26 model 2), 2 vCPUs on two core complexes (a line's round trip ~450 ns), 2026-12-05:
 * 64 KB 2.3 us (29 GB/s) against 0.4 us (146 GB/s) for its own lines; 200 KB 6.2 against 1.2 us; 400 KB 15.2 against
 * 2.4 us (27 against 174 GB/s); 1,600 KB 55 against 16 us (30 against 104 GB/s).
 */
public class RemoteReads {
    static volatile float sink;

    public static void main(String[] args) throws Exception {
        int floats = Integer.parseInt(args[0]) * 1024 / 4;
        float[] a = new float[floats];
        AtomicInteger turn = new AtomicInteger();
        int rounds = 2000;
        Thread writer = new Thread(() -> {
            for (int r = 0; r < rounds; r++) {
                while (turn.get() != 2 * r) {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < floats; i++) {
                    a[i] = r + i;
                }
                turn.set(2 * r + 1);
            }
        });
        writer.start();
        float s = 0;
        long remote = 0;
        long own = 0;
        for (int r = 0; r < rounds; r++) {
            turn.set(2 * r);
            while (turn.get() != 2 * r + 1) {
                Thread.onSpinWait();
            }
            long t0 = System.nanoTime();
            s += sumOfLines(a);
            long t1 = System.nanoTime();
            for (int i = 0; i < floats; i++) {
                a[i] = r - i;
            }
            long t2 = System.nanoTime();
            s += sumOfLines(a);
            long t3 = System.nanoTime();
            if (r >= rounds / 2) {
                remote += t1 - t0;
                own += t3 - t2;
            }
        }
        sink = s;
        writer.join();
        int n = rounds - rounds / 2;
        System.out.printf("%d KB: lines the other thread wrote %.1f us (%.1f GB/s), its own %.1f us (%.1f GB/s)%n",
                floats * 4 / 1024, remote / 1e3 / n, floats * 4.0 * n / remote, own / 1e3 / n, floats * 4.0 * n / own);
    }

    /** One float of each 64-byte line, in four independent sums. */
    static float sumOfLines(float[] a) {
        float x0 = 0;
        float x1 = 0;
        float x2 = 0;
        float x3 = 0;
        for (int i = 0; i + 64 <= a.length; i += 64) {
            x0 += a[i];
            x1 += a[i + 16];
            x2 += a[i + 32];
            x3 += a[i + 48];
        }
        return x0 + x1 + x2 + x3;
    }
}
