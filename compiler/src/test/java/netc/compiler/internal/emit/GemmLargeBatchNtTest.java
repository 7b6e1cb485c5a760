package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.palantir.javapoet.ParameterSpec;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Split;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * VECTOR NT kernels with a long reduction run as NN on B transposed from {@link GemmEmitter#ntTransposeBatch} rows
 * ({@link GemmEmitter#NT_TRANSPOSE_BATCH}, above N for kernels with a column entry; never for fewer than
 * {@link GemmEmitter#NN_PANEL} columns or a B of more than {@link GemmEmitter#NT_TRANSPOSE_MAX_FLOATS} floats): at
 * and above it every element is the fma chain in k order, below it the 16-lane tree of dot products, bit for bit,
 * wherever the rows are cut (the condition reads the batch, not the rows of a call), with and without an epilogue,
 * with column tails, blocks of k and rows of A that are not a multiple of any tile; a column entry never runs at
 * such a batch and says so.
 */
class GemmLargeBatchNtTest {

    private static final List<ParameterSpec> BIAS = List.of(ParameterSpec.builder(float[].class, "w").build(),
            ParameterSpec.builder(int.class, "wOff").build());

    /** {n, k, batch}: around the threshold, column tails, several blocks of k, too few columns for NN. */
    private static final int[][] SHAPES = {
        {70, 100, GemmEmitter.NT_TRANSPOSE_BATCH}, {70, 100, GemmEmitter.NT_TRANSPOSE_BATCH - 1},
        {64, 3 * GemmEmitter.NN_K_BLOCK + 45, GemmEmitter.NT_TRANSPOSE_BATCH + 3}, {63, 200, 600}, {129, 33, 533}};

    @Test
    void fromTheThresholdEveryElementIsTheFmaChainAndBelowItTheTreeWhereverTheRowsAreCut() throws Throwable {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        List<GemmCase> cases = new ArrayList<>();
        List<GemmSpec> specs = new ArrayList<>();
        for (int[] s : SHAPES) {
            GemmCase c = GemmCase.of(Form.NT, Style.VECTOR, 0, s[0], s[1], s[2]);
            cases.add(c);
            GemmSpec spec = c.spec(c.methodName());
            assertEquals(s[0] >= GemmEmitter.NN_PANEL ? GemmEmitter.NT_TRANSPOSE_BATCH : 0,
                    GemmEmitter.ntTransposeBatch(spec), c.toString());
            specs.add(spec);
            specs.add(spec.withMethodName(c.methodName() + "Relu").withEpilogue(Epilogue.biasRelu("w", "wOff"), BIAS));
            specs.add(spec.withMethodName(c.methodName() + "W").withVectorBits(512));
        }
        Class<?> type = KernelClasses.janino(specs).type();
        for (GemmCase c : cases) {
            boolean chain = c.n() >= GemmEmitter.NN_PANEL && c.batch() >= GemmEmitter.NT_TRANSPOSE_BATCH;
            float[] bias = new float[c.n() + 1];
            for (int j = 0; j < bias.length; j++) {
                bias[j] = (j % 5) * 0.5f - 1f;
            }
            for (String variant : List.of("", "Relu", "W")) {
                boolean relu = variant.equals("Relu");
                MethodHandle kernel = relu
                        ? KernelClasses.kernel(type, c.methodName() + variant, float[].class, int.class)
                        : KernelClasses.kernel(type, c.methodName() + variant);
                Object[] extras = relu ? new Object[] {bias, 1} : new Object[0];
                for (int[] cuts : new int[][] {{}, {1}, {5, 133}, {c.batch() - 1}}) {
                    GemmCase.Operands o = c.operands(c.hashCode());
                    int lo = 0;
                    for (int cut : cuts) {
                        c.run(kernel, o, lo, cut, extras);
                        lo = cut;
                    }
                    c.run(kernel, o, lo, c.batch(), extras);
                    assertElements(c, o, chain, relu ? bias : null,
                            c + variant + " rows cut at " + Arrays.toString(cuts));
                }
            }
        }
    }

    @Test
    void aKernelWithAColumnEntryKeepsDotProductsUpToNAndItsColumnEntryRefusesLargerBatches() throws Throwable {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        int n = GemmEmitter.NT_TRANSPOSE_BATCH + 20;
        GemmCase atN = GemmCase.of(Form.NT, Style.VECTOR, 0, n, 50, n);
        GemmCase aboveN = GemmCase.of(Form.NT, Style.VECTOR, 0, n, 50, n + 1);
        GemmSpec spec = atN.spec("cols").withSplit(Split.ROWS_AND_COLUMNS);
        assertEquals(n + 1, GemmEmitter.ntTransposeBatch(spec));
        Class<?> type = KernelClasses.janino(List.of(spec)).type();
        MethodHandle rows = KernelClasses.kernel(type, "cols");
        MethodHandle columns = KernelClasses.kernel(type, "colsCols");
        int panels = spec.columnPanels();

        GemmCase.Operands byRows = atN.operands(3);
        atN.run(rows, byRows, 0, n);
        assertElements(atN, byRows, false, null, "row entry at batch N");
        GemmCase.Operands byColumns = atN.operands(3);
        atN.run(columns, byColumns, 0, panels);
        assertElements(atN, byColumns, false, null, "column entry at batch N");

        GemmCase.Operands above = aboveN.operands(4);
        aboveN.run(rows, above, 0, 7);
        aboveN.run(rows, above, 7, n + 1);
        assertElements(aboveN, above, true, null, "row entry at batch N + 1");
        AssertionError refused = assertThrows(AssertionError.class,
                () -> aboveN.run(columns, aboveN.operands(4), 0, panels));
        assertEquals(IllegalStateException.class, refused.getCause().getClass(), refused.toString());
    }

    @Test
    void productsWithALargeBOrAShortReductionDoNotSwitch() {
        int k = GemmEmitter.NT_TRANSPOSE_MAX_FLOATS / 1024;
        assertEquals(GemmEmitter.NT_TRANSPOSE_BATCH,
                GemmEmitter.ntTransposeBatch(GemmSpec.nt("atCap", 1024, k, Style.VECTOR)));
        assertEquals(0, GemmEmitter.ntTransposeBatch(GemmSpec.nt("aboveCap", 1025, k, Style.VECTOR)));
        assertEquals(0, GemmEmitter.ntTransposeBatch(GemmSpec.nt("shortK", 100, 20, Style.VECTOR)));
        assertEquals(0, GemmEmitter.ntTransposeBatch(GemmSpec.nt("scalar", 100, 200, Style.SCALAR)));
    }

    private static void assertElements(GemmCase c, GemmCase.Operands o, boolean chain, float[] bias, String what) {
        float[] got = o.c();
        for (int i = 0; i < got.length; i++) {
            int rel = i - o.off();
            float expected;
            if (rel < 0 || rel >= c.batch() * c.n()) {
                expected = GemmCase.SENTINEL;
            } else {
                int row = rel / c.n();
                int col = rel % c.n();
                float sum = chain ? GemmSummationOrderTest.inOrderElement(c, o, row, col)
                        : GemmSummationOrderTest.ntElement(c, o, row, col, GemmEmitter.NT_LANES);
                expected = bias == null ? sum : Math.max(sum + bias[1 + col], 0f);
            }
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[i]), what + ", c[" + i + "]");
        }
    }
}
