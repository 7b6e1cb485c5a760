package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SpatialOps#globalAvgPool}, its gradient, {@link SpatialOps#concatColumns} and {@link SpatialOps#columns}
 * against textbook loops over {@code [b][c][pixel]}, at offsets, with the sample range split in two (each call
 * writes only its samples, so the halves together equal one call).
 */
class GlobalPoolAndConcatOpsTest {
    private static final int OFF = 3;
    private static final float SENTINEL = -12345.5f;

    private static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[OFF + n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextFloat() * 2 - 1;
        }
        return a;
    }

    private static float[] sentinels(int n) {
        float[] a = new float[OFF + n + 2];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    @Test
    void globalAvgPoolIsEachChannelsMeanAndItsGradientSpreadsItEvenly() {
        int batch = 3;
        int c = 5;
        int pixels = 7 * 3;
        float[] x = random(batch * pixels * c, 1);
        float[] out = sentinels(batch * c);
        SpatialOps.globalAvgPool(x, OFF, c, pixels, out, OFF, 0, 1);
        SpatialOps.globalAvgPool(x, OFF, c, pixels, out, OFF, 1, batch);
        for (int b = 0; b < batch; b++) {
            for (int ci = 0; ci < c; ci++) {
                double sum = 0;
                for (int p = 0; p < pixels; p++) {
                    sum += x[OFF + (b * pixels + p) * c + ci];
                }
                assertEquals((float) (sum / pixels), out[OFF + b * c + ci], 0f, "b " + b + " c " + ci);
            }
        }
        assertEquals(SENTINEL, out[OFF - 1]);
        assertEquals(SENTINEL, out[OFF + batch * c]);

        float[] dx = sentinels(batch * pixels * c);
        SpatialOps.globalAvgPoolGrad(out, OFF, c, pixels, dx, OFF, 0, 2);
        SpatialOps.globalAvgPoolGrad(out, OFF, c, pixels, dx, OFF, 2, batch);
        for (int b = 0; b < batch; b++) {
            for (int p = 0; p < pixels; p++) {
                for (int ci = 0; ci < c; ci++) {
                    assertEquals(out[OFF + b * c + ci] / pixels, dx[OFF + (b * pixels + p) * c + ci], 0f);
                }
            }
        }
        assertEquals(SENTINEL, dx[OFF + batch * pixels * c]);
    }

    @Test
    void concatJoinsRowsAndColumnsTakesThemApartAgain() {
        int batch = 3;
        int rows = 4; // pixels per sample
        int ca = 2;
        int cb = 3;
        float[] a = random(batch * rows * ca, 2);
        float[] b = random(batch * rows * cb, 3);
        float[] out = sentinels(batch * rows * (ca + cb));
        SpatialOps.concatColumns(a, OFF, ca, b, OFF, cb, rows, out, OFF, 0, 1);
        SpatialOps.concatColumns(a, OFF, ca, b, OFF, cb, rows, out, OFF, 1, batch);
        for (int r = 0; r < batch * rows; r++) {
            for (int j = 0; j < ca + cb; j++) {
                float expected = j < ca ? a[OFF + r * ca + j] : b[OFF + r * cb + j - ca];
                assertEquals(expected, out[OFF + r * (ca + cb) + j], 0f, "row " + r + " column " + j);
            }
        }
        assertEquals(SENTINEL, out[OFF - 1]);
        assertEquals(SENTINEL, out[OFF + batch * rows * (ca + cb)]);

        float[] backA = new float[OFF + batch * rows * ca];
        float[] backB = new float[OFF + batch * rows * cb];
        SpatialOps.columns(out, OFF, ca + cb, 0, ca, rows, backA, OFF, 0, batch);
        SpatialOps.columns(out, OFF, ca + cb, ca, cb, rows, backB, OFF, 0, 2);
        SpatialOps.columns(out, OFF, ca + cb, ca, cb, rows, backB, OFF, 2, batch);
        assertArrayEquals(Arrays.copyOfRange(a, OFF, a.length), Arrays.copyOfRange(backA, OFF, backA.length));
        assertArrayEquals(Arrays.copyOfRange(b, OFF, b.length), Arrays.copyOfRange(backB, OFF, backB.length));
    }
}
