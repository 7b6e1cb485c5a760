package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.stream.Collectors;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.ModelSpec;
import org.junit.jupiter.api.Test;

/** What the front end hands to the rest of the compiler: the graph IR of a checked model. */
class LoweringTest {
    private static final String HEADER = "network t\ninput x[4]\ntarget y : class[3]\nparam W[3, 4]\nparam b[3]\n";

    private static CheckedModel analyze(String text) {
        return Frontend.analyze(new SourceFile("t.net", text));
    }

    private static Graph graph(String text) {
        return analyze(text).graph();
    }

    @Test
    void mnistLowersToMatrixProductsBiasesActivationsAndFusedLoss() {
        assertEquals(""
                + "%0 = input 'x' : [784] per sample\n"
                + "%1 = labels 'y' : [10] per sample\n"
                + "%2 = param 'W1' : [512, 784]\n"
                + "%3 = param 'b1' : [512]\n"
                + "%4 = param 'W2' : [256, 512]\n"
                + "%5 = param 'b2' : [256]\n"
                + "%6 = param 'W3' : [10, 256]\n"
                + "%7 = param 'b3' : [10]\n"
                + "%8 = mat_vec(%2, %0) : [512] per sample\n"
                + "%9 = add(%8, %3) : [512] per sample\n"
                + "%10 = relu(%9) : [512] per sample\n"
                + "%11 = mat_vec(%4, %10) : [256] per sample\n"
                + "%12 = add(%11, %5) : [256] per sample\n"
                + "%13 = relu(%12) : [256] per sample\n"
                + "%14 = mat_vec(%6, %13) : [10] per sample\n"
                + "%15 = add(%14, %7) : [10] per sample\n"
                + "%16 = softmax(%15) : [10] per sample\n"
                + "%17 = softmax_cross_entropy(%15, %1) : []\n"
                + "output = %16\n"
                + "loss = %17\n", IrText.of(SamplesTest.sample("mnist_mlp.net").graph()));
    }

    @Test
    void lectureCompositionMeansTheSameAsJuxtaposition() {
        String params = "network t\ninput x[4]\ntarget y : class[3]\nparam W1[5, 4]\nparam b1[5]\nparam W2[6, 5]\n"
                + "param b2[6]\nparam W3[3, 6]\nparam b3[3]\n";
        Graph composed = graph(params + "p = softmax(W3(relu(W2(relu(W1(x) + b1)) + b2)) + b3)\n"
                + "loss = cross_entropy(p, y)\n");
        Graph juxtaposed = graph(params + "p = softmax(W3 relu(W2 relu(W1 x + b1) + b2) + b3)\n"
                + "loss = cross_entropy(p, y)\n");
        assertEquals(IrText.of(juxtaposed), IrText.of(composed));
    }

    @Test
    void callingAMatrixIsTheSameNodeAsJuxtaposition() {
        Graph g = graph(HEADER + "a = W x\nc = W(x)\np = softmax(a + c)\nloss = cross_entropy(p, y)\n");
        Node add = g.output(Graph.OUTPUT).input(0);
        assertEquals(Op.ADD, add.op());
        assertSame(add.input(0), add.input(1));
    }

    @Test
    void crossEntropyOfANonSoftmaxIsNotFused() {
        Graph g = graph(HEADER + "p = sigmoid(W x + b)\nloss = cross_entropy(p, y)\n");
        assertEquals(Op.CROSS_ENTROPY, g.output(Graph.LOSS).op());
        assertSame(g.output(Graph.OUTPUT), g.output(Graph.LOSS).input(0));
    }

    @Test
    void softmaxBehindIdentityIsStillFused() {
        Graph g = graph(HEADER + "z = W x + b\nq = softmax(z)\np = identity(q)\nloss = cross_entropy(p, y)\n");
        Node loss = g.output(Graph.LOSS);
        assertEquals(Op.SOFTMAX_CROSS_ENTROPY, loss.op());
        assertEquals(Op.ADD, loss.input(0).op());
        assertEquals(Op.SOFTMAX, g.output(Graph.OUTPUT).op());
    }

    @Test
    void binaryCrossEntropyFusesOnlyASigmoid() {
        String net = "network t\ninput x[4]\ntarget t : real[1]\nparam w[1, 4]\n";
        assertEquals(Op.SIGMOID_BINARY_CROSS_ENTROPY,
                graph(net + "p = sigmoid(w x)\nloss = binary_cross_entropy(p, t)\n").output(Graph.LOSS).op());
        assertEquals(Op.BINARY_CROSS_ENTROPY,
                graph(net + "p = step(w x)\nloss = binary_cross_entropy(p, t)\n").output(Graph.LOSS).op());
    }

    @Test
    void binaryCrossEntropyAcceptsTwoClassLabelsForOneOutput() {
        Graph g = graph("network t\ninput x[4]\ntarget y : class[2]\nparam w[1, 4]\np = sigmoid(w x)\n"
                + "loss = binary_cross_entropy(p, y)\n");
        assertEquals(Op.LABELS, g.output(Graph.LOSS).input(1).op());
    }

