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
        double[] mean = means(x, xOff, rows, features, lo, hi);
        double[] var = variances(x, xOff, rows, features, lo, hi, mean);
        double[] inv = new double[hi - lo];
        for (int f = lo; f < hi; f++) {
            inv[f - lo] = 1 / Math.sqrt(var[f - lo] + EPS);
            state[meanOff + f] = (float) ((1 - MOMENTUM) * state[meanOff + f] + MOMENTUM * mean[f - lo]);
            state[varOff + f] = (float) ((1 - MOMENTUM) * state[varOff + f]
                    + MOMENTUM * var[f - lo] * rows / (rows - 1));
        }
        normalise(x, xOff, out, outOff, rows, features, lo, hi, mean, inv);
    }

    /** Inference mode: normalises {@code x} with the running statistics. */
    public static void infer(float[] x, int xOff, float[] out, int outOff, int rows, int features, float[] state,
                             int meanOff, int varOff, int lo, int hi) {
        double[] mean = new double[hi - lo];
        double[] inv = new double[hi - lo];
        for (int f = lo; f < hi; f++) {
            mean[f - lo] = state[meanOff + f];
            inv[f - lo] = 1 / Math.sqrt(state[varOff + f] + EPS);
        }
        normalise(x, xOff, out, outOff, rows, features, lo, hi, mean, inv);
    }

    /**
     * The gradient through training-mode batch norm given its input x and upstream g, the batch-statistics terms
     * included: with {@code y} the normalised x and {@code s = 1 / sqrt(var + eps)}, per feature over the N rows,
     * {@code dx = s * (g - mean(g) - y * mean(g * y))}.
     */
    public static void backward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int rows,
                                int features, int lo, int hi) {
        int width = hi - lo;
        double[] mean = means(x, xOff, rows, features, lo, hi);
        double[] var = variances(x, xOff, rows, features, lo, hi, mean);
        double[] inv = new double[width];
        for (int k = 0; k < width; k++) {
            inv[k] = 1 / Math.sqrt(var[k] + EPS);
        }
        double[] gMean = new double[width];
        double[] gyMean = new double[width];
        int block = ColumnSums.rowBlock(features);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            for (int f = lo; f < hi; f++) {
                int k = f - lo;
                double m = mean[k];
                double s = inv[k];
                double gs = gMean[k];
                double gys = gyMean[k];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    double gi = g[gOff + i];
                    gs += gi;
                    gys += gi * ((x[xOff + i] - m) * s);
                }
                gMean[k] = gs;
                gyMean[k] = gys;
            }
        }
        for (int k = 0; k < width; k++) {
            gMean[k] /= rows;
            gyMean[k] /= rows;
        }
        for (int r = 0; r < rows; r++) {
            int row = r * features;
            for (int f = lo; f < hi; f++) {
                int k = f - lo;
                double y = (x[xOff + row + f] - mean[k]) * inv[k];
                out[outOff + row + f] = (float) (inv[k] * (g[gOff + row + f] - gMean[k] - y * gyMean[k]));
            }
        }
    }

    // The elementwise loops run over rows, then the features [lo, hi) of a row: memory order (an image's pixel rows
    // are contiguous). The sums take a block of rows at a time (ColumnSums.rowBlock), each feature's running sums in
    // registers; each feature's sums still add its rows in row order, so results are those of one feature at a time.

    private static void normalise(float[] x, int xOff, float[] out, int outOff, int rows, int features, int lo,
                                  int hi, double[] mean, double[] inv) {
        for (int r = 0; r < rows; r++) {
            int row = r * features;
            for (int f = lo; f < hi; f++) {
                out[outOff + row + f] = (float) ((x[xOff + row + f] - mean[f - lo]) * inv[f - lo]);
            }
        }
    }

    private static double[] means(float[] x, int off, int rows, int features, int lo, int hi) {
        double[] sum = ColumnSums.sums(x, off, rows, features, lo, hi);
        for (int k = 0; k < sum.length; k++) {
            sum[k] /= rows;
        }
        return sum;
    }

    private static double[] variances(float[] x, int off, int rows, int features, int lo, int hi, double[] mean) {
        double[] sq = new double[hi - lo];
        int block = ColumnSums.rowBlock(features);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            int f = lo;
            for (; f + 4 <= hi; f += 4) {
                int k = f - lo;
                double m0 = mean[k], m1 = mean[k + 1], m2 = mean[k + 2], m3 = mean[k + 3];
                double s0 = sq[k], s1 = sq[k + 1], s2 = sq[k + 2], s3 = sq[k + 3];
                for (int r = r0, i = off + r0 * features + f; r < r1; r++, i += features) {
                    double d0 = x[i] - m0;
                    double d1 = x[i + 1] - m1;
                    double d2 = x[i + 2] - m2;
                    double d3 = x[i + 3] - m3;
                    s0 += d0 * d0;
                    s1 += d1 * d1;
                    s2 += d2 * d2;
                    s3 += d3 * d3;
                }
                sq[k] = s0;
                sq[k + 1] = s1;
                sq[k + 2] = s2;
                sq[k + 3] = s3;
            }
            for (; f < hi; f++) {
                double m0 = mean[f - lo];
                double s0 = sq[f - lo];
                for (int r = r0, i = off + r0 * features + f; r < r1; r++, i += features) {
                    double d0 = x[i] - m0;
                    s0 += d0 * d0;
                }
                sq[f - lo] = s0;
            }
        }
        for (int k = 0; k < sq.length; k++) {
            sq[k] /= rows;
        }
        return sq;
    }
}
