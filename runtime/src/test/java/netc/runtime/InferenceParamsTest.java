package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class InferenceParamsTest {

    @Test
    void eachListedWeightIsTransposedInPlaceAndTheRestCopied() {
        SplittableRandom rng = new SplittableRandom(3);
        // shapes around the 16 x 16 blocks: one row, one column, partial blocks, exact blocks
        int[][] shapes = {{1, 1}, {1, 37}, {37, 1}, {16, 16}, {17, 33}, {64, 20}, {3, 100}};
        float[] params = gaussians(rng, 5, shapes);
        int count = params.length;
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
            transpose(declared, layout[3 * w], shapes[w], expected, layout[3 * w], shapes[w][0]);
        }
        assertArrayEquals(expected, t);
    }

    @Test
    void aVectorOfTheWrongLengthIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.transposed(new float[7], 8, new int[] {0, 2, 2}));
        assertEquals("expected 8 parameters, got 7", e.getMessage());
    }

    @Test
    void paddedRowsAreWholeLinesAnOddNumberOfThem() {
        assertEquals(16, InferenceParams.paddedRowStride(1));
        assertEquals(16, InferenceParams.paddedRowStride(16));
        assertEquals(48, InferenceParams.paddedRowStride(17));
        assertEquals(272, InferenceParams.paddedRowStride(256));
        assertEquals(528, InferenceParams.paddedRowStride(512));
        assertEquals(1040, InferenceParams.paddedRowStride(1024));
        for (int columns = 1; columns < 3000; columns++) {
            int stride = InferenceParams.paddedRowStride(columns);
            assertEquals(0, stride % 16, "whole lines for " + columns);
            assertEquals(1, (stride / 16) % 2, "an odd number of lines for " + columns);
            assertTrue(stride >= columns && stride < columns + 32, "at most two lines more for " + columns);
        }
        assertThrows(IllegalArgumentException.class, () -> InferenceParams.paddedRowStride(0));
    }

    @Test
    void thePaddedLayoutKeepsTheParametersAndTransposesAfterThem() {
        SplittableRandom rng = new SplittableRandom(5);
        int[][] shapes = {{1, 1}, {37, 3}, {16, 16}, {33, 17}, {64, 20}, {3, 100}};
        float[] params = gaussians(rng, 7, shapes);
        int count = params.length;
        float[] declared = params.clone();
        Layout laid = Layout.of(7, shapes, false);
        int[] layout = laid.ints();
        int regionStart = (count + 1 + 15) / 16 * 16;
        int length = regionStart + 16 + laid.region();
        float[] t = InferenceParams.transposedPadded(params, count, regionStart, length, layout);
        assertArrayEquals(declared, params, "the argument is not changed");
        assertEquals(length, t.length);
        assertArrayEquals(declared, Arrays.copyOf(t, count), "the parameters as declared");
        int base = InferenceParams.regionStart(t, count, regionStart, length, layout);
        assertTrue(base >= regionStart && base < regionStart + 16, "shifted by less than a line: " + base);
        float[] expected = new float[length];
        System.arraycopy(declared, 0, expected, 0, count);
        expected[count] = base - regionStart;
        for (int w = 0; w < shapes.length; w++) {
            transpose(declared, layout[5 * w], shapes[w], expected, base + layout[5 * w + 3], layout[5 * w + 4]);
        }
        assertArrayEquals(expected, t, "W^T with padded rows (zeros) after the parameters");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.regionStart(declared, count, regionStart, length, layout));
        assertEquals("expected " + length + " prepared parameters (prepareForInference), got " + count,
                e.getMessage());
        float[] corrupt = t.clone();
        corrupt[count] = 2.5f;
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.regionStart(corrupt, count, regionStart, length, layout));
        corrupt[count] = 16;
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.regionStart(corrupt, count, regionStart, length, layout));
        for (int other = 0; other < 16; other++) {
            if (other != base - regionStart) {
                corrupt[count] = other;
                IllegalArgumentException shifted = assertThrows(IllegalArgumentException.class,
                        () -> InferenceParams.regionStart(corrupt, count, regionStart, length, layout), "shift " + other);
                assertTrue(shifted.getMessage().contains("its transpose differ"), shifted.getMessage());
            }
        }
        float[] stale = t.clone();
        stale[layout[5]] += 1; // the second weight's first element, changed after the layout was made
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.regionStart(stale, count, regionStart, length, layout));
        corrupt[count] = Float.NaN;
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.regionStart(corrupt, count, regionStart, length, layout));
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.transposedPadded(new float[count - 1], count, regionStart, length, layout));
    }

    @Test
    void panelsAre256Or128ColumnsWhenTheyCutTheColumnsIntoTwoOrMore() {
        assertEquals(256, InferenceParams.panelWidth(512));
        assertEquals(256, InferenceParams.panelWidth(1024));
        assertEquals(256, InferenceParams.panelWidth(768));
        assertEquals(128, InferenceParams.panelWidth(256));
        assertEquals(128, InferenceParams.panelWidth(384));
        assertEquals(10, InferenceParams.panelWidth(10));
        assertEquals(128, InferenceParams.panelWidth(128), "one panel");
        assertEquals(1000, InferenceParams.panelWidth(1000));
        assertEquals(256, InferenceParams.panelRowStride(512), "panel rows follow each other");
        assertEquals(128, InferenceParams.panelRowStride(256));
        assertEquals(InferenceParams.paddedRowStride(1000), InferenceParams.panelRowStride(1000), "one panel: padded");
        assertEquals(InferenceParams.paddedRowStride(10), InferenceParams.panelRowStride(10));
        for (int columns = 1; columns < 3000; columns++) {
            int width = InferenceParams.panelWidth(columns);
            assertEquals(0, columns % width, "whole panels for " + columns);
            assertTrue(width == columns || width == 128 || width == 256, "width " + width + " for " + columns);
        }
        assertThrows(IllegalArgumentException.class, () -> InferenceParams.panelWidth(0));
    }

    @Test
    void thePanelLayoutStoresEachPanelOfTheTransposeAfterTheOther() {
        SplittableRandom rng = new SplittableRandom(9);
        // several panels of 256 and of 128, and single panels with padded rows
        int[][] shapes = {{512, 3}, {1, 1}, {256, 17}, {37, 3}, {384, 5}, {64, 20}};
        float[] params = gaussians(rng, 7, shapes);
        int count = params.length;
        float[] declared = params.clone();
        Layout laid = Layout.of(7, shapes, true);
        int[] layout = laid.ints();
        int regionStart = (count + 1 + 15) / 16 * 16;
        int length = regionStart + 16 + laid.region();
        float[] t = InferenceParams.transposedInPanels(params, count, regionStart, length, layout);
        assertArrayEquals(declared, params, "the argument is not changed");
        assertArrayEquals(declared, Arrays.copyOf(t, count), "the parameters as declared");
        int base = InferenceParams.panelRegionStart(t, count, regionStart, length, layout);
        assertTrue(base >= regionStart && base < regionStart + 16, "shifted by less than a line: " + base);
        float[] expected = new float[length];
        System.arraycopy(declared, 0, expected, 0, count);
        expected[count] = base - regionStart;
        for (int w = 0; w < shapes.length; w++) {
            int rows = shapes[w][0];
            int cols = shapes[w][1];
            int panel = layout[6 * w + 5];
            int stride = layout[6 * w + 4];
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    expected[base + layout[6 * w + 3] + r / panel * cols * stride + c * stride + r % panel] =
                            declared[layout[6 * w] + r * cols + c];
                }
            }
        }
        assertArrayEquals(expected, t, "W^T panel after panel after the parameters");

        float[] stale = t.clone();
        stale[layout[0] + 512 * 3 - 1] += 1; // the first weight's last element, in its second panel
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.panelRegionStart(stale, count, regionStart, length, layout));
        assertTrue(e.getMessage().contains("its transpose differ"), e.getMessage());
        float[] shifted = t.clone();
        shifted[count] = (base - regionStart + 1) % 16;
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.panelRegionStart(shifted, count, regionStart, length, layout));
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.panelRegionStart(declared, count, regionStart, length, layout));
        assertThrows(IllegalArgumentException.class,
                () -> InferenceParams.transposedInPanels(new float[count - 1], count, regionStart, length, layout));
    }

    /**
     * The layout of the weights of {@code shapes} as {@link #gaussians} places them after {@code lead} floats: five
     * ints a weight (rows padded, {@code transposedPadded}) or six (panels, {@code transposedInPanels}), and the size
     * of the region of their transposes.
     */
    private record Layout(int[] ints, int region) {
        static Layout of(int lead, int[][] shapes, boolean panels) {
            int per = panels ? 6 : 5;
            int[] ints = new int[per * shapes.length];
            int off = lead;
            int region = 0;
            for (int w = 0; w < shapes.length; w++) {
                int rows = shapes[w][0];
                int panel = panels ? InferenceParams.panelWidth(rows) : rows;
                int stride = panels ? InferenceParams.panelRowStride(rows) : InferenceParams.paddedRowStride(rows);
                ints[per * w] = off;
                ints[per * w + 1] = rows;
                ints[per * w + 2] = shapes[w][1];
                ints[per * w + 3] = region;
                ints[per * w + 4] = stride;
                if (panels) {
                    ints[per * w + 5] = panel;
                }
                off += rows * shapes[w][1] + 2;
                region += rows / panel * shapes[w][1] * stride;
            }
            return new Layout(ints, region);
        }
    }

    /** A parameter vector of {@code lead} floats, then each weight of {@code shapes} followed by 2 more. */
    private static float[] gaussians(SplittableRandom rng, int lead, int[][] shapes) {
        int count = lead;
        for (int[] s : shapes) {
            count += s[0] * s[1] + 2;
        }
        float[] params = new float[count];
        for (int i = 0; i < count; i++) {
            params[i] = (float) rng.nextGaussian();
        }
        return params;
    }

    /** The expected layout, element by element: W [rows][cols] at {@code off} to W^T with rows of {@code stride}. */
    private static void transpose(float[] from, int off, int[] shape, float[] to, int toOff, int stride) {
        for (int r = 0; r < shape[0]; r++) {
            for (int c = 0; c < shape[1]; c++) {
                to[toOff + c * stride + r] = from[off + r * shape[1] + c];
            }
        }
    }
}
