package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.frontend.Resolution.Declared;
import netc.compiler.internal.frontend.ast.Apply;
import netc.compiler.internal.frontend.ast.Binary;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.frontend.ast.Index;
import netc.compiler.internal.frontend.ast.Indexed;
import netc.compiler.internal.frontend.ast.Name;
import netc.compiler.internal.frontend.ast.Number;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.frontend.ast.Unary;
import netc.compiler.internal.ir.Attrs;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.GraphBuilder;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.ir.ShapeMismatch;
import netc.compiler.internal.ir.Window;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import netc.runtime.TargetKind;

/**
 * Lowers a resolved program to the graph IR, and is therefore also the shape checker: {@link GraphBuilder#add}
 * infers every node's shape and throws {@link ShapeMismatch}, which is reported here at the operator, with the
 * operands named by their source text and notes where named operands are declared.
 *
 * <p>Lowering rules: the input, the target and the parameters (in declaration order) become leaves first; then each
 * binding in order; juxtaposition and a call on a matrix become {@code MAT_VEC}; {@code + - * /} their elementwise
 * ops with numbers as scalar {@code CONST}s; {@code -x} is {@code NEG} (a negated literal is a constant);
 * {@code identity(x)} is x itself. A step binding is unrolled: {@code h[t] = ... for t in 1..27} lowers its right-hand
 * side once per step with t = 1, ..., 27, each step an ordinary node ({@code h[t-1]} is the node of the step before),
 * and {@code xs[t]} is {@code SLICE} row t of the input; loops that use each other's steps (an LSTM's gates, cell
 * and state) are unrolled together, step by step ({@link StepGroups}). The loss is fused where it is safe: {@code cross_entropy(p, y)} with p a softmax
 * becomes {@code SOFTMAX_CROSS_ENTROPY} on the softmax's input (log-sum-exp form), {@code binary_cross_entropy}
 * of a sigmoid becomes {@code SIGMOID_BINARY_CROSS_ENTROPY}; the graph's {@link Graph#OUTPUT} stays p itself.
 *
 * <p>A failed subexpression lowers to null and everything that depends on it is skipped silently, so one mistake
 * gives one message.
 */
final class Lowering {
    /** What lowering produced; the graph is null if an error was reported. */
    record Result(Graph graph, List<CheckedModel.BindingInfo> bindings, Node output, Node loss,
                  List<CheckedModel.Param> state) {
        Result(Graph graph, List<CheckedModel.BindingInfo> bindings, Node output, Node loss) {
            this(graph, bindings, output, loss, List.of());
        }
    }

    private final SourceFile source;
    private final Resolution r;
    private final Diagnostics diagnostics;
    private final GraphBuilder builder;
    private final Map<String, Node> values = new HashMap<>();
    private Node targetNode;
    /** Dropout nodes made so far: the next one's site, which keys its mask. */
    private int dropoutSites;
    /** The running statistics of the batch norms made so far, two per batch norm: non-trainable parameters. */
    private final List<CheckedModel.Param> state = new ArrayList<>();

    /** The steps of a state defined so far, by step number, and where each was defined. */
    private record State(TreeMap<Long, Node> steps, Map<Long, Span> spans) {
    }

    private final Map<String, State> states = new HashMap<>();
    /** States with a step that failed to lower: their missing steps are not reported again. */
    private final Set<String> failedStates = new HashSet<>();
    /** Index expressions already reported, so that an error in a loop is reported once, not once per step. */
    private final Set<Span> reported = new HashSet<>();
    /** The step binding being lowered, and the value of its loop variable (or its step, without a loop). */
    private StepBinding current;
    private long currentStep;
    /** The loops being unrolled together (one loop alone is a group of one), and the index of {@link #current}. */
    private List<StepBinding> currentGroup = List.of();
    private int currentMember;

    private Lowering(SourceFile source, Resolution r, Diagnostics diagnostics) {
        this.source = source;
        this.r = r;
        this.diagnostics = diagnostics;
        this.builder = new GraphBuilder(r.networkName(), source.baseName());
    }

    static Result lower(SourceFile source, Resolution resolution, Diagnostics diagnostics) {
        return new Lowering(source, resolution, diagnostics).run();
    }