    @Test
    void realTargetsLowerToTargetLeaves() {
        CheckedModel m = analyze("network t\ninput x[4]\ntarget t : real[3]\nparam W[3, 4]\np = W x\n"
                + "loss = squared_error(p, t)\n");
        Node loss = m.graph().output(Graph.LOSS);
        assertEquals(Op.SQUARED_ERROR, loss.op());
        assertEquals(Op.TARGET, loss.input(1).op());
        assertEquals(netc.runtime.TargetKind.VALUES, m.targetKind());
        assertEquals(3, m.targetSize());
    }

    @Test
    void numbersAreScalarConstants() {
        Graph g = graph(HEADER + "p = softmax(2 * (W x) - 1 + -3 / b)\nloss = cross_entropy(p, y)\n");
        assertEquals(""
                + "%0 = input 'x' : [4] per sample\n"
                + "%1 = labels 'y' : [3] per sample\n"
                + "%2 = param 'W' : [3, 4]\n"
                + "%3 = param 'b' : [3]\n"
                + "%4 = const 2.0 : []\n"
                + "%5 = mat_vec(%2, %0) : [3] per sample\n"
                + "%6 = mul(%4, %5) : [3] per sample\n"
                + "%7 = const 1.0 : []\n"
                + "%8 = sub(%6, %7) : [3] per sample\n"
                + "%9 = const -3.0 : []\n"
                + "%10 = div(%9, %3) : [3]\n"
                + "%11 = add(%8, %10) : [3] per sample\n"
                + "%12 = softmax(%11) : [3] per sample\n"
                + "%13 = softmax_cross_entropy(%11, %1) : []\n"
                + "output = %12\n"
                + "loss = %13\n", IrText.of(g));
    }

    @Test
    void negationOfAnExpressionIsNeg() {
        Graph g = graph(HEADER + "p = softmax(-W x)\nloss = cross_entropy(p, y)\n");
        assertEquals(Op.NEG, g.output(Graph.OUTPUT).input(0).op());
    }

    @Test
    void leakyReluCarriesItsSlope() {
        Graph g = graph(HEADER + "a = leaky_relu(W x)\nc = leaky_relu(W x, 0.2)\nd = leaky_relu(W x, slope=-0.5)\n"
                + "p = softmax(a + c + d)\nloss = cross_entropy(p, y)\n");
        List<Double> slopes = g.nodes().stream().filter(n -> n.op() == Op.LEAKY_RELU)
                .map(n -> n.attrs().value()).collect(Collectors.toList());
        assertEquals(List.of(0.01, 0.2, -0.5), slopes);
    }

    @Test
    void everyFunctionLowersToItsOp() {
        String text = HEADER + "h = step(W x) + softsign(W x) + sigmoid(W x) + relu(W x) + tanh(W x) + exp(W x)"
                + " + log(W x) + identity(W x)\np = softmax(h)\nloss = cross_entropy(p, y)\n";
        List<Op> ops = graph(text).nodes().stream().map(Node::op).filter(Op::isElementwise)
                .filter(op -> op != Op.ADD).collect(Collectors.toList());
        assertEquals(List.of(Op.STEP, Op.SOFTSIGN, Op.SIGMOID, Op.RELU, Op.TANH, Op.EXP, Op.LOG), ops);
    }

    @Test
    void nodesCarryTheSpanOfTheirOperatorOrCall() {
        Graph g = graph(HEADER + "p = softmax(W x + b)\nloss = cross_entropy(p, y)\n");
        Node softmax = g.output(Graph.OUTPUT);
        Node add = softmax.input(0);
        Node matVec = add.input(0);
        assertEquals("t.net:6:5", softmax.span().toString());
        assertEquals(20, softmax.span().endColumn());
        assertEquals("t.net:6:17", add.span().toString());
        assertEquals(17, add.span().endColumn());
        assertEquals("t.net:6:13", matVec.span().toString());
        assertEquals(15, matVec.span().endColumn());
        assertEquals("t.net:7:8", g.output(Graph.LOSS).span().toString());
        assertEquals("t.net:4:7", matVec.input(0).span().toString());
    }

    @Test
    void parametersKeepDeclarationOrderEvenWhenUsedInAnotherOrder() {
        CheckedModel m = analyze("network t\ninput x[4]\ntarget y : class[3]\nparam b[3]\nparam W[3, 4]\n"
                + "p = softmax(W x + b)\nloss = cross_entropy(p, y)\n");
        assertEquals(List.of("b", "W"), m.graph().leaves(Op.PARAM).stream().map(n -> n.attrs().name())
                .collect(Collectors.toList()));
        ModelSpec spec = m.modelSpec();
        assertEquals(15, spec.paramCount());
        assertEquals(3, spec.param("W").offset());
        assertEquals("p", spec.outputName());
        assertEquals(3, spec.outputSize());
    }

    @Test
    void bindingsReportTheirShapesAndWhetherTheyArePerSample() {
        CheckedModel m = analyze(HEADER + "s = 2 * b\nh = W x + s\np = softmax(h)\nloss = cross_entropy(p, y)\n");
        assertEquals("[s [3] shared, h [3] per sample, p [3] per sample]", m.bindings().stream()
                .map(b -> b.name() + " " + b.shape() + (b.perSample() ? " per sample" : " shared"))
                .collect(Collectors.toList()).toString());
    }
}
