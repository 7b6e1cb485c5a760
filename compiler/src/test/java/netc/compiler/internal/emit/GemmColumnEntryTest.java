package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.palantir.javapoet.ParameterSpec;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Split;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * The column entry of NT and NN kernels ({@link Split#ROWS_AND_COLUMNS}, for products with W as B): over all panels
 * it matches the float64 reference with the epilogue applied, writes nothing outside its panels, and every split
 * into panel ranges, in any order, gives bitwise what the row entry gives.
 */
class GemmColumnEntryTest {

    /**
     * NT {n, k, batch}: tail columns (n not a multiple of 16 or 4), the 16-lane tail of k, long k (column blocks).
     */
    private static final int[][] NT_SHAPES = {{37, 33, 1}, {512, 784, 1}, {10, 256, 3}, {70, 40, 7}, {16, 8200, 2},
        {1, 45, 5}, {300, 64, 9}};
    /**
     * NN {n, k, batch}: tail columns and rows, short k (row blocks), k > 128 (reduction blocks), 6-row tiles and more
     * rows than a tile, N a multiple of 1,024 (packed operands), in two blocks of packed columns (3,072).
     */
    private static final int[][] NN_SHAPES = {{70, 40, 7}, {300, 64, 9}, {200, 300, 5}, {65, 10, 3}, {784, 256, 13},
        {129, 129, 1}, {1024, 461, 9}, {3072, 261, 7}};

    @Test
    void columnEntryMatchesTheReferenceAndTheRowEntryBitForBit() throws Throwable {
        List<ParameterSpec> extras = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        List<GemmCase> cases = new ArrayList<>();
        List<GemmSpec> specs = new ArrayList<>();
        for (Style style : Style.values()) {
            if (style == Style.VECTOR && !JaninoLoader.vectorApiAvailable()) {
                continue;
            }
            for (Form form : new Form[] {Form.NT, Form.NN}) {
                for (int[] s : form == Form.NT ? NT_SHAPES : NN_SHAPES) {
                    GemmCase c = GemmCase.of(form, style, 0, s[0], s[1], s[2]);
                    cases.add(c);
                    specs.add(c.spec(c.methodName()).withEpilogue(Epilogue.biasRelu("w", "wOff"), extras)
                            .withSplit(Split.ROWS_AND_COLUMNS));
                }
            }
        }
        Class<?> type = KernelClasses.janino(specs).type();
        for (int i = 0; i < cases.size(); i++) {
            GemmCase c = cases.get(i);
            GemmSpec spec = specs.get(i);
            float[] bias = new float[c.n() + 2];
            Random random = new Random(c.n());
            for (int j = 0; j < bias.length; j++) {
                bias[j] = random.nextFloat() * 2 - 1;
            }
            MethodHandle rows = KernelClasses.kernel(type, spec.methodName(), float[].class, int.class);
            MethodHandle cols = KernelClasses.kernel(type, spec.columnEntryName(), float[].class, int.class);
            int panels = spec.columnPanels();
            GemmCase.Operands byRows = c.operands(c.n() * 31L + c.k());
            c.run(rows, byRows, 0, c.batch(), bias, 2);
            GemmCase.Operands whole = c.operands(c.n() * 31L + c.k());
            c.run(cols, whole, 0, panels, bias, 2);
            assertNull(c.check(whole, 0, c.batch(), (ref, col) -> Math.max(ref[0] + bias[2 + col], 0)));
            assertArrayEquals(byRows.c(), whole.c(), c + ": column entry vs row entry");
            for (int cut = 1; cut < panels; cut += Math.max(1, panels / 4)) {
                GemmCase.Operands parts = c.operands(c.n() * 31L + c.k());
                c.run(cols, parts, cut, panels, bias, 2); // the later part first: order must not matter
                c.run(cols, parts, 0, cut, bias, 2);
                assertArrayEquals(byRows.c(), parts.c(), c + " split at panel " + cut);
            }
        }
    }

    @Test
    void onlyNnAndDotProductNtKernelsHaveAColumnEntry() {
        assertThrows(IllegalArgumentException.class,
                () -> GemmSpec.tn("tn", 64, 64, Style.VECTOR).withSplit(Split.ROWS_AND_COLUMNS));
        // a short reduction runs as NN on B transposed: no dot products to split by columns
        assertThrows(IllegalArgumentException.class,
                () -> GemmSpec.nt("conv1", 32, 25, Style.SCALAR).withSplit(Split.ROWS_AND_COLUMNS));
    }
}
