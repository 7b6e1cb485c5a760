package netc.runtime;

/**
 * Lays out a parameter vector for a generated class's inference kernels ({@link Network#prepareForInference}): the
 * parameters as declared, followed by some weights stored transposed, W^T [in][out] where W [out][in] was declared.
 * Each is transposed once, where the kernels would otherwise read W by rows (dot products) or transpose it on every
 * call.
 *
 * <p>The layout ({@link #transposedInPanels}): {@code [0, paramCount)} the parameters as declared; at
 * {@code paramCount} the shift {@code s} in [0, 16), a float; from {@code regionStart + s} the transposed weights, each
 * at its offset in the region, in column panels of {@link #panelWidth} columns stored one after the other, or in one
 * panel whose rows are padded to {@link #paddedRowStride} floats. {@code s} puts the region's start, and with it every
 * row of every transposed weight, on a 64-byte cache line (see {@link CacheLineAlignment}); the panels give each
 * thread of a one-sample call its columns as one contiguous block, and the padding of a single panel makes
 * consecutive rows start on different cache sets. Classes generated before the panels (2026-12-05) call
 * {@link #transposedPadded}, the layout of single padded panels.
 *
 * <p>Why: a forward call of one sample streams W^T from L2, and each thread reads part of every row. Rows 2 KB apart
 * (512 columns) whose first halves one thread reads use only half of the L2's sets, so the halves of two layers did
 * not stay in one core's 2 MB L2 together; and a vector load across two lines costs two line requests. The MNIST
 * MLP's first two layers at batch 1 on 2 threads: 22.5 us as before (every load 16 bytes past a line), 15.7-17.6
 * with rows on lines, 17.4 with padded rows off lines, 10.0 with both (Intel Xeon,
 * benchmarks/results/2026-12-04-batch-one.md). Its whole forward call then took 10.8-10.9 us, and 9.3-9.6 with its
 * two hidden layers in panels ({@code BatchOneLatency}, 2026-12-05). The declared copy of a transposed weight stays in
 * place (the generated class reads every other parameter at its declared offset, and {@link #panelRegionStart}
 * checks the transposes against it). So the layout holds the transposed weights twice, plus the padding of single
 * panels: up to two lines a row, 25% at 64 outputs, 2.8 times a layer of 17 (the MNIST MLP's prepared array is 1.99
 * times its parameters).
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
     * Columns per panel of a transposed weight with {@code columns} columns in the panel layout
     * ({@link #transposedInPanels}): 256, or 128, when that cuts its columns into two or more whole panels; otherwise
     * all of them (one panel, whose rows are padded as in {@link #paddedRowStride}).
     *
     * <p>Why panels: a forward call of one sample on two threads gives each thread a contiguous half of the columns
     * (256 of the MNIST MLP's first layer). In rows of all the columns each thread read half of every row, 1 KB at a
     * stride of 2 KB, which streams from L2 at about 108 GB/s where a contiguous block streams at 140
     * ({@code LatencyFloor}); in panels its half is one contiguous block.
     */
    public static int panelWidth(int columns) {
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be >= 1, got " + columns);
        }
        for (int width = MAX_PANEL; width >= MIN_PANEL; width /= 2) {
            if (columns % width == 0 && columns >= 2 * width) {
                return width;
            }
        }
        return columns;
    }

    /** The widest panel ({@link #panelWidth}): a thread's share of a 512-wide layer, 16 vectors of 16 floats. */
    private static final int MAX_PANEL = 256;
    /** The narrowest panel: a thread's share of a 256-wide layer. */
    private static final int MIN_PANEL = 128;

    /**
     * The row stride within a panel of a transposed weight with {@code columns} columns ({@link #transposedInPanels}):
     * the panel's width when there are several panels (each row follows the one before), else
     * {@link #paddedRowStride}.
     */
    public static int panelRowStride(int columns) {
        int width = panelWidth(columns);
        return width < columns ? width : paddedRowStride(columns);
    }

    /**
     * The layout of the class comment with each transposed weight in column panels: a new array of {@code length}
     * floats. W^T's columns (W's rows) are cut into panels of {@code panel} columns, stored one after the other, each
     * [columns of W][stride]: W [r][c] goes to {@code region offset + (r / panel) * cols * stride + c * stride + r %
     * panel} past the region's start. One panel of all of W's rows is the layout of {@link #transposedPadded}.
     *
     * @param params      the parameter vector as declared, {@code paramCount} floats; not changed
     * @param paramCount  the network's {@link ModelSpec#paramCount()}
     * @param regionStart where the region of transposed weights starts before its shift, a multiple of 16 above
     *                    {@code paramCount}
     * @param length      the array's length: {@code regionStart + 16} and the region's size
     * @param layout      (offset, rows, columns, region offset, row stride, panel width) of each weight to transpose:
     *                    W [rows][columns] at {@code offset} as declared; the region offset a multiple of 16, and the
     *                    panel width dividing {@code rows} ({@link #panelWidth}, {@link #panelRowStride})
     * @throws IllegalArgumentException if {@code params} does not have {@code paramCount} floats
     */
    public static float[] transposedInPanels(float[] params, int paramCount, int regionStart, int length,
                                             int[] layout) {
        return laidOut(params, paramCount, regionStart, length, layout, PANELS);
    }

    /** Ints per weight in the layout of {@link #transposedPadded}. */
    private static final int PADDED = 5;
    /** Ints per weight in the layout of {@link #transposedInPanels}. */
    private static final int PANELS = 6;

    private static float[] laidOut(float[] params, int paramCount, int regionStart, int length, int[] layout,
                                   int ints) {
        requireLength(params, paramCount);
        float[] out = new float[length];
        System.arraycopy(params, 0, out, 0, paramCount);
        int shift = CacheLineAlignment.floatsToLine(out, regionStart);
        out[paramCount] = shift;
        int base = regionStart + shift;
        for (int w = 0; w + ints - 1 < layout.length; w += ints) {
            int rows = layout[w + 1];
            int cols = layout[w + 2];
            int stride = layout[w + 4];
            int panel = ints == PANELS ? layout[w + 5] : rows;
            for (int r0 = 0; r0 < rows; r0 += panel) {
                int to = base + layout[w + 3] + r0 / panel * cols * stride;
                transpose(params, layout[w] + r0 * cols, Math.min(panel, rows - r0), cols, out, to, stride);
            }
        }
        return out;
    }

    /**
     * The layout of the classes generated from 2026-12-04 to the panels: {@link #transposedInPanels} with each weight
     * in one panel of padded rows; a new array of {@code length} floats.
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
        return laidOut(params, paramCount, regionStart, length, layout, PADDED);
    }

    /**
     * Where the region of transposed weights starts in {@code prepared}, a generated class's first step on prepared
     * parameters. The first and last element of each transposed weight must be those of its declared copy: a cheap
     * check, not a proof, that catches a shift slot that was changed and declared weights copied in after the layout
     * was made, unless the weight's first and last elements came out the same (a constant weight; a change of
     * other elements only).
     *
     * @param layout as for {@link #transposedPadded}
     * @throws IllegalArgumentException if {@code prepared} is not an array {@link #transposedPadded} made for the class
     */
    public static int regionStart(float[] prepared, int paramCount, int regionStart, int length, int[] layout) {
        return checkedStart(prepared, paramCount, regionStart, length, layout, PADDED);
    }

    /**
     * {@link #regionStart} for the panel layout ({@link #transposedInPanels}).
     *
     * @param layout as for {@link #transposedInPanels}
     * @throws IllegalArgumentException if {@code prepared} is not an array {@link #transposedInPanels} made for the
     *                                  class
     */
    public static int panelRegionStart(float[] prepared, int paramCount, int regionStart, int length, int[] layout) {
        return checkedStart(prepared, paramCount, regionStart, length, layout, PANELS);
    }

    private static int checkedStart(float[] prepared, int paramCount, int regionStart, int length, int[] layout,
                                    int ints) {
        if (prepared.length != length) {
            throw new IllegalArgumentException("expected " + length + " prepared parameters (prepareForInference), got "
                    + prepared.length);
        }
        float shift = prepared[paramCount];
        if (!(shift >= 0 && shift < CacheLineAlignment.LINE_FLOATS) || shift != (int) shift) {
            throw new IllegalArgumentException("not parameters laid out by prepareForInference: shift " + shift);
        }
        int base = regionStart + (int) shift;
        for (int w = 0; w + ints - 1 < layout.length; w += ints) {
            int off = layout[w];
            int rows = layout[w + 1];
            int cols = layout[w + 2];
            int t = base + layout[w + 3];
            int stride = layout[w + 4];
            int panel = ints == PANELS ? layout[w + 5] : rows;
            // W [rows - 1][cols - 1]: in the last panel, its last row and column
            int last = t + (rows - 1) / panel * cols * stride + (cols - 1) * stride + (rows - 1) % panel;
            if (!sameBits(prepared[off], prepared[t]) || !sameBits(prepared[off + rows * cols - 1], prepared[last])) {
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
