package netc.runtime;

import java.util.Arrays;

/**
 * Spatial routines called by generated code for convolutions and pooling: patch extraction (im2col) and its adjoint,
 * max and average pooling with their gradients, and the per-channel sum that is the adjoint of a conv bias. They are
 * memory-bound loops with nothing to specialise per network, so they live here rather than being generated; the
 * arithmetic-heavy part of a convolution is the GEMM over the patch matrix, which the compiler emits.
 *
 * <p>Layout: a {@code [C, H, W]} value is stored channel-last, element {@code (c, h, w)} of sample {@code b} at
 * {@code off + b*H*W*C + (h*W + w)*C + c} (see docs/spatial-and-recurrent.md).
 *
 * <p>Each routine works on a range {@code [lo, hi)} so that {@link Parallel} can split it: pixel rows for
 * {@link #im2col}, samples for the pooling routines and {@link #col2imAdd}, channels for {@link #sumChannels}. Every
 * output element is written by exactly one index of the range, in a fixed order, so the result is bitwise the same
 * however the range is split and in whatever order the parts run. Outputs must not overlap inputs.
 */
public final class SpatialOps {
    private SpatialOps() {
    }

    /**
     * Builds patch rows {@code [lo, hi)} of a convolution with a {@code k x k} kernel. Row
     * {@code r = b*ho*wo + oh*wo + ow} (at {@code pOff + r*k*k*c}) lists, for {@code kh} and {@code kw} in
     * {@code 0..k-1} and {@code ci} in {@code 0..c-1} (ci fastest, kh slowest: channel-last like the image, so each
     * kernel row of the window is one contiguous copy), the input {@code x[b, ci, oh*stride - pad + kh,
     * ow*stride - pad + kw]}, or 0 where that lies in the padding. A kernel row must be in the same order, which
     * {@link #kernelChannelsLast} makes of an {@code [O, C, K, K]} parameter. The caller passes
     * {@code ho = (h + 2 pad - k) / stride + 1} and likewise {@code wo}.
     */
    public static void im2col(float[] x, int xOff, int c, int h, int w, int k, int stride, int pad, int ho, int wo,
                              float[] patches, int pOff, int lo, int hi) {
        if (lo >= hi) {
            return;
        }
        int kc = k * c;
        int rowLen = k * kc;
        int plane = ho * wo;
        int sampleLen = h * w * c;
        // Walk (b, oh, ow) incrementally instead of dividing per row.
        int b = lo / plane;
        int rem = lo - b * plane;
        int oh = rem / wo;
        int ow = rem - oh * wo;
        int dst = pOff + lo * rowLen;
        for (int r = lo; r < hi; r++) {
            int ih0 = oh * stride - pad;
            int iw0 = ow * stride - pad;
            // Columns kw in [kwLo, kwHi) are inside the image; the same for every kernel row.
            int kwLo = Math.min(k, Math.max(0, -iw0));
            int kwHi = Math.max(kwLo, Math.min(k, w - iw0));
            int xs = xOff + b * sampleLen;
            for (int kh = 0; kh < k; kh++) {
                int d = dst + kh * kc;
                int ih = ih0 + kh;
                if (ih < 0 || ih >= h) {
                    Arrays.fill(patches, d, d + kc, 0f);
                    continue;
                }
                if (kwLo > 0) {
                    Arrays.fill(patches, d, d + kwLo * c, 0f);
                }
                // With pad >= k a window can lie wholly left or right of the image (kwLo == kwHi): its source
                // index is then outside x, which arraycopy rejects even for length 0, so copy only a non-empty run.
                if (kwHi > kwLo) {
                    System.arraycopy(x, xs + (ih * w + iw0 + kwLo) * c, patches, d + kwLo * c, (kwHi - kwLo) * c);
                }
                if (kwHi < k) {
                    Arrays.fill(patches, d + kwHi * c, d + kc, 0f);
                }
            }
            dst += rowLen;
            if (++ow == wo) {
                ow = 0;
                if (++oh == ho) {
                    oh = 0;
                    b++;
                }
            }
        }
    }

