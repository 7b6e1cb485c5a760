package netc.compiler.internal.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.source.Span;

/**
 * Builds a {@link Graph}, interning every node by (op, input ids, attrs): asking twice for the same expression
 * returns the same node, so common subexpressions are shared by construction and symbolic gradients do not swell.
 * Ids are assigned in construction order, which keeps dumps and generated names deterministic.
 */
public final class GraphBuilder {
    private final String name;
    private final String sourceFile;
    private final List<Node> nodes = new ArrayList<>();
    private final Map<Key, Node> interned = new HashMap<>();
    private final Map<Integer, Node> mapped = new HashMap<>();

    private record Key(Op op, List<Integer> inputs, Attrs attrs) {
    }

    public GraphBuilder(String name, String sourceFile) {
        this.name = name;
        this.sourceFile = sourceFile;
    }

    /** How many nodes were made so far. */
    public int size() {
        return nodes.size();
    }

    /** A builder for a rewritten copy of {@code graph} (passes use {@link #map} to track old to new nodes). */
    public static GraphBuilder like(Graph graph) {
        return new GraphBuilder(graph.name(), graph.sourceFile());
    }

    public Node input(String inputName, Shape shape, Span span) {
        return leaf(Op.INPUT, shape, true, Attrs.named(inputName), span);
    }

    public Node labels(String targetName, int classes, Span span) {
        return leaf(Op.LABELS, Shape.of(classes), true, Attrs.named(targetName), span);
    }

    public Node target(String targetName, Shape shape, Span span) {
        return leaf(Op.TARGET, shape, true, Attrs.named(targetName), span);
    }

    public Node param(String paramName, Shape shape, Span span) {
        return leaf(Op.PARAM, shape, false, Attrs.named(paramName), span);
    }

    public Node constant(double value) {
        return leaf(Op.CONST, Shape.SCALAR, false, Attrs.value(value), Span.NONE);
    }

    /** A leaf of any kind, copied with its declared shape (used by passes that rebuild a graph). */
    public Node leaf(Op op, Shape shape, boolean batched, Attrs attrs, Span span) {
        if (op.kind() != Op.Kind.LEAF) {
            throw new IllegalArgumentException("not a leaf: " + op);
        }
        return intern(op, List.of(), attrs, span, new Shapes.Result(shape, batched));
    }

    /** The node {@code op(inputs...)} with no attributes; throws {@link ShapeMismatch} if the shapes do not fit. */
    public Node op(Op op, Node... inputs) {
        return add(op, List.of(inputs), Attrs.NONE, Span.NONE);
    }

    /** The node {@code op(inputs)}; throws {@link ShapeMismatch} if the shapes do not fit. */
    public Node add(Op op, List<Node> inputs, Attrs attrs, Span span) {
        return intern(op, inputs, attrs, span, Shapes.infer(op, inputs, attrs));
    }

    /** Copies a node of another graph onto already-mapped inputs. */
    public Node copy(Node old, List<Node> newInputs) {
        if (old.op().kind() == Op.Kind.LEAF) {
            return leaf(old.op(), old.shape(), old.batched(), old.attrs(), old.span());
        }
        return add(old.op(), newInputs, old.attrs(), old.span());
    }

    /** Records that {@code old} (of the graph being rewritten) became {@code now}. */
    public void map(Node old, Node now) {
        mapped.put(old.id(), now);
    }

    /** The new node recorded for {@code old}. */
    public Node mapped(Node old) {
        Node n = mapped.get(old.id());
        if (n == null) {
            throw new IllegalStateException("node " + old.ref() + " was not mapped yet");
        }
        return n;
    }

    public List<Node> mapped(List<Node> olds) {
        List<Node> out = new ArrayList<>(olds.size());
        for (Node o : olds) {
            out.add(mapped(o));
        }
        return out;
    }

    /** The graph with these outputs; only nodes an output depends on are kept, in id order. */
    public Graph build(Map<String, Node> outputs) {
        boolean[] live = new boolean[nodes.size()];
        List<Node> stack = new ArrayList<>(outputs.values());
        while (!stack.isEmpty()) {
            Node n = stack.remove(stack.size() - 1);
            if (!live[n.id()]) {
                live[n.id()] = true;
                stack.addAll(n.inputs());
            }
        }
        List<Node> kept = new ArrayList<>();
        for (Node n : nodes) {
            // Leaves stay even when unused: parameters define the weights file's layout.
            if (live[n.id()] || n.op() == Op.PARAM || n.op() == Op.INPUT) {
                kept.add(n);
            }
        }
        return new Graph(name, sourceFile, kept, outputs);
    }

    private Node intern(Op op, List<Node> inputs, Attrs attrs, Span span, Shapes.Result result) {
        List<Integer> ids = new ArrayList<>(inputs.size());
        for (Node in : inputs) {
            if (in.id() >= nodes.size() || nodes.get(in.id()) != in) {
                throw new IllegalArgumentException("input " + in.ref() + " does not belong to this builder");
            }
            ids.add(in.id());
        }
        Key key = new Key(op, ids, attrs);
        Node existing = interned.get(key);
        if (existing != null) {
            return existing;
        }
        Node n = new Node(nodes.size(), op, result.shape(), result.batched(), inputs, attrs, span);
        nodes.add(n);
        interned.put(key, n);
        return n;
    }
}
