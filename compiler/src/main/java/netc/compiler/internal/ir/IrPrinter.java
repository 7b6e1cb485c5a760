package netc.compiler.internal.ir;

import java.util.Map;

/**
 * The single text form of a graph, used by dumps and golden tests: one node per line with its op, inputs, shape
 * ({@code xB} when batched) and source position, then the outputs.
 *
 * <pre>
 *   graph mlp
 *     %0 = input x                [784]xB     mlp.net:3:8
 *     %3 = mat_vec %1 %0          [512]xB     mlp.net:9:14
 *   output = %12
 * </pre>
 */
public final class IrPrinter {
    private IrPrinter() {
    }

    public static String print(Graph g) {
        StringBuilder sb = new StringBuilder("graph ").append(g.name()).append('\n');
        for (Node n : g.nodes()) {
            StringBuilder line = new StringBuilder("  ").append(n.ref()).append(" = ").append(n.op().printName());
            if (n.op() == Op.CONST) {
                line.append(' ').append(formatNumber(n.attrs().value()));
            } else if (n.op() == Op.DROPOUT) {
                line.append(" p=").append(formatNumber(n.attrs().value())).append(" site=").append(n.attrs().name());
            } else if (!n.attrs().name().isEmpty()) {
                line.append(' ').append(n.attrs().name());
            } else if (n.op() == Op.SLICE) {
                line.append(" row=").append(formatNumber(n.attrs().value()));
            } else if (n.op() == Op.COLUMNS) {
                line.append(" from=").append(formatNumber(n.attrs().value()));
            } else if (n.op() == Op.LEAKY_RELU || n.op() == Op.LEAKY_RELU_GRAD) {
                line.append(" slope=").append(formatNumber(n.attrs().value()));
            }
            if (n.attrs().window() != null) {
                line.append(' ').append(n.attrs().window());
            }
            if (n.attrs().shape() != null) {
                line.append(" to=").append(n.attrs().shape());
            }
            for (Node in : n.inputs()) {
                line.append(' ').append(in.ref());
            }
            pad(line, 34);
            line.append(n.shape()).append(n.batched() ? "xB" : "");
            if (!n.span().isNone()) {
                pad(line, 48);
                line.append(n.span());
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        for (Map.Entry<String, Node> e : g.outputs().entrySet()) {
            sb.append(e.getKey()).append(" = ").append(e.getValue().ref()).append('\n');
        }
        return sb.toString();
    }

    /** Numbers as a person writes them: {@code 1}, {@code 0.5}, {@code 1.0E-8}. */
    public static String formatNumber(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static void pad(StringBuilder sb, int column) {
        do {
            sb.append(' ');
        } while (sb.length() < column);
    }
}
