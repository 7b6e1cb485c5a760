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
        // mean, variance and 1 / sqrt(variance + eps) of each feature, side by side in this thread's scratch
        int width = hi - lo;
        double[] a = DoubleScratch.atLeast(3 * width);
        int mean = 0;
        int var = width;
        int inv = 2 * width;
        means(x, xOff, rows, features, lo, hi, a, mean);
        variances(x, xOff, rows, features, lo, hi, a, mean, var);
        for (int f = lo; f < hi; f++) {
            a[inv + f - lo] = 1 / Math.sqrt(a[var + f - lo] + EPS);
            state[meanOff + f] = (float) ((1 - MOMENTUM) * state[meanOff + f] + MOMENTUM * a[mean + f - lo]);
            state[varOff + f] = (float) ((1 - MOMENTUM) * state[varOff + f]
                    + MOMENTUM * a[var + f - lo] * rows / (rows - 1));
        }
        normalise(x, xOff, out, outOff, rows, features, lo, hi, a, mean, inv);
    }

    /** Inference mode: normalises {@code x} with the running statistics. */
    public static void infer(float[] x, int xOff, float[] out, int outOff, int rows, int features, float[] state,
                             int meanOff, int varOff, int lo, int hi) {
        int width = hi - lo;
        double[] a = DoubleScratch.atLeast(2 * width);
        for (int f = lo; f < hi; f++) {
            a[f - lo] = state[meanOff + f];
            a[width + f - lo] = 1 / Math.sqrt(state[varOff + f] + EPS);
        }
        normalise(x, xOff, out, outOff, rows, features, lo, hi, a, 0, width);
    }

    /**
     * The gradient through training-mode batch norm given its input x and upstream g, the batch-statistics terms
     * included: with {@code y} the normalised x and {@code s = 1 / sqrt(var + eps)}, per feature over the N rows,
     * {@code dx = s * (g - mean(g) - y * mean(g * y))}.
     */
    public static void backward(float[] x, int xOff, float[] g, int gOff, float[] out, int outOff, int rows,
                                int features, int lo, int hi) {
        int width = hi - lo;
        double[] a = DoubleScratch.atLeast(5 * width);
        int mean = 0;
        int var = width;
        int inv = 2 * width;
        int gMean = 3 * width;
        int gyMean = 4 * width;
        means(x, xOff, rows, features, lo, hi, a, mean);
        variances(x, xOff, rows, features, lo, hi, a, mean, var);
        for (int k = 0; k < width; k++) {
            a[inv + k] = 1 / Math.sqrt(a[var + k] + EPS);
        }
        java.util.Arrays.fill(a, gMean, gyMean + width, 0.0);
        int block = ColumnSums.rowBlock(features);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            int f = lo;
            // four features at a time, eight running sums: one feature's two sums left the double adder waiting on
            // each add's latency
            for (; f + 4 <= hi; f += 4) {
                int k = f - lo;
                double m0 = a[mean + k], m1 = a[mean + k + 1], m2 = a[mean + k + 2], m3 = a[mean + k + 3];
                double s0 = a[inv + k], s1 = a[inv + k + 1], s2 = a[inv + k + 2], s3 = a[inv + k + 3];
                double gs0 = a[gMean + k], gs1 = a[gMean + k + 1], gs2 = a[gMean + k + 2], gs3 = a[gMean + k + 3];
                double gy0 = a[gyMean + k], gy1 = a[gyMean + k + 1], gy2 = a[gyMean + k + 2];
                double gy3 = a[gyMean + k + 3];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    double g0 = g[gOff + i];
                    double g1 = g[gOff + i + 1];
                    double g2 = g[gOff + i + 2];
                    double g3 = g[gOff + i + 3];
                    gs0 += g0;
                    gs1 += g1;
                    gs2 += g2;
                    gs3 += g3;
                    gy0 += g0 * ((x[xOff + i] - m0) * s0);
                    gy1 += g1 * ((x[xOff + i + 1] - m1) * s1);
                    gy2 += g2 * ((x[xOff + i + 2] - m2) * s2);
                    gy3 += g3 * ((x[xOff + i + 3] - m3) * s3);
                }
                a[gMean + k] = gs0;
                a[gMean + k + 1] = gs1;
                a[gMean + k + 2] = gs2;
                a[gMean + k + 3] = gs3;
                a[gyMean + k] = gy0;
                a[gyMean + k + 1] = gy1;
                a[gyMean + k + 2] = gy2;
                a[gyMean + k + 3] = gy3;
            }
            for (; f < hi; f++) {
                int k = f - lo;
                double m = a[mean + k];
                double s = a[inv + k];
                double gs = a[gMean + k];
                double gys = a[gyMean + k];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    double gi = g[gOff + i];
                    gs += gi;
                    gys += gi * ((x[xOff + i] - m) * s);
                }
                a[gMean + k] = gs;
                a[gyMean + k] = gys;
            }
        }
        for (int k = 0; k < width; k++) {
            a[gMean + k] /= rows;
            a[gyMean + k] /= rows;
        }
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            int f = lo;
            for (; f + 4 <= hi; f += 4) {
                int k = f - lo;
                double m0 = a[mean + k], m1 = a[mean + k + 1], m2 = a[mean + k + 2], m3 = a[mean + k + 3];
                double s0 = a[inv + k], s1 = a[inv + k + 1], s2 = a[inv + k + 2], s3 = a[inv + k + 3];
                double c0 = a[gMean + k], c1 = a[gMean + k + 1], c2 = a[gMean + k + 2], c3 = a[gMean + k + 3];
                double d0 = a[gyMean + k], d1 = a[gyMean + k + 1], d2 = a[gyMean + k + 2];
                double d3 = a[gyMean + k + 3];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    double y0 = (x[xOff + i] - m0) * s0;
                    double y1 = (x[xOff + i + 1] - m1) * s1;
                    double y2 = (x[xOff + i + 2] - m2) * s2;
                    double y3 = (x[xOff + i + 3] - m3) * s3;
                    out[outOff + i] = (float) (s0 * (g[gOff + i] - c0 - y0 * d0));
                    out[outOff + i + 1] = (float) (s1 * (g[gOff + i + 1] - c1 - y1 * d1));
                    out[outOff + i + 2] = (float) (s2 * (g[gOff + i + 2] - c2 - y2 * d2));
                    out[outOff + i + 3] = (float) (s3 * (g[gOff + i + 3] - c3 - y3 * d3));
                }
            }
            for (; f < hi; f++) {
                int k = f - lo;
                double m = a[mean + k];
                double s = a[inv + k];
                double c = a[gMean + k];
                double d = a[gyMean + k];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    double y = (x[xOff + i] - m) * s;
                    out[outOff + i] = (float) (s * (g[gOff + i] - c - y * d));
                }
            }
        }
    }

    // Every loop takes a block of rows at a time (ColumnSums.rowBlock: at most 16 KB, in L1), then four features at a
    // time down the block's rows, the features' constants and running sums in registers. Each sum still adds its
    // rows in row order and each element is the same expression, so results are those of one feature at a time (up
    // to a NaN's sign bit: where a NaN or infinite gradient makes NaNs, C2 may propagate the other operand's NaN of a
    // commutative add; the trainer's finite check rejects such a gradient anyway).
    // Row by row over a feature range as short as 16, the elementwise loops ran at 2-8 cycles an element: the inner
    // loop too short for C2's unrolled main loop, the constants reloaded from the scratch (a probe, one thread:
    // backward's output over 12,544 pixel rows x 32 channels 1.9 ms -> 0.6, 50,176 x 16 2.2 -> 1.2).

    private static void normalise(float[] x, int xOff, float[] out, int outOff, int rows, int features, int lo,
                                  int hi, double[] a, int mean, int inv) {
        int block = ColumnSums.rowBlock(features);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            int f = lo;
            for (; f + 4 <= hi; f += 4) {
                int k = f - lo;
                double m0 = a[mean + k], m1 = a[mean + k + 1], m2 = a[mean + k + 2], m3 = a[mean + k + 3];
                double s0 = a[inv + k], s1 = a[inv + k + 1], s2 = a[inv + k + 2], s3 = a[inv + k + 3];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    out[outOff + i] = (float) ((x[xOff + i] - m0) * s0);
                    out[outOff + i + 1] = (float) ((x[xOff + i + 1] - m1) * s1);
                    out[outOff + i + 2] = (float) ((x[xOff + i + 2] - m2) * s2);
                    out[outOff + i + 3] = (float) ((x[xOff + i + 3] - m3) * s3);
                }
            }
            for (; f < hi; f++) {
                double m = a[mean + f - lo];
                double s = a[inv + f - lo];
                for (int r = r0, i = r0 * features + f; r < r1; r++, i += features) {
                    out[outOff + i] = (float) ((x[xOff + i] - m) * s);
                }
            }
        }
    }

    /** The mean of each feature into {@code a[at ..]}. */
    private static void means(float[] x, int off, int rows, int features, int lo, int hi, double[] a, int at) {
        ColumnSums.sums(x, off, rows, features, lo, hi, a, at);
        for (int k = at; k < at + hi - lo; k++) {
            a[k] /= rows;
        }
    }

    /** The biased variance of each feature into {@code a[at ..]}, given the means at {@code a[mean ..]}. */
    private static void variances(float[] x, int off, int rows, int features, int lo, int hi, double[] a, int mean,
                                  int at) {
        java.util.Arrays.fill(a, at, at + hi - lo, 0.0);
        int block = ColumnSums.rowBlock(features);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            int f = lo;
            for (; f + 4 <= hi; f += 4) {
                int k = f - lo;
                double m0 = a[mean + k], m1 = a[mean + k + 1], m2 = a[mean + k + 2], m3 = a[mean + k + 3];
                double s0 = a[at + k], s1 = a[at + k + 1], s2 = a[at + k + 2], s3 = a[at + k + 3];
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
                a[at + k] = s0;
                a[at + k + 1] = s1;
                a[at + k + 2] = s2;
                a[at + k + 3] = s3;
            }
            for (; f < hi; f++) {
                double m0 = a[mean + f - lo];
                double s0 = a[at + f - lo];
                for (int r = r0, i = off + r0 * features + f; r < r1; r++, i += features) {
                    double d0 = x[i] - m0;
                    s0 += d0 * d0;
                }
                a[at + f - lo] = s0;
            }
        }
        for (int k = at; k < at + hi - lo; k++) {
            a[k] /= rows;
        }
    }
}
