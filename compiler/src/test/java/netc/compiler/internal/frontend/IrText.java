package netc.compiler.internal.frontend;

import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;

/** A compact listing of a graph for whole-text asserts: one node per line, then the outputs. */
final class IrText {
    private IrText() {
    }

    static String of(Graph g) {
        StringBuilder sb = new StringBuilder();
        for (Node n : g.nodes()) {
            sb.append(n.ref()).append(" = ").append(n.op().printName());
            if (!n.inputs().isEmpty()) {
                sb.append('(');
                for (int i = 0; i < n.inputs().size(); i++) {
                    sb.append(i == 0 ? "" : ", ").append(n.input(i).ref());
                }
                sb.append(')');
            }
            if (!n.attrs().name().isEmpty()) {
                sb.append(" '").append(n.attrs().name()).append('\'');
            }
            if (n.attrs().value() != 0) {
                sb.append(' ').append(n.attrs().value());
            }
            sb.append(" : ").append(n.shape()).append(n.batched() ? " per sample" : "").append('\n');
        }
        for (Map.Entry<String, Node> o : g.outputs().entrySet()) {
            sb.append(o.getKey()).append(" = ").append(o.getValue().ref()).append('\n');
        }
        return sb.toString();
    }
}
