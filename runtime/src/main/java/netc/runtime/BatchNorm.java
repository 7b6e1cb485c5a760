package netc.runtime;

/**
 * Batch normalisation, called by generated code: {@code y = (x - mean) / sqrt(var + eps)} per feature of a vector,
 * or per channel of an image {@code [C, H, W]} (then over the batch and all pixels), as
 * {@code torch.nn.BatchNorm1d/2d(n, eps=1e-5, momentum=0.1, affine=False)}.
 *
 * <p>Values are {@code rows} rows of {@code features} floats: a batch of vectors is {@code batch} rows, a batch of
 * channel-last images {@code batch * H * W} pixel rows of C channels. Each routine handles features
 * {@code [lo, hi)}, so {@link Parallel} splits over features and every output element is computed by one thread
 * in one fixed order: results do not depend on the thread count.
 *
 * <p>Training normalises with the batch statistics (biased variance) and updates the running statistics in place,
 * {@code running = (1 - momentum) running + momentum * batch statistic}, with the unbiased variance
 * ({@code var * N / (N - 1)}); inference normalises with the running statistics.
 */
public final class BatchNorm {
    /** The epsilon added to the variance, PyTorch's default. */
    public static final double EPS = 1e-5;
    /** The weight of a new batch in the running statistics, PyTorch's default. */
    public static final double MOMENTUM = 0.1;

    private BatchNorm() {
    }

    /**
     * Training mode: normalises {@code x} with its batch statistics into {@code out} and updates the running
     * mean and variance ({@code state[meanOff + f]}, {@code state[varOff + f]}).
     *
     * @param samples the batch size; batch normalisation in training needs at least 2
     * @throws IllegalArgumentException for a batch of 1 sample
     */
    public static void train(float[] x, int xOff, float[] out, int outOff, int samples, int rows, int features,
                             float[] state, int meanOff, int varOff, int lo, int hi) {
        if (samples < 2) {
            throw new IllegalArgumentException("batchnorm needs at least 2 samples per batch in training (the batch"
                    + " statistics of 1 sample are meaningless), got a batch of " + samples);
        }
        for (int f = lo; f < hi; f++) {
            double mean = mean(x, xOff, rows, features, f);
            double var = variance(x, xOff, rows, features, f, mean);
            double inv = 1 / Math.sqrt(var + EPS);
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                out[outOff + i] = (float) ((x[xOff + i] - mean) * inv);
            }
            state[meanOff + f] = (float) ((1 - MOMENTUM) * state[meanOff + f] + MOMENTUM * mean);
            state[varOff + f] = (float) ((1 - MOMENTUM) * state[varOff + f]
                    + MOMENTUM * var * rows / (rows - 1));
        }
    }

    /** Inference mode: normalises {@code x} with the running statistics. */
    public static void infer(float[] x, int xOff, float[] out, int outOff, int rows, int features, float[] state,
                             int meanOff, int varOff, int lo, int hi) {
        for (int f = lo; f < hi; f++) {
            double mean = state[meanOff + f];
            double inv = 1 / Math.sqrt(state[varOff + f] + EPS);
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                out[outOff + i] = (float) ((x[xOff + i] - mean) * inv);
            }
        }
    }

    /**
     * The gradient through training-mode batch norm given its input x and upstream g, the batch-statistics terms
     * included: with {@code y} the normalised x and {@code s = 1 / sqrt(var + eps)}, per feature over the N rows,
     * {@code dx = s * (g - mean(g) - y * mean(g * y))}.
     */
    public static void backward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int rows,
                                int features, int lo, int hi) {
        for (int f = lo; f < hi; f++) {
            double mean = mean(x, xOff, rows, features, f);
            double inv = 1 / Math.sqrt(variance(x, xOff, rows, features, f, mean) + EPS);
            double gSum = 0;
            double gySum = 0;
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                gSum += g[gOff + i];
                gySum += g[gOff + i] * ((x[xOff + i] - mean) * inv);
            }
            double gMean = gSum / rows;
            double gyMean = gySum / rows;
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                double y = (x[xOff + i] - mean) * inv;
                out[outOff + i] = (float) (inv * (g[gOff + i] - gMean - y * gyMean));
            }
        }
    }

    private static double mean(float[] x, int off, int rows, int features, int f) {
        double sum = 0;
        for (int r = 0; r < rows; r++) {
            sum += x[off + r * features + f];
        }
        return sum / rows;
    }

    private static double variance(float[] x, int off, int rows, int features, int f, double mean) {
        double sq = 0;
        for (int r = 0; r < rows; r++) {
            double d = x[off + r * features + f] - mean;
            sq += d * d;
        }
        return sq / rows;
    }
}
