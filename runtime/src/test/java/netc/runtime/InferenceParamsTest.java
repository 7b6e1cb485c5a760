package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InferenceParamsTest {

    @Test
    void eachListedWeightIsTransposedInPlaceAndTheRestCopied() {
        SplittableRandom rng = new SplittableRandom(3);
        // shapes around the 16 x 16 blocks: one row, one column, partial blocks, exact blocks
        int[][] shapes = {{1, 1}, {1, 37}, {37, 1}, {16, 16}, {17, 33}, {64, 20}, {3, 100}};
        int count = 5;
        for (int[] s : shapes) {
            count += s[0] * s[1] + 2;
        }
        float[] params = new float[count];
        for (int i = 0; i < count; i++) {
            params[i] = (float) rng.nextGaussian();
        }
        float[] declared = params.clone();
        int[] layout = new int[3 * shapes.length];
        int off = 5;
        for (int w = 0; w < shapes.length; w++) {
            layout[3 * w] = off;
            layout[3 * w + 1] = shapes[w][0];
            layout[3 * w + 2] = shapes[w][1];
            off += shapes[w][0] * shapes[w][1] + 2;
        }
        float[] t = InferenceParams.transposed(params, count, layout);
        assertArrayEquals(declared, params, "the argument is not changed");
        float[] expected = declared.clone();
        for (int w = 0; w < shapes.length; w++) {
            int o = layout[3 * w];
            int rows = shapes[w][0];
            int cols = shapes[w][1];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    expected[o + c * rows + r] = declared[o + r * cols + c];
                }
            }
        }
        assertArrayEquals(expected, t);
    }

    @Test
    void aVectorOfTheWrongLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.transposed(new float[7], 8, new int[] {0, 2, 2}));
        assertEquals("expected 8 parameters, got 7", e.getMessage());
    }
}
