package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ParameterSpec;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Split;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * NN calls with fewer rows than a tile ({@link GemmEmitter#NN_FEW_ROWS}) take few-row tiles over wide panels, and give
 * bitwise what the row tiles give those rows in a call of many: for every run of 1 to 7 rows, through the row entry
 * and through the column entry split at any panel, with a bias + ReLU epilogue; B of 32K floats or more (the path)
 * and one below, with tail columns and reduction blocks. B is laid out as weights for inference: in column panels
 * ({@link GemmSpec#bPanelWidth()}: 512, 256 and 1,024 columns) or in one panel of padded rows
 * ({@link GemmSpec#bRowStride()}; rows of 1,024 floats would have B packed), so the column entry's parts start and
 * end inside panels and across them.
 */
class GemmFewRowsTest {

    /** {n, k}. */
    private static final int[][] SHAPES = {{512, 784}, {256, 512}, {300, 200}, {1000, 100}, {129, 300}, {1024, 64},
        {70, 500}, {100, 100}};
    private static final int BATCH = 13;
    private static final int PAD = 5;

    @Test
    void fewRowsGiveTheRowTilesBits() throws Throwable {
        List<ParameterSpec> extras = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        List<GemmSpec> specs = new ArrayList<>();
        for (Style style : Style.values()) {
            if (style == Style.VECTOR && !JaninoLoader.vectorApiAvailable()) {
                continue;
            }
            for (int[] s : SHAPES) {
                String name = "nn" + style.name().toLowerCase(java.util.Locale.ROOT) + "_" + s[0] + "_" + s[1];
                specs.add(GemmSpec.nn(name, s[0], s[1], style).withEpilogue(Epilogue.biasRelu("w", "wOff"), extras)
                        .withSplit(Split.ROWS_AND_COLUMNS).withFewRows(true));
            }
        }
        long withPath = specs.stream().filter(GemmEmitter::hasFewRowsPath).count();
        if (JaninoLoader.vectorApiAvailable()) {
            assertEquals(SHAPES.length - 1, withPath, "every VECTOR shape but 100 x 100 has the few-row path");
        }
        Class<?> type = KernelClasses.janino(specs).type();
        for (GemmSpec spec : specs) {
            int n = spec.n();
            int k = spec.k();
            Random random = new Random(n * 31L + k);
            float[] a = new float[BATCH * k + 2 * PAD];
            // panels of [k][stride] one after the other (one panel: padded rows)
            float[] b = new float[n / spec.bPanelWidth() * spec.bRowStride() * k + 2 * PAD];
            float[] bias = new float[n + 2];
            for (float[] x : List.of(a, b, bias)) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat() * 2 - 1;
                }
            }
            MethodHandle rows = KernelClasses.kernel(type, spec.methodName(), float[].class, int.class);
            MethodHandle cols = KernelClasses.kernel(type, spec.columnEntryName(), float[].class, int.class);
            float[] whole = new float[BATCH * n + 2 * PAD];
            rows.invokeWithArguments(a, PAD, b, PAD, whole, PAD, BATCH, 0, BATCH, bias, 2);
            boolean positive = false;
            for (int i = PAD; i < PAD + BATCH * n; i++) {
                positive |= whole[i] > 0;
            }
            assertTrue(positive, spec.methodName() + ": the epilogue left something");
            int panels = spec.columnPanels();
            for (int count = 1; count < GemmEmitter.NN_FEW_ROWS; count++) {
                for (int from = 0; from + count <= BATCH; from += 3) {
                    float[] expected = Arrays.copyOfRange(whole, PAD + from * n, PAD + (from + count) * n);
                    String what = spec.methodName() + ", rows [" + from + ", " + (from + count) + ")";
                    // the row entry on a few rows of the whole batch
                    float[] c = new float[BATCH * n + 2 * PAD];
                    rows.invokeWithArguments(a, PAD, b, PAD, c, PAD, BATCH, from, from + count, bias, 2);
                    assertBits(expected, Arrays.copyOfRange(c, PAD + from * n, PAD + (from + count) * n), what);
                    // a batch of those rows alone, by the column entry, in two parts (the later first)
                    float[] few = Arrays.copyOfRange(a, PAD + from * k - PAD, PAD + (from + count) * k + PAD);
                    int cut = panels / 2;
                    float[] byColumns = new float[count * n + 2 * PAD];
                    cols.invokeWithArguments(few, PAD, b, PAD, byColumns, PAD, count, cut, panels, bias, 2);
                    cols.invokeWithArguments(few, PAD, b, PAD, byColumns, PAD, count, 0, cut, bias, 2);
                    assertBits(expected, Arrays.copyOfRange(byColumns, PAD, PAD + count * n), what + " by columns");
                }
            }
        }
    }

    private static void assertBits(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
                throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", the row tiles give "
                        + expected[i]);
            }
        }
    }
}
