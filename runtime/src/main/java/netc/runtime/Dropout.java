package netc.runtime;

/**
 * Inverted dropout with a counter-based mask, called by generated code.
 *
 * <p>Whether element {@code j} of sample {@code r} is kept is a pure function of (run seed, training step, dropout
 * site, {@code r * n + j}): a SplitMix64 hash, no generator state. {@code r} is the sample's position in the step's
 * whole batch, also when a call computes only some of its samples (a Spark partition's share of a batch,
 * {@link Network#setTrainingStep(long, long, int[])}). So the mask does not depend on how the batch is
 * split over threads, on the thread count, or on the order the kernels run; and the gradient reapplies exactly
 * the mask of the forward pass by calling the same routine on the upstream gradient (dropout is linear in its
 * input once the mask is fixed). The compiler's reference interpreter calls {@link #keeps} too, so its masks are
 * the generated code's.
 *
 * <p>In training an element is kept with probability {@code 1 - p} and scaled by {@code 1 / (1 - p)} (so the
 * expected value is unchanged, as {@code torch.nn.Dropout} does); in inference the routine is the identity.
 */
public final class Dropout {
    private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

    private Dropout() {
    }

    /** SplitMix64's output function: a bijection of 64-bit values whose bits all depend on every input bit. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * The key of one dropout site at one training step: every element's draw is {@code mix(key + index * gamma)}.
     *
     * @param seed the run's seed ({@code Trainer.seed()})
     * @param step the training step, counted from 0 over the whole run
     * @param site which dropout of the network it is (0, 1, ... in source order)
     */
    public static long key(long seed, long step, int site) {
        return mix(mix(mix(seed + GOLDEN_GAMMA) + step * GOLDEN_GAMMA) + (site + 1L) * GOLDEN_GAMMA);
    }

    /**
     * Whether the element at {@code index} (sample times its size plus position) is kept: a uniform draw of 24
     * bits, {@code u} in [0, 1), against the drop probability, {@code u >= p}. Exact in float and double alike.
     */
    public static boolean keeps(long key, long index, double p) {
        long h = mix(key + (index + 1) * GOLDEN_GAMMA);
        return (h >>> 40) * 0x1p-24 >= p;
    }

    /**
     * {@code out = in * mask / (1 - p)} in training, {@code out = in} in inference, for samples {@code [lo, hi)}
     * of {@code n} values each; {@code in} and {@code out} may be the same array region. Row {@code r} draws the
     * mask of sample {@code r}: the form that classes generated before {@link Network#setTrainingStep(long, long,
     * int[])} existed call, kept for them.
     */
    public static void apply(float[] in, int inOff, float[] out, int outOff, int n, double p, boolean training,
                             long key, int lo, int hi) {
        apply(in, inOff, out, outOff, n, p, training, key, null, lo, hi);
    }

    /**
     * As {@link #apply(float[], int, float[], int, int, double, boolean, long, int, int)}, where row {@code r} of
     * this call draws the mask of sample {@code positions[r]} of the step's batch (the positions a partition's share
     * of a batch had in the whole batch, {@link Network#setTrainingStep(long, long, int[])}); null positions mean
     * row {@code r} is sample {@code r}.
     */
    public static void apply(float[] in, int inOff, float[] out, int outOff, int n, double p, boolean training,
                             long key, int[] positions, int lo, int hi) {
        if (!training) {
            System.arraycopy(in, inOff + lo * n, out, outOff + lo * n, (hi - lo) * n);
            return;
        }
        float scale = (float) (1 / (1 - p));
        for (int r = lo; r < hi; r++) {
            long base = (long) (positions == null ? r : positions[r]) * n;
            for (int j = 0; j < n; j++) {
                out[outOff + r * n + j] = keeps(key, base + j, p) ? in[inOff + r * n + j] * scale : 0f;
            }
        }
    }
}
