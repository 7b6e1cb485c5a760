package netc.runtime;

/**
 * Layer normalisation of each sample, called by generated code: {@code y = (x - mean) / sqrt(var + eps)} over all
 * {@code n} values of a sample (a vector, or a whole image {@code [C, H, W]}), with the biased variance and
 * {@link #EPS}, as {@code torch.nn.LayerNorm(shape, eps=1e-5, elementwise_affine=False)}. Means and variances are
 * accumulated in double, in index order, so results do not depend on the thread split.
 */
public final class LayerNorm {
    /** The epsilon added to the variance, PyTorch's default. */
    public static final double EPS = 1e-5;

    private LayerNorm() {
    }

    /** {@code out[r] = layernorm(x[r])} for samples {@code [lo, hi)} of {@code n} values each. */
    public static void forward(float[] x, int xOff, float[] out, int outOff, int n, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            int xo = xOff + r * n;
            double mean = mean(x, xo, n);
            double inv = invStd(x, xo, n, mean);
            for (int j = 0; j < n; j++) {
                out[outOff + r * n + j] = (float) ((x[xo + j] - mean) * inv);
            }
        }
    }

    /**
     * The gradient through layernorm given its input x and the upstream gradient g: with {@code y} the normalised
     * x and {@code s = 1 / sqrt(var + eps)}, {@code dx = s * (g - mean(g) - y * mean(g * y))}.
     */
    public static void backward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int n, int lo,
                                int hi) {
        for (int r = lo; r < hi; r++) {
            int xo = xOff + r * n;
            int go = gOff + r * n;
            double mean = mean(x, xo, n);
            double inv = invStd(x, xo, n, mean);
            double gSum = 0;
            double gySum = 0;
            for (int j = 0; j < n; j++) {
                gSum += g[go + j];
                gySum += g[go + j] * ((x[xo + j] - mean) * inv);
            }
            double gMean = gSum / n;
            double gyMean = gySum / n;
            for (int j = 0; j < n; j++) {
                double y = (x[xo + j] - mean) * inv;
                out[outOff + r * n + j] = (float) (inv * (g[go + j] - gMean - y * gyMean));
            }
        }
    }

    private static double mean(float[] x, int off, int n) {
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += x[off + j];
        }
        return sum / n;
    }

    private static double invStd(float[] x, int off, int n, double mean) {
        double sq = 0;
        for (int j = 0; j < n; j++) {
            double d = x[off + j] - mean;
            sq += d * d;
        }
        return 1 / Math.sqrt(sq / n + EPS);
    }
}