    private Result run() {
        failedStates.addAll(r.brokenStates());
        if (r.input() != null && r.inputShape() != null) {
            String name = r.input().name().text();
            values.put(name, builder.input(name, r.inputShape(), r.input().name().span()));
        }
        if (r.target() != null && r.targetShape() != null && r.targetKind() != null) {
            String name = r.target().name().text();
            Span span = r.target().name().span();
            targetNode = r.targetKind() == TargetKind.CLASSES ? builder.labels(name, r.targetShape().dim(0), span)
                    : builder.target(name, r.targetShape(), span);
        }
        for (CheckedModel.Param p : r.params()) {
            values.put(p.name(), builder.param(p.name(), p.shape(), p.span()));
        }
        List<CheckedModel.BindingInfo> infos = new ArrayList<>();
        for (List<Statement> group : StepGroups.of(r.definitions())) {
            if (tooLarge) {
                break;
            }
            if (group.get(0) instanceof StepBinding) {
                List<StepBinding> loops = new ArrayList<>();
                for (Statement s : group) {
                    loops.add((StepBinding) s);
                }
                lowerSteps(loops, infos);
                continue;
            }
            Binding b = (Binding) group.get(0);
            Node n = lower(b.value());
            checkSize(b.name().span());
            if (n != null) {
                values.put(b.name().text(), n);
                infos.add(new CheckedModel.BindingInfo(b.name().text(), n.shape(), n.batched(), b.name().span(),
                        n.id()));
            }
        }
        Node output = r.prediction() == null ? null : values.get(r.prediction().id());
        Node loss = output == null || targetNode == null ? null : lowerLoss(output);
        if (output == null || loss == null || diagnostics.hasErrors()) {
            return new Result(null, infos, output, loss);
        }
        Map<String, Node> outputs = new LinkedHashMap<>();
        outputs.put(Graph.OUTPUT, output);
        outputs.put(Graph.LOSS, loss);
        return new Result(builder.build(outputs), infos, output, loss, List.copyOf(state));
    }

    /**
     * The most nodes (values and operations, loops unrolled) a network's graph may have. Passes over the graph are
     * loops, not recursions, but the generated class grows with the graph (a field and a kernel call per stored value,
     * and the JVM caps a class's constant pool at 65,535 entries), and so do compile time and memory: a chain of
     * 20,000 bindings takes about 24 s of CPU and 1.8 GB to compile. Checked while lowering, so that
     * {@code for t in 1..100000000} stops at the limit instead of building the graph.
     */
    static final int MAX_NODES = 20_000;

    private boolean tooLarge;

    /** Reports the statement at {@code where} once the graph passes {@link #MAX_NODES}; true if it did. */
    private boolean checkSize(Span where) {
        if (!tooLarge && builder.size() > MAX_NODES) {
            tooLarge = true;
            diagnostics.error(where, String.format(java.util.Locale.ROOT, "network too large: its graph passes %,d"
                    + " values and operations here (loops unrolled), the most netc compiles", MAX_NODES));
        }
        return tooLarge;
    }

    // ---- Recurrence --------------------------------------------------------------------------------------------

    /**
     * Unrolls {@code h[t] = ... for t in a..b} (or lowers {@code h[k] = ...}), or a group of loops over one range
     * ({@link StepGroups}) step by step, each step's loops in source order; stops at the first step that fails, and
     * then marks every state of the group failed, since none of them has all its steps.
     */
    private void lowerSteps(List<StepBinding> group, List<CheckedModel.BindingInfo> infos) {
        StepBinding first = group.get(0);
        long from = first.loop() == null ? first.step().number() : first.loop().from().value();
        long to = first.loop() == null ? from : first.loop().to().value();
        // the summary lists each state's steps together (h[0..27]), so infos are collected per state
        List<List<CheckedModel.BindingInfo>> perState = new ArrayList<>();
        for (int k = 0; k < group.size(); k++) {
            perState.add(new ArrayList<>());
        }
        currentGroup = group;
        try {
            for (long t = from; t <= to; t++) {
                for (int k = 0; k < group.size(); k++) {
                    currentMember = k;
                    if (!lowerStep(group.get(k), t, perState.get(k))) {
                        for (StepBinding b : group) {
                            failedStates.add(b.name().text());
                        }
                        return;
                    }
                }
                if (t == Long.MAX_VALUE) {
                    break;
                }
            }
        } finally {
            current = null;
            currentGroup = List.of();
            for (List<CheckedModel.BindingInfo> steps : perState) {
                infos.addAll(steps);
            }
        }
    }

