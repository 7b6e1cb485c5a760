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
 * @param transposedParams ids of the parameters this program reads stored transposed, W^T [in][out] where W [out][in]
 *                         was declared, each with its offset in the region of transposed weights (an inference program
 *                         on prepared parameters; see {@code InferenceParams}); empty for the programs that read
 *                         parameters as declared
 */
public record Program(Graph graph, List<String> outputs, List<Kernel> kernels, Map<Integer, Buffer> buffers,
                      boolean[] inlined, Map<Integer, Integer> transposedParams) {

    public Program(Graph graph, List<String> outputs, List<Kernel> kernels, Map<Integer, Buffer> buffers,
                   boolean[] inlined) {
        this(graph, outputs, kernels, buffers, inlined, Map.of());
    }

    /** The same kernels and buffers, reading the parameters {@code offsets} names stored transposed, at its offsets. */
    public Program withTransposedParams(Map<Integer, Integer> offsets) {
        return new Program(graph, outputs, kernels, buffers, inlined, Map.copyOf(offsets));
    }

    /** Whether this program reads parameter {@code n} stored transposed. */
    public boolean readsTransposed(Node n) {
        return transposedParams.containsKey(n.id());
    }

    /** Where parameter {@code n}, read transposed, starts in the region of transposed weights. */
    public int transposedOffset(Node n) {
        Integer offset = transposedParams.get(n.id());
        if (offset == null) {
            throw new IllegalStateException("not read transposed: " + n);
        }
        return offset;
    }

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
