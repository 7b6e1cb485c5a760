package netc.compiler.internal.emit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.InternalCompilerError;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.TargetKind;

/** Derives the runtime's {@link ModelSpec} from a graph: parameters packed in declaration order, input and target. */
public final class ModelSpecs {
    private ModelSpecs() {
    }

    /**
     * @param outputName the user's name of the output binding
     * @param loss       the loss function as written
     * @param inits      each parameter's initialiser by name; missing ones are zeros
     */
    public static ModelSpec of(Graph g, String outputName, String loss, Map<String, Init> inits) {
        List<ParamSpec> params = new ArrayList<>();
        int offset = 0;
        for (Node p : g.leaves(Op.PARAM)) {
            String name = p.attrs().name();
            params.add(new ParamSpec(name, p.shape().dims(), offset, inits.getOrDefault(name, Init.ZEROS)));
            offset += p.shape().size();
        }
        List<Node> inputs = g.leaves(Op.INPUT);
        if (inputs.size() != 1) {
            throw new InternalCompilerError("ModelSpecs", "expected one input, found " + inputs.size());
        }
        Node input = inputs.get(0);
        Node output = g.output(Graph.OUTPUT);
        List<Node> labels = g.leaves(Op.LABELS);
        List<Node> targets = g.leaves(Op.TARGET);
        TargetKind kind;
        String targetName;
        int targetSize;
        if (!labels.isEmpty()) {
            kind = TargetKind.CLASSES;
            targetName = labels.get(0).attrs().name();
            targetSize = labels.get(0).shape().dim(0);
        } else if (!targets.isEmpty()) {
            kind = TargetKind.VALUES;
            targetName = targets.get(0).attrs().name();
            targetSize = targets.get(0).shape().size();
        } else {
            throw new InternalCompilerError("ModelSpecs", "graph " + g.name() + " has no target");
        }
        if (targetName.isEmpty()) {
            throw new InternalCompilerError("ModelSpecs", "unnamed target");
        }
        return new ModelSpec(g.name(), g.sourceFile(), input.attrs().name(), input.shape().dims(), outputName,
                output.shape().dims(), kind, targetSize, loss, params);
    }
}
