package netc.runtime;

/**
 * Lays out a parameter vector for a generated class's inference kernels ({@link Network#prepareForInference}): a copy
 * with some weights stored transposed, W^T [in][out] at the offset where W [out][in] was. Each is transposed once,
 * where the kernels would otherwise read W by rows (dot products) or transpose it on every call.
 */
public final class InferenceParams {

    /** The side of the square blocks transposed at a time: 16 x 16 floats, one cache line per row of a block. */
    private static final int BLOCK = 16;

    private InferenceParams() {
    }

    /**
     * A copy of {@code params} with each weight of {@code layout} transposed in place.
     *
     * @param params     the parameter vector as declared, {@code paramCount} floats; not changed
     * @param paramCount the network's {@link ModelSpec#paramCount()}
     * @param layout     (offset, rows, columns) of each weight to transpose, as declared
     * @throws IllegalArgumentException if {@code params} does not have {@code paramCount} floats
     */
    public static float[] transposed(float[] params, int paramCount, int[] layout) {
        if (params.length != paramCount) {
            throw new IllegalArgumentException("expected " + paramCount + " parameters, got " + params.length);
        }
        float[] out = params.clone();
        for (int w = 0; w + 2 < layout.length; w += 3) {
            transpose(params, layout[w], layout[w + 1], layout[w + 2], out);
        }
        return out;
    }

    /** {@code to[off + c * rows + r] = from[off + r * cols + c]} for the rows x cols matrix at {@code off}. */
    static void transpose(float[] from, int off, int rows, int cols, float[] to) {
        for (int r0 = 0; r0 < rows; r0 += BLOCK) {
            int r1 = Math.min(r0 + BLOCK, rows);
            for (int c0 = 0; c0 < cols; c0 += BLOCK) {
                int c1 = Math.min(c0 + BLOCK, cols);
                for (int r = r0; r < r1; r++) {
                    int src = off + r * cols;
                    for (int c = c0; c < c1; c++) {
                        to[off + c * rows + r] = from[src + c];
                    }
                }
            }
        }
    }
}
