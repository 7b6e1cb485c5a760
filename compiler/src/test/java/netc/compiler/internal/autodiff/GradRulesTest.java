package netc.compiler.internal.autodiff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.ir.Attrs;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.TinyMlp;
import netc.compiler.internal.ir.GraphBuilder;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.source.Span;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every op's derivative rule against float64 central differences, each inside a small trainable network. */
class GradRulesTest {

    /** Builds {@code loss(f(W x + b), target)}; f gets the builder and the pre-activation. */
    private static Graph network(String name, int out, BiFunction<GraphBuilder, Node, Node> f, Op lossOp,
                                 boolean labels) {
        GraphBuilder g = new GraphBuilder(name, "test.net");
        Node x = g.input("x", Shape.of(4), Span.NONE);
        Node w = g.param("W", Shape.of(out, 4), Span.NONE);
        Node b = g.param("b", Shape.of(out), Span.NONE);
        Node a = g.op(Op.ADD, g.op(Op.MAT_VEC, w, x), b);
        Node p = f.apply(g, a);
        Node t = labels ? g.labels("y", lossOp == Op.SIGMOID_BINARY_CROSS_ENTROPY
                || lossOp == Op.BINARY_CROSS_ENTROPY ? 2 : out, Span.NONE) : g.target("y", Shape.of(out), Span.NONE);
        Map<String, Node> outputs = new LinkedHashMap<>();
        outputs.put(Graph.OUTPUT, p);
        outputs.put(Graph.LOSS, g.op(lossOp, p, t));
        return g.build(outputs);
    }

    private static Node unary(GraphBuilder g, Op op, Node a) {
        return g.op(op, a);
    }

    private static void assertGradientsMatch(Graph graph) {
        GradientCheck.Result r = GradientCheck.run(graph, 42, 3, 1000);
        assertTrue(r.passed(), graph.name() + ": " + r.summary());
        assertTrue(r.entries().size() > 0);
    }

