package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Pattern;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.emit.ClassFileMethodSizes;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.IrPrinter;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import org.junit.jupiter.api.Test;

/**
 * Recurrent networks end to end: {@code h[t] = ... for t in a..b} unrolls into ordinary nodes, their gradients match
 * float64 central differences, and a long unrolled program compiles to kernel methods shared across steps and
 * dispatch methods split under the 8,000-byte limit, under Janino and javac alike.
 */
class RecurrenceTest {

    /** A recurrent net over {@code steps} rows of 3 with {@code hidden} units of {@code activation}. */
    static String rnn(int steps, int hidden, String activation) {
        return "network r\n"
                + "input  xs[" + steps + ", 3]\n"
                + "target y : class[2]\n"
                + "param Wx[" + hidden + ", 3] init xavier\n"
                + "param Wh[" + hidden + ", " + hidden + "] init xavier\n"
                + "param bh[" + hidden + "]\n"
                + "param Wo[2, " + hidden + "] init xavier\n"
                + "param bo[2]\n"
                + "h[0] = " + activation + "(Wx xs[0] + bh)\n"
                + "h[t] = " + activation + "(Wx xs[t] + Wh h[t-1] + bh) for t in 1.." + (steps - 1) + "\n"
                + "p = softmax(Wo h[" + (steps - 1) + "] + bo)\n"
                + "loss = cross_entropy(p, y)\n";
    }

    private static CheckedModel analyze(String text) {
        return Frontend.analyze(new SourceFile("r.net", text));
    }

    @Test
    void theLoopUnrollsIntoOneNodePerStepWithARowSliceOfTheInput() {
        CheckedModel m = analyze(rnn(3, 4, "tanh"));
        Graph g = m.graph();
        List<Double> rows = new ArrayList<>();
        int tanh = 0;
        for (Node n : g.nodes()) {
            if (n.op() == Op.SLICE) {
                rows.add(n.attrs().value());
                assertEquals("[3]", n.shape().toString());
                assertTrue(n.batched());
            }
            tanh += n.op() == Op.TANH ? 1 : 0;
        }
        assertEquals(List.of(0.0, 1.0, 2.0), rows);
        assertEquals(3, tanh, "one tanh per step");
        List<String> names = new ArrayList<>();
        for (CheckedModel.BindingInfo b : m.bindings()) {
            names.add(b.name());
        }
        assertEquals(List.of("h[0]", "h[1]", "h[2]", "p"), names);
        assertTrue(m.summary().contains("  h[0..2]  [4]\n"), m.summary());
        assertTrue(IrPrinter.print(g).contains("= slice row=2 %0"), IrPrinter.print(g));
        assertEquals(List.of(3, 3), List.of(m.modelSpec().inputShape()[0], m.modelSpec().inputShape()[1]));
        assertEquals(9, m.modelSpec().inputSize());
    }

    @Test
    void stepsThatComputeTheSameThingAreOneNode() {
        // h[1] and h[2] apply the same expression to the same row: interning makes them one node
        CheckedModel m = analyze("network r\ninput xs[2, 3]\ntarget y : class[2]\nparam W[2, 3]\n"
                + "h[t] = tanh(W xs[0]) for t in 0..2\np = softmax(h[2])\nloss = cross_entropy(p, y)\n");
        long distinct = m.bindings().stream().filter(b -> b.name().startsWith("h[")).mapToInt(
                CheckedModel.BindingInfo::nodeId).distinct().count();
        assertEquals(1, distinct);
    }

    @Test
    void tanhAndReluStatesHaveCorrectGradients() {
        for (String activation : List.of("tanh", "relu", "sigmoid")) {
            GradientCheck.Result r = GradientCheck.run(analyze(rnn(5, 4, activation)).graph(), 42, 3, 1000);
            assertTrue(r.passed(), activation + ": " + r.summary());
            assertEquals(4 * 3 + 4 * 4 + 4 + 2 * 4 + 2, r.entries().size());
        }
    }

    @Test
    void stackedStatesAndAnEarlierStepThanTheLastHaveCorrectGradients() {
        String text = "network stacked\ninput xs[4, 2]\ntarget y : real[2]\n"
                + "param U[3, 2] init xavier\nparam V[3, 3] init xavier\nparam A[2, 3] init xavier\n"
                + "param B[2, 2] init xavier\nparam c[2]\n"
                + "h[0] = tanh(U xs[0])\n"
                + "h[t] = tanh(U xs[t] + V h[t-1]) for t in 1..3\n"
                + "g[0] = relu(A h[0] + c)\n"
                + "g[t] = relu(A h[t] + B g[t-1] + c) + g[t-1] for t in 1..3\n"
                + "p = sigmoid(g[3] + B g[1])\n"
                + "loss = squared_error(p, y)\n";
        GradientCheck.Result r = GradientCheck.run(analyze(text).graph(), 7, 3, 1000);
        assertTrue(r.passed(), r.summary());
    }

