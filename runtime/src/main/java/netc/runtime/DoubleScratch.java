package netc.runtime;

/**
 * A per-thread array of doubles for the per-feature sums and statistics of the row ops that {@link Parallel} runs
 * ({@link SpatialOps#sumChannels}, {@link BatchNorm}): kept from call to call, so that a training step allocates
 * nothing. A new array per call was 0.3-2.6 KB per call, several per step of resnet_small (2026-12-04). A caller
 * takes the array once and partitions it itself; nothing it calls takes it again.
 */
final class DoubleScratch {
    private static final ThreadLocal<double[]> ARRAY = new ThreadLocal<>();

    private DoubleScratch() {
    }

    /** This thread's array, at least {@code n} long; its contents are whatever the last caller left. */
    static double[] atLeast(int n) {
        double[] a = ARRAY.get();
        if (a == null || a.length < n) {
            a = new double[Math.max(n, 64)];
            ARRAY.set(a);
        }
        return a;
    }
}