    /** Lowers step {@code t} of {@code b}; false after reporting if it fails. */
    private boolean lowerStep(StepBinding b, long t, List<CheckedModel.BindingInfo> infos) {
        String name = b.name().text();
        State state = states.computeIfAbsent(name, k -> new State(new TreeMap<>(), new HashMap<>()));
        current = b;
        currentStep = t;
        Span first = state.spans().get(t);
        if (first != null) {
            diagnostics.error(b.step().span(), stepText(b.name().text(), b.step(), t) + " is defined twice",
                    new Diagnostic.Note(first, "'" + name + "[" + t + "]' first defined"));
            return false;
        }
        Node n = lower(b.value());
        if (n == null || checkSize(b.name().span())) {
            return false;
        }
        if (!state.steps().isEmpty()) {
            Map.Entry<Long, Node> e = state.steps().firstEntry();
            if (!e.getValue().shape().equals(n.shape())) {
                diagnostics.error(b.name().span(), "the steps of '" + name + "' must have one shape, but "
                        + name + "[" + t + "] is " + n.shape() + " and " + name + "[" + e.getKey() + "] is "
                        + e.getValue().shape(), new Diagnostic.Note(state.spans().get(e.getKey()), "'" + name
                        + "[" + e.getKey() + "]' defined"));
                return false;
            }
        }
        state.steps().put(t, n);
        state.spans().put(t, b.step().span());
        infos.add(new CheckedModel.BindingInfo(name + "[" + t + "]", n.shape(), n.batched(), b.name().span(),
                n.id()));
        return true;
    }

    /** {@code xs[t]} (a row of the input) or {@code h[t-1]} (an earlier step of a state), at the current step. */
    private Node lowerIndexed(Indexed e) {
        String name = e.name().id();
        Declared d = r.declared().get(name);
        Index index = e.index();
        if (d == null || r.duplicated().contains(name) || !index.isNumber() && (current == null
                || current.loop() == null || !index.var().text().equals(current.loop().var().text()))) {
            return null; // reported by the resolver
        }
        long i = index.at(currentStep);
        String where = index.isNumber() ? "" : " when " + index.var().text() + " = " + currentStep;
        if (d.kind() == Resolution.Kind.INPUT) {
            Node input = values.get(name);
            if (input == null || input.shape().rank() != 2) {
                return null;
            }
            int rows = input.shape().dim(0);
            if (i < 0 || i >= rows) {
                report(e, "index out of range: '" + name + "' has rows " + name + "[0] to " + name + "[" + (rows - 1)
                        + "], but " + (index.isNumber() ? "the index is " + i : name + "[" + index.text() + "] is "
                        + name + "[" + i + "]" + where), d.span(), "'" + name + "' declared");
                return null;
            }
            return add(Op.SLICE, List.of(input), Attrs.value(i), e.span(), e.name());
        }
        if (d.kind() != Resolution.Kind.STATE) {
            return null;
        }
        State state = states.get(name);
        Node n = state == null ? null : state.steps().get(i);
        if (n != null) {
            return n;
        }
        String written = name + "[" + index.text() + "]";
        String stepNote = index.isNumber() ? "" : " (" + written + " is " + name + "[" + i + "]" + where + ")";
        boolean own = current != null && current.name().text().equals(name);
        int member = memberOfGroup(name);
        if (member > currentMember && i == currentStep) {
            reportLaterInGroup(e, written, member);
        } else if (!own && member >= 0 && i > currentStep) {
            String v = index.isNumber() ? null : index.var().text();
            String upTo = member < currentMember ? (v == null ? Long.toString(currentStep) : v)
                    : (v == null ? Long.toString(currentStep - 1) : v + "-1");
            report(e, "'" + written + "' is a later step than the one being defined: loops over one range run"
                    + " together step by step, so " + stepName(current) + " can use '" + name + "' only up to "
                    + name + "[" + upTo + "]", null, null);
        } else if (own && i == currentStep) {
            report(e, "'" + written + "' is used in its own definition: a step can use only earlier steps, such as "
                    + name + "[" + (index.isNumber() ? i - 1 : index.var().text() + "-1") + "]", null, null);
        } else if (own && i > currentStep) {
            report(e, "'" + written + "' is a later step than the one being defined: a step can use only earlier"
                    + " steps, such as " + name + "[" + (index.isNumber() ? currentStep - 1 : index.var().text()
                    + "-1") + "]", null, null);
        } else if (failedStates.contains(name)) {
            return null;
        } else if (i < 0) {
            report(e, "index out of range: the steps of '" + name + "' start at " + name + "[0], but " + written
                    + (index.isNumber() ? "" : " is " + name + "[" + i + "]" + where), null, null);
        } else if (state == null || state.steps().isEmpty()) {
            report(e, "'" + written + "' is used before it is defined" + stepNote, d.span(), "'" + name
                    + "' defined");
        } else {
            report(e, "'" + name + "[" + i + "]' is not defined" + (index.isNumber() ? "" : " (" + written + ", "
                    + where.trim() + ")") + ": '" + name + "' has " + stepsText(name, state) + laterLoopHint(name, i),
                    d.span(), "'" + name + "' defined");
        }
        return null;
    }

