package netc.bench;

import java.util.Arrays;
import java.util.Locale;

/** Median time per call of an action: warm-up (0.3 s, then until the JIT is quiet), then timed repeats. */
final class Timing {
    private final int repeats;
    private final double seconds;
    private double[] last = new double[0];

    Timing(int repeats, double seconds) {
        this.repeats = repeats;
        this.seconds = seconds;
    }

    /** Median microseconds per call over the repeats, each about {@code seconds} long. */
    double median(Runnable r) {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 300_000_000L) {
            r.run();
        }
        JitQuiet.await(r, 0.3, 10);
        long t1 = System.nanoTime();
        int k = 0;
        while (System.nanoTime() - t1 < 50_000_000L || k < 3) {
            r.run();
            k++;
        }
        double per = (System.nanoTime() - t1) / 1e9 / k;
        int calls = Math.max(3, (int) (seconds / per));
        last = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = System.nanoTime();
            for (int c = 0; c < calls; c++) {
                r.run();
            }
            last[i] = (System.nanoTime() - s) / 1e3 / calls;
        }
        return TrainThroughput.median(last);
    }

    /** "min-max" of the last {@link #median} call. */
    String range() {
        return String.format(Locale.ROOT, "%.1f-%.1f", Arrays.stream(last).min().orElse(Double.NaN),
                Arrays.stream(last).max().orElse(Double.NaN));
    }
}
