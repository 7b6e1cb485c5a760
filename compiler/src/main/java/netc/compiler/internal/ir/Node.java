package netc.compiler.internal.ir;

import java.util.List;
import netc.compiler.internal.source.Span;

/**
 * One immutable node of the computational graph. Nodes are made only by {@link GraphBuilder}, which interns them by
 * (op, input ids, attrs), so structurally equal subexpressions are one node and ids follow construction order.
 *
 * @param id      position in construction order; inputs always have smaller ids
 * @param batched whether the value has a batch axis (depends on the input), or is shared by all samples
 */
public record Node(int id, Op op, Shape shape, boolean batched, List<Node> inputs, Attrs attrs, Span span) {

    public Node {
        inputs = List.copyOf(inputs);
    }

    public Node input(int i) {
        return inputs.get(i);
    }

    /** {@code %id}, how the IR printer and internal messages refer to a node. */
    public String ref() {
        return "%" + id;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Node n && n.id == id && n.op == op;
    }

    @Override
    public int hashCode() {
        return id;
    }

    @Override
    public String toString() {
        return ref() + " " + op.printName() + " " + shape + (batched ? "xB" : "");
    }
}