    /**
     * When a loop further down defines step {@code i} of {@code name}, why it is not there yet: loops are unrolled
     * together only when they follow each other over one range ({@link StepGroups}). Empty otherwise.
     */
    private String laterLoopHint(String name, long i) {
        for (Statement s : r.definitions()) {
            if (s instanceof StepBinding b && b.loop() != null && b.step() != null && b.name().text().equals(name)
                    && b.loop().from().value() <= i && i <= b.loop().to().value()) {
                String mine = current == null || current.loop() == null ? null
                        : current.loop().from().value() + ".." + current.loop().to().value();
                String theirs = b.loop().from().value() + ".." + b.loop().to().value();
                return ", and its loop on line " + b.span().line() + " comes later; loops that use each other's"
                        + " steps are unrolled together only when they follow each other over the same range"
                        + (mine == null || mine.equals(theirs) ? "" : " (this one runs over " + mine + ", the loop of '"
                        + name + "' over " + theirs + ")");
            }
        }
        return "";
    }

    /** The index of the loop defining {@code name} in the group being unrolled, or -1. */
    private int memberOfGroup(String name) {
        for (int k = 0; k < currentGroup.size(); k++) {
            if (currentGroup.get(k).name().text().equals(name)) {
                return k;
            }
        }
        return -1;
    }

    /**
     * {@code i[t] = ... g[t] ...} where g's loop comes later in the group: g[t] is not computed yet when i[t] is. If
     * g[t] itself needs i[t] (directly or through other states at step t), no order works: that is a cycle within
     * one step, and the message shows it; otherwise moving g's loop up fixes it.
     */
    private void reportLaterInGroup(Indexed e, String written, int member) {
        StepBinding user = current;
        StepBinding later = currentGroup.get(member);
        String userStep = stepName(user);
        String laterStep = stepName(later);
        Span defined = later.name().span().to(later.step().span());
        List<StepBinding> cycle = cycleBack(member, new ArrayList<>());
        if (cycle != null) {
            StringBuilder chain = new StringBuilder(userStep + " uses " + written);
            for (StepBinding b : cycle) {
                chain.append(", which uses ").append(stepName(b));
            }
            report(e, "'" + userStep + "' and '" + laterStep + "' depend on each other within one step (" + chain
                    + "): one of them must use the other's previous step, such as " + later.name().text() + "["
                    + later.step().var().text() + "-1]", defined, "'" + laterStep + "' defined");
        } else {
            report(e, "'" + written + "' is used before it is defined: loops over one range run together step by"
                    + " step in source order, and '" + laterStep + "' comes after '" + userStep + "'; move the loop"
                    + " of '" + later.name().text() + "' above the loop of '" + user.name().text() + "', or use "
                    + later.name().text() + "[" + (e.index().isNumber() ? Long.toString(currentStep - 1)
                    : e.index().var().text() + "-1") + "]", defined, "'" + laterStep + "' defined");
        }
    }