    /**
     * As {@link #im2col}, but only columns {@code [colLo, colHi)} of each patch row (row length {@code k*k*c}; other
     * columns are left as they are): the patches a kernel gradient split by column panels needs on one thread, built
     * again a sample at a time rather than stored for the whole batch. Each column written holds what
     * {@link #im2col} writes there.
     */
    public static void im2colColumns(float[] x, int xOff, int c, int h, int w, int k, int stride, int pad, int ho,
                                     int wo, float[] patches, int pOff, int lo, int hi, int colLo, int colHi) {
        int kc = k * c;
        int rowLen = k * kc;
        int from = Math.max(0, colLo);
        int to = Math.min(rowLen, colHi);
        if (lo >= hi || from >= to) {
            return;
        }
        int plane = ho * wo;
        int sampleLen = h * w * c;
        int b = lo / plane;
        int rem = lo - b * plane;
        int oh = rem / wo;
        int ow = rem - oh * wo;
        int khLo = from / kc;
        int khHi = (to - 1) / kc + 1;
        int dst = pOff + lo * rowLen;
        for (int r = lo; r < hi; r++) {
            int ih0 = oh * stride - pad;
            int iw0 = ow * stride - pad;
            // within a kernel row, the part [inLo, inHi) comes from the image and the rest is padding
            int inLo = Math.min(k, Math.max(0, -iw0)) * c;
            int inHi = Math.max(inLo, Math.min(k, w - iw0) * c);
            int xs = xOff + b * sampleLen;
            for (int kh = khLo; kh < khHi; kh++) {
                int row0 = kh * kc;
                int s = Math.max(from, row0) - row0;
                int e = Math.min(to, row0 + kc) - row0;
                int d = dst + row0;
                int ih = ih0 + kh;
                if (ih < 0 || ih >= h) {
                    Arrays.fill(patches, d + s, d + e, 0f);
                    continue;
                }
                int copyLo = Math.max(s, inLo);
                int copyHi = Math.min(e, inHi);
                if (copyLo >= copyHi) {
                    Arrays.fill(patches, d + s, d + e, 0f);
                    continue;
                }
                if (s < copyLo) {
                    Arrays.fill(patches, d + s, d + copyLo, 0f);
                }
                System.arraycopy(x, xs + (ih * w + iw0) * c + copyLo, patches, d + copyLo, copyHi - copyLo);
                if (copyHi < e) {
                    Arrays.fill(patches, d + copyHi, d + e, 0f);
                }
            }
            dst += rowLen;
            if (++ow == wo) {
                ow = 0;
                if (++oh == ho) {
                    oh = 0;
                    b++;
                }
            }
        }
    }

    /**
     * Where {@link #col2imAdd} takes each pixel's sum from, for a caller that gathers the sum of each pixel at once
     * (one pass over {@code dx}, the channels of a pixel side by side, as a vector loop wants) rather than scattering
     * patch rows into {@code dx}: for the pixel {@code q = ih * w + iw} of a sample, its windows' entries start at
     * {@code pOff + t[j]}, {@code c} channels each, for {@code j} in {@code [t[q], t[q + 1])}, in the order in which
     * {@code col2imAdd} adds them (windows by row, then by column), so summing them from 0 in that order gives its
     * bits. Entries that came from the padding have no pixel and are not listed.
     */
    public static int[] col2imWindows(int c, int h, int w, int k, int stride, int pad, int ho, int wo) {
        int kc = k * c;
        int rowLen = k * kc;
        int pixels = h * w;
        int count = 0;
        for (int ih = 0; ih < h; ih++) {
            for (int iw = 0; iw < w; iw++) {
                count += windows(ih, pad, k, stride, ho) * windows(iw, pad, k, stride, wo);
            }
        }
        int[] t = new int[pixels + 1 + count];
        int j = pixels + 1;
        for (int ih = 0; ih < h; ih++) {
            for (int iw = 0; iw < w; iw++) {
                t[ih * w + iw] = j;
                for (int oh = firstWindow(ih, pad, k, stride); oh < ho && oh * stride <= ih + pad; oh++) {
                    for (int ow = firstWindow(iw, pad, k, stride); ow < wo && ow * stride <= iw + pad; ow++) {
                        t[j++] = (oh * wo + ow) * rowLen + (ih + pad - oh * stride) * kc + (iw + pad - ow * stride) * c;
                    }
                }
            }
        }
        t[pixels] = j;
        return t;
    }

    /** The first window (along one axis) that covers input coordinate {@code i}: {@code o * stride > i + pad - k}. */
    private static int firstWindow(int i, int pad, int k, int stride) {
        int reach = i + pad - k; // windows o with o * stride <= reach end before i
        return reach < 0 ? 0 : reach / stride + 1;
    }

    /** How many of the {@code outs} windows along one axis cover input coordinate {@code i}. */
    private static int windows(int i, int pad, int k, int stride, int outs) {
        int n = 0;
        for (int o = firstWindow(i, pad, k, stride); o < outs && o * stride <= i + pad; o++) {
            n++;
        }
        return n;
    }

