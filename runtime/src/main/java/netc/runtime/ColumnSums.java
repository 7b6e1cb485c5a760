package netc.runtime;

/**
 * Sums of columns over rows in double, each column's terms added in row order: the per-channel sums of a conv bias
 * gradient ({@link SpatialOps#sumChannels}) and the batch statistics of {@link BatchNorm}.
 */
final class ColumnSums {
    private ColumnSums() {
    }

    /**
     * Rows per block of {@link #sums}: a block of rows (at most 16 KB) stays in L1 while each column's running sum, in
     * a register, adds the block's rows in row order. Summing row by row into an array made every add wait for the
     * previous row's store (2.8 ms for one batch-norm backward over 12,544 pixel rows x 32 channels, 2026-12-03); the
     * order of the adds, so every bit of the result, is the same.
     */
    static int rowBlock(int width) {
        return Math.max(1, 4096 / width);
    }

    /**
     * {@code sum[s + k] = x[off + 0*width + lo + k] + x[off + 1*width + lo + k] + ...} over {@code rows} rows of
     * {@code width} floats, added in row order in double, for columns {@code [lo, hi)}.
     */
    static void sums(float[] x, int off, int rows, int width, int lo, int hi, double[] sum, int s) {
        int n = hi - lo;
        java.util.Arrays.fill(sum, s, s + n, 0.0);
        int block = rowBlock(width);
        for (int r0 = 0; r0 < rows; r0 += block) {
            int r1 = Math.min(rows, r0 + block);
            int k = s;
            // eight running sums at a time: a double add waits 4 cycles for its previous one, and two issue per
            // cycle, so four sums kept the adder half idle
            for (; k + 8 <= s + n; k += 8) {
                double s0 = sum[k], s1 = sum[k + 1], s2 = sum[k + 2], s3 = sum[k + 3];
                double s4 = sum[k + 4], s5 = sum[k + 5], s6 = sum[k + 6], s7 = sum[k + 7];
                for (int r = r0, i = off + r0 * width + lo + k - s; r < r1; r++, i += width) {
                    s0 += x[i];
                    s1 += x[i + 1];
                    s2 += x[i + 2];
                    s3 += x[i + 3];
                    s4 += x[i + 4];
                    s5 += x[i + 5];
                    s6 += x[i + 6];
                    s7 += x[i + 7];
                }
                sum[k] = s0;
                sum[k + 1] = s1;
                sum[k + 2] = s2;
                sum[k + 3] = s3;
                sum[k + 4] = s4;
                sum[k + 5] = s5;
                sum[k + 6] = s6;
                sum[k + 7] = s7;
            }
            for (; k + 4 <= s + n; k += 4) {
                double s0 = sum[k], s1 = sum[k + 1], s2 = sum[k + 2], s3 = sum[k + 3];
                for (int r = r0, i = off + r0 * width + lo + k - s; r < r1; r++, i += width) {
                    s0 += x[i];
                    s1 += x[i + 1];
                    s2 += x[i + 2];
                    s3 += x[i + 3];
                }
                sum[k] = s0;
                sum[k + 1] = s1;
                sum[k + 2] = s2;
                sum[k + 3] = s3;
            }
            for (; k < s + n; k++) {
                double s0 = sum[k];
                for (int r = r0, i = off + r0 * width + lo + k - s; r < r1; r++, i += width) {
                    s0 += x[i];
                }
                sum[k] = s0;
            }
        }
    }
}
