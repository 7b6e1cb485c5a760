package netc.compiler.internal.ir;

import java.util.LinkedHashMap;
import java.util.Map;
import netc.compiler.internal.source.Span;

/** The test graph several tests share: {@code p = softmax(W2 relu(W1 x + b1) + b2)} with softmax cross-entropy. */
public final class TinyMlp {
    private TinyMlp() {
    }

    /** Input {@code x[in]}, hidden layer of {@code hidden} units, {@code out} classes (labels {@code y}). */
    public static Graph graph(String name, String sourceFile, int in, int hidden, int out) {
        GraphBuilder g = new GraphBuilder(name, sourceFile);
        Node x = g.input("x", Shape.of(in), Span.NONE);
        Node w1 = g.param("W1", Shape.of(hidden, in), Span.NONE);
        Node b1 = g.param("b1", Shape.of(hidden), Span.NONE);
        Node w2 = g.param("W2", Shape.of(out, hidden), Span.NONE);
        Node b2 = g.param("b2", Shape.of(out), Span.NONE);
        Node h = g.op(Op.RELU, g.op(Op.ADD, g.op(Op.MAT_VEC, w1, x), b1));
        Node z = g.op(Op.ADD, g.op(Op.MAT_VEC, w2, h), b2);
        Map<String, Node> outputs = new LinkedHashMap<>();
        outputs.put(Graph.OUTPUT, g.op(Op.SOFTMAX, z));
        outputs.put(Graph.LOSS, g.op(Op.SOFTMAX_CROSS_ENTROPY, z, g.labels("y", out, Span.NONE)));
        return g.build(outputs);
    }
}
