package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * VECTOR kernels give, bit for bit, a sum written here as plain float operations in a fixed order, so their results
 * depend neither on the JDK nor on the JVM's vector width: NT products keep 16 partial sums per element (k = i mod 16)
 * with fma, whatever the number of lanes, add them as a tree that pairs each partial sum with the one half the set
 * away (((p0 + p8) + (p4 + p12)) + ...) and finish k with fma; NN, TN and NT with a reduction shorter than 32
 * accumulate each element over k in order with fma. Before, NT ended with reduceLanes(ADD), whose order is left to the implementation (JDK 17 and JDK 25 trained
 * different weights from the same seed), and then summed LANES partial sums (AVX-512 and AVX2 differed).
 */
class GemmSummationOrderTest {

    /** Shapes with long reductions (where lanes matter), reductions shorter than a vector, and ragged tails. */
    private static final int[][] NK = {{10, 784}, {37, 512}, {5, 3}, {17, 9}, {33, 64}, {4, 100}};

    private static float tree(float[] l) {
        if (l.length == 16) {
            return (((l[0] + l[8]) + (l[4] + l[12])) + ((l[2] + l[10]) + (l[6] + l[14])))
                    + (((l[1] + l[9]) + (l[5] + l[13])) + ((l[3] + l[11]) + (l[7] + l[15])));
        }
        return l.length == 8
                ? ((l[0] + l[4]) + (l[2] + l[6])) + ((l[1] + l[5]) + (l[3] + l[7]))
                : (l[0] + l[2]) + (l[1] + l[3]);
    }

    /** The specified NT value of element (row, col). */
    private static float ntElement(GemmCase c, GemmCase.Operands o, int row, int col, int width) {
        int k = c.k();
        int a0 = o.off() + row * k;
        int b0 = o.off() + col * k;
        float[] lanes = new float[width];
        int kVec = k - k % width;
        int i = 0;
        for (; i < kVec; i += width) {
            for (int l = 0; l < width; l++) {
                lanes[l] = Math.fma(o.a()[a0 + i + l], o.b()[b0 + i + l], lanes[l]);
            }
        }
        float s = tree(lanes);
        for (; i < k; i++) {
            s = Math.fma(o.a()[a0 + i], o.b()[b0 + i], s);
        }
        return s;
    }

    /** The specified NN, TN or short NT value of element (row, col): fma over k in order. */
    private static float inOrderElement(GemmCase c, GemmCase.Operands o, int row, int col) {
        float s = 0f;
        for (int i = 0; i < c.depth(); i++) {
            float x = o.a()[o.off() + (c.form() == Form.TN ? i * c.m() + row : row * c.k() + i)];
            float y = o.b()[o.off() + (c.form() == Form.NT ? col * c.k() + i : i * c.n() + col)];
            s = Math.fma(x, y, s);
        }
        return s;
    }