    /**
     * The loops, starting after member {@code from}, through which member {@code from}'s step uses the current
     * loop's step at the same step (ending with the current loop), or null if it does not.
     */
    private List<StepBinding> cycleBack(int from, List<Integer> path) {
        if (path.contains(from)) {
            return null;
        }
        path.add(from);
        for (String used : StepGroups.statesUsedAtSameStep(currentGroup.get(from).value())) {
            int k = memberOfGroup(used);
            if (k == currentMember) {
                return new ArrayList<>(List.of(current));
            }
            if (k > currentMember) {
                List<StepBinding> rest = cycleBack(k, path);
                if (rest != null) {
                    rest.add(0, currentGroup.get(k));
                    return rest;
                }
            }
        }
        return null;
    }

    /** {@code h[t]}: the step a loop defines, as written on its left. */
    private static String stepName(StepBinding b) {
        return b.name().text() + "[" + b.step().text() + "]";
    }

    /** "steps h[0] to h[3] so far", "step h[0] so far", or the ranges when there are gaps. */
    private static String stepsText(String name, State state) {
        List<String> runs = new ArrayList<>();
        Long start = null;
        Long prev = null;
        for (long k : state.steps().keySet()) {
            if (start != null && k != prev + 1) {
                runs.add(run(name, start, prev));
                start = null;
            }
            if (start == null) {
                start = k;
            }
            prev = k;
        }
        runs.add(run(name, start, prev));
        boolean one = runs.size() == 1 && state.steps().size() == 1;
        return (one ? "step " : "steps ") + String.join(", ", runs) + " so far";
    }

    private static String run(String name, long from, long to) {
        return from == to ? name + "[" + from + "]" : name + "[" + from + "] to " + name + "[" + to + "]";
    }

    private static String stepText(String name, Index step, long t) {
        return step.isNumber() ? "'" + name + "[" + t + "]'" : "'" + name + "[" + t + "]' (" + name + "["
                + step.text() + "] when " + step.var().text() + " = " + t + ")";
    }

    /** Reports an index error once per place in the source, however many steps run into it. */
    private void report(Indexed e, String message, Span noteSpan, String note) {
        if (reported.add(e.span())) {
            if (noteSpan == null) {
                diagnostics.error(e.span(), message);
            } else {
                diagnostics.error(e.span(), message, new Diagnostic.Note(noteSpan, note));
            }
        }
    }

    private Node lower(Expr e) {
        if (e instanceof Indexed x) {
            return lowerIndexed(x);
        }
        if (e instanceof Name n) {
            Node v = r.duplicated().contains(n.id()) ? null : values.get(n.id());
            // a sequence input is used row by row (xs[t]); the resolver reported a bare use
            return v != null && v.op() == Op.INPUT && v.shape().rank() == 2 ? null : v;
        }
        if (e instanceof Number n) {
            return Double.isFinite(n.value()) ? builder.constant(n.value()) : null;
        }
        if (e instanceof Unary u) {
            if (u.operand() instanceof Number n) {
                return Double.isFinite(n.value()) ? builder.constant(-n.value()) : null;
            }
            Node x = lower(u.operand());
            return x == null ? null : add(Op.NEG, List.of(x), Attrs.NONE, u.span(), u.operand());
        }
        if (e instanceof Binary b) {
            return lowerBinary(b);
        }
        if (e instanceof Apply a) {
            return matVec(a.fn(), a.arg(), a.span());
        }
        return lowerCall((Call) e);
    }

