package netc.compiler.internal.autodiff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.GraphBuilder;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.InternalCompilerError;

/**
 * Reverse-mode symbolic differentiation: returns a graph with the same outputs plus one output per parameter,
 * {@code Graph.gradName(param)}, holding dL/dparam as ordinary nodes.
 *
 * <pre>
 *   before: %3 = mat_vec %1 %0   %5 = add %3 %2   %6 = relu %5 ... loss
 *   after:  ... + %20 = mul %19 (step %6)   grad:W1 = outer_sum %20 %0   grad:b1 = sum_batch %20
 * </pre>
 *
 * <p>Requires: a graph with a {@code LOSS} output. Guarantees: every parameter the loss depends on has a gradient
 * output of the parameter's shape, shared (not batched); parameters the loss ignores have none (zero gradient).
 * Nodes are interned, so a subexpression used by several gradients is one node.
 */
public final class Differentiate {
    private Differentiate() {
    }

    /**
     * Node names of {@code in} carried over to {@code run(in)}: the differentiated graph starts with a copy of
     * {@code in}'s nodes in order, so the i-th node of {@code in.nodes()} gets id i.
     */
    public static Map<Integer, String> carryNames(Graph in, Map<Integer, String> names) {
        Map<Integer, String> carried = new java.util.HashMap<>();
        List<Node> nodes = in.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            String name = names.get(nodes.get(i).id());
            if (name != null) {
                carried.put(i, name);
            }
        }
        return carried;
    }

    public static Graph run(Graph in) {
        GraphBuilder b = GraphBuilder.like(in);
        for (Node n : in.nodes()) {
            b.map(n, b.copy(n, n.op().kind() == Op.Kind.LEAF ? List.of() : b.mapped(n.inputs())));
        }
        Algebra al = new Algebra(b);
        Node[] adjoint = new Node[in.nodes().get(in.nodes().size() - 1).id() + 1];
        Node loss = in.output(Graph.LOSS);
        adjoint[loss.id()] = b.constant(1);
        List<Node> nodes = in.nodes();
        boolean[] trainable = dependsOnParameters(nodes, adjoint.length);
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node old = nodes.get(i);
            Node g = adjoint[old.id()];
            if (g == null) {
                continue;
            }
            Node[] contributions = GradRules.adjoints(al, b.mapped(old), g);
            for (int k = 0; k < contributions.length; k++) {
                Node c = contributions[k];
                if (c == null) {
                    continue;
                }
                Node target = old.input(k);
                if (!trainable[target.id()]) {
                    continue;
                }
                c = reduceToShape(al, c, target);
                adjoint[target.id()] = adjoint[target.id()] == null ? c : al.add(adjoint[target.id()], c);
            }
        }
        Map<String, Node> outputs = new LinkedHashMap<>();
        for (Map.Entry<String, Node> e : in.outputs().entrySet()) {
            outputs.put(e.getKey(), b.mapped(e.getValue()));
        }
        for (Node p : in.leaves(Op.PARAM)) {
            if (adjoint[p.id()] != null) {
                outputs.put(Graph.gradName(p.attrs().name()), adjoint[p.id()]);
            }
        }
        return b.build(outputs);
    }

    /**
     * Which nodes depend on a parameter ({@code nodes} in topological order): only those need a gradient. Constants,
     * targets, the input and whatever is computed from them alone do not, and their adjoints need not even have
     * their shape: {@code softsign(22) + h} adds a scalar to a vector, and the vector's adjoint cannot be reduced to
     * the scalar's shape (found by FrontendFuzzTest: an internal error instead of a compiled network).
     */
    private static boolean[] dependsOnParameters(List<Node> nodes, int size) {
        boolean[] trainable = new boolean[size];
        for (Node n : nodes) {
            boolean t = n.op() == Op.PARAM;
            if (n.op().kind() != Op.Kind.LEAF) {
                for (Node input : n.inputs()) {
                    t |= trainable[input.id()];
                }
            }
            trainable[n.id()] = t;
        }
        return trainable;
    }

    /**
     * A contribution to a shared value that varies per sample is summed over the batch (the broadcast's adjoint);
     * one to a per-channel value [C] from an image [C, H, W] is summed over the pixels, and over the batch when the
     * image is per sample (a shared [C] times a shared [C, H, W] gives a shared image: its sum is over pixels only).
     */
    private static Node reduceToShape(Algebra al, Node c, Node target) {
        if (c.shape().isImage() && !target.batched() && target.shape().rank() == 1) {
            c = al.op(Op.SUM_CHANNELS, c);
        } else if (c.batched() && !target.batched()) {
            c = al.op(Op.SUM_BATCH, c);
        }
        if (!c.shape().equals(target.shape())) {
            throw new InternalCompilerError("Differentiate", "adjoint of " + target.ref() + " has shape " + c.shape()
                    + " but the node is " + target.shape());
        }
        return c;
    }
}
