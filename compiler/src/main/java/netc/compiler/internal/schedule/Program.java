package netc.compiler.internal.schedule;

import java.util.List;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;

/**
 * A scheduled program: the kernels to run in order, and where every value a kernel reads or writes lives.
 *
 * @param outputs the roles this program computes ({@code Graph.OUTPUT}, {@code Graph.LOSS}, gradient roles)
 * @param inlined nodes that have no buffer: they are recomputed inside the kernel of their only consumer
 */
public record Program(Graph graph, List<String> outputs, List<Kernel> kernels, Map<Integer, Buffer> buffers,
                      boolean[] inlined) {

    public Buffer buffer(Node n) {
        Buffer b = buffers.get(n.id());
        if (b == null) {
            throw new IllegalStateException("no buffer for " + n);
        }
        return b;
    }

    public boolean isInlined(Node n) {
        return n.id() < inlined.length && inlined[n.id()];
    }
}
