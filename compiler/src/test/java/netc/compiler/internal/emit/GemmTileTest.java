package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.emit.GemmSpec.Tile;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The register tile of VECTOR NN/TN kernels changes speed only: whatever the tile and however the rows are split,
 * every element of C is the sequential fma chain {@code s = fma(a_k, b_k, s)} over k from {@code s = 0}, bit for bit.
 */
class GemmTileTest {

    /** N = 83 covers, for 4- to 16-lane vectors, multi-vector panels, one-vector panels and scalar columns. */
    private static final List<GemmCase> CASES = List.of(
            GemmCase.of(Form.NN, Style.VECTOR, 0, 83, 19, 23),
            GemmCase.of(Form.TN, Style.VECTOR, 23, 83, 0, 19));

    private static List<Tile> tiles() {
        List<Tile> tiles = new ArrayList<>();
        for (int rows = 1; rows <= 8; rows++) {
            for (int cols = 1; cols <= 4; cols++) {
                tiles.add(new Tile(rows, cols));
            }
        }
        return tiles;
    }

    /** The plain-loop reference: one float fma chain per element, k ascending, starting from 0. */
    static float[] sequentialFma(GemmCase c, GemmCase.Operands o) {
        float[] out = new float[c.rowsOfC() * c.n()];
        int off = o.off();
        for (int row = 0; row < c.rowsOfC(); row++) {
            for (int col = 0; col < c.n(); col++) {
                float s = 0f;
                for (int i = 0; i < c.depth(); i++) {
                    float x = o.a()[off + (c.form() == Form.TN ? i * c.m() + row : row * c.k() + i)];
                    float y = o.b()[off + i * c.n() + col];
                    s = Math.fma(x, y, s);
                }
                out[row * c.n() + col] = s;
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyTileAndRowSplitGivesTheSequentialFmaChainBitForBit() {
        List<GemmSpec> specs = new ArrayList<>();
        for (GemmCase c : CASES) {
            for (Tile t : tiles()) {
                specs.add(c.spec(name(c, t)).withTile(t));
            }
        }
        JaninoLoader.Compiled compiled = KernelClasses.janino(specs);
        List<DynamicTest> tests = new ArrayList<>();
        for (GemmCase c : CASES) {
            GemmCase.Operands input = c.operands(11);
            float[] expected = sequentialFma(c, input);
            for (Tile t : tiles()) {
                MethodHandle kernel = KernelClasses.kernel(compiled.type(), name(c, t));
                tests.add(DynamicTest.dynamicTest(name(c, t), () -> {
                    for (int[] cuts : new int[][] {{}, {5}, {1, 2, 9}, {4, 8, 12, 16, 20}, {6, 12, 18}, {7, 14}}) {
                        GemmCase.Operands o = c.operands(11);
                        int lo = 0;
                        for (int cut : cuts) {
                            c.run(kernel, o, lo, cut);
                            lo = cut;
                        }
                        c.run(kernel, o, lo, c.rowsOfC());
                        for (int i = 0; i < expected.length; i++) {
                            assertEquals(Float.floatToRawIntBits(expected[i]),
                                    Float.floatToRawIntBits(o.c()[o.off() + i]),
                                    name(c, t) + " cuts " + java.util.Arrays.toString(cuts) + ", element " + i);
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static String name(GemmCase c, Tile t) {
        return c.methodName() + "_t" + t.rows() + "x" + t.cols();
    }

    @Test
    void theTileFollowsTheVectorWidthAndOnlyForNnAndTn() {
        assertEquals(new Tile(6, 2), Tile.broadcast(Form.NN, 256));
        assertEquals(new Tile(5, 2), Tile.broadcast(Form.TN, 256));
        assertEquals(new Tile(6, 2), Tile.broadcast(Form.NN, 128));
        // NT: the NN tile, for a short reduction run as NN (GemmEmitter.NT_SHORT_K)
        assertEquals(new Tile(6, 2), Tile.broadcast(Form.NT, 256));
        assertEquals(6, GemmSpec.nt("f", 8, 25, Style.VECTOR).rowTile());
        assertEquals(Tile.FOUR_BY_FOUR, Tile.broadcast(Form.NN, 512));
        assertEquals(Tile.WIDE_TN, Tile.broadcast(Form.TN, 512));
        assertEquals(GemmSpec.DEFAULT_VECTOR_BITS, new EmitOptions("p", "C", true).vectorBits());
        assertEquals(new Tile(6, 2), GemmSpec.nn("f", 8, 8, Style.VECTOR).tile());
        assertEquals(6, GemmSpec.nn("f", 8, 8, Style.VECTOR).rowTile());
        assertEquals(5, GemmSpec.tn("f", 8, 8, Style.VECTOR).rowTile());
        assertEquals(4, GemmSpec.nt("f", 8, 64, Style.VECTOR).rowTile());
        assertEquals(4, GemmSpec.nn("f", 8, 8, Style.SCALAR).rowTile());
        assertEquals(4, GemmSpec.nn("f", 8, 8, Style.VECTOR).withVectorBits(512).rowTile());
        // long NN reductions (cut into blocks) take 6 x 4 on vectors wider than 256 bits; TN and short NN do not
        assertEquals(Tile.LONG_NN, Tile.broadcast(Form.NN, 512, GemmEmitter.NN_K_BLOCK + 1));
        assertEquals(Tile.FOUR_BY_FOUR, Tile.broadcast(Form.NN, 512, GemmEmitter.NN_K_BLOCK));
        assertEquals(new Tile(6, 2), Tile.broadcast(Form.NN, 256, 1024));
        assertEquals(Tile.FOUR_BY_FOUR, Tile.broadcast(Form.NT, 512, 1024));
        assertEquals(6, GemmSpec.nn("f", 512, 256, Style.VECTOR).withVectorBits(512).rowTile());
        assertEquals(6, GemmSpec.tn("f", 512, 256, Style.VECTOR).withVectorBits(512).rowTile());
        // a dense layer's forward product of 64 columns or more runs on A transposed, 64 rows at a time
        assertEquals(GemmEmitter.NT_SWAP_ROWS, GemmSpec.nt("f", 512, 784, Style.VECTOR).withVectorBits(512).rowTile());
        assertEquals(4, GemmSpec.nt("f", GemmEmitter.NT_SWAP_MIN_N - 1, 784, Style.VECTOR).rowTile());
        assertEquals(4, GemmSpec.nt("f", 512, 784, Style.SCALAR).rowTile());
        assertThrows(IllegalArgumentException.class, () -> new EmitOptions("p", "C", true, 384));
        assertThrows(IllegalArgumentException.class, () -> new EmitOptions("p", "C", true, 32));
        assertThrows(IllegalArgumentException.class, () -> new Tile(9, 1));
        assertThrows(IllegalArgumentException.class, () -> new Tile(1, 5));
    }

    @Test
    void ntAndScalarKernelsIgnoreTheTile() {
        for (GemmSpec spec : List.of(GemmSpec.nt("f", 37, 53, Style.VECTOR), GemmSpec.nn("f", 37, 53, Style.SCALAR),
                GemmSpec.tn("f", 37, 53, Style.SCALAR))) {
            assertEquals(GemmEmitter.emit(spec.withTile(Tile.FOUR_BY_FOUR)).toString(),
                    GemmEmitter.emit(spec.withTile(new Tile(6, 2))).toString(), spec.toString());
        }
    }

    /** Schedule does not run per sample the products whose vector kernel transposes B at every call. */
    @Test
    void scheduleKnowsWhichProductsTransposeTheirKernelMatrix() {
        assertEquals(GemmEmitter.NT_SHORT_K, netc.compiler.internal.schedule.Schedule.SHORT_REDUCTION);
    }
}
