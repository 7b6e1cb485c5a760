package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.palantir.javapoet.ParameterSpec;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import netc.compiler.internal.emit.GemmSpec.Split;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.Test;

/**
 * VECTOR NT kernels of at least {@link GemmEmitter#NT_SWAP_MIN_N} columns run as NN on A transposed
 * ({@link GemmEmitter#ntSwaps}): every element of C is bitwise {@code max(chain + bias, 0)}, the chain being
 * {@code Math.fma(A[m][k], B[n][k], s)} in k order from 0, whatever the batch (below, at and past the 64-row blocks
 * and the vector width), the rows a call covers, or the column panels, for reductions and widths that are and are not
 * multiples of 16; a call writes only its rows and columns of C.
 */
class GemmSwappedNtTest {

    /** {n, k}. */
    private static final int[][] SHAPES = {{512, 784}, {256, 512}, {64, 32}, {65, 33}, {130, 47}, {1024, 64},
        {100, 300}};
    private static final int[] BATCHES = {1, 5, 16, 17, 63, 64, 65, 130};
    private static final int PAD = 7;

    @Test
    void everyElementIsTheFmaChainInKOrder() throws Throwable {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        List<ParameterSpec> extras = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        List<GemmSpec> specs = new ArrayList<>();
        for (int[] s : SHAPES) {
            GemmSpec spec = GemmSpec.nt("nt_" + s[0] + "_" + s[1], s[0], s[1], Style.VECTOR)
                    .withEpilogue(Epilogue.biasRelu("w", "wOff"), extras).withSplit(Split.ROWS_AND_COLUMNS);
            assertTrue(GemmEmitter.ntSwaps(spec), spec.methodName() + " runs as NN on A transposed");
            specs.add(spec);
            specs.add(spec.withVectorBits(512).withMethodName(spec.methodName() + "_512"));
        }
        assertTrue(!GemmEmitter.ntSwaps(GemmSpec.nt("narrow", GemmEmitter.NT_SWAP_MIN_N - 1, 100, Style.VECTOR)),
                "a narrower product keeps dot products");
        Class<?> type = KernelClasses.janino(specs).type();
        for (GemmSpec spec : specs) {
            int n = spec.n();
            int k = spec.k();
            int most = BATCHES[BATCHES.length - 1];
            Random random = new Random(n * 31L + k);
            float[] a = new float[most * k + 2 * PAD];
            float[] b = new float[n * k + 2 * PAD];
            float[] bias = new float[n + 2];
            for (float[] x : List.of(a, b, bias)) {
                for (int i = 0; i < x.length; i++) {
                    x[i] = random.nextFloat() * 2 - 1;
                }
            }
            float[] expected = new float[most * n];
            boolean positive = false;
            boolean zero = false;
            for (int m = 0; m < most; m++) {
                for (int j = 0; j < n; j++) {
                    float s = 0f;
                    for (int kk = 0; kk < k; kk++) {
                        s = Math.fma(a[PAD + m * k + kk], b[PAD + j * k + kk], s);
                    }
                    float v = Math.max(s + bias[2 + j], 0f);
                    expected[m * n + j] = v;
                    positive |= v > 0;
                    zero |= v == 0;
                }
            }
            assertTrue(positive && zero, "the epilogue's ReLU both passes and clips");
            MethodHandle rows = KernelClasses.kernel(type, spec.methodName(), float[].class, int.class);
            MethodHandle cols = KernelClasses.kernel(type, spec.columnEntryName(), float[].class, int.class);
            int panels = spec.columnPanels();
            for (int batch : BATCHES) {
                String what = spec.methodName() + ", batch " + batch;
                // the row entry, all rows, then in three parts (the later ones first)
                float[] c = sentinel(batch * n);
                rows.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, 0, batch, bias, 2);
                check(expected, c, batch, n, 0, batch, 0, n, what + ", rows");
                int cut1 = batch / 3;
                int cut2 = 2 * batch / 3;
                c = sentinel(batch * n);
                rows.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, cut2, batch, bias, 2);
                check(expected, c, batch, n, cut2, batch, 0, n, what + ", rows from " + cut2);
                rows.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, cut1, cut2, bias, 2);
                rows.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, 0, cut1, bias, 2);
                check(expected, c, batch, n, 0, batch, 0, n, what + ", rows in three parts");
                // the column entry, one panel alone, then the rest in two parts
                int first = panels / 2;
                c = sentinel(batch * n);
                cols.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, first, first + 1, bias, 2);
                int from = first * GemmEmitter.NT_PANEL;
                int to = Math.min(n, from + GemmEmitter.NT_PANEL);
                check(expected, c, batch, n, 0, batch, from, to, what + ", panel " + first);
                cols.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, first + 1, panels, bias, 2);
                cols.invokeWithArguments(a, PAD, b, PAD, c, PAD, batch, 0, first, bias, 2);
                check(expected, c, batch, n, 0, batch, 0, n, what + ", columns");
            }
        }
    }

    /**
     * How a class shares swapped kernels between threads: a wide layer (with a column entry) one part per thread
     * below 128 rows and by rows in blocks of 64 from there; a small W (no column entry) by rows, in parts of 16 rows
     * below 128, so that a batch under 128 is still split.
     */
    @Test
    void swappedKernelsSplitOverThreadsAtEveryBatch() throws Exception {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        String source = KernelClasses.reluMlp("split_probe", 784, 100, 64).javaSource();
        assertTrue(source.contains("if (batch < 128) {\n            parallel.runPerThread(this, "), source);
        assertTrue(source.contains("(batch < 128 ? 16 : 64))"), "a small W's swapped kernel splits by 16 rows");
    }

    /** C of {@code size} elements between pads, all NaN with a payload no kernel writes. */
    private static float[] sentinel(int size) {
        float[] c = new float[size + 2 * PAD];
        java.util.Arrays.fill(c, Float.intBitsToFloat(0x7fc0_1234));
        return c;
    }

    /** Rows [m0, m1) x columns [n0, n1) of C are the expected bits; every other element is untouched. */
    private static void check(float[] expected, float[] c, int batch, int n, int m0, int m1, int n0, int n1,
            String what) {
        for (int i = 0; i < c.length; i++) {
            int e = i - PAD;
            int m = e >= 0 ? e / n : -1;
            int j = e >= 0 ? e % n : -1;
            boolean inside = e >= 0 && e < batch * n && m >= m0 && m < m1 && j >= n0 && j < n1;
            if (inside) {
                assertEquals(Float.floatToRawIntBits(expected[m * n + j]), Float.floatToRawIntBits(c[i]),
                        what + ": C[" + m + "][" + j + "]");
            } else {
                assertEquals(0x7fc0_1234, Float.floatToRawIntBits(c[i]), what + ": element " + e + " was written");
            }
        }
    }
}