    /** An LSTM cell as the textbook writes it: loops over one range that use each other's previous step. */
    static String lstm(int steps, int hidden) {
        StringBuilder sb = new StringBuilder("network lstm\ninput xs[" + steps + ", 3]\ntarget y : class[2]\n");
        for (String gate : List.of("i", "f", "o", "g")) {
            sb.append("param W").append(gate).append("[").append(hidden).append(", 3] init xavier\n");
            sb.append("param U").append(gate).append("[").append(hidden).append(", ").append(hidden)
                    .append("] init xavier\n");
            sb.append("param b").append(gate).append("[").append(hidden).append("] init normal(0.5)\n");
        }
        return sb.append("param V[2, ").append(hidden).append("] init xavier\n")
                .append("c[0] = tanh(Wg xs[0])\nh[0] = tanh(c[0])\n")
                .append("i[t] = sigmoid(Wi xs[t] + Ui h[t-1] + bi) for t in 1..").append(steps - 1).append("\n")
                .append("f[t] = sigmoid(Wf xs[t] + Uf h[t-1] + bf + 1) for t in 1..").append(steps - 1).append("\n")
                .append("o[t] = sigmoid(Wo xs[t] + Uo h[t-1] + bo) for t in 1..").append(steps - 1).append("\n")
                .append("g[t] = tanh(Wg xs[t] + Ug h[t-1] + bg) for t in 1..").append(steps - 1).append("\n")
                .append("c[t] = f[t] * c[t-1] + i[t] * g[t] for t in 1..").append(steps - 1).append("\n")
                .append("h[t] = o[t] * tanh(c[t]) for t in 1..").append(steps - 1).append("\n")
                .append("p = softmax(V h[").append(steps - 1).append("])\nloss = cross_entropy(p, y)\n").toString();
    }

    @Test
    void anLstmCellUnrollsStepByStepAndHasCorrectGradients() {
        CheckedModel m = analyze(lstm(4, 3));
        // step 2's input gate reads h[1], which the loop below it computed at step 1
        Graph g = m.graph();
        int h1 = nodeOf(m, "h[1]");
        int i2 = nodeOf(m, "i[2]");
        assertTrue(dependsOn(g, i2, h1), "i[2] uses h[1]");
        assertTrue(nodeOf(m, "h[3]") > nodeOf(m, "i[3]"));
        assertTrue(m.summary().contains("  i[1..3]  [3]\n  f[1..3]  [3]\n"), m.summary());
        GradientCheck.Result r = GradientCheck.run(g, 11, 3, 1000);
        assertTrue(r.passed(), r.summary());
        assertEquals(4 * (3 * 3 + 3 * 3 + 3) + 2 * 3, r.entries().size());
    }

    @Test
    void aGruCellHasCorrectGradients() {
        String text = "network gru\ninput xs[4, 2]\ntarget y : real[3]\n"
                + "param Wz[3, 2] init xavier\nparam Uz[3, 3] init xavier\nparam Wr[3, 2] init xavier\n"
                + "param Ur[3, 3] init xavier\nparam Wn[3, 2] init xavier\nparam Un[3, 3] init xavier\n"
                + "param cn[3] init normal(0.5)\n"
                + "h[0] = tanh(Wn xs[0])\n"
                + "z[t] = sigmoid(Wz xs[t] + Uz h[t-1]) for t in 1..3\n"
                + "r[t] = sigmoid(Wr xs[t] + Ur h[t-1]) for t in 1..3\n"
                + "n[t] = tanh(Wn xs[t] + r[t] * (Un h[t-1] + cn)) for t in 1..3\n"
                + "h[t] = (1 - z[t]) * n[t] + z[t] * h[t-1] for t in 1..3\n"
                + "p = sigmoid(h[3])\nloss = squared_error(p, y)\n";
        GradientCheck.Result r = GradientCheck.run(analyze(text).graph(), 5, 3, 1000);
        assertTrue(r.passed(), r.summary());
    }

    @Test
    void aLoopMayStillUseALaterStepOfAWholeEarlierLoop() {
        // a's loop is not grouped with b's (a never uses b), so all of a, a[3] included, exists before b[2]
        CheckedModel m = analyze("network r\ninput xs[4, 3]\ntarget y : class[2]\nparam W[2, 3]\n"
                + "a[3] = tanh(W xs[3])\na[t] = tanh(W xs[t]) for t in 0..2\n"
                + "b[t] = a[t+1] * a[t] for t in 0..2\np = softmax(b[2])\nloss = cross_entropy(p, y)\n");
        assertTrue(dependsOn(m.graph(), nodeOf(m, "b[2]"), nodeOf(m, "a[3]")));
    }

    private static int nodeOf(CheckedModel m, String binding) {
        return m.bindings().stream().filter(b -> b.name().equals(binding)).findFirst().orElseThrow().nodeId();
    }

