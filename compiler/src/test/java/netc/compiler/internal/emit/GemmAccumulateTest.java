package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * Accumulating TN kernels ({@link GemmSpec#accumulates}), as a convolution's kernel gradient calls them a sample at a
 * time: the sum over the batch taken in blocks of k (the first call overwriting C, the others adding to it) is bitwise
 * the one call over the whole batch, for blocks shorter and longer than {@link GemmEmitter#TN_K_BLOCK}, on split
 * ranges of column panels, for every kind of column-split TN kernel (plain, wide 16-lane tiles, operands swapped for
 * a narrow C, operands packed) in both styles; an empty block leaves C as it is when accumulating and zeroes it when
 * not.
 */
class GemmAccumulateTest {

    /** M, N, batch: the convnet's second layer (small batch), narrow C (swapped), packed B, odd sizes. */
    private static final int[][] SHAPES = {{64, 800, 600}, {32, 25, 300}, {3, 1024, 300}, {5, 17, 257},
        {200, 30, 70}};

    private static final int[] BLOCKS = {1, 7, 196, 300};

    @Test
    void blocksOfTheBatchAddUpToOneCallBitwise() throws Throwable {
        List<GemmCase> cases = new ArrayList<>();
        List<GemmSpec> specs = new ArrayList<>();
        for (Style style : Style.values()) {
            if (style == Style.VECTOR && !JaninoLoader.vectorApiAvailable()) {
                continue;
            }
            for (int[] s : SHAPES) {
                GemmCase c = GemmCase.of(Form.TN, style, s[0], s[1], 0, s[2]);
                cases.add(c);
                specs.add(c.spec("whole_" + c.methodName()).withSplitColumns(true));
                specs.add(c.spec("acc_" + c.methodName()).withSplitColumns(true).withAccumulate(true));
            }
        }
        Class<?> type = KernelClasses.janino(specs).type();
        int lanes = KernelClasses.lanes(type);
        for (int i = 0; i < cases.size(); i++) {
            GemmCase c = cases.get(i);
            GemmSpec wholeSpec = specs.get(2 * i);
            MethodHandle whole = KernelClasses.kernel(type, wholeSpec.methodName());
            MethodHandle acc = KernelClasses.kernel(type, specs.get(2 * i + 1).methodName(), boolean.class);
            int width = wholeSpec.panelColumns(lanes);
            int panels = (c.n() + width - 1) / width;
            GemmCase.Operands expected = c.operands(c.hashCode());
            c.run(whole, expected, 0, panels);
            for (int block : BLOCKS) {
                GemmCase.Operands o = c.operands(c.hashCode());
                int cut = panels / 2;
                for (int k0 = 0; k0 < c.batch(); k0 += block) {
                    int rows = Math.min(block, c.batch() - k0);
                    // the later panels first: the order of the parts must not matter
                    call(acc, o, c, k0, rows, cut, panels, k0 > 0);
                    call(acc, o, c, k0, rows, 0, cut, k0 > 0);
                }
                assertArrayEquals(expected.c(), o.c(), c + " in blocks of " + block + " k");
                float[] before = o.c().clone();
                call(acc, o, c, 0, 0, 0, panels, true);
                assertArrayEquals(before, o.c(), c + ": an empty block added");
                call(acc, o, c, 0, 0, 0, panels, false);
                float[] zeroed = before.clone();
                Arrays.fill(zeroed, o.off(), o.off() + c.m() * c.n(), 0f);
                assertArrayEquals(zeroed, o.c(), c + ": an empty sum");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> GemmSpec.nt("f", 4, 4, Style.SCALAR).withAccumulate(true));
    }

    /** Rows {@code [k0, k0 + rows)} of the batch into column panels {@code [pLo, pHi)} of C. */
    private static void call(MethodHandle kernel, GemmCase.Operands o, GemmCase c, int k0, int rows, int pLo, int pHi,
            boolean accumulate) throws Throwable {
        kernel.invokeWithArguments(o.a(), o.off() + k0 * c.m(), o.b(), o.off() + k0 * c.n(), o.c(), o.off(), rows,
                pLo, pHi, accumulate);
    }
}
