package netc.compiler.internal.autodiff;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.IrPrinter;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;

/**
 * Prints every parameter's gradient as formulas in the {@code .net} vocabulary, for {@code netc grad}.
 *
 * <p>A subexpression used once is written inline; one used several times gets a name ({@code t17}, or the user's
 * binding name when the caller knows it) and its own line, so the shared backward chain reads like a derivation:
 *
 * <pre>
 *   t14 = (softmax(W3 h2 + b3) - onehot(y)) / B
 *   dW3 = sum_batch(t14 h2^T)
 *   db3 = sum_batch(t14)
 * </pre>
 */
public final class GradientFormulas {
    private final Map<Integer, String> names = new HashMap<>();
    private final int[] uses;

    private GradientFormulas(Graph g, Map<Integer, String> bindingNames) {
        this.uses = g.useCounts();
        names.putAll(bindingNames);
    }

    /**
     * The formulas of a differentiated graph.
     *
     * @param bindingNames optional names for nodes (node id to the user's binding name), may be empty
     */
    public static String print(Graph differentiated, Map<Integer, String> bindingNames) {
        return new GradientFormulas(differentiated, bindingNames).render(differentiated);
    }

    private String render(Graph g) {
        List<Node> grads = new ArrayList<>();
        List<String> paramNames = new ArrayList<>();
        for (Map.Entry<String, Node> e : g.outputs().entrySet()) {
            String p = Graph.paramOfGrad(e.getKey());
            if (p != null) {
                grads.add(e.getValue());
                paramNames.add(p);
            }
        }
        // Nodes that feed a gradient and are used more than once get their own line, in id (topological) order.
        boolean[] reach = reachable(g, grads);
        boolean[] isGrad = new boolean[uses.length];
        for (Node n : grads) {
            isGrad[n.id()] = true;
        }
        boolean[] tooDeep = tooDeep(g, reach, isGrad);
        StringBuilder sb = new StringBuilder();
        for (Node n : g.nodes()) {
            if (reach[n.id()] && (needsName(n) || tooDeep[n.id()]) && !isGrad[n.id()]) {
                String name = names.computeIfAbsent(n.id(), id -> "t" + id);
                sb.append(name).append(" = ").append(expr(n, 0, true)).append('\n');
            }
        }
        for (int i = 0; i < grads.size(); i++) {
            Node n = grads.get(i);
            sb.append('d').append(paramNames.get(i)).append(" = ").append(expr(n, 0, true)).append('\n');
            names.putIfAbsent(n.id(), "d" + paramNames.get(i));
        }
        for (Node p : g.leaves(Op.PARAM)) {
            // a batch norm's running statistics (named with a dot) are state, not trained: no gradient to show
            if (!g.outputs().containsKey(Graph.gradName(p.attrs().name())) && !netc.runtime.ParamSpec.isStateName(p.attrs().name())) {
                sb.append('d').append(p.attrs().name()).append(" = 0  (the loss does not depend on it)\n");
            }
        }
        return sb.toString();
    }

    private boolean needsName(Node n) {
        return n.op().kind() != Op.Kind.LEAF && uses[n.id()] > 1;
    }

