package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.emit.TinyNetRule;
import netc.compiler.internal.frontend.Golden;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.load.JavacLoader;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.TargetKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tiny dense networks compile to the unrolled class ({@code UnrolledEmitter}): readable straight-line code that
 * gives bitwise what the SCALAR-style tiled class gives on every entry point, agrees with the float64 interpreter,
 * compiles to the same bits with Janino and javac, keeps every method under the JIT's 8,000-byte limit, and ignores
 * the thread count. Networks past {@link TinyNetRule} keep the tiled class.
 */
class UnrolledNetworkTest {

    /** Every activation of the language, arithmetic with scalars, a value used twice; squared error on 2 outputs. */
    static final String ACTIVATIONS = """
            network acts
            input x[3]
            target y : real[2]
            param W1[4, 3]
            param b1[4]
            param W2[4, 4]
            param W3[2, 4]
            param b3[2]
            h1 = relu(W1 x + b1)
            h2 = leaky_relu(W2 h1, slope=0.1) + softsign(h1) + sigmoid(h1) + tanh(h1) + step(h1) * h1
            h3 = exp(0.5 * tanh(h2)) - log(1 + sigmoid(h2)) + identity(h2) / 2 - h2
            out = W3 h3 + b3
            loss = squared_error(out, y)
            """;

    /** Cross-entropy on probabilities that are not a softmax's (the unfused loss and its gradient). */
    static final String CROSS_ENTROPY_ON_SIGMOID = """
            network ce_sigmoid
            input x[3]
            target y : class[3]
            param W[3, 3]
            param b[3]
            p = sigmoid(W x + b)
            loss = cross_entropy(p, y)
            """;

    /** Binary cross-entropy on a softmax (not fused with a sigmoid) with real targets. */
    static final String BCE_ON_SOFTMAX = """
            network bce_softmax
            input x[3]
            target t : real[2]
            param W[2, 3]
            param b[2]
            p = softmax(W x + b)
            loss = binary_cross_entropy(p, t)
            """;

    /** Sigmoid and binary cross-entropy fused, three outputs with real targets, a hidden softsign layer. */
    static final String MULTI_LABEL = """
            network multi_label
            input x[4]
            target t : real[3]
            param W1[5, 4]
            param b1[5]
            param W2[3, 5]
            param b2[3]
            p = sigmoid(W2 softsign(W1 x + b1) + b2)
            loss = binary_cross_entropy(p, t)
            """;

    /** Softmax and cross-entropy fused, a residual sum (x used twice), a hidden layer. */
    static final String RESIDUAL_SOFTMAX = """
            network residual_softmax
            input x[4]
            target y : class[3]
            param W1[4, 4]
            param b1[4]
            param W2[3, 4]
            param b2[3]
            h = tanh(W1 x + b1) + x
            p = softmax(W2 h + b2)
            loss = cross_entropy(p, y)
            """;

    /** A softmax in the middle of the network: its gradient (softmax_grad) in the backward pass. */
    static final String SOFTMAX_IN_THE_MIDDLE = """
            network softmax_middle
            input x[3]
            target t : real[2]
            param W1[3, 3]
            param W2[2, 3]
            h = softmax(W1 x)
            out = W2 h
            loss = squared_error(out, t)
            """;

    static Stream<String> nets() {
        return Stream.of("xor.net", "logistic_regression.net", "logistic_regression_softmax.net",
                "linear_regression.net", "ACTIVATIONS", "CROSS_ENTROPY_ON_SIGMOID", "BCE_ON_SOFTMAX", "MULTI_LABEL",
                "RESIDUAL_SOFTMAX", "SOFTMAX_IN_THE_MIDDLE");
    }

    static SourceFile source(String net) {
        if (net.endsWith(".net")) {
            return NetCompiler.read(Golden.sampleNets().resolve(net));
        }
        Map<String, String> inline = Map.of("ACTIVATIONS", ACTIVATIONS, "CROSS_ENTROPY_ON_SIGMOID",
                CROSS_ENTROPY_ON_SIGMOID, "BCE_ON_SOFTMAX", BCE_ON_SOFTMAX, "MULTI_LABEL", MULTI_LABEL,
                "RESIDUAL_SOFTMAX", RESIDUAL_SOFTMAX, "SOFTMAX_IN_THE_MIDDLE", SOFTMAX_IN_THE_MIDDLE);
        return new SourceFile(net.toLowerCase(java.util.Locale.ROOT) + ".net", inline.get(net));
    }