    /**
     * The adjoint of {@link #im2col} for samples {@code [lo, hi)}: sets the whole sample {@code dx[b]} ({@code c*h*w}
     * floats) to zero, then adds every entry of that sample's patch rows back to the pixel it was read from (entries
     * that came from the padding are dropped). Additions run in a fixed order (rows in order, within a row kh, kw,
     * ci), and a sample is only ever touched by one call, so splitting over samples keeps the sums deterministic.
     */
    public static void col2imAdd(float[] dPatches, int pOff, int c, int h, int w, int k, int stride, int pad, int ho,
                                 int wo, float[] dx, int dxOff, int lo, int hi) {
        int kc = k * c;
        int rowLen = k * kc;
        int plane = ho * wo;
        int sampleLen = h * w * c;
        for (int b = lo; b < hi; b++) {
            int xs = dxOff + b * sampleLen;
            Arrays.fill(dx, xs, xs + sampleLen, 0f);
            int src = pOff + b * plane * rowLen;
            for (int oh = 0; oh < ho; oh++) {
                int ih0 = oh * stride - pad;
                for (int ow = 0; ow < wo; ow++, src += rowLen) {
                    int iw0 = ow * stride - pad;
                    int kwLo = Math.min(k, Math.max(0, -iw0));
                    int kwHi = Math.max(kwLo, Math.min(k, w - iw0));
                    int n = (kwHi - kwLo) * c;
                    if (n == 0) {
                        continue; // the window lies wholly in the left or right padding (pad >= k)
                    }
                    for (int kh = 0; kh < k; kh++) {
                        int ih = ih0 + kh;
                        if (ih < 0 || ih >= h) {
                            continue;
                        }
                        int s = src + kh * kc + kwLo * c;
                        int d = xs + (ih * w + iw0 + kwLo) * c;
                        for (int i = 0; i < n; i++) {
                            dx[d + i] += dPatches[s + i];
                        }
                    }
                }
            }
        }
    }

    /**
     * A convolution kernel {@code [O, C, K, K]} (PyTorch's order, as declared) reordered to {@code [O, K, K, C]},
     * the order of {@link #im2col}'s patch rows, for output channels {@code [lo, hi)}.
     */
    public static void kernelChannelsLast(float[] kernel, int kOff, int c, int k, float[] out, int outOff, int lo,
                                          int hi) {
        permuteKernel(true, kernel, kOff, c, k, out, outOff, lo, hi);
    }

    /**
     * As {@link #kernelChannelsLast}, and besides that matrix {@code [O, K*K*C]} its transpose {@code [K*K*C, O]} at
     * {@code tOff} ({@code o} output channels in all): a convolution's forward product runs as NN on the transposed
     * kernel matrix (each element one chain of fmas, against an NT dot product's tree of partial sums), while its
     * patch gradient reads the rows.
     */
    public static void kernelChannelsLastAndTransposed(float[] kernel, int kOff, int c, int k, int o, float[] out,
                                                       int outOff, float[] transposed, int tOff, int lo, int hi) {
        permuteKernel(true, kernel, kOff, c, k, out, outOff, lo, hi);
        int len = k * k * c;
        for (int r = lo; r < hi; r++) {
            int row = outOff + r * len;
            for (int j = 0; j < len; j++) {
                transposed[tOff + j * o + r] = out[row + j];
            }
        }
    }

    /** The inverse of {@link #kernelChannelsLast}: {@code [O, K, K, C]} back to {@code [O, C, K, K]}. */
    public static void kernelChannelsFirst(float[] kernel, int kOff, int c, int k, float[] out, int outOff, int lo,
                                           int hi) {
        permuteKernel(false, kernel, kOff, c, k, out, outOff, lo, hi);
    }

    private static void permuteKernel(boolean toLast, float[] kernel, int kOff, int c, int k, float[] out, int outOff,
                                      int lo, int hi) {
        int kk = k * k;
        for (int o = lo; o < hi; o++) {
            int base = o * c * kk;
            for (int ci = 0; ci < c; ci++) {
                for (int i = 0; i < kk; i++) {
                    int first = base + ci * kk + i;
                    int last = base + i * c + ci;
                    out[outOff + (toLast ? last : first)] = kernel[kOff + (toLast ? first : last)];
                }
            }
        }
    }

