package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ParameterSpec;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The generated kernels, compiled with Janino, against a float64 reference on seeded data. */
class GemmEmitterTest {

    private static final int[] N_SAMPLE = {1, 3, 4, 5, 15, 16, 17, 31, 33, 65};
    private static final int[] K_SAMPLE = {1, 3, 4, 5, 10, 16, 17, 33, 64};
    private static final int[] BATCHES = {1, 2, 3, 5, 64, 128};

    /** A grid of awkward shapes for one form and style: every sampled (n, k) pair plus a few large ones. */
    private static List<GemmCase> grid(Form form, Style style) {
        List<GemmCase> cases = new ArrayList<>();
        int i = form.ordinal() + 3 * style.ordinal(); // rotate batches differently per form and style
        for (int n : N_SAMPLE) {
            for (int k : K_SAMPLE) {
                int batch = BATCHES[i++ % BATCHES.length];
                if (form == Form.TN) {
                    cases.add(GemmCase.of(form, style, k, n, 0, batch)); // TN: M from the k sample, K = batch
                } else {
                    cases.add(GemmCase.of(form, style, 0, n, k, batch));
                }
            }
        }
        if (form == Form.TN) {
            cases.add(GemmCase.of(form, style, 100, 256, 0, 5));
            cases.add(GemmCase.of(form, style, 784, 31, 0, 64));
            cases.add(GemmCase.of(form, style, 10, 784, 0, 128));
            // reductions longer than one block (GemmEmitter.TN_K_BLOCK): pixels of a batch of images
            cases.add(GemmCase.of(form, style, 13, 37, 0, 2 * GemmEmitter.TN_K_BLOCK + 77));
            cases.add(GemmCase.of(form, style, 32, 25, 0, GemmEmitter.TN_K_BLOCK));
            cases.add(GemmCase.of(form, style, 6, 50, 0, GemmEmitter.TN_K_BLOCK + 1));
            // panel by panel packing (GemmEmitter.packsPanels, B's rows 2 KB apart): blocks of k with a ragged end,
            // tail rows, several blocks of packed rows of A (600 rows at 128 k: more than PACKED_A_FLOATS)
            int stride = GemmEmitter.PANEL_PACK_STRIDE;
            cases.add(GemmCase.of(form, style, 67, stride, 0, 2 * GemmEmitter.PANEL_K_BLOCK + 45));
            cases.add(GemmCase.of(form, style, 600, stride, 0, GemmEmitter.PANEL_K_BLOCK));
            cases.add(GemmCase.of(form, style, 64, 3 * stride, 0, 129));
            // and for A's rows 2 KB apart (M a multiple of 512), B's not; for B's rows more than 2 KB apart
            cases.add(GemmCase.of(form, style, stride, 100, 0, GemmEmitter.PANEL_K_BLOCK + 45));
            cases.add(GemmCase.of(form, style, 100, 784, 0, 2 * GemmEmitter.PANEL_K_BLOCK + 3));
        } else {
            cases.add(GemmCase.of(form, style, 0, 100, 256, 3));
            cases.add(GemmCase.of(form, style, 0, 256, 100, 2));
            cases.add(GemmCase.of(form, style, 0, 512, 784, 1));
            cases.add(GemmCase.of(form, style, 0, 10, 784, 64));
            // NN with a short reduction runs in row blocks (GemmEmitter.nnRowBlock): several blocks and a ragged end
            cases.add(GemmCase.of(form, style, 0, 37, 64, 157));
            cases.add(GemmCase.of(form, style, 0, 40, 128, 70));
            // B's rows 2 KB or more apart (GemmEmitter.nnPacksPanels): from NN_PANEL_PACK_ROWS rows on each panel's
            // block of B packed, below read in place; blocks of k with a ragged end, a narrow panel and single columns
            int rows = GemmEmitter.NN_PANEL_PACK_ROWS;
            cases.add(GemmCase.of(form, style, 0, 600, 2 * GemmEmitter.NN_K_BLOCK + 45, rows + 7));
            cases.add(GemmCase.of(form, style, 0, 600, GemmEmitter.NN_K_BLOCK + 1, rows - 1));
        }
        return cases;
    }