    private Node lowerBinary(Binary b) {
        Node lhs = lower(b.lhs());
        Node rhs = lower(b.rhs());
        if (lhs == null || rhs == null) {
            return null;
        }
        Op op;
        switch (b.op()) {
            case ADD:
                op = Op.ADD;
                break;
            case SUB:
                op = Op.SUB;
                break;
            case MUL:
                op = Op.MUL;
                break;
            default:
                op = Op.DIV;
                break;
        }
        try {
            return builder.add(op, List.of(lhs, rhs), Attrs.NONE, b.opSpan());
        } catch (ShapeMismatch m) {
            if (lhs.shape().equals(rhs.shape())) {
                // Same shapes, so the problem is an image meeting a value shared by all samples.
                Node shared = lhs.batched() ? rhs : lhs;
                diagnostics.error(b.opSpan(), "'" + b.op().symbol() + "' of an image and a value that is the same"
                        + " for every sample works per channel only: " + OperandText.of(source, lhs.batched()
                        ? b.rhs() : b.lhs()) + " is " + shared.shape() + "; declare it as [" + shared.shape().dim(0)
                        + "] for one value per channel", notes(b.lhs(), b.rhs()));
                return null;
            }
            // Say '+' rather than the IR's "elementwise add": the user wrote an operator.
            diagnostics.error(b.opSpan(), "shape mismatch in '" + b.op().symbol() + "': "
                    + OperandText.of(source, b.lhs()) + " is " + lhs.shape() + " but "
                    + OperandText.of(source, b.rhs()) + " is " + rhs.shape(), notes(b.lhs(), b.rhs()));
            return null;
        }
    }

    private Node lowerCall(Call c) {
        Function f = Function.lookup(c.fn().id());
        if (f == null) {
            // W(x): a matrix applied by call syntax; the resolver has checked there is exactly one argument.
            return c.args().size() == 1 ? matVec(c.fn(), c.args().get(0).value(), c.span()) : null;
        }
        if (f.isLoss() || c.args().isEmpty()) {
            return null;
        }
        if (f.isLayer()) {
            return lowerLayer(f, c);
        }
        Expr arg = c.args().get(0).value();
        Node x = lower(arg);
        if (x == null) {
            return null;
        }
        if (f == Function.IDENTITY) {
            return x;
        }
        Attrs attrs = Attrs.NONE;
        if (f == Function.LEAKY_RELU) {
            Double slope = Function.slopeOf(c);
            if (slope == null) {
                return null;
            }
            attrs = Attrs.value(slope);
        }
        if (f == Function.BATCHNORM) {
            return batchNorm(x, c, arg);
        }
        if (f == Function.DROPOUT) {
            Double p = Function.dropProbabilityOf(c);
            if (p == null || !(p >= 0 && p < 1)) {
                return null; // reported by the resolver
            }
            // Each dropout node (each call, and each step of an unrolled recurrence) draws its own mask: its site.
            attrs = new Attrs(String.valueOf(dropoutSites++), p, null, null);
        }
        return add(f.op(), List.of(x), attrs, c.span(), arg);
    }

    /**
     * {@code batchnorm(x)}: normalised per feature of a vector or per channel of an image with the batch statistics
     * in training and with its running statistics in inference. Those are two new non-trainable parameters
     * {@code batchnorm<k>.running_mean} (zeros) and {@code .running_var} (ones), k counting the batch norms of the
     * file (each step of an unrolled recurrence is its own); the dot keeps them apart from every name a file has.
     */
    private Node batchNorm(Node x, Call c, Expr arg) {
        if (!x.shape().isImage() && x.shape().rank() != 1) {
            diagnostics.error(c.span(), "batchnorm needs a vector or an image [channels, height, width]: "
                    + OperandText.of(source, arg) + " is " + x.shape(), notes(arg));
            return null;
        }
        if (!x.batched()) {
            diagnostics.error(c.span(), "batchnorm needs a value computed from the input (it normalises over the"
                    + " batch): " + OperandText.of(source, arg) + " is the same for every sample", notes(arg));
            return null;
        }
        netc.compiler.internal.ir.Shape features = netc.compiler.internal.ir.Shape.of(x.shape().rowWidth());
        String site = "batchnorm" + (state.size() / 2);
        CheckedModel.Param mean = new CheckedModel.Param(site + ".running_mean", features, netc.runtime.Init.ZEROS,
                c.span());
        CheckedModel.Param var = new CheckedModel.Param(site + ".running_var", features, netc.runtime.Init.ONES,
                c.span());
        state.add(mean);
        state.add(var);
        Node meanNode = builder.param(mean.name(), features, c.span());
        Node varNode = builder.param(var.name(), features, c.span());
        return add(Op.BATCHNORM, List.of(x, meanNode, varNode), Attrs.NONE, c.span(), arg);
    }