    /**
     * Max pooling for samples {@code [lo, hi)}: {@code out[b, ci, oh, ow]} is the maximum of the {@code size x size}
     * window at rows {@code oh*stride ..}, columns {@code ow*stride ..} of channel {@code ci}. Windows lie inside the
     * image: {@code ho = (h - size) / stride + 1}, likewise {@code wo}.
     *
     * <p>NaN propagates: if any element of a window is NaN the result is NaN (a plain {@code v > max} scan would
     * silently skip a NaN that is not first). Elements that compare equal (including {@code -0.0} and {@code 0.0})
     * keep the first in window order, the element {@link #maxPoolGrad} sends the gradient to.
     */
    public static void maxPool(float[] x, int xOff, int c, int h, int w, int size, int stride, int ho, int wo,
                               float[] out, int outOff, int lo, int hi) {
        int sampleLen = h * w * c;
        int outLen = ho * wo * c;
        for (int b = lo; b < hi; b++) {
            int xs = xOff + b * sampleLen;
            int o = outOff + b * outLen;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++, o += c) {
                    int first = xs + (oh * stride * w + ow * stride) * c;
                    for (int ci = 0; ci < c; ci++) {
                        out[o + ci] = x[firstMax(x, first + ci, c, w, size)];
                    }
                }
            }
        }
    }

    /**
     * Gradient of {@link #maxPool} for samples {@code [lo, hi)}: sets {@code dx[b]} to zero, then adds the whole
     * {@code g[b, ci, oh, ow]} of each window to one element of that window, the first maximal one in window order
     * (row by row, then column; a later element must be strictly greater to take over). On ties the gradient is
     * therefore not shared: a window of equal values sends it all to its top-left element. With overlapping windows
     * ({@code stride < size}) an element can be chosen by several windows and their contributions add, in window
     * order. If a window holds a NaN, the first NaN is chosen, matching the NaN that {@link #maxPool} returns.
     */
    public static void maxPoolGrad(float[] x, int xOff, float[] g, int gOff, int c, int h, int w, int size, int stride,
                                   int ho, int wo, float[] dx, int dxOff, int lo, int hi) {
        int sampleLen = h * w * c;
        int outLen = ho * wo * c;
        for (int b = lo; b < hi; b++) {
            int xs = xOff + b * sampleLen;
            int toDx = dxOff - xOff;
            Arrays.fill(dx, xs + toDx, xs + toDx + sampleLen, 0f);
            int gi = gOff + b * outLen;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++, gi += c) {
                    int first = xs + (oh * stride * w + ow * stride) * c;
                    for (int ci = 0; ci < c; ci++) {
                        dx[firstMax(x, first + ci, c, w, size) + toDx] += g[gi + ci];
                    }
                }
            }
        }
    }

    /**
     * The index of the first maximal element of one channel's {@code size x size} window whose top-left element is
     * {@code x[first]}: a later element takes over when it is strictly greater, or is the first NaN (nothing takes
     * over from a NaN). Written without a branch on the data: the running maximum is {@code Math.max} (a NaN stays,
     * and which zero it keeps does not change a comparison) and the index moves by a conditional move, where a
     * compare-and-branch mispredicted about every other element on random data (8.8 ms for the first pooling
     * gradient of the convnet, 28x28x32 at batch 64, on one thread).
     */
    private static int firstMax(float[] x, int first, int c, int w, int size) {
        int best = first;
        float max = x[first];
        for (int i = 0; i < size; i++) {
            for (int j = (i == 0 ? 1 : 0), s = first + (i * w + j) * c; j < size; j++, s += c) {
                float v = x[s];
                boolean takes = v > max | (v != v & max == max);
                best = takes ? s : best;
                max = Math.max(max, v);
            }
        }
        return best;
    }

    /**
     * Average pooling for samples {@code [lo, hi)}: {@code out[b, ci, oh, ow]} is the mean of the window (same
     * windows as {@link #maxPool}), summed in double in window order and divided by {@code size*size} before the one
     * rounding to float.
     */
    public static void avgPool(float[] x, int xOff, int c, int h, int w, int size, int stride, int ho, int wo,
                               float[] out, int outOff, int lo, int hi) {
        int sampleLen = h * w * c;
        int outLen = ho * wo * c;
        double area = size * size;
        for (int b = lo; b < hi; b++) {
            int xs = xOff + b * sampleLen;
            int o = outOff + b * outLen;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++, o += c) {
                    int first = xs + (oh * stride * w + ow * stride) * c;
                    for (int ci = 0; ci < c; ci++) {
                        double sum = 0;
                        for (int i = 0; i < size; i++) {
                            int s = first + i * w * c + ci;
                            for (int j = 0; j < size; j++, s += c) {
                                sum += x[s];
                            }
                        }
                        out[o + ci] = (float) (sum / area);
                    }
                }
            }
        }
    }

    /**
     * Gradient of {@link #avgPool} for samples {@code [lo, hi)}: sets {@code dx[b]} to zero, then adds
     * {@code g[b, ci, oh, ow] / (size*size)} (one float division) to every element of each window; overlapping
     * windows add, in window order.
     */
    public static void avgPoolGrad(float[] g, int gOff, int c, int h, int w, int size, int stride, int ho, int wo,
                                   float[] dx, int dxOff, int lo, int hi) {
        int sampleLen = h * w * c;
        int outLen = ho * wo * c;
        float area = size * size;
        for (int b = lo; b < hi; b++) {
            int xs = dxOff + b * sampleLen;
            Arrays.fill(dx, xs, xs + sampleLen, 0f);
            int gi = gOff + b * outLen;
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++, gi += c) {
                    int first = xs + (oh * stride * w + ow * stride) * c;
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            int d = first + (i * w + j) * c;
                            for (int ci = 0; ci < c; ci++) {
                                dx[d + ci] += g[gi + ci] / area;
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * {@code out[ci] = sum over b in batch order, then pixel p in order, of v[vOff + (b*pixels + p)*c + ci]} for
     * channels {@code [lo, hi)}: the adjoint of a {@code [C]} bias broadcast over the pixels of a batch. The sum is
     * accumulated in double (a conv bias sums batch*H*W terms, enough for float accumulation to lose small terms
     * next to a large running sum) and rounded to float once; one pass over the data serves all channels of the range.
     */
    public static void sumChannels(float[] v, int vOff, int c, int pixels, int batch, float[] out, int outOff, int lo,
                                   int hi) {
        if (lo >= hi) {
            return;
        }
        double[] acc = DoubleScratch.atLeast(hi - lo);
        ColumnSums.sums(v, vOff, batch * pixels, c, lo, hi, acc, 0);
        for (int ci = 0; ci < hi - lo; ci++) {
            out[outOff + lo + ci] = (float) acc[ci];
        }
    }

    /**
     * Global average pooling for samples {@code [lo, hi)}: {@code out[b, ci]} is the mean of channel {@code ci} over
     * the sample's {@code pixels} pixel rows, summed in double in pixel order and divided by {@code pixels} before
     * the one rounding to float.
     */
    public static void globalAvgPool(float[] x, int xOff, int c, int pixels, float[] out, int outOff, int lo, int hi) {
        for (int b = lo; b < hi; b++) {
            int xs = xOff + b * pixels * c;
            for (int ci = 0; ci < c; ci++) {
                double sum = 0;
                for (int p = 0, s = xs + ci; p < pixels; p++, s += c) {
                    sum += x[s];
                }
                out[outOff + b * c + ci] = (float) (sum / pixels);
            }
        }
    }

    /**
     * Gradient of {@link #globalAvgPool} for samples {@code [lo, hi)}: every pixel row of {@code dx[b]} is set to
     * {@code g[b] / pixels} (one float division per element).
     */
    public static void globalAvgPoolGrad(float[] g, int gOff, int c, int pixels, float[] dx, int dxOff, int lo,
                                         int hi) {
        float n = pixels;
        for (int b = lo; b < hi; b++) {
            int gi = gOff + b * c;
            int d = dxOff + b * pixels * c;
            for (int p = 0; p < pixels; p++, d += c) {
                for (int ci = 0; ci < c; ci++) {
                    dx[d + ci] = g[gi + ci] / n;
                }
            }
        }
    }

    /**
     * Concatenation for samples {@code [lo, hi)} of {@code rows} rows each: every row of {@code out} is the row of
     * {@code a} ({@code ca} values) followed by the row of {@code b} ({@code cb} values). With one row per sample
     * this joins two vectors; with a row per pixel, two channel-last images along their channels.
     */
    public static void concatColumns(float[] a, int aOff, int ca, float[] b, int bOff, int cb, int rows,
                                     float[] out, int outOff, int lo, int hi) {
        int c = ca + cb;
        for (int r = lo * rows; r < hi * rows; r++) {
            System.arraycopy(a, aOff + r * ca, out, outOff + r * c, ca);
            System.arraycopy(b, bOff + r * cb, out, outOff + r * c + ca, cb);
        }
    }

    /**
     * Columns {@code [from, from + width)} of every row of {@code x} (rows of {@code c} values), for samples
     * {@code [lo, hi)} of {@code rows} rows each: one operand's part of a {@link #concatColumns}, its gradient.
     */
    public static void columns(float[] x, int xOff, int c, int from, int width, int rows, float[] out, int outOff,
                               int lo, int hi) {
        for (int r = lo * rows; r < hi * rows; r++) {
            System.arraycopy(x, xOff + r * c + from, out, outOff + r * width, width);
        }
    }
}