    /** The generated class's LANES: SPECIES_PREFERRED's lanes (the test does not compile against the Vector API). */
    private static int lanes(JaninoLoader.Compiled compiled) {
        try {
            java.lang.reflect.Field f = compiled.type().getDeclaredField(GemmEmitter.LANES);
            f.setAccessible(true);
            return f.getInt(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @TestFactory
    Stream<DynamicTest> vectorKernelsGiveTheBitsOfTheirDocumentedOrderOfOperations() {
        List<GemmCase> cases = new ArrayList<>();
        for (int[] nk : NK) {
            cases.add(GemmCase.of(Form.NT, Style.VECTOR, 0, nk[0], nk[1], 7));
            cases.add(GemmCase.of(Form.NN, Style.VECTOR, 0, nk[0], nk[1], 7));
            cases.add(GemmCase.of(Form.TN, Style.VECTOR, nk[0], 19, 0, nk[1]));
        }
        cases.add(GemmCase.of(Form.TN, Style.VECTOR, 13, 37, 0, 2 * GemmEmitter.TN_K_BLOCK + 77));
        // NN in several blocks of the reduction (GemmEmitter.nnKBlocks), with tail columns and rows
        cases.add(GemmCase.of(Form.NN, Style.VECTOR, 0, 71, 2 * GemmEmitter.NN_K_BLOCK + 77, 13));
        // NN with a long reduction over two blocks of rows and a tail (GemmEmitter.NN_LONG_A_BLOCK_FLOATS: 870 rows
        // a block at K = 300), with tail columns
        cases.add(GemmCase.of(Form.NN, Style.VECTOR, 0, 37, 300, 2 * (GemmEmitter.NN_LONG_A_BLOCK_FLOATS / 300) + 7));
        // packed operands (GemmEmitter.packs): TN over two blocks of rows and of k with tail rows, TN with tail
        // columns, NN over blocks of k
        cases.add(GemmCase.of(Form.TN, Style.VECTOR, 261, GemmEmitter.PACK_STRIDE, 0, GemmEmitter.TN_K_BLOCK + 1));
        cases.add(GemmCase.of(Form.TN, Style.VECTOR, GemmEmitter.PACK_STRIDE, 37, 0, GemmEmitter.TN_K_BLOCK + 19));
        cases.add(GemmCase.of(Form.NN, Style.VECTOR, 0, GemmEmitter.PACK_STRIDE, 3 * GemmEmitter.NN_K_BLOCK + 77, 13));
        // B packed in several blocks of columns (GemmEmitter.PACKED_B_FLOATS): 1,024 columns per block for TN's 256
        // rows of k, 2,048 for NN's 128
        cases.add(GemmCase.of(Form.TN, Style.VECTOR, 23, 2 * GemmEmitter.PACK_STRIDE, 0, GemmEmitter.TN_K_BLOCK + 5));
        cases.add(GemmCase.of(Form.NN, Style.VECTOR, 0, 3 * GemmEmitter.PACK_STRIDE, 2 * GemmEmitter.NN_K_BLOCK + 5,
                7));
        // a short-reduction NT whose B transposed (6,000 floats) goes to the per-thread array
        cases.add(GemmCase.of(Form.NT, Style.VECTOR, 0, 300, 20, 7));
        // NT in several blocks of rows and columns (GemmEmitter.ntRowBlock, ntColumnBlock)
        cases.add(GemmCase.of(Form.NT, Style.VECTOR, 0, 37, 8200, 29));
        List<GemmSpec> specs = cases.stream().map(c -> c.spec(c.methodName())).toList();
        assertEquals(5, specs.stream().filter(GemmEmitter::packs).count(), "the packed cases pack");
        JaninoLoader.Compiled compiled = KernelClasses.janino(specs);
        int width = lanes(compiled);
        assumeTrue(width == 16 || width == 8 || width == 4, "vectors of neither 512, 256 nor 128 bits");
        List<DynamicTest> tests = new ArrayList<>();
        for (GemmCase c : cases) {
            tests.add(DynamicTest.dynamicTest(c.methodName(), () -> {
                MethodHandle kernel = KernelClasses.kernel(compiled.type(), c.methodName());
                GemmCase.Operands o = c.operands(c.hashCode());
                // enough calls for the JIT to compile the kernel: the interpreted and compiled forms must agree too
                for (int rep = 0; rep < 30; rep++) {
                    c.run(kernel, o, 0, c.rowsOfC());
                }
                for (int row = 0; row < c.rowsOfC(); row++) {
                    for (int col = 0; col < c.n(); col++) {
                        float expected = c.form() == Form.NT && c.k() >= GemmEmitter.NT_SHORT_K
                                ? ntElement(c, o, row, col, GemmEmitter.NT_LANES) : inOrderElement(c, o, row, col);
                        float got = o.c()[o.off() + row * c.n() + col];
                        assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(got),
                                c + " C[" + row + "][" + col + "]: expected " + expected + ", got " + got);
                    }
                }
            }));
        }
        return tests.stream();
    }
}
