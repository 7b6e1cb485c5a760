package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compares each {@link SpatialOps} routine with a naive textbook version written here in double precision (indexing
 * {@code [b][c][h][w]} directly, no hoisting), on random data with odd geometries, and checks that splitting the
 * range anywhere gives bitwise the same output as one call. Arrays carry a prefix and suffix of sentinel values so
 * that writes outside a routine's part show up.
 */
class SpatialOpsTest {

    /** Prefix before the data in every array, so offsets are exercised. */
    private static final int OFF = 3;
    /** Slack after the data. */
    private static final int TAIL = 4;
    /** What an output holds before a routine runs; any element a routine should not touch must still hold it. */
    private static final float SENTINEL = -12345.5f;

    record Conv(int batch, int c, int h, int w, int k, int stride, int pad) {
        int ho() {
            return (h + 2 * pad - k) / stride + 1;
        }

        int wo() {
            return (w + 2 * pad - k) / stride + 1;
        }

        int rows() {
            return batch * ho() * wo();
        }

        int rowLen() {
            return c * k * k;
        }

        int inLen() {
            return batch * c * h * w;
        }
    }

    record Pool(int batch, int c, int h, int w, int size, int stride) {
        int ho() {
            return (h - size) / stride + 1;
        }

        int wo() {
            return (w - size) / stride + 1;
        }

        int inLen() {
            return batch * c * h * w;
        }

        int outLen() {
            return batch * c * ho() * wo();
        }
    }

    static Stream<Conv> convs() {
        return Stream.of(
                new Conv(2, 3, 7, 5, 3, 2, 1),   // the usual odd case
                new Conv(3, 3, 7, 5, 1, 1, 0),   // 1x1 kernel
                new Conv(2, 3, 7, 5, 1, 2, 0),   // 1x1 kernel, stride 2
                new Conv(2, 2, 6, 6, 3, 1, 1),   // "same" convolution
                new Conv(2, 3, 5, 5, 5, 1, 2),   // "same" with a big kernel
                new Conv(2, 4, 5, 7, 3, 4, 2),   // stride > kernel: pixels skipped
                new Conv(3, 1, 3, 3, 3, 5, 0),   // stride > image: one output pixel
                new Conv(2, 2, 3, 4, 3, 7, 1),   // stride > image, padded
                new Conv(2, 1, 4, 4, 1, 1, 2),   // pad >= kernel: border rows are all padding
                new Conv(1, 3, 1, 1, 1, 1, 0),   // 1x1 image
                new Conv(2, 2, 3, 4, 5, 1, 1),   // kernel taller than the image
                new Conv(3, 5, 9, 8, 2, 3, 0),   // even kernel
                // pad > kernel: whole windows lie in the padding, left and right of the image (issue 7)
                new Conv(2, 3, 3, 3, 2, 1, 3),
                new Conv(2, 3, 3, 3, 2, 2, 3),
                new Conv(2, 3, 3, 3, 2, 3, 4),
                new Conv(2, 2, 4, 3, 3, 1, 6),
                new Conv(1, 4, 2, 2, 1, 2, 5));
    }

    static Stream<Pool> pools() {
        return Stream.of(
                new Pool(2, 3, 7, 5, 3, 2),   // overlapping, odd
                new Pool(2, 3, 7, 5, 2, 2),   // last row and column dropped
                new Pool(3, 2, 6, 6, 2, 1),   // overlapping by one
                new Pool(2, 3, 7, 5, 2, 3),   // stride > size: gaps
                new Pool(2, 2, 4, 7, 2, 5),   // stride > size, one output row
                new Pool(2, 4, 3, 5, 3, 9),   // stride > image
                new Pool(2, 1, 5, 5, 1, 1),   // size 1 (a copy)
                new Pool(2, 3, 3, 3, 3, 1),   // window = image
                new Pool(1, 3, 8, 8, 3, 3));  // tiling
    }

    // ---------------------------------------------------------------------------------------------------------
    // Helpers

    private static Random rng(Object geometry, int salt) {
        return new Random(geometry.toString().hashCode() * 31L + salt);
    }

    /** OFF sentinels, n random values in [-1, 1), TAIL sentinels. */
    private static float[] random(Random r, int n) {
        float[] a = sentinels(n);
        for (int i = 0; i < n; i++) {
            a[OFF + i] = r.nextFloat() * 2f - 1f;
        }
        return a;
    }

    /** Small integers 0..2, so that windows have many ties. */
    private static float[] smallInts(Random r, int n) {
        float[] a = sentinels(n);
        for (int i = 0; i < n; i++) {
            a[OFF + i] = r.nextInt(3);
        }
        return a;
    }