    /** The nodes the gradients depend on: a loop over ids from the last down (inputs have smaller ids), no recursion. */
    private boolean[] reachable(Graph g, List<Node> grads) {
        boolean[] reach = new boolean[uses.length];
        for (Node n : grads) {
            reach[n.id()] = true;
        }
        List<Node> nodes = g.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (reach[n.id()]) {
                for (Node in : n.inputs()) {
                    reach[in.id()] = true;
                }
            }
        }
        return reach;
    }

    /** The deepest a formula nests before a subexpression gets its own line. */
    static final int MAX_INLINE_DEPTH = 24;

    /**
     * Subexpressions that get their own line because writing them inline would nest deeper than
     * {@link #MAX_INLINE_DEPTH}: the backward chain of a long chain of bindings is used once per step, and inline it
     * would be one formula thousands of parentheses deep (and a recursion as deep to print it).
     */
    private boolean[] tooDeep(Graph g, boolean[] reach, boolean[] isGrad) {
        boolean[] deep = new boolean[uses.length];
        int[] depth = new int[uses.length];
        for (Node n : g.nodes()) {
            if (!reach[n.id()] || n.op().kind() == Op.Kind.LEAF) {
                continue;
            }
            int d = 0;
            for (Node in : n.inputs()) {
                d = Math.max(d, depth[in.id()]);
            }
            d++;
            boolean ownLine = names.containsKey(n.id()) || (needsName(n) && !isGrad[n.id()]);
            if (!ownLine && !isGrad[n.id()] && d > MAX_INLINE_DEPTH) {
                deep[n.id()] = true;
                ownLine = true;
            }
            depth[n.id()] = ownLine ? 0 : d;
        }
        return deep;
    }

    /** Binding strength: 1 for + and -, 2 for * and /, 3 for juxtaposition and unary minus, 4 for atoms. */
    private String expr(Node n, int context, boolean top) {
        if (!top) {
            String name = names.get(n.id());
            if (name != null) {
                return name;
            }
            if (n.op() == Op.CONST) {
                return IrPrinter.formatNumber(n.attrs().value());
            }
            if (n.op().kind() == Op.Kind.LEAF && !n.attrs().name().isEmpty()) {
                return n.attrs().name();
            }
        }
        String s;
        int prec;
        switch (n.op()) {
            case ADD: s = expr(n.input(0), 1, false) + " + " + expr(n.input(1), 2, false); prec = 1; break;
            case SUB: s = expr(n.input(0), 1, false) + " - " + expr(n.input(1), 2, false); prec = 1; break;
            case MUL: s = expr(n.input(0), 2, false) + " * " + expr(n.input(1), 3, false); prec = 2; break;
            case DIV: s = expr(n.input(0), 2, false) + " / " + expr(n.input(1), 3, false); prec = 2; break;
            case NEG: s = "-" + expr(n.input(0), 3, false); prec = 3; break;
            case MAT_VEC: s = expr(n.input(0), 4, false) + " " + expr(n.input(1), 3, false); prec = 3; break;
            case MAT_T_VEC: s = expr(n.input(0), 4, false) + "^T " + expr(n.input(1), 3, false); prec = 3; break;
            case OUTER_SUM:
                s = "sum_batch(" + expr(n.input(0), 3, false) + " " + expr(n.input(1), 4, false) + "^T)";
                prec = 4;
                break;
            case SOFTMAX_CROSS_ENTROPY_GRAD:
                s = "(softmax(" + expr(n.input(0), 0, false) + ") - onehot(" + expr(n.input(1), 0, false) + ")) / B";
                prec = 2;
                break;
            case SIGMOID_BINARY_CROSS_ENTROPY_GRAD:
                s = "(sigmoid(" + expr(n.input(0), 0, false) + ") - " + expr(n.input(1), 2, false) + ") / B";
                prec = 2;
                break;
            case SQUARED_ERROR_GRAD:
                s = "(" + expr(n.input(0), 1, false) + " - " + expr(n.input(1), 2, false) + ") / B";
                prec = 2;
                break;
            case CROSS_ENTROPY_GRAD:
                s = "-onehot(" + expr(n.input(1), 0, false) + ") / (" + expr(n.input(0), 2, false) + " * B)";
                prec = 2;
                break;
            case BINARY_CROSS_ENTROPY_GRAD: {
                String p = expr(n.input(0), 2, false);
                s = "(" + p + " - " + expr(n.input(1), 2, false) + ") / (" + p + " * (1 - " + p + ") * B)";
                prec = 2;
                break;
            }
            case SLICE:
                s = expr(n.input(0), 4, false) + "[" + IrPrinter.formatNumber(n.attrs().value()) + "]";
                prec = 4;
                break;
            case COLUMNS: { // which part of a concat: columns(g, 0..3)
                int from = (int) n.attrs().value();
                s = "columns(" + expr(n.input(0), 0, false) + ", " + from + ".." + (from + n.shape().dim(0) - 1)
                        + ")";
                prec = 4;
                break;
            }
            case DROPOUT: // the same p (and mask) as the forward dropout it undoes
            case LEAKY_RELU:
            case LEAKY_RELU_GRAD:
                s = n.op().printName() + "(" + expr(n.input(0), 0, false) + ", "
                        + IrPrinter.formatNumber(n.attrs().value()) + ")";
                prec = 4;
                break;
            default: {
                StringBuilder call = new StringBuilder(n.op().printName()).append('(');
                for (int i = 0; i < n.inputs().size(); i++) {
                    call.append(i > 0 ? ", " : "").append(expr(n.input(i), 0, false));
                }
                s = call.append(')').toString();
                prec = 4;
            }
        }
        return prec < context ? "(" + s + ")" : s;
    }
}