    /**
     * {@code conv2d(x, K, b)} is {@code mat_vec (kernel_channels_last K) (im2col x) + b}: the kernel applied to
     * every patch, the bias per channel. Pooling and flatten are one op each. Shapes are checked here where the IR op would name an
     * intermediate (the patches) the user never wrote.
     */
    private Node lowerLayer(Function f, Call c) {
        LayerArguments.Bound args = LayerArguments.bind(f, c, new Diagnostics(source));
        if (args == null) {
            return null; // reported by the resolver
        }
        if (f == Function.CONCAT) {
            return lowerConcat(c, args);
        }
        Expr xExpr = args.value("x");
        Node x = lower(xExpr);
        if (x == null) {
            return null;
        }
        String fn = f.spelling();
        if (!x.shape().isImage()) {
            diagnostics.error(c.span(), fn + " needs an image [channels, height, width]: "
                    + OperandText.of(source, xExpr) + " is " + x.shape(), notes(xExpr));
            return null;
        }
        if (f == Function.FLATTEN || f == Function.GLOBAL_AVGPOOL) {
            return add(f.op(), List.of(x), Attrs.NONE, c.span(), xExpr);
        }
        if (f != Function.CONV2D) {
            int size = args.number("size", 1);
            Window w = new Window(size, args.number("stride", size), 0);
            return add(f.op(), List.of(x), Attrs.window(w), c.span(), xExpr);
        }
        Expr kExpr = args.value("kernel");
        Expr bExpr = args.value("bias");
        Node k = lower(kExpr);
        Node b = bExpr == null ? null : lower(bExpr);
        if (k == null || bExpr != null && b == null) {
            return null;
        }
        String kText = OperandText.of(source, kExpr);
        var ks = k.shape();
        if (ks.rank() != 4 || ks.dim(2) != ks.dim(3) || k.batched()) {
            diagnostics.error(kExpr.span(), "the kernel of conv2d is a parameter [out channels, in channels, size,"
                    + " size]" + (ks.rank() == 4 && k.batched() ? ", the same for every sample" : "") + ": " + kText
                    + " is " + ks, notes(kExpr));
            return null;
        }
        if (ks.dim(1) != x.shape().dim(0)) {
            diagnostics.error(c.span(), "shape mismatch in conv2d: " + OperandText.of(source, xExpr) + " is "
                    + x.shape() + ", " + x.shape().dim(0) + " channel" + (x.shape().dim(0) == 1 ? "" : "s")
                    + ", but the kernel " + kText + " " + ks + " takes " + ks.dim(1) + " input channel"
                    + (ks.dim(1) == 1 ? "" : "s"), notes(xExpr, kExpr));
            return null;
        }
        if (b != null && (b.shape().rank() != 1 || b.shape().dim(0) != ks.dim(0) || b.batched())) {
            diagnostics.error(bExpr.span(), "the bias of conv2d has one value per output channel: the kernel " + kText
                    + " is " + ks + ", so the bias must be [" + ks.dim(0) + "], but "
                    + OperandText.of(source, bExpr) + " is " + b.shape()
                    + (b.batched() ? " and depends on the input" : ""), notes(kExpr, bExpr));
            return null;
        }
        Window w = new Window(ks.dim(2), args.number("stride", 1), args.number("pad", 0));
        Node patches = add(Op.IM2COL, List.of(x), Attrs.window(w), c.span(), xExpr);
        if (patches == null) {
            return null;
        }
        // A patch lists each pixel's channels together; a kernel row must too (with one channel it already does).
        Node rows = ks.dim(1) == 1 ? k : builder.add(Op.KERNEL_CHANNELS_LAST, List.of(k), Attrs.NONE, c.span());
        Node out = builder.add(Op.MAT_VEC, List.of(rows, patches), Attrs.NONE, c.span());
        return b == null ? out : builder.add(Op.ADD, List.of(out, b), Attrs.NONE, c.span());
    }