    private static float[] sentinels(int n) {
        float[] a = new float[OFF + n + TAIL];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    /** Index of element (ci, ih, iw) of sample b of a channel-last [c, h, w] tensor at offset off. */
    private static int at(int off, int c, int h, int w, int b, int ci, int ih, int iw) {
        return off + b * h * w * c + (ih * w + iw) * c + ci;
    }

    private static void assertClose(double expected, float actual, String what) {
        double tol = 1e-5 * (1 + Math.abs(expected));
        if (!(Math.abs(expected - actual) <= tol)) {
            fail(what + ": expected " + expected + " but was " + actual);
        }
    }

    private static void assertSentinels(float[] a, int from, int to, String what) {
        for (int i = from; i < to; i++) {
            if (Float.floatToRawIntBits(a[i]) != Float.floatToRawIntBits(SENTINEL)) {
                fail(what + ": index " + i + " was written (" + a[i] + ")");
            }
        }
    }

    /** Prefix and suffix untouched. */
    private static void assertBorders(float[] a, int n, String what) {
        assertSentinels(a, 0, OFF, what + " (prefix)");
        assertSentinels(a, OFF + n, a.length, what + " (suffix)");
    }

    /** One call of a routine on [lo, hi) writing into out. */
    @FunctionalInterface
    interface RangeOp {
        void run(float[] out, int lo, int hi);
    }

    /**
     * Runs op over [0, n) in one call, then over many partitions of [0, n) (every single cut point, all parts of
     * size 1, a few random 3- and 4-way cuts), the parts in order and in reverse order, each into a fresh output
     * of sentinels; all must equal the single call bitwise. Also checks that an empty range writes nothing and that
     * a part writes only its own share (what the single call writes there and nothing else).
     */
    private static void assertSplitInvariant(int n, int outLen, RangeOp op, String what) {
        float[] whole = sentinels(outLen);
        op.run(whole, 0, n);

        List<int[]> partitions = new ArrayList<>();
        for (int s = 0; s <= n; s++) {
            partitions.add(new int[] {0, s, n});
        }
        int[] ones = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            ones[i] = i;
        }
        partitions.add(ones);
        Random r = new Random(n * 7919L + outLen);
        for (int t = 0; t < 6; t++) {
            int[] cuts = new int[t % 2 == 0 ? 4 : 5];
            cuts[cuts.length - 1] = n;
            for (int i = 1; i < cuts.length - 1; i++) {
                cuts[i] = r.nextInt(n + 1);
            }
            Arrays.sort(cuts);
            partitions.add(cuts);
        }
        for (int[] cuts : partitions) {
            for (boolean reverse : new boolean[] {false, true}) {
                float[] out = sentinels(outLen);
                for (int p = 0; p < cuts.length - 1; p++) {
                    int q = reverse ? cuts.length - 2 - p : p;
                    op.run(out, cuts[q], cuts[q + 1]);
                }
                assertArrayEquals(whole, out, what + ": parts " + Arrays.toString(cuts) + (reverse ? " reversed" : ""));
            }
        }

        float[] empty = sentinels(outLen);
        op.run(empty, n / 2, n / 2);
        assertSentinels(empty, 0, empty.length, what + ": empty range");
    }

    // ---------------------------------------------------------------------------------------------------------
    // Naive reference implementations, in double, straight from the definitions

    private static double[][] naiveIm2col(float[] x, Conv g) {
        double[][] p = new double[g.rows()][g.rowLen()];
        for (int b = 0; b < g.batch(); b++) {
            for (int oh = 0; oh < g.ho(); oh++) {
                for (int ow = 0; ow < g.wo(); ow++) {
                    int row = b * g.ho() * g.wo() + oh * g.wo() + ow;
                    for (int ci = 0; ci < g.c(); ci++) {
                        for (int kh = 0; kh < g.k(); kh++) {
                            for (int kw = 0; kw < g.k(); kw++) {
                                int ih = oh * g.stride() - g.pad() + kh;
                                int iw = ow * g.stride() - g.pad() + kw;
                                boolean inside = ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w();
                                p[row][(kh * g.k() + kw) * g.c() + ci] =
                                        inside ? x[at(OFF, g.c(), g.h(), g.w(), b, ci, ih, iw)] : 0.0;
                            }
                        }
                    }
                }
            }
        }
        return p;
    }