    static Compilation compile(String net) {
        return NetCompiler.compile(source(net), NetCompiler.Options.defaults().withVector(false));
    }

    /** The tiled class of the same network, SCALAR style, compiled with Janino. */
    static Network tiled(Compilation c) {
        String source = ClassEmitter.emitTiled(c.differentiated(), c.model().modelSpec(), c.emitOptions());
        assertTrue(source.contains("runStage"), "the tiled form");
        return Compilation.instantiate(JaninoLoader.compile(c.emitOptions().qualifiedName(), source,
                Network.class.getClassLoader()).type());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void aTinyNetIsUnrolled(String net) {
        Compilation c = compile(net);
        JaninoLoader.Compiled loaded = c.loadClass();
        assertEquals("unrolled", Compilation.kernels(loaded.type()));
        String src = c.javaSource();
        assertFalse(src.contains("runStage") || src.contains("gemm") || src.contains("parallel.run")
                || src.contains("new float["), "no tiles, thread hand-off or scratch arrays:\n" + src);
        assertTrue(src.contains("for (int r = 0; r < samples; r++)"), "one loop over the batch");
    }

    @Test
    void xorReadsLikeTheMath() {
        String src = compile("xor.net").javaSource();
        // h = tanh(W1 x + b1): W1 is params[0..8), b1 params[8..12)
        assertTrue(src.contains("float t8_0 = Activations.tanh(params[0] * x0 + params[1] * x1 + params[8]);"), src);
        // p = sigmoid(W2 h + b2)
        assertTrue(src.contains("Activations.sigmoid(params[12] * t8_0 + params[13] * t8_1 + params[14] * t8_2"
                + " + params[15] * t8_3 + params[16])"), src);
        long lines = src.lines().count();
        assertTrue(lines < 300, "xor's class has " + lines + " lines (the tiled one has 1,353)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mnist_mlp.net", "softmax_regression.net", "activations.net", "mnist_mlp_dropout.net",
        "convnet.net", "rnn_rows.net"})
    void networksPastTheRuleKeepTheTiles(String net) {
        Compilation c = NetCompiler.compile(source(net), NetCompiler.Options.defaults().withVector(false));
        assertTrue(c.javaSource().contains("runStage"), net + " keeps the tiled class");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void bitwiseTheScalarTiledClassOnEveryEntryPoint(String net) {
        Compilation c = compile(net);
        Network unrolled = c.load();
        Network tiled = tiled(c);
        // 300 samples cross the tiled kernels' 256-sample blocks of the batch sums
        for (int batch : new int[] {1, 5, 300}) {
            Data d = Data.random(unrolled.spec(), batch, new SplittableRandom(net.hashCode() + batch));
            Results.of(tiled, d).assertSame(Results.of(unrolled, d), net + " batch " + batch);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void agreesWithTheInterpreter(String net) {
        Compilation c = compile(net);
        Network unrolled = c.load();
        int batch = 7;
        Data d = Data.random(unrolled.spec(), batch, new SplittableRandom(net.hashCode()));
        Results r = Results.of(unrolled, d);
        Graph diff = c.differentiated();
        double[][] v = bind(new Interpreter(diff, batch), diff, unrolled.spec(), d).run();
        assertClose(v[diff.output(Graph.LOSS).id()][0], r.loss, net + " loss");
        double[] out = v[diff.output(Graph.OUTPUT).id()];
        for (int i = 0; i < r.out.length; i++) {
            assertClose(out[i], r.out[i], net + " output " + i);
        }
        for (var p : unrolled.spec().params()) {
            double[] g = v[diff.output(Graph.gradName(p.name())).id()];
            for (int i = 0; i < p.size(); i++) {
                assertClose(g[i], r.grad[p.offset() + i], net + " d/d" + p.name() + "[" + i + "]");
            }
        }
    }

    private static void assertClose(double expected, double actual, String what) {
        assertEquals(expected, actual, 1e-4 * Math.max(1, Math.abs(expected)), what);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void janinoAndJavacGiveTheSameBitsAndSmallMethods(String net) {
        Compilation c = compile(net);
        JaninoLoader.Compiled janino = c.loadClass();
        JaninoLoader.Compiled javac = JavacLoader.compile(c.emitOptions().qualifiedName(), c.javaSource());
        Network a = Compilation.instantiate(janino.type());
        Network b = Compilation.instantiate(javac.type());
        Data d = Data.random(a.spec(), 9, new SplittableRandom(net.hashCode() + 1));
        Results.of(a, d).assertSame(Results.of(b, d), net + ": janino vs javac");
        assertTrue(SourceStats.largestMethod(janino) < 8000, "janino: " + SourceStats.largestMethod(janino));
        assertTrue(SourceStats.largestMethod(javac) < 8000, "javac: " + SourceStats.largestMethod(javac));
    }

    /**
     * Dense nets growing past the size rule: every one the rule unrolls still has methods under the JIT's 8,000-byte
     * limit, with javac and Janino; the sweep crosses the rule (both forms occur).
     */
    @Test
    void theSizeRuleKeepsMethodsUnderTheJitLimit() {
        boolean unrolled = false;
        boolean tiled = false;
        for (int h = 4; h <= 12; h++) {
            String text = "network s\ninput x[8]\ntarget y : class[3]\nparam W1[" + h + ", 8]\nparam b1[" + h
                    + "]\nparam W2[" + h + ", " + h + "]\nparam b2[" + h + "]\nparam W3[3, " + h + "]\nparam b3[3]\n"
                    + "p = softmax(W3 tanh(W2 relu(W1 x + b1) + b2) + b3)\nloss = cross_entropy(p, y)\n";
            Compilation c = NetCompiler.compile(new SourceFile("s.net", text),
                    NetCompiler.Options.defaults().withVector(false));
            if (!c.unrolled()) {
                tiled = true;
                continue;
            }
            unrolled = true;
            int janino = SourceStats.largestMethod(c.loadClass());
            int javac = SourceStats.largestMethod(JavacLoader.compile(c.emitOptions().qualifiedName(),
                    c.javaSource()));
            assertTrue(janino < 8000 && javac < 8000, "hidden width " + h + ": janino " + janino + ", javac " + javac);
        }
        assertTrue(unrolled && tiled, "the sweep crosses the rule");
    }

    /**
     * An unrolled class named after a type it uses (every type it imports, by {@code --class}) compiles with javac
     * and Janino and computes the same bits: types are spelt in full where the class takes their simple name.
     */
    @Test
    void aClassNamedAfterATypeItUsesComputesTheSame() {
        String source = compile("RESIDUAL_SOFTMAX").javaSource();
        List<String> names = source.lines().filter(l -> l.startsWith("import "))
                .map(l -> l.substring(l.lastIndexOf('.') + 1, l.length() - 1)).toList();
        assertTrue(names.containsAll(List.of("Activations", "Math", "StrictMath", "Arrays", "Network")), names::toString);
        Network reference = compile("RESIDUAL_SOFTMAX").load();
        Data d = Data.random(reference.spec(), 4, new SplittableRandom(11));
        Results expected = Results.of(reference, d);
        Map<String, String> sources = new java.util.LinkedHashMap<>();
        for (String name : names) {
            Compilation c = NetCompiler.compile(source("RESIDUAL_SOFTMAX"), NetCompiler.Options.defaults()
                    .withPackage("gen.unrolled." + name.toLowerCase(java.util.Locale.ROOT) + "_").withClassName(name));
            assertTrue(c.unrolled(), name);
            sources.put(c.emitOptions().qualifiedName(), c.javaSource());
        }
        JavacLoader.Batch javac = JavacLoader.compileAll(sources);
        sources.forEach((className, text) -> {
            expected.assertSame(Results.of(Compilation.instantiate(JaninoLoader.compile(className, text).type()), d),
                    "janino " + className);
            expected.assertSame(Results.of(Compilation.instantiate(javac.load(className).type()), d),
                    "javac " + className);
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nets")
    void twoThreadsGiveTheSameBits(String net) {
        Network net1 = compile(net).load();
        Data d = Data.random(net1.spec(), 64, new SplittableRandom(net.hashCode() + 2));
        Results serial = Results.of(net1, d);
        try (Parallel two = Parallel.threads(2)) {
            net1.setParallel(two);
            serial.assertSame(Results.of(net1, d), net + ": 1 vs 2 threads");
        }
    }

    @Test
    void argumentErrorsAreTheTiledClassOnes() {
        Compilation c = compile("logistic_regression_softmax.net");
        Network unrolled = c.load();
        Network tiled = tiled(c);
        Data d = Data.random(unrolled.spec(), 2, new SplittableRandom(5));
        float[] badLabel = {0f, 2f};
        float[] grad = new float[unrolled.spec().paramCount()];
        List<Map.Entry<String, java.util.function.Consumer<Network>>> calls = List.of(
                Map.entry("batch 0", n -> n.forward(d.w, d.x, 0, new float[2])),
                Map.entry("short params", n -> n.forward(new float[3], d.x, 2, new float[4])),
                Map.entry("short input", n -> n.loss(d.w, new float[3], d.y, 2)),
                Map.entry("short target", n -> n.loss(d.w, d.x, new float[1], 2)),
                Map.entry("short grad", n -> n.lossAndGradient(d.w, d.x, d.y, 2, new float[2], null)),
                Map.entry("label out of range (loss)", n -> n.loss(d.w, d.x, badLabel, 2)),
                Map.entry("label out of range (gradient)", n -> n.lossAndGradient(d.w, d.x, badLabel, 2, grad,
                        null)));
        for (var call : calls) {
            String expected = assertThrows(IllegalArgumentException.class, () -> call.getValue().accept(tiled))
                    .getMessage();
            String actual = assertThrows(IllegalArgumentException.class, () -> call.getValue().accept(unrolled))
                    .getMessage();
            assertEquals(expected, actual, call.getKey());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    /** Parameters, inputs and targets for a batch: class labels, or real targets in (0, 1) for any loss. */
    record Data(float[] w, float[] x, float[] y, int batch) {
        static Data random(ModelSpec spec, int batch, SplittableRandom rng) {
            float[] w = new float[spec.paramCount()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rng.nextDouble() - 0.5);
            }
            float[] x = new float[batch * spec.inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            float[] y = new float[batch * spec.targetValues()];
            for (int i = 0; i < y.length; i++) {
                y[i] = spec.targetKind() == TargetKind.CLASSES ? rng.nextInt(spec.targetSize())
                        : (float) (0.05 + 0.9 * rng.nextDouble());
            }
            return new Data(w, x, y, batch);
        }
    }

    /** What every entry point returns for one batch. */
    record Results(double loss, float[] grad, float[] out, float[] forward, double inferenceLoss) {
        static Results of(Network n, Data d) {
            float[] grad = new float[d.w.length];
            float[] out = new float[d.batch * n.spec().outputSize()];
            double loss = n.lossAndGradient(d.w, d.x, d.y, d.batch, grad, out);
            float[] forward = new float[out.length];
            n.forward(d.w, d.x, d.batch, forward);
            return new Results(loss, grad, out, forward, n.loss(d.w, d.x, d.y, d.batch));
        }

        void assertSame(Results o, String what) {
            assertEquals(Double.doubleToLongBits(loss), Double.doubleToLongBits(o.loss), what + ": loss");
            assertArrayEquals(grad, o.grad, what + ": gradient");
            assertArrayEquals(out, o.out, what + ": lossAndGradient's output");
            assertArrayEquals(forward, o.forward, what + ": forward");
            assertEquals(Double.doubleToLongBits(inferenceLoss), Double.doubleToLongBits(o.inferenceLoss),
                    what + ": loss()");
        }
    }

    /** Binds parameters, the input and the target (by the names in the graph) to the interpreter. */
    private static Interpreter bind(Interpreter in, Graph g, ModelSpec spec, Data d) {
        for (var p : spec.params()) {
            in.bind(p.name(), toDouble(d.w, p.offset(), p.size()));
        }
        in.bind(spec.inputName(), toDouble(d.x, 0, d.x.length));
        for (Node n : g.nodes()) {
            if (n.op() == Op.TARGET || n.op() == Op.LABELS) {
                in.bind(n.attrs().name(), toDouble(d.y, 0, d.y.length));
            }
        }
        return in;
    }

    private static double[] toDouble(float[] v, int from, int n) {
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = v[from + i];
        }
        return out;
    }
}
