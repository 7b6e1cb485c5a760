package netc.cli;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.interp.NonFiniteSearch;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.Span;
import netc.compiler.internal.source.UserError;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.train.TrainingDivergedException;

/**
 * Says why training produced a NaN or an infinity, instead of always blaming the learning rate.
 *
 * <p>When a batch's loss or gradient is not finite, that batch is run again through the float-rounding interpreter
 * ({@link NonFiniteSearch}) with the weights it saw, and the message names the first operation that produced a
 * non-finite value, at its {@code file:line:col} with the source line: {@code log} of a negative number, a division by
 * zero, an overflow. The learning rate is blamed only when earlier batches were finite and the weights grew since
 * the start: that is what too large a step looks like. Non-finite starting weights are caught before training.
 */
final class Divergence {
    /** Weights that end up this many times larger than at the start (and above 1) "grew": steps were too large. */
    private static final double GROWTH = 10;

    private Divergence() {
    }

    /** The largest magnitude among the parameters, to compare the weights at a divergence with those at the start. */
    static double maxAbs(float[] params) {
        double m = 0;
        for (float v : params) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Rejects initial weights from the {@code .net} file's initialisers that are not finite ({@code normal(1e38)}
     * draws values beyond the float range), at the parameter's declaration.
     */
    static void requireFiniteStart(CheckedModel model, ModelSpec spec, float[] params) {
        for (CheckedModel.Param p : model.params()) {
            ParamSpec ps = spec.param(p.name());
            for (int i = 0; i < ps.size(); i++) {
                float v = params[ps.offset() + i];
                if (!Float.isFinite(v)) {
                    Diagnostics d = new Diagnostics(model.source());
                    d.error(p.span(), "the initialiser " + p.init() + " of parameter '" + p.name() + "' produced " + v
                            + " at element " + i + ", beyond the float range; use a smaller standard deviation");
                    throw new UserError(d);
                }
            }
        }
    }

    /**
     * The user error for a diverged run: the operation that produced the first non-finite value of the failing batch
     * if the interpreter finds one, else the trainer's own account; advice about the learning rate only if the
     * weights grew.
     *
     * @param params   the weights the failing batch saw (the trainer did not apply its step)
     * @param startMax {@link #maxAbs} of the weights before the first step
     */
    static UserError explain(TrainingDivergedException e, Compilation c, float[] params, double startMax) {
        CheckedModel model = c.model();
        ModelSpec spec = model.modelSpec();
        double nowMax = maxAbs(params);
        boolean grew = !Double.isNaN(e.lastFiniteLoss()) && nowMax > Math.max(1, GROWTH * startMax);
        String advice = grew ? "; the largest weight grew from " + NonFiniteSearch.text(startMax) + " to "
                + NonFiniteSearch.text(nowMax) + " since the start: try a lower learning rate" : "";
        String when = "at epoch " + e.epoch() + ", batch " + e.batch();
        NonFiniteSearch.Finding f;
        try {
            f = search(e, c, spec, params);
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError ignored) {
            f = null; // the diagnosis is a courtesy: never let it hide the divergence itself
        }
        String where = spec.sourceFile() == null || spec.sourceFile().isEmpty() ? spec.name() : spec.sourceFile();
        if (f == null) {
            return new UserError(where, "training diverged: " + e.what() + advice);
        }
        Node n = f.node();
        Diagnostics d = new Diagnostics(model.source());
        if (n.op() == Op.PARAM) {
            // The starting weights were checked, so an update made this one non-finite: the step was too large.
            d.error(n.span(), "parameter '" + n.attrs().name() + "' became " + f.valueText() + " in the step before"
                    + " epoch " + e.epoch() + ", batch " + e.batch() + "; the largest weight was "
                    + NonFiniteSearch.text(startMax) + " at the start: try a lower learning rate");
            return new UserError(d);
        }
        String cause = f.cause().isEmpty() ? "" : " (" + f.cause() + ")";
        Node shown = n;
        String what;
        if (n.span().isNone()) {
            // A node of the backward pass: name the parameter whose gradient it feeds, at its use in the model.
            Node param = gradientOf(n, c.differentiated());
            shown = param == null ? spannedInput(n) : useOf(param, model.graph());
            what = (param == null ? "the gradient through " + opName(shown, model)
                    : "the gradient of parameter '" + param.attrs().name() + "'") + binding(shown, model);
        } else {
            what = opName(n, model) + binding(n, model);
        }
        String message = what + " produced " + f.valueText() + " " + when + cause + advice;
        if (shown == null) {
            return new UserError(where, "training diverged: " + message);
        }
        d.error(shown.span(), message);
        return new UserError(d);
    }