    /** dx[b][ci][ih][iw] = sum of the patch entries read from that pixel. */
    private static double[][][][] naiveCol2im(float[] dp, Conv g) {
        double[][][][] dx = new double[g.batch()][g.c()][g.h()][g.w()];
        for (int b = 0; b < g.batch(); b++) {
            for (int oh = 0; oh < g.ho(); oh++) {
                for (int ow = 0; ow < g.wo(); ow++) {
                    int row = b * g.ho() * g.wo() + oh * g.wo() + ow;
                    for (int ci = 0; ci < g.c(); ci++) {
                        for (int kh = 0; kh < g.k(); kh++) {
                            for (int kw = 0; kw < g.k(); kw++) {
                                int ih = oh * g.stride() - g.pad() + kh;
                                int iw = ow * g.stride() - g.pad() + kw;
                                if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                    dx[b][ci][ih][iw] +=
                                            dp[OFF + row * g.rowLen() + (kh * g.k() + kw) * g.c() + ci];
                                }
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    /** Position (i, j) in the window of the first maximal element, scanning rows then columns with strict {@code >}. */
    private static int[] naiveArgmax(float[] x, Pool p, int b, int ci, int oh, int ow) {
        int[] best = {0, 0};
        double max = Double.NEGATIVE_INFINITY;
        boolean any = false;
        for (int i = 0; i < p.size(); i++) {
            for (int j = 0; j < p.size(); j++) {
                double v = x[at(OFF, p.c(), p.h(), p.w(), b, ci, oh * p.stride() + i, ow * p.stride() + j)];
                if (!any || v > max) {
                    max = v;
                    best = new int[] {i, j};
                    any = true;
                }
            }
        }
        return best;
    }

    private static double naiveMax(float[] x, Pool p, int b, int ci, int oh, int ow) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < p.size(); i++) {
            for (int j = 0; j < p.size(); j++) {
                max = Math.max(max, x[at(OFF, p.c(), p.h(), p.w(), b, ci, oh * p.stride() + i, ow * p.stride() + j)]);
            }
        }
        return max;
    }

    private static double naiveMean(float[] x, Pool p, int b, int ci, int oh, int ow) {
        double sum = 0;
        for (int i = 0; i < p.size(); i++) {
            for (int j = 0; j < p.size(); j++) {
                sum += x[at(OFF, p.c(), p.h(), p.w(), b, ci, oh * p.stride() + i, ow * p.stride() + j)];
            }
        }
        return sum / (p.size() * p.size());
    }

    private static double[][][][] naiveMaxPoolGrad(float[] x, float[] g, Pool p) {
        double[][][][] dx = new double[p.batch()][p.c()][p.h()][p.w()];
        for (int b = 0; b < p.batch(); b++) {
            for (int ci = 0; ci < p.c(); ci++) {
                for (int oh = 0; oh < p.ho(); oh++) {
                    for (int ow = 0; ow < p.wo(); ow++) {
                        int[] ij = naiveArgmax(x, p, b, ci, oh, ow);
                        dx[b][ci][oh * p.stride() + ij[0]][ow * p.stride() + ij[1]] +=
                                g[at(OFF, p.c(), p.ho(), p.wo(), b, ci, oh, ow)];
                    }
                }
            }
        }
        return dx;
    }

    private static double[][][][] naiveAvgPoolGrad(float[] g, Pool p) {
        double[][][][] dx = new double[p.batch()][p.c()][p.h()][p.w()];
        for (int b = 0; b < p.batch(); b++) {
            for (int ci = 0; ci < p.c(); ci++) {
                for (int oh = 0; oh < p.ho(); oh++) {
                    for (int ow = 0; ow < p.wo(); ow++) {
                        double share = g[at(OFF, p.c(), p.ho(), p.wo(), b, ci, oh, ow)] / (double) (p.size() * p.size());
                        for (int i = 0; i < p.size(); i++) {
                            for (int j = 0; j < p.size(); j++) {
                                dx[b][ci][oh * p.stride() + i][ow * p.stride() + j] += share;
                            }
                        }
                    }
                }
            }
        }
        return dx;
    }

    private static void assertTensorClose(double[][][][] expected, float[] actual, int h, int w, int c, String what) {
        for (int b = 0; b < expected.length; b++) {
            for (int ci = 0; ci < c; ci++) {
                for (int ih = 0; ih < h; ih++) {
                    for (int iw = 0; iw < w; iw++) {
                        assertClose(expected[b][ci][ih][iw], actual[at(OFF, c, h, w, b, ci, ih, iw)],
                                what + " at b=" + b + " c=" + ci + " h=" + ih + " w=" + iw);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // im2col

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void im2colMatchesTheDefinition(Conv g) {
        float[] x = random(rng(g, 1), g.inLen());
        float[] p = sentinels(g.rows() * g.rowLen());
        SpatialOps.im2col(x, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), p, OFF, 0, g.rows());
        double[][] expected = naiveIm2col(x, g);
        for (int r = 0; r < g.rows(); r++) {
            for (int j = 0; j < g.rowLen(); j++) {
                assertEquals((float) expected[r][j], p[OFF + r * g.rowLen() + j], "row " + r + " entry " + j);
            }
        }
        assertBorders(p, g.rows() * g.rowLen(), "im2col");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void im2colDoesNotDependOnHowRowsAreSplit(Conv g) {
        float[] x = random(rng(g, 2), g.inLen());
        assertSplitInvariant(g.rows(), g.rows() * g.rowLen(), (out, lo, hi) -> SpatialOps.im2col(x, OFF, g.c(), g.h(),
                g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), out, OFF, lo, hi), "im2col " + g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void im2colWritesOnlyItsRows(Conv g) {
        float[] x = random(rng(g, 3), g.inLen());
        int n = g.rows();
        int lo = n / 3;
        int hi = Math.max(lo, n - n / 4);
        float[] p = sentinels(n * g.rowLen());
        SpatialOps.im2col(x, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), p, OFF, lo, hi);
        assertSentinels(p, 0, OFF + lo * g.rowLen(), "before row " + lo);
        assertSentinels(p, OFF + hi * g.rowLen(), p.length, "from row " + hi);
    }

    /**
     * Every range of columns, within and across kernel rows and past either end, on rows split as a kernel gradient's
     * sample loop splits them: the columns in range hold im2col's entries, every other float is untouched.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void im2colColumnsWritesIm2colsEntriesInItsColumnsOnly(Conv g) {
        float[] x = random(rng(g, 5), g.inLen());
        int n = g.rows();
        int len = g.rowLen();
        float[] whole = sentinels(n * len);
        SpatialOps.im2col(x, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), whole, OFF, 0, n);
        int perSample = g.ho() * g.wo();
        for (int colLo = -1; colLo <= len; colLo++) {
            for (int colHi = colLo; colHi <= len + 1; colHi++) {
                float[] p = sentinels(n * len);
                for (int b = 0; b < g.batch(); b++) {
                    SpatialOps.im2colColumns(x, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(),
                            g.wo(), p, OFF, b * perSample, (b + 1) * perSample, colLo, colHi);
                }
                for (int i = 0; i < p.length; i++) {
                    int col = (i - OFF) % len;
                    boolean written = i >= OFF && i < OFF + n * len && col >= colLo && col < colHi;
                    assertEquals(written ? whole[i] : SENTINEL, p[i],
                            "columns [" + colLo + ", " + colHi + ") of " + g + " at float " + i);
                }
            }
        }
    }

    /**
     * The layout contract with the compiler: a patch row dotted with a kernel row of an [O, C, K, K] parameter is
     * the textbook (cross-correlation) convolution.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void patchRowsTimesKernelRowsIsTheTextbookConvolution(Conv g) {
        Random r = rng(g, 4);
        float[] x = random(r, g.inLen());
        int o = 3;
        float[] kernel = new float[o * g.rowLen()];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = r.nextFloat() * 2f - 1f;
        }
        float[] p = sentinels(g.rows() * g.rowLen());
        SpatialOps.im2col(x, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), p, OFF, 0, g.rows());
        int k = g.k();
        float[] rows = new float[kernel.length];
        SpatialOps.kernelChannelsLast(kernel, 0, g.c(), k, rows, 0, 0, o);
        float[] back = new float[kernel.length];
        SpatialOps.kernelChannelsFirst(rows, 0, g.c(), k, back, 0, 0, o);
        assertArrayEquals(kernel, back, "kernelChannelsFirst undoes kernelChannelsLast");
        // the rows and their transpose, split over output channels as the pool splits them
        float[] both = new float[kernel.length + 2];
        float[] transposed = new float[kernel.length + 3];
        SpatialOps.kernelChannelsLastAndTransposed(kernel, 0, g.c(), k, o, both, 2, transposed, 3, 1, o);
        SpatialOps.kernelChannelsLastAndTransposed(kernel, 0, g.c(), k, o, both, 2, transposed, 3, 0, 1);
        assertArrayEquals(rows, Arrays.copyOfRange(both, 2, both.length), "the rows");
        for (int oc = 0; oc < o; oc++) {
            for (int j = 0; j < g.rowLen(); j++) {
                assertEquals(rows[oc * g.rowLen() + j], transposed[3 + j * o + oc], "transposed " + j + ", " + oc);
            }
        }
        for (int b = 0; b < g.batch(); b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oh = 0; oh < g.ho(); oh++) {
                    for (int ow = 0; ow < g.wo(); ow++) {
                        double direct = 0;
                        for (int ci = 0; ci < g.c(); ci++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int ih = oh * g.stride() - g.pad() + kh;
                                    int iw = ow * g.stride() - g.pad() + kw;
                                    if (ih >= 0 && ih < g.h() && iw >= 0 && iw < g.w()) {
                                        direct += (double) x[at(OFF, g.c(), g.h(), g.w(), b, ci, ih, iw)]
                                                * kernel[((oc * g.c() + ci) * k + kh) * k + kw];
                                    }
                                }
                            }
                        }
                        int row = (b * g.ho() + oh) * g.wo() + ow;
                        double viaPatches = 0;
                        for (int j = 0; j < g.rowLen(); j++) {
                            viaPatches += (double) p[OFF + row * g.rowLen() + j] * rows[oc * g.rowLen() + j];
                        }
                        assertEquals(direct, viaPatches, 1e-9, "b=" + b + " o=" + oc + " oh=" + oh + " ow=" + ow);
                    }
                }
            }
        }
    }

    @Test
    void im2colSmallPaddedStridedCaseByHand() {
        // One channel, 3x3 image 1..9, k=3, stride 2, pad 1: a 2x2 output; each patch is a corner of the padded image.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] p = new float[4 * 9];
        SpatialOps.im2col(x, 0, 1, 3, 3, 3, 2, 1, 2, 2, p, 0, 0, 4);
        assertArrayEquals(new float[] {
            0, 0, 0, 0, 1, 2, 0, 4, 5,
            0, 0, 0, 2, 3, 0, 5, 6, 0,
            0, 4, 5, 0, 7, 8, 0, 0, 0,
            5, 6, 0, 8, 9, 0, 0, 0, 0}, p);
    }

    @Test
    void im2colUnpaddedCaseByHand() {
        // 3x3 image, k=2, stride 1: four overlapping 2x2 patches.
        float[] x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
        float[] p = new float[4 * 4];
        SpatialOps.im2col(x, 0, 1, 3, 3, 2, 1, 0, 2, 2, p, 0, 0, 4);
        assertArrayEquals(new float[] {1, 2, 4, 5, 2, 3, 5, 6, 4, 5, 7, 8, 5, 6, 8, 9}, p);
    }

    @Test
    void im2colReadsChannelLastAndListsChannelFastest() {
        // Two channels, 2x2 image, channel-last: pixel (h,w) holds {c0, c1} = {10h+w+1, 100+10h+w+1}.
        float[] x = {1, 101, 2, 102, 11, 111, 12, 112};
        float[] p = new float[8];
        SpatialOps.im2col(x, 0, 2, 2, 2, 2, 1, 0, 1, 1, p, 0, 0, 1);
        // one 2x2 window covering the image: its pixels in (kh, kw) order, each pixel's channels together
        assertArrayEquals(new float[] {1, 101, 2, 102, 11, 111, 12, 112}, p);
        // A 1x1 kernel: each patch row is one pixel's channels.
        float[] q = new float[8];
        SpatialOps.im2col(x, 0, 2, 2, 2, 1, 1, 0, 2, 2, q, 0, 0, 4);
        assertArrayEquals(x, q);
    }

    @Test
    void im2colSecondSampleAndOffsets() {
        // Two samples of a 1x2 single-channel image, k=1, stride 2: only column 0 is read.
        float[] x = {99, 1, 2, 3, 4};
        float[] p = {7, 7, 7};
        SpatialOps.im2col(x, 1, 1, 1, 2, 1, 2, 0, 1, 1, p, 1, 1, 2);
        assertArrayEquals(new float[] {7, 7, 3}, p);
    }

    // ---------------------------------------------------------------------------------------------------------
    // col2imAdd

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void col2imAddMatchesTheDefinitionAndOverwritesOldContents(Conv g) {
        float[] dp = random(rng(g, 5), g.rows() * g.rowLen());
        float[] dx = random(rng(g, 6), g.inLen()); // stale values the routine must clear
        SpatialOps.col2imAdd(dp, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), dx, OFF, 0,
                g.batch());
        assertTensorClose(naiveCol2im(dp, g), dx, g.h(), g.w(), g.c(), "col2im " + g);
        assertBorders(dx, g.inLen(), "col2im");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void col2imAddIsTheAdjointOfIm2col(Conv g) {
        float[] x = random(rng(g, 7), g.inLen());
        float[] dp = random(rng(g, 8), g.rows() * g.rowLen());
        float[] p = sentinels(g.rows() * g.rowLen());
        float[] dx = sentinels(g.inLen());
        SpatialOps.im2col(x, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), p, OFF, 0, g.rows());
        SpatialOps.col2imAdd(dp, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), dx, OFF, 0,
                g.batch());
        double lhs = 0;
        for (int i = 0; i < g.rows() * g.rowLen(); i++) {
            lhs += (double) p[OFF + i] * dp[OFF + i];
        }
        double rhs = 0;
        for (int i = 0; i < g.inLen(); i++) {
            rhs += (double) x[OFF + i] * dx[OFF + i];
        }
        assertEquals(lhs, rhs, 1e-5 * (1 + Math.abs(lhs)), "<im2col x, P> = <x, col2im P>");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void col2imAddDoesNotDependOnHowSamplesAreSplit(Conv g) {
        float[] dp = random(rng(g, 9), g.rows() * g.rowLen());
        assertSplitInvariant(g.batch(), g.inLen(), (out, lo, hi) -> SpatialOps.col2imAdd(dp, OFF, g.c(), g.h(), g.w(),
                g.k(), g.stride(), g.pad(), g.ho(), g.wo(), out, OFF, lo, hi), "col2im " + g);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("convs")
    void col2imWindowsGatherTheBitsOfCol2imAdd(Conv g) {
        float[] dp = random(rng(g, 10), g.rows() * g.rowLen());
        float[] expected = sentinels(g.inLen());
        SpatialOps.col2imAdd(dp, OFF, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(), expected, OFF,
                0, g.batch());
        int[] t = SpatialOps.col2imWindows(g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo());
        int pixels = g.h() * g.w();
        assertEquals(pixels + 1, t[0], "the first pixel's windows follow the starts");
        assertEquals(t.length, t[pixels], "the last start ends the table");
        float[] gathered = sentinels(g.inLen());
        int sampleRows = g.ho() * g.wo() * g.rowLen();
        for (int b = 0; b < g.batch(); b++) {
            for (int q = 0; q < pixels; q++) {
                for (int ci = 0; ci < g.c(); ci++) {
                    float sum = 0f;
                    for (int j = t[q]; j < t[q + 1]; j++) {
                        sum += dp[OFF + b * sampleRows + t[j] + ci];
                    }
                    gathered[OFF + (b * pixels + q) * g.c() + ci] = sum;
                }
            }
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(gathered[i]),
                    "element " + i + " of " + g);
        }
    }

    @Test
    void col2imAddCountsOverlapsByHand() {
        // 3x3 image, k=2, stride 1: all-ones patches add up to how many patches cover each pixel.
        float[] dp = new float[4 * 4];
        Arrays.fill(dp, 1f);
        float[] dx = new float[9];
        Arrays.fill(dx, 5f);
        SpatialOps.col2imAdd(dp, 0, 1, 3, 3, 2, 1, 0, 2, 2, dx, 0, 0, 1);
        assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, dx);
    }

    @Test
    void col2imAddDropsPaddingByHand() {
        // Adjoint of the padded strided case above: patch entry j of row r is 10r + j; only in-image entries land.
        float[] dp = new float[4 * 9];
        for (int r = 0; r < 4; r++) {
            for (int j = 0; j < 9; j++) {
                dp[r * 9 + j] = 10 * r + j;
            }
        }
        float[] dx = new float[9];
        SpatialOps.col2imAdd(dp, 0, 1, 3, 3, 3, 2, 1, 2, 2, dx, 0, 0, 1);
        // Pixel (0,0) = image 1 was entry 4 of row 0; pixel (0,1) = entry 5 of row 0 and entry 3 of row 1; ...
        float[] expected = {
            4, 5 + 13, 14,
            7 + 21, 8 + 16 + 22 + 30, 17 + 31,
            24, 25 + 33, 34};
        assertArrayEquals(expected, dx);
    }

    // ---------------------------------------------------------------------------------------------------------
    // maxPool and maxPoolGrad

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void maxPoolMatchesTheDefinition(Pool p) {
        float[] x = random(rng(p, 10), p.inLen());
        float[] out = sentinels(p.outLen());
        SpatialOps.maxPool(x, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), out, OFF, 0, p.batch());
        for (int b = 0; b < p.batch(); b++) {
            for (int ci = 0; ci < p.c(); ci++) {
                for (int oh = 0; oh < p.ho(); oh++) {
                    for (int ow = 0; ow < p.wo(); ow++) {
                        assertEquals((float) naiveMax(x, p, b, ci, oh, ow),
                                out[at(OFF, p.c(), p.ho(), p.wo(), b, ci, oh, ow)]);
                    }
                }
            }
        }
        assertBorders(out, p.outLen(), "maxPool");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void maxPoolGradMatchesTheDefinition(Pool p) {
        float[] x = random(rng(p, 11), p.inLen());
        float[] g = random(rng(p, 12), p.outLen());
        float[] dx = random(rng(p, 13), p.inLen());
        SpatialOps.maxPoolGrad(x, OFF, g, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), dx, OFF, 0,
                p.batch());
        assertTensorClose(naiveMaxPoolGrad(x, g, p), dx, p.h(), p.w(), p.c(), "maxPoolGrad " + p);
        assertBorders(dx, p.inLen(), "maxPoolGrad");
    }

    /** Values in {0, 1, 2} make ties common, which is where "first maximal element" matters. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void maxPoolGradSendsTiesToTheFirstMaximum(Pool p) {
        float[] x = smallInts(rng(p, 14), p.inLen());
        float[] g = random(rng(p, 15), p.outLen());
        float[] dx = sentinels(p.inLen());
        SpatialOps.maxPoolGrad(x, OFF, g, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), dx, OFF, 0,
                p.batch());
        assertTensorClose(naiveMaxPoolGrad(x, g, p), dx, p.h(), p.w(), p.c(), "maxPoolGrad ties " + p);
        float[] out = sentinels(p.outLen());
        SpatialOps.maxPool(x, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), out, OFF, 0, p.batch());
        for (int b = 0; b < p.batch(); b++) {
            for (int ci = 0; ci < p.c(); ci++) {
                for (int oh = 0; oh < p.ho(); oh++) {
                    for (int ow = 0; ow < p.wo(); ow++) {
                        assertEquals((float) naiveMax(x, p, b, ci, oh, ow),
                                out[at(OFF, p.c(), p.ho(), p.wo(), b, ci, oh, ow)]);
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void maxPoolDoesNotDependOnHowSamplesAreSplit(Pool p) {
        float[] x = random(rng(p, 16), p.inLen());
        assertSplitInvariant(p.batch(), p.outLen(), (out, lo, hi) -> SpatialOps.maxPool(x, OFF, p.c(), p.h(), p.w(),
                p.size(), p.stride(), p.ho(), p.wo(), out, OFF, lo, hi), "maxPool " + p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void maxPoolGradDoesNotDependOnHowSamplesAreSplit(Pool p) {
        float[] x = smallInts(rng(p, 17), p.inLen());
        float[] g = random(rng(p, 18), p.outLen());
        assertSplitInvariant(p.batch(), p.inLen(), (dx, lo, hi) -> SpatialOps.maxPoolGrad(x, OFF, g, OFF, p.c(), p.h(),
                p.w(), p.size(), p.stride(), p.ho(), p.wo(), dx, OFF, lo, hi), "maxPoolGrad " + p);
    }

    @Test
    void maxPoolByHand() {
        // 4x4 single channel, 2x2 windows, stride 2.
        float[] x = {
            1, 5, 2, 0,
            3, 4, 8, 7,
            -1, -2, 6, 6,
            -4, -3, 6, 6};
        float[] out = new float[4];
        SpatialOps.maxPool(x, 0, 1, 4, 4, 2, 2, 2, 2, out, 0, 0, 1);
        assertArrayEquals(new float[] {5, 8, -1, 6}, out);
        float[] dx = new float[16];
        SpatialOps.maxPoolGrad(x, 0, new float[] {10, 20, 30, 40}, 0, 1, 4, 4, 2, 2, 2, 2, dx, 0, 0, 1);
        assertArrayEquals(new float[] {
            0, 10, 0, 0,
            0, 0, 20, 0,
            30, 0, 40, 0,   // four equal 6s: all to the first (top-left)
            0, 0, 0, 0}, dx);
    }

    @Test
    void maxPoolGradOverlappingWindowsAddByHand() {
        // 3x3, 2x2 windows, stride 1: the centre is the maximum of all four windows and collects all four gradients.
        float[] x = {1, 2, 3, 4, 9, 6, 7, 8, 5};
        float[] out = new float[4];
        SpatialOps.maxPool(x, 0, 1, 3, 3, 2, 1, 2, 2, out, 0, 0, 1);
        assertArrayEquals(new float[] {9, 9, 9, 9}, out);
        float[] dx = {7, 7, 7, 7, 7, 7, 7, 7, 7};
        SpatialOps.maxPoolGrad(x, 0, new float[] {1, 2, 4, 8}, 0, 1, 3, 3, 2, 1, 2, 2, dx, 0, 0, 1);
        assertArrayEquals(new float[] {0, 0, 0, 0, 15, 0, 0, 0, 0}, dx);
    }

    @Test
    void maxPoolGradTiesAcrossOverlappingWindowsByHand() {
        // 2x3 image of equal values, 2x2 windows, stride 1: each window sends its gradient to its own first
        // element, window 0 to (0,0) and window 1 to (0,1), although (0,1) is also in window 0.
        float[] x = {3, 3, 3, 3, 3, 3};
        float[] dx = new float[6];
        SpatialOps.maxPoolGrad(x, 0, new float[] {1, 10}, 0, 1, 2, 3, 2, 1, 1, 2, dx, 0, 0, 1);
        assertArrayEquals(new float[] {1, 10, 0, 0, 0, 0}, dx);
    }

    @Test
    void maxPoolPerChannelByHand() {
        // Two channels of a 2x2 image, channel-last; one 2x2 window: channel 0 max 4 at (1,0), channel 1 max 9 at (0,1).
        float[] x = {1, -1, 2, 9, 4, 0, 3, 8};
        float[] out = new float[2];
        SpatialOps.maxPool(x, 0, 2, 2, 2, 2, 1, 1, 1, out, 0, 0, 1);
        assertArrayEquals(new float[] {4, 9}, out);
        float[] dx = new float[8];
        SpatialOps.maxPoolGrad(x, 0, new float[] {0.5f, -2f}, 0, 2, 2, 2, 2, 1, 1, 1, dx, 0, 0, 1);
        assertArrayEquals(new float[] {0, 0, 0, -2f, 0.5f, 0, 0, 0}, dx);
    }

    @Test
    void maxPoolPropagatesNaNWhereverItIsInTheWindow() {
        float nan = Float.NaN;
        for (int pos = 0; pos < 4; pos++) {
            float[] x = {1, 7, 3, 2};
            x[pos] = nan;
            float[] out = {0};
            SpatialOps.maxPool(x, 0, 1, 2, 2, 2, 2, 1, 1, out, 0, 0, 1);
            assertTrue(Float.isNaN(out[0]), "NaN at " + pos + " gave " + out[0]);
            float[] dx = new float[4];
            SpatialOps.maxPoolGrad(x, 0, new float[] {1}, 0, 1, 2, 2, 2, 2, 1, 1, dx, 0, 0, 1);
            float[] expected = new float[4];
            expected[pos] = 1;
            assertArrayEquals(expected, dx, "gradient goes to the NaN at " + pos);
        }
        // Two NaNs: the gradient goes to the first.
        float[] x = {1, nan, 3, nan};
        float[] dx = new float[4];
        SpatialOps.maxPoolGrad(x, 0, new float[] {1}, 0, 1, 2, 2, 2, 2, 1, 1, dx, 0, 0, 1);
        assertArrayEquals(new float[] {0, 1, 0, 0}, dx);
        // A window without NaN next to one with NaN is unaffected.
        float[] y = {nan, 1, 2, 5, 0, 0, 0, 0};
        float[] out = new float[2];
        SpatialOps.maxPool(y, 0, 1, 2, 4, 2, 2, 1, 2, out, 0, 0, 1);
        assertTrue(Float.isNaN(out[0]));
        assertEquals(5f, out[1]);
    }

    @Test
    void maxPoolInfinitiesAndSignedZeros() {
        float inf = Float.POSITIVE_INFINITY;
        float[] out = new float[1];
        SpatialOps.maxPool(new float[] {-inf, -inf, -inf, -inf}, 0, 1, 2, 2, 2, 2, 1, 1, out, 0, 0, 1);
        assertEquals(-inf, out[0]);
        SpatialOps.maxPool(new float[] {1, inf, 3, -inf}, 0, 1, 2, 2, 2, 2, 1, 1, out, 0, 0, 1);
        assertEquals(inf, out[0]);
        float[] dx = new float[4];
        SpatialOps.maxPoolGrad(new float[] {-inf, -inf, -inf, -inf}, 0, new float[] {3}, 0, 1, 2, 2, 2, 2, 1, 1, dx, 0,
                0, 1);
        assertArrayEquals(new float[] {3, 0, 0, 0}, dx);
        // -0.0 and 0.0 compare equal: the first is kept, bit for bit.
        SpatialOps.maxPool(new float[] {-0f, 0f, -1f, -2f}, 0, 1, 2, 2, 2, 2, 1, 1, out, 0, 0, 1);
        assertEquals(-0f, out[0]);
        SpatialOps.maxPool(new float[] {0f, -0f, -1f, -2f}, 0, 1, 2, 2, 2, 2, 1, 1, out, 0, 0, 1);
        assertEquals(0f, out[0]);
    }

    // ---------------------------------------------------------------------------------------------------------
    // avgPool and avgPoolGrad

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void avgPoolMatchesTheDefinition(Pool p) {
        float[] x = random(rng(p, 20), p.inLen());
        float[] out = sentinels(p.outLen());
        SpatialOps.avgPool(x, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), out, OFF, 0, p.batch());
        for (int b = 0; b < p.batch(); b++) {
            for (int ci = 0; ci < p.c(); ci++) {
                for (int oh = 0; oh < p.ho(); oh++) {
                    for (int ow = 0; ow < p.wo(); ow++) {
                        // Same terms, same order, in double, one rounding: exactly equal.
                        assertEquals((float) naiveMean(x, p, b, ci, oh, ow),
                                out[at(OFF, p.c(), p.ho(), p.wo(), b, ci, oh, ow)],
                                "avgPool " + p + " b=" + b + " c=" + ci + " oh=" + oh + " ow=" + ow);
                    }
                }
            }
        }
        assertBorders(out, p.outLen(), "avgPool");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void avgPoolGradMatchesTheDefinition(Pool p) {
        float[] g = random(rng(p, 21), p.outLen());
        float[] dx = random(rng(p, 22), p.inLen());
        SpatialOps.avgPoolGrad(g, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), dx, OFF, 0,
                p.batch());
        assertTensorClose(naiveAvgPoolGrad(g, p), dx, p.h(), p.w(), p.c(), "avgPoolGrad " + p);
        assertBorders(dx, p.inLen(), "avgPoolGrad");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void avgPoolGradIsTheAdjointOfAvgPool(Pool p) {
        float[] x = random(rng(p, 23), p.inLen());
        float[] g = random(rng(p, 24), p.outLen());
        float[] out = sentinels(p.outLen());
        float[] dx = sentinels(p.inLen());
        SpatialOps.avgPool(x, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), out, OFF, 0, p.batch());
        SpatialOps.avgPoolGrad(g, OFF, p.c(), p.h(), p.w(), p.size(), p.stride(), p.ho(), p.wo(), dx, OFF, 0,
                p.batch());
        double lhs = 0;
        for (int i = 0; i < p.outLen(); i++) {
            lhs += (double) out[OFF + i] * g[OFF + i];
        }
        double rhs = 0;
        for (int i = 0; i < p.inLen(); i++) {
            rhs += (double) x[OFF + i] * dx[OFF + i];
        }
        assertEquals(lhs, rhs, 1e-5 * (1 + Math.abs(lhs)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void avgPoolDoesNotDependOnHowSamplesAreSplit(Pool p) {
        float[] x = random(rng(p, 25), p.inLen());
        assertSplitInvariant(p.batch(), p.outLen(), (out, lo, hi) -> SpatialOps.avgPool(x, OFF, p.c(), p.h(), p.w(),
                p.size(), p.stride(), p.ho(), p.wo(), out, OFF, lo, hi), "avgPool " + p);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pools")
    void avgPoolGradDoesNotDependOnHowSamplesAreSplit(Pool p) {
        float[] g = random(rng(p, 26), p.outLen());
        assertSplitInvariant(p.batch(), p.inLen(), (dx, lo, hi) -> SpatialOps.avgPoolGrad(g, OFF, p.c(), p.h(), p.w(),
                p.size(), p.stride(), p.ho(), p.wo(), dx, OFF, lo, hi), "avgPoolGrad " + p);
    }

    @Test
    void avgPoolByHand() {
        // 4x4, 2x2 windows, stride 2.
        float[] x = {
            1, 2, 0, 0,
            3, 4, 1, 1,
            -1, -1, 6, 6,
            -1, -1, 6, 7};
        float[] out = new float[4];
        SpatialOps.avgPool(x, 0, 1, 4, 4, 2, 2, 2, 2, out, 0, 0, 1);
        assertArrayEquals(new float[] {2.5f, 0.5f, -1f, 6.25f}, out);
        // 1/9 is rounded once: a 3x3 window holding one 1 and eight zeros.
        float[] y = new float[9];
        y[4] = 1f;
        float[] one = new float[1];
        SpatialOps.avgPool(y, 0, 1, 3, 3, 3, 1, 1, 1, one, 0, 0, 1);
        assertEquals((float) (1.0 / 9), one[0]);
    }

    @Test
    void avgPoolGradByHand() {
        // 3x3, 2x2 windows, stride 1, every window's gradient 4: each pixel gets 1 per covering window.
        float[] dx = {9, 9, 9, 9, 9, 9, 9, 9, 9};
        SpatialOps.avgPoolGrad(new float[] {4, 4, 4, 4}, 0, 1, 3, 3, 2, 1, 2, 2, dx, 0, 0, 1);
        assertArrayEquals(new float[] {1, 2, 1, 2, 4, 2, 1, 2, 1}, dx);
        // Stride > size: 2x5 image, 2x2 windows, stride 3; the gap column gets nothing.
        float[] dy = new float[10];
        SpatialOps.avgPoolGrad(new float[] {8, 12}, 0, 1, 2, 5, 2, 3, 1, 2, dy, 0, 0, 1);
        assertArrayEquals(new float[] {2, 2, 0, 3, 3, 2, 2, 0, 3, 3}, dy);
        // The share is g / (size*size), one correctly rounded division: for g = 17 and a 3x3 window that differs
        // from g * (1/9f).
        assertTrue(17f / 9f != 17f * (1f / 9f), "the case distinguishes the two");
        float[] dz = new float[9];
        SpatialOps.avgPoolGrad(new float[] {17f}, 0, 1, 3, 3, 3, 1, 1, 1, dz, 0, 0, 1);
        float[] share = new float[9];
        Arrays.fill(share, 17f / 9f);
        assertArrayEquals(share, dz);
    }

    // ---------------------------------------------------------------------------------------------------------
    // sumChannels

    record Sum(int batch, int pixels, int c) {
    }

    static Stream<Sum> sums() {
        // the last three span several blocks of rows (SpatialOps sums 16 KB of rows at a time): a convolution's
        // 32 channels over 12,544 pixel rows, a partial last block, and one row per block with a channel tail
        return Stream.of(new Sum(2, 35, 3), new Sum(3, 1, 5), new Sum(1, 7, 1), new Sum(4, 12, 8), new Sum(2, 9, 13),
                new Sum(64, 196, 32), new Sum(3, 700, 5), new Sum(2, 40, 4099));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sums")
    void sumChannelsMatchesTheDefinition(Sum s) {
        float[] v = random(rng(s, 30), s.batch() * s.pixels() * s.c());
        float[] out = sentinels(s.c());
        SpatialOps.sumChannels(v, OFF, s.c(), s.pixels(), s.batch(), out, OFF, 0, s.c());
        for (int ci = 0; ci < s.c(); ci++) {
            double sum = 0;
            for (int b = 0; b < s.batch(); b++) {
                for (int px = 0; px < s.pixels(); px++) {
                    sum += v[OFF + (b * s.pixels() + px) * s.c() + ci];
                }
            }
            // Same terms, same order, in double: the one rounding gives exactly this.
            assertEquals((float) sum, out[OFF + ci], "channel " + ci);
        }
        assertBorders(out, s.c(), "sumChannels");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sums")
    void sumChannelsDoesNotDependOnHowChannelsAreSplit(Sum s) {
        float[] v = random(rng(s, 31), s.batch() * s.pixels() * s.c());
        assertSplitInvariant(s.c(), s.c(), (out, lo, hi) -> SpatialOps.sumChannels(v, OFF, s.c(), s.pixels(),
                s.batch(), out, OFF, lo, hi), "sumChannels " + s);
    }

    @Test
    void sumChannelsByHand() {
        // Two channels, two pixels, two samples: channel 0 = 1+2+3+4, channel 1 = 10+20+30+40.
        float[] v = {1, 10, 2, 20, 3, 30, 4, 40};
        float[] out = new float[2];
        SpatialOps.sumChannels(v, 0, 2, 2, 2, out, 0, 0, 2);
        assertArrayEquals(new float[] {10, 100}, out);
        // Only channel 1 of three.
        float[] w = {1, 2, 3, 4, 5, 6};
        float[] o = {-1, -1, -1};
        SpatialOps.sumChannels(w, 0, 3, 2, 1, o, 0, 1, 2);
        assertArrayEquals(new float[] {-1, 7, -1}, o);
    }

    @Test
    void sumChannelsAccumulatesInDouble() {
        // 2^24 + 1 + 1: a float running sum rounds each +1 away (ties to even) and stays at 2^24; double keeps both.
        float[] v = {16777216f, 1f, 1f};
        float[] out = new float[1];
        SpatialOps.sumChannels(v, 0, 1, 3, 1, out, 0, 0, 1);
        assertEquals(16777218f, out[0]);
    }

    /** A conv bias gradient sums into the thread's scratch: no allocation per call, and stale values do not leak. */
    @Test
    void sumChannelsAllocatesNothingOnceWarmAndIgnoresItsScratch() {
        int c = 40;
        int pixels = 49;
        int batch = 3;
        float[] v = new float[batch * pixels * c];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 37 % 101) / 7f - 6f;
        }
        float[] first = new float[c];
        SpatialOps.sumChannels(v, 0, c, pixels, batch, first, 0, 3, 37);
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        float[] out = new float[c];
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            SpatialOps.sumChannels(v, 0, c, pixels, batch, out, 0, 3, 37);
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        // a new array was 34 doubles per call, 5.8 KB in all; a few hundred bytes are the bean's own
        assertTrue(bytes < 1024, bytes + " bytes allocated by 20 calls");
        java.util.Arrays.fill(DoubleScratch.atLeast(c), Double.NaN);
        SpatialOps.sumChannels(v, 0, c, pixels, batch, out, 0, 3, 37);
        assertArrayEquals(first, out);
    }
}
