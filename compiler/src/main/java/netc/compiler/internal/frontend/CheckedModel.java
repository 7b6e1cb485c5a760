package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.TargetKind;

/**
 * A {@code .net} file that passed every front-end check, and its graph.
 *
 * @param name        the name after {@code network}
 * @param source      the file
 * @param inputName   the input's name
 * @param inputShape  its per-sample shape
 * @param targetName  the target's name
 * @param targetKind  class labels or real values
 * @param targetSize  number of classes, or length of the real-valued target
 * @param params      the parameters in declaration order (the order of the parameter vector)
 * @param bindings    every binding in source order, with its per-sample shape
 * @param outputName  the binding the network outputs: the loss's first argument
 * @param loss        the loss function as written ({@code cross_entropy}, {@code squared_error},
 *                    {@code binary_cross_entropy})
 * @param graph       the forward graph, with outputs {@link Graph#OUTPUT} (the prediction) and {@link Graph#LOSS}
 * @param warnings    legal but suspicious things (a parameter or binding never used), in source order
 */
public record CheckedModel(String name, SourceFile source, String inputName, Shape inputShape, String targetName,
                           TargetKind targetKind, int targetSize, List<Param> params, List<BindingInfo> bindings,
                           String outputName, String loss, Graph graph, List<Diagnostic> warnings) {

    public CheckedModel {
        params = List.copyOf(params);
        bindings = List.copyOf(bindings);
        warnings = List.copyOf(warnings);
    }

    /**
     * A parameter as declared.
     *
     * @param span the span of its name in the declaration
     */
    public record Param(String name, Shape shape, Init init, Span span) {
        /** Number of elements. */
        public int size() {
            return shape.size();
        }
    }

    /**
     * A binding and its shape.
     *
     * @param perSample true if the value depends on the input (has a batch axis); false if shared by all samples
     * @param span      the span of its name where it is defined
     * @param nodeId    the id of its value's node in {@link #graph()}, or -1 if the value was dropped as unused
     */
    public record BindingInfo(String name, Shape shape, boolean perSample, Span span, int nodeId) {
    }

    /** The user's binding names by node id of {@link #graph()}, for printing; leaves keep their own names. */
    public java.util.Map<Integer, String> bindingNames() {
        java.util.Map<Integer, String> names = new java.util.HashMap<>();
        java.util.Set<Integer> live = new java.util.HashSet<>();
        for (netc.compiler.internal.ir.Node n : graph.nodes()) {
            if (n.op().kind() != netc.compiler.internal.ir.Op.Kind.LEAF) {
                live.add(n.id());
            }
        }
        for (BindingInfo b : bindings) {
            if (live.contains(b.nodeId())) {
                names.putIfAbsent(b.nodeId(), b.name());
            }
        }
        return names;
    }

    /** The per-sample shape of the output. */
    public Shape outputShape() {
        return graph.output(Graph.OUTPUT).shape();
    }

    /** The IR op the loss lowered to ({@code softmax_cross_entropy} when fused). */
    public String lossOp() {
        return graph.output(Graph.LOSS).op().printName();
    }

    /** Elements of parameters of rank 2 or more. */
    public long weightCount() {
        long n = 0;
        for (Param p : params) {
            n += p.shape().rank() >= 2 ? p.size() : 0;
        }
        return n;
    }

    /** Elements of rank-1 parameters. */
    public long biasCount() {
        long n = 0;
        for (Param p : params) {
            n += p.shape().rank() == 1 && !isState(p) ? p.size() : 0;
        }
        return n;
    }

    /** Elements of non-trainable state (batch norms' running statistics), named with a dot. */
    public long stateCount() {
        long n = 0;
        for (Param p : params) {
            n += isState(p) ? p.size() : 0;
        }
        return n;
    }

    private static boolean isState(Param p) {
        return netc.runtime.ParamSpec.isStateName(p.name());
    }

    /** Elements of all parameters: the length of the parameter vector. */
    public long paramCount() {
        return weightCount() + biasCount() + stateCount();
    }

    /** {@code 535,040 weights + 778 biases}, singular where a count is 1. */
    public String weightsAndBiases() {
        return count(weightCount()) + (weightCount() == 1 ? " weight + " : " weights + ") + count(biasCount())
                + (biasCount() == 1 ? " bias" : " biases")
                + (stateCount() == 0 ? "" : " + " + count(stateCount()) + " running statistics");
    }

    /** The runtime's description of this model; parameters are packed in declaration order without gaps. */
    public ModelSpec modelSpec() {
        List<ParamSpec> specs = new ArrayList<>(params.size());
        int offset = 0;
        for (Param p : params) {
            specs.add(new ParamSpec(p.name(), p.shape().dims(), offset, p.init()));
            offset += p.size();
        }
        return new ModelSpec(name, source.baseName(), inputName, inputShape.dims(), outputName,
                outputShape().dims(), targetKind, targetSize, loss, specs);
    }

    /**
     * What {@code netc check} prints. For the lecture's MNIST network:
     *
     * <pre>
     * network mnist_mlp (mnist_mlp.net)
     *   input   x  [784]
     *   target  y  class[10]
     *   output  p  [10]
     *   loss    cross_entropy(p, y), computed as softmax_cross_entropy
     *
     * bindings
     *   p  [10]
     *
     * parameters
     *   W1  [512, 784]  401,408  he
     *   ...
     *
     * parameters: 535,040 weights + 778 biases = 535,818
     * </pre>
     */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        sb.append("network ").append(name).append(" (").append(source.baseName()).append(")\n");
        String target = (targetKind == TargetKind.CLASSES ? "class" : "real") + "[" + targetSize + "]";
        List<String[]> head = List.of(
                new String[] {"input", inputName, inputShape.toString()},
                new String[] {"target", targetName, target},
                new String[] {"output", outputName, outputShape().toString()});
        appendTable(sb, head, -1);
        sb.append("  loss    ").append(loss).append('(').append(outputName).append(", ").append(targetName)
                .append(')');
        if (!lossOp().equals(loss)) {
            sb.append(", computed as ").append(lossOp());
        }
        sb.append("\n\nbindings\n");
        List<String[]> rows = new ArrayList<>();
        for (int i = 0; i < bindings.size(); i++) {
            BindingInfo b = bindings.get(i);
            // the steps of an unrolled state, h[0] ... h[27], in one row h[0..27] when they are alike
            int last = i;
            while (last + 1 < bindings.size() && nextStep(bindings.get(last), bindings.get(last + 1))) {
                last++;
            }
            String name = last == i ? b.name() : b.name().substring(0, b.name().length() - 1) + ".."
                    + stepOf(bindings.get(last).name()) + "]";
            rows.add(new String[] {name, b.shape().toString(), b.perSample() ? "" : "(same for every sample)"});
            i = last;
        }
        appendTable(sb, rows, -1);
        sb.append("\nparameters\n");
        rows.clear();
        for (Param p : params) {
            rows.add(new String[] {p.name(), p.shape().toString(), count(p.size()), p.init().toString()});
        }
        appendTable(sb, rows, 2);
        sb.append("\nparameters: ").append(weightsAndBiases()).append(" = ").append(count(paramCount())).append('\n');
        return sb.toString();
    }

    /** Whether {@code b} is the step after {@code a} of the same state, alike in shape. */
    private static boolean nextStep(BindingInfo a, BindingInfo b) {
        long sa = stepOf(a.name());
        long sb = stepOf(b.name());
        return sa >= 0 && sb == sa + 1 && a.name().substring(0, a.name().indexOf('['))
                .equals(b.name().substring(0, b.name().indexOf('['))) && a.shape().equals(b.shape())
                && a.perSample() == b.perSample();
    }

    /** The step of {@code h[3]}, or -1 for a plain name. */
    private static long stepOf(String name) {
        int open = name.indexOf('[');
        return open < 0 ? -1 : Long.parseLong(name.substring(open + 1, name.length() - 1));
    }

    /** Rows in aligned columns, two spaces apart, indented by two; column {@code rightAligned} is right-aligned. */
    private static void appendTable(StringBuilder sb, List<String[]> rows, int rightAligned) {
        int columns = rows.isEmpty() ? 0 : rows.get(0).length;
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int c = 0; c < columns; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < columns; c++) {
                String cell = r[c];
                String pad = " ".repeat(width[c] - cell.length());
                line.append(c == rightAligned ? pad + cell : cell + pad);
                if (c < columns - 1) {
                    line.append("  ");
                }
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