    @TestFactory
    Stream<DynamicTest> everyElementwiseOpHasACorrectGradient() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Op op : List.of(Op.SOFTSIGN, Op.SIGMOID, Op.RELU, Op.TANH, Op.EXP, Op.NEG, Op.STEP)) {
            tests.add(DynamicTest.dynamicTest(op.printName(), () -> assertGradientsMatch(
                    network(op.printName(), 3, (g, a) -> g.op(Op.ADD, unary(g, op, a), a), Op.SQUARED_ERROR,
                            false))));
        }
        tests.add(DynamicTest.dynamicTest("leaky_relu", () -> assertGradientsMatch(network("leaky", 3,
                (g, a) -> g.add(Op.LEAKY_RELU, List.of(a), Attrs.value(0.1), Span.NONE), Op.SQUARED_ERROR, false))));
        tests.add(DynamicTest.dynamicTest("leaky_relu with negative slope", () -> assertGradientsMatch(network(
                "leaky_neg", 3, (g, a) -> g.add(Op.LEAKY_RELU, List.of(a), Attrs.value(-0.3), Span.NONE),
                Op.SQUARED_ERROR, false))));
        tests.add(DynamicTest.dynamicTest("log", () -> assertGradientsMatch(network("log", 3,
                (g, a) -> g.op(Op.LOG, g.op(Op.ADD, g.op(Op.MUL, a, a), g.constant(1))), Op.SQUARED_ERROR, false))));
        tests.add(DynamicTest.dynamicTest("div and sub", () -> assertGradientsMatch(network("div", 3,
                (g, a) -> g.op(Op.DIV, g.op(Op.SUB, a, g.constant(2)), g.op(Op.ADD, g.op(Op.MUL, a, a),
                        g.constant(1))), Op.SQUARED_ERROR, false))));
        return tests.stream();
    }

    @Test
    void softmaxThenSquaredErrorHasACorrectGradient() {
        assertGradientsMatch(network("softmax_se", 5, (g, a) -> g.op(Op.SOFTMAX, a), Op.SQUARED_ERROR, false));
    }

    @Test
    void fusedSoftmaxCrossEntropyHasACorrectGradient() {
        assertGradientsMatch(network("softmax_ce", 5, (g, a) -> a, Op.SOFTMAX_CROSS_ENTROPY, true));
    }

    @Test
    void unfusedCrossEntropyOnSoftmaxHasACorrectGradient() {
        assertGradientsMatch(network("ce", 5, (g, a) -> g.op(Op.SOFTMAX, a), Op.CROSS_ENTROPY, true));
    }

    @Test
    void fusedSigmoidBinaryCrossEntropyHasACorrectGradientForRealAndLabelTargets() {
        assertGradientsMatch(network("sbce", 3, (g, a) -> a, Op.SIGMOID_BINARY_CROSS_ENTROPY, false));
        assertGradientsMatch(network("sbce_labels", 1, (g, a) -> a, Op.SIGMOID_BINARY_CROSS_ENTROPY, true));
    }

    @Test
    void unfusedBinaryCrossEntropyOnSigmoidHasACorrectGradient() {
        assertGradientsMatch(network("bce", 3, (g, a) -> g.op(Op.SIGMOID, a), Op.BINARY_CROSS_ENTROPY, false));
    }

    @Test
    void residualConnectionAccumulatesBothPaths() {
        assertGradientsMatch(network("residual", 4, (g, a) -> {
            Node v = g.param("V", Shape.of(4, 4), Span.NONE);
            return g.op(Op.ADD, g.op(Op.RELU, g.op(Op.MAT_VEC, v, a)), a);
        }, Op.SQUARED_ERROR, false));
    }

    @Test
    void twoLayerNetworkWithSharedSubexpressionsChecksOut() {
        assertGradientsMatch(mlpWithTarget());
    }

    private static Graph mlpWithTarget() {
        return TinyMlp.graph("mlp", "test.net", 4, 6, 3);
    }

    @Test
    void unusedParameterGetsNoGradientOutput() {
        GraphBuilder g = new GraphBuilder("unused", "test.net");
        Node x = g.input("x", Shape.of(2), Span.NONE);
        Node w = g.param("W", Shape.of(2, 2), Span.NONE);
        g.param("unused", Shape.of(2), Span.NONE);
        Node p = g.op(Op.MAT_VEC, w, x);
        Map<String, Node> outputs = new LinkedHashMap<>();
        outputs.put(Graph.OUTPUT, p);
        outputs.put(Graph.LOSS, g.op(Op.SQUARED_ERROR, p, g.target("t", Shape.of(2), Span.NONE)));
        Graph d = Differentiate.run(g.build(outputs));
        assertTrue(d.outputs().containsKey(Graph.gradName("W")));
        assertEquals(null, d.outputs().get(Graph.gradName("unused")));
    }

    @Test
    void eachPartOfAConcatGetsItsOwnColumnsOfTheGradient() {
        GraphBuilder g = new GraphBuilder("c", "c.net");
        Node x = g.input("x", Shape.of(3), Span.NONE);
        Node w = g.param("W", Shape.of(2, 3), Span.NONE);
        Node v = g.param("V", Shape.of(4, 3), Span.NONE);
        Node p = g.op(Op.CONCAT, g.op(Op.MAT_VEC, w, x), g.op(Op.MAT_VEC, v, x));
        Map<String, Node> outputs = new LinkedHashMap<>();
        outputs.put(Graph.OUTPUT, p);
        outputs.put(Graph.LOSS, g.op(Op.SQUARED_ERROR, p, g.target("t", Shape.of(6), Span.NONE)));
        String text = GradientFormulas.print(Differentiate.run(g.build(outputs)), Map.of());
        assertTrue(text.contains("dW = sum_batch(columns(") && text.contains(", 0..1) x^T)"), text);
        assertTrue(text.contains("dV = sum_batch(columns(") && text.contains(", 2..5) x^T)"), text);
    }

    @Test
    void mlpGradientFormulasReadLikeTheDerivation() {
        String text = GradientFormulas.print(Differentiate.run(mlpWithTarget()), Map.of());
        String expected = String.join("\n",
                "t7 = relu(W1 x + b1)",
                "t9 = W2 t7 + b2",
                "t14 = (softmax(t9) - onehot(y)) / B",
                "t19 = W2^T t14 * step(t7)",
                "dW1 = sum_batch(t19 x^T)",
                "db1 = sum_batch(t19)",
                "dW2 = sum_batch(t14 t7^T)",
                "db2 = sum_batch(t14)",
                "");
        assertEquals(expected, text);
    }
}