    private static boolean dependsOn(Graph g, int node, int on) {
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>();
        g.nodes().stream().filter(n -> n.id() == node).forEach(todo::push);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (n.id() == on) {
                return true;
            }
            if (seen.add(n.id())) {
                todo.addAll(n.inputs());
            }
        }
        return false;
    }

    /**
     * Three wide products a step with a column entry each, in the inference programs on prepared weights too (their
     * column stages' alignments are expressions): a review found their chunks at 8,711 bytes when the cost estimate
     * counted only arguments.
     */
    @Test
    void wideRecurrentProductsKeepEveryProgramChunkUnderTheMethodLimit() throws Exception {
        StringBuilder text = new StringBuilder("network bigrnn\ninput xs[80, 128]\ntarget y : class[10]\n");
        for (String w : List.of("Wx", "Wy", "Wz")) {
            text.append("param ").append(w).append("[256, 128] init xavier\n");
        }
        text.append("param Wh[256, 256] init xavier\nparam bh[256]\nparam Wo[10, 256] init xavier\nparam bo[10]\n")
                .append("h[0] = tanh(Wx xs[0] + bh)\n")
                .append("h[t] = tanh(Wx xs[t] + Wy xs[t-1] + Wz xs[t] + Wh h[t-1] + bh) for t in 1..79\n")
                .append("p = softmax(Wo h[79] + bo)\nloss = cross_entropy(p, y)\n");
        Compilation c = NetCompiler.compile(new SourceFile("bigrnn.net", text.toString()),
                NetCompiler.Options.defaults().withClassName("BigRnn").withVector(true));
        String source = c.javaSource();
        assertTrue(source.contains("forwardPreparedPart1()"), "forwardPrepared is split");
        for (JaninoLoader.Compiled compiled : List.of(c.loadClass(),
                JavacLoader.compile("netc.generated.BigRnn", source))) {
            int largest = SourceStats.largestMethod(compiled);
            assertTrue(largest < ClassFileMethodSizes.HUGE_METHOD_LIMIT, "largest method " + largest);
        }
    }

    @Test
    void aLongSequenceSharesKernelMethodsAndSplitsDispatchUnderTheMethodLimit() throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("long.net", rnn(128, 8, "tanh")),
                NetCompiler.Options.defaults().withClassName("LongRnn"));
        String source = c.javaSource();
        assertTrue(source.contains("runStages1("), "runStage is split");
        assertTrue(source.contains("lossAndGradientPart1()"), "lossAndGradient is split");
        int stages = SourceStats.count(source, Pattern.compile("\\n {12}case \\d+:"));
        int kernels = SourceStats.count(source,
                Pattern.compile("\\n {4}static void (gemm\\d+|elementwise\\d+)\\("));
        assertTrue(stages > 800, "stages: " + stages);
        assertTrue(kernels < 60, "kernel methods shared across 128 steps: " + kernels);
        JaninoLoader.Compiled janino = c.loadClass();
        JaninoLoader.Compiled javac = JavacLoader.compile("netc.generated.LongRnn", source);
        for (JaninoLoader.Compiled compiled : List.of(janino, javac)) {
            int largest = SourceStats.largestMethod(compiled);
            assertTrue(largest < ClassFileMethodSizes.HUGE_METHOD_LIMIT, "largest method " + largest + ": "
                    + compiled.classFiles().keySet());
        }
        // the Janino class computes the interpreter's loss (float32 against float64)
        int batch = 3;
        SplittableRandom rng = new SplittableRandom(1);
        Network net = Compilation.instantiate(janino.type());
        float[] w = new float[net.spec().paramCount()];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextDouble() - 0.5);
        }
        float[] x = new float[batch * net.spec().inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        float[] y = {0, 1, 1};
        float[] grad = new float[w.length];
        double loss = net.lossAndGradient(w, x, y, batch, grad, null);
        Graph diff = Differentiate.run(c.model().graph());
        Interpreter in = new Interpreter(diff, batch);
        int offset = 0;
        for (CheckedModel.Param p : c.model().params()) {
            double[] v = new double[p.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = w[offset + i];
            }
            in.bind(p.name(), v);
            offset += p.size();
        }
        double[] xs = new double[x.length];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = x[i];
        }
        in.bind("xs", xs);
        in.bind("y", new double[] {0, 1, 1});
        double expected = in.output(Graph.LOSS)[0];
        assertEquals(expected, loss, 1e-4 * Math.max(1, Math.abs(expected)));
        double[] dWh = in.output(Graph.gradName("Wh"));
        int whOffset = 8 * 3;
        for (int i = 0; i < dWh.length; i++) {
            assertEquals(dWh[i], grad[whOffset + i], 1e-4 + 1e-3 * Math.abs(dWh[i]), "dWh[" + i + "]");
        }
        assertFalse(Double.isNaN(loss));
    }
}