    /** Re-runs the failing batch: the forward graph first, then (if that was finite) the one with gradients. */
    private static NonFiniteSearch.Finding search(TrainingDivergedException e, Compilation c, ModelSpec spec,
                                                  float[] params) {
        CheckedModel model = c.model();
        Map<String, double[]> leaves = new HashMap<>();
        for (ParamSpec p : spec.params()) {
            leaves.put(p.name(), doubles(params, p.offset(), p.size()));
        }
        leaves.put(model.inputName(), doubles(e.batchInputs(), 0, e.batchInputs().length));
        leaves.put(model.targetName(), doubles(e.batchTargets(), 0, e.batchTargets().length));
        NonFiniteSearch.Finding f = NonFiniteSearch.find(model.graph(), leaves, e.batchCount());
        return f != null ? f : NonFiniteSearch.find(c.differentiated(), leaves, e.batchCount());
    }

    private static double[] doubles(float[] values, int from, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = values[from + i];
        }
        return out;
    }

    /** The parameter whose gradient output {@code n} feeds (the first in declaration order), or null. */
    private static Node gradientOf(Node n, Graph diff) {
        boolean[] reaches = new boolean[diff.nodes().get(diff.nodes().size() - 1).id() + 1];
        for (Node m : diff.nodes()) {
            reaches[m.id()] = m.id() == n.id() || m.inputs().stream().anyMatch(i -> reaches[i.id()]);
        }
        for (Node p : diff.leaves(Op.PARAM)) {
            Node g = diff.outputs().get(Graph.gradName(p.attrs().name()));
            if (g != null && reaches[g.id()]) {
                return p;
            }
        }
        return null;
    }

    /** The first operation of the model that uses {@code param} and has a source position (else the parameter). */
    private static Node useOf(Node param, Graph forward) {
        for (Node m : forward.nodes()) {
            if (!m.span().isNone() && m.inputs().stream().anyMatch(i -> i.op() == Op.PARAM
                    && i.attrs().name().equals(param.attrs().name()))) {
                return m;
            }
        }
        return param;
    }

    /** The nearest node feeding {@code n} that has a source position (gradient nodes have none), or null. */
    private static Node spannedInput(Node n) {
        ArrayDeque<Node> queue = new ArrayDeque<>(n.inputs());
        Set<Integer> seen = new HashSet<>();
        while (!queue.isEmpty()) {
            Node m = queue.removeFirst();
            if (!seen.add(m.id())) {
                continue;
            }
            if (!m.span().isNone() && m.op().kind() != Op.Kind.LEAF) {
                return m;
            }
            queue.addAll(m.inputs());
        }
        return null;
    }

    /** How the message names an operation: as the user wrote it where that is one word or symbol. */
    static String opName(Node n, CheckedModel model) {
        if (n == null) {
            return "an operation";
        }
        switch (n.op()) {
            case ADD: return "'+'";
            case SUB: return "'-'";
            case MUL: return "'*'";
            case DIV: return "'/'";
            case NEG: return "negation";
            case MAT_VEC: case MAT_T_VEC: case OUTER_SUM: return "a matrix product";
            default:
                if (n.op().kind() == Op.Kind.LOSS || n.op().kind() == Op.Kind.LOSS_GRAD) {
                    return model.loss();
                }
                return n.op().printName();
        }
    }

    /** {@code in 'h'}: the binding whose definition holds {@code n}; {@code in the loss} for the loss. */
    static String binding(Node n, CheckedModel model) {
        if (n == null) {
            return "";
        }
        if (n.op().kind() == Op.Kind.LOSS || n.op().kind() == Op.Kind.LOSS_GRAD) {
            return " in the loss";
        }
        CheckedModel.BindingInfo best = null;
        for (CheckedModel.BindingInfo b : model.bindings()) {
            if (b.nodeId() == n.id()) {
                return " in '" + b.name() + "'";
            }
            if (before(b.span(), n.span()) && (best == null || before(best.span(), b.span()))) {
                best = b;
            }
        }
        return best == null ? "" : " in '" + best.name() + "'";
    }

    private static boolean before(Span a, Span b) {
        return a.line() < b.line() || a.line() == b.line() && a.column() <= b.column();
    }
}
