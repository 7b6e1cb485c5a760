package netc.runtime;

/**
 * Lays out a parameter vector for a generated class's inference kernels ({@link Network#prepareForInference}): the
 * parameters as declared, followed by some weights stored transposed, W^T [in][out] where W [out][in] was declared.
 * Each is transposed once, where the kernels would otherwise read W by rows (dot products) or transpose it on every
 * call.
 *
 * <p>The layout ({@link #transposedPadded}): {@code [0, paramCount)} the parameters as declared; at
 * {@code paramCount} the shift {@code s} in [0, 16), a float; from {@code regionStart + s} the transposed weights, each
 * at its offset in the region and each row padded to {@link #paddedRowStride} floats. {@code s} puts the region's
 * start, and with it every row of every transposed weight, on a 64-byte cache line (see {@link CacheLineAlignment}),
 * and the padding makes consecutive rows start on different cache sets.
 *
 * <p>Why both: a forward call of one sample streams W^T from L2, and each thread reads part of every row. Rows 2 KB
 * apart (512 columns) whose first halves one thread reads use only half of the L2's sets, so the halves of two layers
 * did not stay in one core's 2 MB L2 together; and a vector load across two lines costs two line requests. The MNIST
 * MLP's first two layers at batch 1 on 2 threads: 22.5 us as before (every load 16 bytes past a line), 15.7-17.6
 * with rows on lines, 17.4 with padded rows off lines, 10.0 with both (Intel Xeon, benchmarks/results/2026-12-04-batch-one.md). The declared copy of a
 * transposed weight stays in place (the generated class reads every other parameter at its declared offset, and
 * {@link #regionStart} checks the transposes against it). So the layout holds the transposed weights twice, plus
 * their padding: up to two lines a row, 3% of the MNIST MLP's 512-wide rows, 25% at 64 outputs, 2.8 times a layer of
 * 17 (the MLP's prepared array is 2.03 times its parameters).
 */
public final class InferenceParams {

    /** The side of the square blocks transposed at a time: 16 x 16 floats, one cache line per row of a block. */
    private static final int BLOCK = 16;

    private InferenceParams() {
    }

    /**
     * A copy of {@code params} with each weight of {@code layout} transposed in place: the layout of the classes
     * generated before {@link #transposedPadded} (2026-12-04), which call it from their {@code prepareForInference}.
     *
     * @param params     the parameter vector as declared, {@code paramCount} floats; not changed
     * @param paramCount the network's {@link ModelSpec#paramCount()}
     * @param layout     (offset, rows, columns) of each weight to transpose, as declared
     * @throws IllegalArgumentException if {@code params} does not have {@code paramCount} floats
     */
    public static float[] transposed(float[] params, int paramCount, int[] layout) {
        requireLength(params, paramCount);
        float[] out = params.clone();
        for (int w = 0; w + 2 < layout.length; w += 3) {
            transpose(params, layout[w], layout[w + 1], layout[w + 2], out);
        }
        return out;
    }

    /**
     * The row stride of a transposed weight with {@code columns} columns in the padded layout: {@code columns}
     * rounded up to whole 64-byte lines, plus a line when that makes an even number of lines, so that rows start on
     * lines and consecutive rows on different cache sets.
     */
    public static int paddedRowStride(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        }
        int lines = (columns + CacheLineAlignment.LINE_FLOATS - 1) / CacheLineAlignment.LINE_FLOATS;
        return (lines % 2 == 0 ? lines + 1 : lines) * CacheLineAlignment.LINE_FLOATS;
    }

    /**
     * The padded layout of the class comment: a new array of {@code length} floats.
     *
     * @param params      the parameter vector as declared, {@code paramCount} floats; not changed
     * @param paramCount  the network's {@link ModelSpec#paramCount()}
     * @param regionStart where the region of transposed weights starts before its shift, a multiple of 16 above
     *                    {@code paramCount}
     * @param length      the array's length: {@code regionStart + 16} and the region's size
     * @param layout      (offset, rows, columns, region offset, row stride) of each weight to transpose:
     *                    W [rows][columns] at {@code offset} as declared, W^T [columns][stride] at the region offset,
     *                    a multiple of 16
     * @throws IllegalArgumentException if {@code params} does not have {@code paramCount} floats
     */
    public static float[] transposedPadded(float[] params, int paramCount, int regionStart, int length, int[] layout) {
        requireLength(params, paramCount);
        float[] out = new float[length];
        System.arraycopy(params, 0, out, 0, paramCount);
        int shift = CacheLineAlignment.floatsToLine(out, regionStart);
        out[paramCount] = shift;
        int base = regionStart + shift;
        for (int w = 0; w + 4 < layout.length; w += 5) {
            transpose(params, layout[w], layout[w + 1], layout[w + 2], out, base + layout[w + 3], layout[w + 4]);
        }
        return out;
    }

    /**
     * Where the region of transposed weights starts in {@code prepared}, a generated class's first step on prepared
     * parameters. The first and last element of each transposed weight must be those of its declared copy, which
     * catches a shift slot that was changed and declared weights copied in after the layout was made.
     *
     * @param layout as for {@link #transposedPadded}
     * @throws IllegalArgumentException if {@code prepared} is not an array {@link #transposedPadded} made for the class
     */
    public static int regionStart(float[] prepared, int paramCount, int regionStart, int length, int[] layout) {
        if (prepared.length != length) {
            throw new IllegalArgumentException("expected " + length + " prepared parameters (prepareForInference), got "
                    + prepared.length);
        }
        float shift = prepared[paramCount];
        if (!(shift >= 0 && shift < CacheLineAlignment.LINE_FLOATS) || shift != (int) shift) {
            throw new IllegalArgumentException("not parameters laid out by prepareForInference: shift " + shift);
        }
        int base = regionStart + (int) shift;
        for (int w = 0; w + 4 < layout.length; w += 5) {
            int off = layout[w];
            int rows = layout[w + 1];
            int cols = layout[w + 2];
            int t = base + layout[w + 3];
            int stride = layout[w + 4];
            if (!sameBits(prepared[off], prepared[t])
                    || !sameBits(prepared[off + rows * cols - 1], prepared[t + (cols - 1) * stride + rows - 1])) {
                throw new IllegalArgumentException("not parameters laid out by prepareForInference: the weight at "
                        + off + " and its transpose differ (lay the parameters out again after changing them)");
            }
        }
        return base;
    }

    private static void requireLength(float[] params, int paramCount) {
        if (params.length != paramCount) {
            throw new IllegalArgumentException("expected " + paramCount + " parameters, got " + params.length);
        }
    }

    private static boolean sameBits(float a, float b) {
        return Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
    }

    /** {@code to[off + c * rows + r] = from[off + r * cols + c]} for the rows x cols matrix at {@code off}. */
    static void transpose(float[] from, int off, int rows, int cols, float[] to) {
        transpose(from, off, rows, cols, to, off, rows);
    }

    /**
     * {@code to[toOff + c * stride + r] = from[off + r * cols + c]} for the rows x cols matrix at {@code off}: W^T
     * with rows of {@code stride} floats.
     */
    static void transpose(float[] from, int off, int rows, int cols, float[] to, int toOff, int stride) {
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int r1 = Math.min(r0 + BLOCK, rows);
            for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                int c1 = Math.min(c0 + BLOCK, cols);
                for (int r = r0; r < r1; r++) {
                    int src = off + r * cols;
                    for (int c = c0; c < c1; c++) {
                        to[toOff + c * stride + r] = from[src + c];
                    }
                }
            }
        }
    }
}
