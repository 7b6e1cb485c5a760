package netc.runtime.train;

/**
 * Clipping of the whole gradient by its global L2 norm, as {@code torch.nn.utils.clip_grad_norm_}: when the norm
 * {@code ||g||} exceeds {@code maxNorm}, every element is scaled by {@code maxNorm / (||g|| + 1e-6)}; otherwise the
 * gradient is left alone. The direction of the step is kept, only its length is bounded, which keeps a rare huge
 * gradient (an outlier batch, the first steps of a deep net) from throwing the weights far away.
 */
public final class GradientClipping {

    /** Added to the norm before dividing, as PyTorch does, so that the clipped norm is just below {@code maxNorm}. */
    static final double EPSILON = 1e-6;

    private GradientClipping() {
    }

    /**
     * The L2 norm of {@code grad}: squares summed in double precision, one after the other from index 0. The order is
     * fixed (no parallel or blocked sum), so the norm and therefore the weights do not depend on the thread count.
     */
    public static double norm(float[] grad) {
        double sum = 0;
        for (float g : grad) {
            sum += (double) g * g;
        }
        return Math.sqrt(sum);
    }

    /**
     * Scales {@code grad} in place so that its norm is at most (about) {@code maxNorm}.
     *
     * @param maxNorm the largest norm left unchanged, {@code > 0}
     * @return the norm before clipping
     */
    public static double clip(float[] grad, double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("max norm must be finite and > 0, got " + maxNorm);
        }
        double norm = norm(grad);
        if (norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + EPSILON));
            for (int i = 0; i < grad.length; i++) {
                grad[i] *= scale;
            }
        }
        return norm;
    }
}
