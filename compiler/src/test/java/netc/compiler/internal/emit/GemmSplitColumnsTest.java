package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * TN kernels split by column panels (weight gradients of convolutions, summed over every pixel of the batch): the
 * whole range matches the float64 reference, and any split into panel ranges gives bitwise the same C as one call,
 * as the row split does; so do the narrow ones that compute C transposed ({@link GemmSpec#swapsOperands()}: 32 x 25,
 * 7 x 1, and 200 x 30, whose C^T goes to the per-thread array the other cases of the class left their floats in), and
 * the two that pack their operands (3 x 1024 and 1024 x 100, whose last panel is narrower than the others, {@link
 * GemmEmitter#packs}).
 */
class GemmSplitColumnsTest {

    private static final int[][] SHAPES = {{64, 800, 0, 600}, {32, 25, 0, 300}, {5, 17, 0, 257}, {3, 64, 0, 40},
        {3, 1024, 0, 300}, {1024, 100, 0, 300}, {7, 1, 0, 3}, {200, 30, 0, 70}};

    @Test
    void columnSplitKernelsMatchTheReferenceAndAreSplitInvariant() throws Exception {
        List<GemmCase> cases = new ArrayList<>();
        List<GemmSpec> specs = new ArrayList<>();
        for (Style style : Style.values()) {
            if (style == Style.VECTOR && !JaninoLoader.vectorApiAvailable()) {
                continue;
            }
            for (int[] s : SHAPES) {
                GemmCase c = GemmCase.of(Form.TN, style, s[0], s[1], s[2], s[3]);
                cases.add(c);
                specs.add(c.spec("cols_" + c.methodName()).withSplitColumns(true));
            }
        }
        if (JaninoLoader.vectorApiAvailable()) {
            assertEquals(3, specs.stream().filter(GemmSpec::swapsOperands).count(),
                    "32 x 25, 7 x 1 and 200 x 30 swap");
        }
        JaninoLoader.Compiled compiled = KernelClasses.janino(specs);
        Class<?> type = compiled.type();
        int lanes = KernelClasses.lanes(type);
        for (int i = 0; i < cases.size(); i++) {
            GemmCase c = cases.get(i);
            GemmSpec spec = specs.get(i);
            MethodHandle kernel = KernelClasses.kernel(type, spec.methodName());
            int width = spec.panelColumns(lanes);
            int panels = (c.n() + width - 1) / width;
            GemmCase.Operands whole = c.operands(c.hashCode());
            c.run(kernel, whole, 0, panels);
            assertNull(c.check(whole, 0, c.m(), null));
            for (int cut = 1; cut < panels; cut += Math.max(1, panels / 5)) {
                GemmCase.Operands parts = c.operands(c.hashCode());
                c.run(kernel, parts, cut, panels); // the later part first: order must not matter
                c.run(kernel, parts, 0, cut);
                assertArrayEquals(whole.c(), parts.c(), c + " split at panel " + cut);
            }
            // an empty range past the last panel, on a thread whose per-thread arrays do not exist yet: nothing
            GemmCase.Operands untouched = c.operands(c.hashCode());
            float[] before = untouched.c().clone();
            Throwable[] failure = new Throwable[1];
            Thread fresh = new Thread(() -> {
                try {
                    c.run(kernel, untouched, panels, panels);
                } catch (Throwable e) {
                    failure[0] = e;
                }
            });
            fresh.start();
            fresh.join();
            assertNull(failure[0], c + ": empty range [" + panels + ", " + panels + ")");
            assertArrayEquals(before, untouched.c(), c + ": empty range");
            // an empty batch: the empty range stays untouched (it threw in Arrays.fill once), the whole is an empty sum
            GemmCase noSamples = new GemmCase(Form.TN, c.style(), c.m(), c.n(), 0, 0);
            GemmCase.Operands zero = noSamples.operands(1);
            float[] sentinels = zero.c().clone();
            noSamples.run(kernel, zero, panels, panels);
            assertArrayEquals(sentinels, zero.c(), c + ": empty range of an empty batch");
            noSamples.run(kernel, zero, 0, panels);
            for (int j = 0; j < zero.c().length; j++) {
                boolean inC = j >= zero.off() && j < zero.off() + c.m() * c.n();
                assertEquals(inC ? 0f : GemmCase.SENTINEL, zero.c()[j], c + ": empty batch, c[" + j + "]");
            }
            // and bitwise what the row-split kernel computes
            MethodHandle rows = KernelClasses.kernel(KernelClasses.janino(List.of(c.spec("rows"))).type(), "rows");
            GemmCase.Operands byRows = c.operands(c.hashCode());
            c.run(rows, byRows, 0, c.m());
            assertArrayEquals(byRows.c(), whole.c(), c + ": column split vs row split");
        }
    }
}
