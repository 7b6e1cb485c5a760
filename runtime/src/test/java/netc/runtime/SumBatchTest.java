package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The bias gradient's column sums: bitwise a sum of each column in batch order, for any width and column range. */
class SumBatchTest {

    @Test
    void eachColumnIsSummedInBatchOrder() {
        SplittableRandom rng = new SplittableRandom(9);
        float[] special = {-0f, 0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-45f, 3e38f};
        for (int trial = 0; trial < 2000; trial++) {
            int n = 1 + rng.nextInt(70);
            int batch = 1 + rng.nextInt(40);
            int lo = rng.nextInt(n + 1);
            int hi = lo + rng.nextInt(n - lo + 1);
            int inOff = rng.nextInt(5);
            int outOff = rng.nextInt(5);
            float[] in = new float[inOff + n * batch];
            for (int i = 0; i < in.length; i++) {
                in[i] = rng.nextInt(50) == 0 ? special[rng.nextInt(special.length)]
                        : (float) ((rng.nextDouble() - 0.5) * Math.pow(10, rng.nextInt(9) - 4));
            }
            float[] out = new float[outOff + n];
            java.util.Arrays.fill(out, 7f);
            RowOps.sumBatch(in, inOff, out, outOff, n, batch, lo, hi);
            for (int j = 0; j < n; j++) {
                float expected = 7f;
                if (j >= lo && j < hi) {
                    expected = 0f;
                    for (int b = 0; b < batch; b++) {
                        expected += in[inOff + b * n + j];
                    }
                }
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[outOff + j]),
                        "n " + n + ", batch " + batch + ", columns [" + lo + ", " + hi + "), column " + j);
            }
        }
    }
}
