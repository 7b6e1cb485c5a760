package netc.compiler.internal.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable computational graph: nodes in id order (a topological order), and named outputs.
 *
 * <p>Output names are roles, not user text: {@link #OUTPUT} for the network's prediction, {@link #LOSS} for the
 * scalar loss, and {@link #gradName(String)} for the gradient of each parameter.
 */
public final class Graph {
    public static final String OUTPUT = "output";
    public static final String LOSS = "loss";
    private static final String GRAD_PREFIX = "grad:";

    private final String name;
    private final String sourceFile;
    private final List<Node> nodes;
    private final Map<String, Node> outputs;

    Graph(String name, String sourceFile, List<Node> nodes, Map<String, Node> outputs) {
        this.name = name;
        this.sourceFile = sourceFile;
        this.nodes = List.copyOf(nodes);
        this.outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    }

    /** The output name of the gradient with respect to parameter {@code param}. */
    public static String gradName(String param) {
        return GRAD_PREFIX + param;
    }

    /** The parameter name of a gradient output name, or null if it is not one. */
    public static String paramOfGrad(String outputName) {
        return outputName.startsWith(GRAD_PREFIX) ? outputName.substring(GRAD_PREFIX.length()) : null;
    }

    /** What the training program computes: the output, the loss, then every gradient output, in output order. */
    public List<String> trainingRoles() {
        List<String> roles = new java.util.ArrayList<>(List.of(OUTPUT, LOSS));
        for (String role : outputs.keySet()) {
            if (paramOfGrad(role) != null) {
                roles.add(role);
            }
        }
        return roles;
    }

    public String name() {
        return name;
    }

    public String sourceFile() {
        return sourceFile;
    }

    /** All nodes, in id order; every node's inputs come before it. */
    public List<Node> nodes() {
        return nodes;
    }

    /**
     * Whether the graph has an op that computes differently in training and in inference (dropout, batch norm), so
     * its generated class needs a mode.
     */
    public boolean hasModes() {
        for (Node n : nodes()) {
            if (n.op() == Op.DROPOUT || n.op() == Op.BATCHNORM) {
                return true;
            }
        }
        return false;
    }

    public Map<String, Node> outputs() {
        return outputs;
    }

    public Node output(String role) {
        Node n = outputs.get(role);
        if (n == null) {
            throw new IllegalArgumentException("graph " + name + " has no output " + role);
        }
        return n;
    }

    /** Leaves of one op (INPUT, PARAM, ...) in id order, which for parameters is declaration order. */
    public List<Node> leaves(Op op) {
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (n.op() == op) {
                out.add(n);
            }
        }
        return out;
    }

    /** How many nodes (and outputs) use each node, indexed by id. */
    public int[] useCounts() {
        int[] uses = new int[nodes.isEmpty() ? 0 : nodes.get(nodes.size() - 1).id() + 1];
        for (Node n : nodes) {
            for (Node in : n.inputs()) {
                uses[in.id()]++;
            }
        }
        for (Node o : outputs.values()) {
            uses[o.id()]++;
        }
        return uses;
    }
}