    /**
     * {@code concat(a, b)}: two vectors, or two images of one height and width along their channels; both must
     * depend on the input (a value shared by every sample has no rows to join per sample).
     */
    private Node lowerConcat(Call c, LayerArguments.Bound args) {
        Expr aExpr = args.value("a");
        Expr bExpr = args.value("b");
        Node a = lower(aExpr);
        Node b = lower(bExpr);
        if (a == null || b == null) {
            return null;
        }
        return add(Op.CONCAT, List.of(a, b), Attrs.NONE, c.span(), aExpr, bExpr);
    }

    private Node matVec(Name fn, Expr arg, Span span) {
        // X v with X the input: lowering reports that the matrix depends on the input, whatever its rank
        Node w = r.duplicated().contains(fn.id()) ? null : values.get(fn.id());
        Node x = lower(arg);
        if (w == null || x == null) {
            return null;
        }
        return add(Op.MAT_VEC, List.of(w, x), Attrs.NONE, span, fn, arg);
    }

    /** {@code builder.add}, reporting a shape mismatch at {@code span} with {@code operands} named. */
    private Node add(Op op, List<Node> inputs, Attrs attrs, Span span, Expr... operands) {
        try {
            return builder.add(op, inputs, attrs, span);
        } catch (ShapeMismatch m) {
            String[] names = new String[operands.length];
            for (int i = 0; i < operands.length; i++) {
                names[i] = OperandText.of(source, operands[i]);
            }
            // Notes only for the operands the message talks about ("needs a matrix on the left: {0} is ...").
            String probe = m.message("\u0000", "\u0001");
            List<Expr> mentioned = new ArrayList<>();
            for (int i = 0; i < operands.length; i++) {
                if (probe.indexOf((char) i) >= 0) {
                    mentioned.add(operands[i]);
                }
            }
            diagnostics.error(span, m.message(names), notes(mentioned.toArray(new Expr[0])));
            return null;
        }
    }

    private Node lowerLoss(Node p) {
        Call call = r.loss();
        if (!p.batched()) {
            if (r.input() == null || r.inputShape() == null) {
                return null; // the missing or invalid input is reported already
            }
            diagnostics.error(r.prediction().span(), "the prediction '" + r.prediction().id() + "' does not depend"
                    + " on the input '" + r.input().name().text() + "'", notes(r.prediction()));
            return null;
        }
        Op op;
        Node first = p;
        switch (r.lossFunction()) {
            case CROSS_ENTROPY:
                op = p.op() == Op.SOFTMAX ? Op.SOFTMAX_CROSS_ENTROPY : Op.CROSS_ENTROPY;
                break;
            case BINARY_CROSS_ENTROPY:
                op = p.op() == Op.SIGMOID ? Op.SIGMOID_BINARY_CROSS_ENTROPY : Op.BINARY_CROSS_ENTROPY;
                break;
            default:
                op = Op.SQUARED_ERROR;
                break;
        }
        if (op == Op.SOFTMAX_CROSS_ENTROPY || op == Op.SIGMOID_BINARY_CROSS_ENTROPY) {
            first = p.input(0);
        }
        try {
            return builder.add(op, List.of(first, targetNode), Attrs.NONE, call.span());
        } catch (ShapeMismatch m) {
            // The fused forms check the logits, which have the prediction's shape: name the prediction.
            diagnostics.error(call.span(), m.message(r.prediction().id(), r.targetArg().id()),
                    notes(r.prediction(), r.targetArg()));
            return null;
        }
    }

    /** "'W2' declared at ..." for every operand that is a plain name. */
    private Diagnostic.Note[] notes(Expr... operands) {
        List<Diagnostic.Note> out = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (Expr e : operands) {
            if (e instanceof Name n && !seen.contains(n.id())) {
                Declared d = r.declared().get(n.id());
                if (d != null) {
                    seen.add(n.id());
                    String how = d.kind() == Resolution.Kind.BINDING ? "' defined" : "' declared";
                    out.add(new Diagnostic.Note(d.span(), "'" + n.id() + how));
                }
            }
        }
        return out.toArray(new Diagnostic.Note[0]);
    }
}
