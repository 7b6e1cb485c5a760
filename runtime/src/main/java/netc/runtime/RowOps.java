package netc.runtime;

/**
 * Per-sample row operations called by generated code: softmax, its gradient, the losses and their gradients, and
 * the sum over the batch. Each works on rows {@code [lo, hi)} of a batch so that {@link Parallel} can split it;
 * losses write one value per sample into {@code double[] rows}, summed afterwards in a fixed order.
 *
 * <p>Softmax and the fused softmax cross-entropy subtract the row maximum before exponentiating (log-sum-exp), so
 * they are exact for logits of any size; the fused sigmoid cross-entropy uses {@code max(z, 0) - z t +
 * log(1 + exp(-|z|))} for the same reason.
 *
 * <p>No {@code Math.exp} or {@code log} here: float values use {@link FloatMath}, the per-sample losses (double)
 * {@code StrictMath}; both give the same bits on every JVM, where Math's JIT intrinsics need not.
 */
public final class RowOps {
    private RowOps() {
    }

    /** {@code out[r] = softmax(z[r])} over rows of {@code n} values. */
    public static void softmax(float[] z, int zOff, float[] out, int outOff, int n, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            softmaxRow(z, zOff + r * n, out, outOff + r * n, n);
        }
    }

    private static void softmaxRow(float[] z, int zo, float[] out, int oo, int n) {
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, z[zo + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            float e = FloatMath.exp(z[zo + j] - max);
            out[oo + j] = e;
            sum += e;
        }
        float inv = (float) (1.0 / sum);
        for (int j = 0; j < n; j++) {
            out[oo + j] *= inv;
        }
    }

    /** {@code out[r] = y[r] * (g[r] - dot(g[r], y[r]))}, the gradient through a softmax with output y. */
    public static void softmaxGrad(float[] y, int yOff, float[] g, int gOff, float[] out, int outOff, int n, int lo,
                                   int hi) {
        for (int r = lo; r < hi; r++) {
            int yo = yOff + r * n;
            int go = gOff + r * n;
            double dot = 0;
            for (int j = 0; j < n; j++) {
                dot += g[go + j] * y[yo + j];
            }
            for (int j = 0; j < n; j++) {
                out[outOff + r * n + j] = (float) (y[yo + j] * (g[go + j] - dot));
            }
        }
    }

    /**
     * {@code out[j] = sum_b in[b][j]} for columns {@code [lo, hi)}, summed in batch order.
     *
     * <p>Sixteen columns at a time in local sums, down the batch: adding each row into {@code out} loaded and stored
     * every sum once per row (C2 does not vectorize it: {@code in} and {@code out} may be one array), 26 us for the
     * MNIST MLP's 512-wide bias gradient at batch 128, now about 10 (Zen 5). Each column is still summed in batch
     * order, so the sums are bitwise the same. {@code out}'s columns must not overlap {@code in} (generated classes
     * sum a scratch buffer into the gradient).
     */
    public static void sumBatch(float[] in, int inOff, float[] out, int outOff, int n, int batch, int lo, int hi) {
        int j = lo;
        for (; j + 16 <= hi; j += 16) {
            float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f, s4 = 0f, s5 = 0f, s6 = 0f, s7 = 0f;
            float s8 = 0f, s9 = 0f, s10 = 0f, s11 = 0f, s12 = 0f, s13 = 0f, s14 = 0f, s15 = 0f;
            for (int b = 0, r = inOff + j; b < batch; b++, r += n) {
                s0 += in[r];
                s1 += in[r + 1];
                s2 += in[r + 2];
                s3 += in[r + 3];
                s4 += in[r + 4];
                s5 += in[r + 5];
                s6 += in[r + 6];
                s7 += in[r + 7];
                s8 += in[r + 8];
                s9 += in[r + 9];
                s10 += in[r + 10];
                s11 += in[r + 11];
                s12 += in[r + 12];
                s13 += in[r + 13];
                s14 += in[r + 14];
                s15 += in[r + 15];
            }
            int o = outOff + j;
            out[o] = s0;
            out[o + 1] = s1;
            out[o + 2] = s2;
            out[o + 3] = s3;
            out[o + 4] = s4;
            out[o + 5] = s5;
            out[o + 6] = s6;
            out[o + 7] = s7;
            out[o + 8] = s8;
            out[o + 9] = s9;
            out[o + 10] = s10;
            out[o + 11] = s11;
            out[o + 12] = s12;
            out[o + 13] = s13;
            out[o + 14] = s14;
            out[o + 15] = s15;
        }
        for (; j < hi; j++) {
            float s = 0f;
            for (int b = 0, r = inOff + j; b < batch; b++, r += n) {
                s += in[r];
            }
            out[outOff + j] = s;
        }
    }

    /** Per-sample {@code logsumexp(z) - z[label]} into {@code rows[r]}. */
    public static void softmaxCrossEntropy(float[] z, int zOff, float[] labels, int n, double[] rows, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            int zo = zOff + r * n;
            float max = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                max = Math.max(max, z[zo + j]);
            }
            double sum = 0;
            for (int j = 0; j < n; j++) {
                sum += StrictMath.exp(z[zo + j] - max);
            }
            rows[r] = max + StrictMath.log(sum) - z[zo + label(labels, r, n)];
        }
    }

    /** {@code out[r] = (softmax(z[r]) - onehot(label[r])) / batch}. */
    public static void softmaxCrossEntropyGrad(float[] z, int zOff, float[] labels, float[] out, int outOff, int n,
                                               int batch, int lo, int hi) {
        float invBatch = 1f / batch;
        for (int r = lo; r < hi; r++) {
            int oo = outOff + r * n;
            softmaxRow(z, zOff + r * n, out, oo, n);
            out[oo + label(labels, r, n)] -= 1f;
            for (int j = 0; j < n; j++) {
                out[oo + j] *= invBatch;
            }
        }
    }

    /** Per-sample {@code -log p[label]}. */
    public static void crossEntropy(float[] p, int pOff, float[] labels, int n, double[] rows, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            rows[r] = -StrictMath.log(p[pOff + r * n + label(labels, r, n)]);
        }
    }

    /** {@code out[r] = -onehot(label[r]) / (p[r] * batch)}. */
    public static void crossEntropyGrad(float[] p, int pOff, float[] labels, float[] out, int outOff, int n, int batch,
                                        int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            int oo = outOff + r * n;
            for (int j = 0; j < n; j++) {
                out[oo + j] = 0f;
            }
            int k = label(labels, r, n);
            out[oo + k] = (float) (-1.0 / ((double) p[pOff + r * n + k] * batch));
        }
    }

    /** Per-sample {@code 0.5 * sum_j (p_j - t_j)^2}. */
    public static void squaredError(float[] p, int pOff, float[] t, int n, double[] rows, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double d = (double) p[pOff + r * n + j] - t[r * n + j];
                s += d * d;
            }
            rows[r] = 0.5 * s;
        }
    }

    /** {@code out[r] = (p[r] - t[r]) / batch}. */
    public static void squaredErrorGrad(float[] p, int pOff, float[] t, float[] out, int outOff, int n, int batch,
                                        int lo, int hi) {
        float invBatch = 1f / batch;
        for (int r = lo; r < hi; r++) {
            for (int j = 0; j < n; j++) {
                out[outOff + r * n + j] = (p[pOff + r * n + j] - t[r * n + j]) * invBatch;
            }
        }
    }

    /**
     * Per-sample {@code sum_j max(z,0) - z t + log(1 + exp(-|z|))}; with {@code labels} the target of a single
     * output is the label (0 or 1), otherwise t has n values per sample.
     */
    public static void sigmoidBinaryCrossEntropy(float[] z, int zOff, float[] t, boolean labels, int n, double[] rows,
                                                 int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double v = z[zOff + r * n + j];
                double y = labels ? t[r] : t[r * n + j];
                s += Math.max(v, 0) - v * y + StrictMath.log1p(StrictMath.exp(-Math.abs(v)));
            }
            rows[r] = s;
        }
    }

    /** {@code out[r] = (sigmoid(z[r]) - t[r]) / batch}. */
    public static void sigmoidBinaryCrossEntropyGrad(float[] z, int zOff, float[] t, boolean labels, float[] out,
                                                     int outOff, int n, int batch, int lo, int hi) {
        float invBatch = 1f / batch;
        for (int r = lo; r < hi; r++) {
            for (int j = 0; j < n; j++) {
                float y = labels ? t[r] : t[r * n + j];
                out[outOff + r * n + j] = (Activations.sigmoid(z[zOff + r * n + j]) - y) * invBatch;
            }
        }
    }

    /** Per-sample {@code -sum_j t log p + (1 - t) log(1 - p)}. */
    public static void binaryCrossEntropy(float[] p, int pOff, float[] t, boolean labels, int n, double[] rows, int lo,
                                          int hi) {
        for (int r = lo; r < hi; r++) {
            double s = 0;
            for (int j = 0; j < n; j++) {
                double q = p[pOff + r * n + j];
                double y = labels ? t[r] : t[r * n + j];
                s -= y * StrictMath.log(q) + (1 - y) * StrictMath.log(1 - q);
            }
            rows[r] = s;
        }
    }

    /** {@code out[r] = (p[r] - t[r]) / (p[r] (1 - p[r]) batch)}. */
    public static void binaryCrossEntropyGrad(float[] p, int pOff, float[] t, boolean labels, float[] out, int outOff,
                                              int n, int batch, int lo, int hi) {
        for (int r = lo; r < hi; r++) {
            for (int j = 0; j < n; j++) {
                double q = p[pOff + r * n + j];
                double y = labels ? t[r] : t[r * n + j];
                out[outOff + r * n + j] = (float) ((q - y) / (q * (1 - q) * batch));
            }
        }
    }

    /** Sum of {@code rows[0..batch)} in index order, so the result does not depend on how rows were split. */
    public static double sum(double[] rows, int batch) {
        double s = 0;
        for (int r = 0; r < batch; r++) {
            s += rows[r];
        }
        return s;
    }

    private static int label(float[] labels, int r, int classes) {
        float v = labels[r];
        int k = (int) v;
        if (k != v || k < 0 || k >= classes) {
            throw new IllegalArgumentException("label " + v + " of sample " + r + " is not a class index in [0, "
                    + classes + ")");
        }
        return k;
    }
}