    @TestFactory
    Stream<DynamicTest> everyFormAndStyleMatchesTheDoubleReferenceOnAwkwardShapes() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Form form : Form.values()) {
            for (Style style : Style.values()) {
                List<GemmCase> cases = grid(form, style);
                List<GemmSpec> specs = cases.stream().map(c -> c.spec(c.methodName())).toList();
                JaninoLoader.Compiled compiled = KernelClasses.janino(specs);
                for (GemmCase c : cases) {
                    tests.add(DynamicTest.dynamicTest(c.methodName(), () -> {
                        MethodHandle kernel = KernelClasses.kernel(compiled.type(), c.methodName());
                        GemmCase.Operands o = c.operands(c.hashCode());
                        c.run(kernel, o, 0, c.rowsOfC());
                        assertNull(c.check(o, 0, c.rowsOfC(), null));
                    }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> rowRangesThatAreNotMultiplesOfFourTouchOnlyTheirRows() {
        int[][] ranges = {{0, 13}, {3, 10}, {1, 2}, {5, 5}, {4, 8}, {9, 13}, {0, 3}};
        List<DynamicTest> tests = new ArrayList<>();
        for (Form form : Form.values()) {
            for (Style style : Style.values()) {
                GemmCase c = form == Form.TN
                        ? GemmCase.of(form, style, 13, 37, 0, 19)
                        : GemmCase.of(form, style, 0, 37, 19, 13);
                JaninoLoader.Compiled compiled = KernelClasses.janino(List.of(c.spec("gemm")));
                MethodHandle kernel = KernelClasses.kernel(compiled.type(), "gemm");
                for (int[] range : ranges) {
                    tests.add(DynamicTest.dynamicTest(c + " rows [" + range[0] + ", " + range[1] + ")", () -> {
                        GemmCase.Operands o = c.operands(42);
                        c.run(kernel, o, range[0], range[1]);
                        assertNull(c.check(o, range[0], range[1], null));
                    }));
                }
            }
        }
        return tests.stream();
    }

    /**
     * A product whose kernel packs B per call (the MLP's 256 x 512 weight gradient: B's rows 2 KB apart; W1's 512 x
     * 784: A's rows 2 KB apart; the input gradient's row entry) is split one part per thread, so that each thread
     * packs B once; one that packs nothing (a 100 x 300 weight gradient) in chunks, as any kernel.
     */
    @Test
    void productsThatPackBRunOnePartPerThread() {
        String source = KernelClasses.reluMlp("pack_split_probe", 784, 512, 256).javaSource();
        assertTrue(Pattern.compile("parallel\\.runPerThread\\(this, \\d+, 256, \\(VECTOR").matcher(source).find(),
                "W2's gradient per thread");
        assertTrue(Pattern.compile("parallel\\.runPerThread\\(this, \\d+, 512, \\(VECTOR").matcher(source).find(),
                "W1's gradient per thread");
        // the input gradient's row entry (batches over 512) packs B's panels (GemmEmitter.nnPacksPanels)
        assertTrue(Pattern.compile("\\} else \\{\n\\s*parallel\\.runPerThread\\(this, \\d+, batch, 6\\);")
                .matcher(source).find(), "the input gradient's rows per thread");
        String unpacked = KernelClasses.reluMlp("pack_split_probe2", 300, 100, 64).javaSource();
        assertTrue(Pattern.compile("parallel\\.run\\(this, \\d+, 100, \\(VECTOR").matcher(unpacked).find(),
                "W1's gradient in chunks");
    }

    /**
     * Kernels that pack A (GemmEmitter.packs, packsPanels) lay a tile of 6 or 5 rows out at a padded stride
     * (GemmEmitter.packedAStride) and the single rows after the full tiles behind them: row ranges that end inside a
     * tile, several blocks of packed rows, both tile widths, against the double reference.
     */
    @TestFactory
    Stream<DynamicTest> packedRowsWithRaggedEndsMatchTheDoubleReference() {
        List<GemmCase> cases = List.of(
                GemmCase.of(Form.TN, Style.VECTOR, 1000, GemmEmitter.PACK_STRIDE, 0, 130),
                GemmCase.of(Form.TN, Style.VECTOR, 401, GemmEmitter.PANEL_PACK_STRIDE, 0, 200),
                GemmCase.of(Form.TN, Style.VECTOR, GemmEmitter.PANEL_PACK_STRIDE, 37, 0, 200),
                GemmCase.of(Form.NN, Style.VECTOR, 0, GemmEmitter.PACK_STRIDE, 300, 401));
        int[][] ranges = {{0, -1}, {7, -2}, {1, 4}};
        List<DynamicTest> tests = new ArrayList<>();
        for (GemmCase c : cases) {
            for (int bits : new int[] {512, 256}) {
                GemmSpec spec = c.spec("gemm").withVectorBits(bits);
                assertTrue(GemmEmitter.packs(spec) || GemmEmitter.packsPanels(spec), c + " packs A");
                JaninoLoader.Compiled compiled = KernelClasses.janino(List.of(spec));
                MethodHandle kernel = KernelClasses.kernel(compiled.type(), "gemm");
                for (int[] range : ranges) {
                    int lo = range[0];
                    int hi = range[1] < 0 ? c.rowsOfC() + 1 + range[1] : range[1];
                    tests.add(DynamicTest.dynamicTest(c + ", " + bits + "-bit tiles, rows [" + lo + ", " + hi + ")",
                            () -> {
                                GemmCase.Operands o = c.operands(lo * 31 + hi);
                                c.run(kernel, o, lo, hi);
                                assertNull(c.check(o, lo, hi, null));
                            }));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> splittingTheRowsAnywhereGivesBitwiseTheSameResult() {
        List<ParameterSpec> extras = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        float[] bias = new float[40];
        for (int j = 0; j < bias.length; j++) {
            bias[j] = j * 0.05f - 1;
        }
        List<DynamicTest> tests = new ArrayList<>();
        List<GemmCase> cases = new ArrayList<>();
        for (Form form : Form.values()) {
            for (Style style : Style.values()) {
                cases.add(form == Form.TN
                        ? GemmCase.of(form, style, 13, 37, 0, 23)
                        : GemmCase.of(form, style, 0, 37, 23, 13));
            }
        }
        // NT with a long reduction: blocks of 12 rows and 4 columns (GemmEmitter.ntRowBlock, ntColumnBlock)
        cases.add(GemmCase.of(Form.NT, Style.VECTOR, 0, 37, 8200, 13));
        cases.add(GemmCase.of(Form.NT, Style.SCALAR, 0, 37, 8200, 13));
        for (GemmCase c : cases) {
            GemmSpec spec = c.spec("gemm").withEpilogue(Epilogue.biasRelu("w", "wOff"), extras);
            JaninoLoader.Compiled compiled = KernelClasses.janino(List.of(spec));
            MethodHandle kernel = KernelClasses.kernel(compiled.type(), "gemm", float[].class, int.class);
            tests.add(DynamicTest.dynamicTest(c.toString(), () -> {
                GemmCase.Operands whole = c.operands(5);
                c.run(kernel, whole, 0, 13, bias, 0);
                for (int[] cuts : new int[][] {{5}, {1, 2, 3}, {4, 8, 12}, {3, 7, 9, 11}}) {
                    GemmCase.Operands parts = c.operands(5);
                    int lo = 0;
                    for (int cut : cuts) {
                        c.run(kernel, parts, lo, cut, bias, 0);
                        lo = cut;
                    }
                    c.run(kernel, parts, lo, 13, bias, 0);
                    for (int i = 0; i < whole.c().length; i++) {
                        assertEquals(Float.floatToRawIntBits(whole.c()[i]), Float.floatToRawIntBits(parts.c()[i]),
                                c + " cut at " + java.util.Arrays.toString(cuts) + ", element " + i);
                    }
                }
            }));
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> biasReluEpilogueMatchesTheReferenceAndTheScalarFormBitForBit() {
        List<ParameterSpec> extras = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        List<DynamicTest> tests = new ArrayList<>();
        for (Form form : Form.values()) {
            for (Style style : Style.values()) {
                for (int n : new int[] {37, 70, 3}) {
                    GemmCase c = form == Form.TN
                            ? GemmCase.of(form, style, 9, n, 0, 21)
                            : GemmCase.of(form, style, 0, n, 21, 9);
                    GemmSpec plain = c.spec("plain");
                    GemmSpec fused = c.spec("fused").withEpilogue(Epilogue.biasRelu("w", "wOff"), extras);
                    JaninoLoader.Compiled compiled = KernelClasses.janino(List.of(plain, fused));
                    tests.add(DynamicTest.dynamicTest(c.toString(), () -> {
                        float[] bias = new float[n + 3];
                        Random random = new Random(n);
                        for (int j = 0; j < bias.length; j++) {
                            bias[j] = random.nextFloat() * 2 - 1;
                        }
                        GemmCase.Operands fusedOut = c.operands(7);
                        c.run(KernelClasses.kernel(compiled.type(), "fused", float[].class, int.class),
                                fusedOut, 1, c.rowsOfC(), bias, 3);
                        assertNull(c.check(fusedOut, 1, c.rowsOfC(),
                                (ref, col) -> Math.max(ref[0] + bias[3 + col], 0)));
                        GemmCase.Operands plainOut = c.operands(7);
                        c.run(KernelClasses.kernel(compiled.type(), "plain"), plainOut, 1, c.rowsOfC());
                        float[] raw = plainOut.c();
                        for (int i = plainOut.off() + n; i < plainOut.off() + c.rowsOfC() * n; i++) {
                            int col = (i - plainOut.off()) % n;
                            float expected = Math.max(raw[i] + bias[3 + col], 0f);
                            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(fusedOut.c()[i]),
                                    c + " element " + i);
                        }
                    }));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void emittingTwiceGivesTheSameSource() {
        List<GemmSpec> specs = List.of(GemmSpec.nt("f", 17, 33, Style.VECTOR), GemmSpec.tn("g", 5, 9, Style.SCALAR));
        assertEquals(KernelClasses.source("Same", specs), KernelClasses.source("Same", specs));
    }

    @Test
    void rejectsExtraParametersThatClashWithTheKernelsNames() {
        for (String name : List.of("a", "batch", "acc12", "k", "vb0", "ci", "s00")) {
            List<ParameterSpec> extras = List.of(ParameterSpec.builder(float[].class, name).build());
            GemmSpec spec = GemmSpec.nn("f", 4, 4, Style.VECTOR);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> spec.withEpilogue(Epilogue.relu(), extras));
            assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
        }
    }

    /**
     * Every local a kernel declares is a name {@link GemmSpec} refuses for an extra parameter, so that an epilogue's
     * extras never redefine one: the kernels of every loop structure (packed NN and TN, TN widened on 16 lanes, column
     * entries, short-reduction NT, row-blocked NN, both styles, every tile width) are emitted and their declarations
     * read from the source.
     */
    @Test
    void everyLocalOfEveryKernelIsAReservedName() {
        List<GemmSpec> specs = new ArrayList<>();
        for (Style style : Style.values()) {
            for (int bits : new int[] {512, 256, 128}) {
                specs.add(GemmSpec.nt("nt" + style + bits, 37, 800, style).withVectorBits(bits)
                        .withSplit(GemmSpec.Split.ROWS_AND_COLUMNS));
                specs.add(GemmSpec.nt("ntShort" + style + bits, 300, 20, style).withVectorBits(bits));
                specs.add(GemmSpec.nn("nn" + style + bits, 3 * GemmEmitter.PACK_STRIDE, 300, style)
                        .withVectorBits(bits).withSplit(GemmSpec.Split.ROWS_AND_COLUMNS));
                specs.add(GemmSpec.nn("nnShort" + style + bits, 70, 40, style).withVectorBits(bits));
                specs.add(GemmSpec.tn("tn" + style + bits, GemmEmitter.PACK_STRIDE, 37, style).withVectorBits(bits));
                specs.add(GemmSpec.tn("tnCols" + style + bits, 13, 2 * GemmEmitter.PACK_STRIDE, style)
                        .withVectorBits(bits).withSplit(GemmSpec.Split.COLUMNS));
            }
        }
        String source = KernelClasses.source("Locals", specs);
        java.util.regex.Matcher m = java.util.regex.Pattern
                .compile("(?:\\bint|\\bfloat|\\bdouble|float\\[\\]|FloatVector|VectorMask<Float>)\\s+(\\w+)\\s*[=;]")
                .matcher(source);
        java.util.Set<String> unreserved = new java.util.TreeSet<>();
        int locals = 0;
        while (m.find()) {
            locals++;
            if (!GemmEmitter.isReservedName(m.group(1))) {
                unreserved.add(m.group(1));
            }
        }
        assertTrue(locals > 100, "declarations found: " + locals);
        assertTrue(unreserved.isEmpty(), "locals an extra parameter could redefine: " + unreserved);
    }

    @Test
    void rejectsExtentsThatDoNotFitTheForm() {
        assertThrows(IllegalArgumentException.class, () -> new GemmSpec(Form.TN, 0, 4, 4, "f", null, List.of(),
                Style.VECTOR));
        assertThrows(IllegalArgumentException.class, () -> new GemmSpec(Form.NT, 3, 4, 4, "f", null, List.of(),
                Style.VECTOR));
        assertThrows(IllegalArgumentException.class, () -> GemmSpec.nn("f", 0, 4, Style.SCALAR));
        assertThrows(IllegalArgumentException.class, () -> GemmSpec.nn("not a name", 4, 4, Style.SCALAR));
        assertThrows(IllegalArgumentException.class, () -> GemmSpec.nn("f", 65536, 65536, Style.SCALAR));
    }
}
