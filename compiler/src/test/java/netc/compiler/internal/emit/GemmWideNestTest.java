package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Split;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Kernels with the default (256-bit) tile that hold a second nest of wide tiles ({@link GemmSpec#widensTile()}):
 * whichever nest this JVM runs (16 lanes: the wide one), every element is the sequential fma chain in k order, bit
 * for bit, through the row entry, the NN column entry and the TN column split, over uneven splits. Shapes: NN packed
 * (N = 1024, K = 257: 6 x 4 tiles, two blocks of k), NN at the widening threshold (N = 64 with K = 129 or with
 * K = 64: row blocks), TN row-split and column-split over more than one block of the batch (257), TN packed (M =
 * 1024).
 */
class GemmWideNestTest {

    private static final List<GemmCase> CASES = List.of(
            GemmCase.of(Form.NN, Style.VECTOR, 0, 1024, 257, 19),
            GemmCase.of(Form.NN, Style.VECTOR, 0, 64, 129, 23),
            GemmCase.of(Form.NN, Style.VECTOR, 0, 64, 64, 29),
            GemmCase.of(Form.NN, Style.VECTOR, 0, 100, 300, 13),
            GemmCase.of(Form.TN, Style.VECTOR, 21, 100, 0, 257),
            GemmCase.of(Form.TN, Style.VECTOR, 1024, 65, 0, 40));

    @Test
    void everyNestGivesTheSequentialFmaChainBitForBit() throws Exception {
        Assumptions.assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        List<GemmSpec> specs = new ArrayList<>();
        for (GemmCase c : CASES) {
            GemmSpec spec = c.spec("rows_" + c.methodName());
            assertTrue(spec.widensTile(), c + " widens");
            specs.add(c.form() == Form.NN ? spec.withSplit(Split.ROWS_AND_COLUMNS) : spec);
            if (c.form() == Form.TN) {
                specs.add(c.spec("cols_" + c.methodName()).withSplit(Split.COLUMNS));
            }
        }
        Class<?> type = KernelClasses.janino(specs).type();
        int lanes = KernelClasses.lanes(type);
        for (GemmCase c : CASES) {
            float[] expected = GemmTileTest.sequentialFma(c, c.operands(3));
            MethodHandle rows = KernelClasses.kernel(type, "rows_" + c.methodName());
            check(c, expected, rows, c.rowsOfC(), "rows");
            if (c.form() == Form.NN) {
                GemmSpec spec = c.spec("rows_" + c.methodName()).withSplit(Split.ROWS_AND_COLUMNS);
                check(c, expected, KernelClasses.kernel(type, spec.columnEntryName()), spec.columnPanels(), "panels");
            } else {
                GemmSpec spec = c.spec("cols_" + c.methodName()).withSplit(Split.COLUMNS);
                int width = spec.panelColumns(lanes);
                check(c, expected, KernelClasses.kernel(type, spec.methodName()), (c.n() + width - 1) / width,
                        "column split");
            }
        }
    }

    /** The kernel over [0, units) in one call, and in uneven parts run last part first. */
    private static void check(GemmCase c, float[] expected, MethodHandle kernel, int units, String what) {
        for (int parts : new int[] {1, 2, 3, 5}) {
            GemmCase.Operands o = c.operands(3);
            for (int p = parts - 1; p >= 0; p--) {
                int lo = (int) ((long) units * p * p / (parts * parts));
                int hi = (int) ((long) units * (p + 1) * (p + 1) / (parts * parts));
                c.run(kernel, o, lo, hi);
            }
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(o.c()[o.off() + i]),
                        c + " " + what + " in " + parts + " parts, element " + i);
            }
        }
    }
}
