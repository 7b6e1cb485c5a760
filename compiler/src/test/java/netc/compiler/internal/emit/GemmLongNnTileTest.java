package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.palantir.javapoet.ParameterSpec;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Split;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.emit.GemmSpec.Tile;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * The NN tile for long reductions on wide vectors ({@link Tile#LONG_NN}, 6 rows x 4 vectors), as a class emitted for
 * 512-bit vectors has it and as a class tiled for 256 bits runs it on 16-lane JVMs ({@link GemmSpec#widensTile()}),
 * on whatever width this JVM runs: every element is the sequential fma chain over k from 0, bit for bit, through the
 * row entry cut anywhere (row tails of 1-5 rows) and the column entry cut into any panel ranges, with and without an
 * epilogue; in several blocks of k, with column tails, and packed (N = 1,024, two blocks of rows of A). From the
 * review of 7e47482: a fault in packing A for 8-row tiles failed only this test.
 */
class GemmLongNnTileTest {

    private static final List<ParameterSpec> BIAS = List.of(ParameterSpec.builder(float[].class, "w").build(),
            ParameterSpec.builder(int.class, "wOff").build());

    /** {n, k, batch}. */
    private static final int[][] SHAPES = {{47, 257, 23}, {64, 257, 17}, {1, 129, 9}, {100, 1000, 13}, {1024, 129, 521}};

    @Test
    void longNnTileGivesTheSequentialFmaChainForEveryRowAndPanelSplit() throws Throwable {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        List<GemmCase> cases = new ArrayList<>();
        List<GemmSpec> specs = new ArrayList<>();
        for (int[] s : SHAPES) {
            GemmCase c = GemmCase.of(Form.NN, Style.VECTOR, 0, s[0], s[1], s[2]);
            GemmSpec wide = c.spec(c.methodName()).withVectorBits(512).withSplit(Split.ROWS_AND_COLUMNS);
            assertEquals(Tile.LONG_NN, wide.tile(), c.toString());
            GemmSpec byDefault = c.spec(c.methodName() + "D").withSplit(Split.ROWS_AND_COLUMNS);
            assertEquals(s[0] >= Tile.LONG_NN.cols() * 16, byDefault.widensTile(), c.toString());
            cases.add(c);
            for (GemmSpec spec : List.of(wide, byDefault)) {
                specs.add(spec);
                specs.add(spec.withMethodName(spec.methodName() + "Relu")
                        .withEpilogue(Epilogue.biasRelu("w", "wOff"), BIAS));
            }
        }
        Class<?> type = KernelClasses.janino(specs).type();
        for (GemmCase c : cases) {
            float[] bias = new float[c.n() + 1];
            for (int j = 0; j < bias.length; j++) {
                bias[j] = (j % 5) * 0.5f - 1f;
            }
            float[] chain = GemmTileTest.sequentialFma(c, c.operands(c.n()));
            int panels = (c.n() + GemmEmitter.NN_PANEL - 1) / GemmEmitter.NN_PANEL;
            for (int variant = 0; variant < 4; variant++) {
                boolean relu = variant % 2 == 1;
                String name = c.methodName() + (variant >= 2 ? "D" : "") + (relu ? "Relu" : "");
                Class<?>[] extraTypes = relu ? new Class<?>[] {float[].class, int.class} : new Class<?>[0];
                Object[] extras = relu ? new Object[] {bias, 1} : new Object[0];
                MethodHandle rows = KernelClasses.kernel(type, name, extraTypes);
                MethodHandle cols = KernelClasses.kernel(type, name + "Cols", extraTypes);
                for (int[] cuts : new int[][] {{}, {1}, {3, 11}, {5, 6, 7, 15}, {c.batch() - 1}}) {
                    GemmCase.Operands o = c.operands(c.n());
                    int lo = 0;
                    for (int cut : cuts) {
                        c.run(rows, o, lo, Math.min(cut, c.batch()), extras);
                        lo = Math.min(cut, c.batch());
                    }
                    c.run(rows, o, lo, c.batch(), extras);
                    assertChain(c, o, chain, relu ? bias : null,
                            name + " rows cut at " + java.util.Arrays.toString(cuts));
                }
                for (int cut = 0; cut <= panels; cut++) {
                    GemmCase.Operands o = c.operands(c.n());
                    c.run(cols, o, cut, panels, extras); // the later panels first
                    c.run(cols, o, 0, cut, extras);
                    assertChain(c, o, chain, relu ? bias : null, name + " panels cut at " + cut);
                }
            }
        }
    }

    private static void assertChain(GemmCase c, GemmCase.Operands o, float[] chain, float[] bias, String what) {
        float[] got = o.c();
        for (int i = 0; i < got.length; i++) {
            int rel = i - o.off();
            float expected = rel < 0 || rel >= chain.length ? GemmCase.SENTINEL
                    : bias == null ? chain[rel] : Math.max(chain[rel] + bias[1 + rel % c.n()], 0f);
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got[i]), what + ", c[" + i + "]");
        }
    }
}
