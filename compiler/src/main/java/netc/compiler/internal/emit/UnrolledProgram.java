package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.IrPrinter;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.InternalCompilerError;
import netc.runtime.ModelSpec;

/**
 * The body of one entry point of an unrolled class ({@link UnrolledEmitter}): straight-line code for one sample,
 * every element a local variable ({@code t8_0} is element 0 of node %8, {@code x1} input element 1, {@code y0}
 * target element 0) and every parameter read at a literal index ({@code params[12]}), inside a loop over the batch.
 *
 * <p>Three phases: values shared by all samples that depend only on parameters (before the loop); the per-sample
 * values, with the per-sample loss added to {@code lossSum} and the sums over the batch (weight gradients)
 * accumulated in locals (the loop); values computed from those sums, and the gradient stores (after the loop).
 *
 * <p>A value used once by an elementwise op of the same shape is written into that op's expression instead of a
 * local of its own, so {@code tanh(W1 x + b1)} is one line per element. That changes nothing numerically: every
 * operation is a {@code float} operation either way.
 *
 * <p>Arithmetic follows the tiled kernels operation for operation: dot products add their terms in index order,
 * batch sums add samples in order starting from {@code 0f}, softmax, losses and loss gradients are the formulas of
 * {@code netc.runtime.RowOps} (in double where they are), activations are {@code netc.runtime.Activations}. So the
 * unrolled class gives bitwise what the SCALAR-style tiled class gives, except that a dot product whose terms are
 * all {@code -0} is {@code -0} here and {@code +0} there (the tiles start from {@code 0f}).
 */
final class UnrolledProgram {
    /** What the entry point computes. */
    enum Mode { FORWARD, LOSS, TRAIN }

    private enum Phase { PRE, LOOP, POST }

    private static final ClassName ACTIVATIONS = ClassEmitter.ACTIVATIONS;
    private static final ClassName MATH = ClassName.get(Math.class);
    private static final ClassName STRICT_MATH = ClassName.get(StrictMath.class);

    /** Precedence of an expression: a sum, a product, or an atom (a name, a call, a parenthesised expression). */
    private static final int SUM = 1;
    private static final int PRODUCT = 2;
    private static final int ATOM = 3;

    private record Expr(CodeBlock code, int level) {
    }

    private final Graph graph;
    private final ModelSpec spec;
    private final Mode mode;
    private final Set<Node> needed = new LinkedHashSet<>();
    private final Map<Integer, Integer> uses = new HashMap<>();
    private final Set<Integer> inlined = new java.util.HashSet<>();
    private final Map<Integer, Phase> phases = new HashMap<>();
    private final CodeBlock.Builder pre = CodeBlock.builder();
    private final CodeBlock.Builder loop = CodeBlock.builder();
    private final CodeBlock.Builder post = CodeBlock.builder();
    private boolean usesInvBatch;
    private boolean usesClassLabel;

    private UnrolledProgram(Graph graph, ModelSpec spec, Mode mode) {
        this.graph = graph;
        this.spec = spec;
        this.mode = mode;
    }

    /** The statements of an entry point after its argument checks, or null if the graph has a form not handled. */
    static CodeBlock build(Graph graph, ModelSpec spec, Mode mode) {
        return new UnrolledProgram(graph, spec, mode).build();
    }

    private List<String> roles() {
        switch (mode) {
            case FORWARD: return List.of(Graph.OUTPUT);
            case LOSS: return List.of(Graph.LOSS);
            default: return graph.trainingRoles();
        }
    }

    private CodeBlock build() {
        List<Node> roots = new ArrayList<>();
        for (String role : roles()) {
            roots.add(graph.output(role));
        }
        collect(roots);
        for (Node n : roots) {
            uses.merge(n.id(), 1, Integer::sum);
        }
        for (Node n : needed) {
            if (!assignPhase(n)) {
                return null;
            }
        }
        for (Node n : needed) {
            if (inlinable(n)) {
                inlined.add(n.id());
            }
        }
        for (Node n : needed) {
            if (!inlined.contains(n.id()) && !define(n)) {
                return null;
            }
        }
        CodeBlock.Builder body = CodeBlock.builder();
        if (usesInvBatch) {
            body.addStatement("float invBatch = 1f / samples");
        }
        if (mode != Mode.FORWARD) {
            body.addStatement("double lossSum = 0");
        }
        body.add(pre.build());
        body.beginControlFlow("for (int r = 0; r < samples; r++)");
        body.add(loads());
        body.add(loop.build());
        if (mode != Mode.LOSS) {
            storeOutput(body);
        }
        body.endControlFlow();
        body.add(post.build());
        if (mode == Mode.TRAIN && !storeGradients(body)) {
            return null;
        }
        return body.build();
    }

    /** The nodes the roots depend on, in id order, with how often each is used. */
    private void collect(List<Node> roots) {
        Set<Integer> seen = new java.util.HashSet<>();
        java.util.ArrayDeque<Node> todo = new java.util.ArrayDeque<>(roots);
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (seen.add(n.id())) {
                for (Node in : n.inputs()) {
                    uses.merge(in.id(), 1, Integer::sum);
                    todo.push(in);
                }
            }
        }
        for (Node n : graph.nodes()) {
            if (seen.contains(n.id())) {
                needed.add(n);
            }
        }
    }

    private static boolean isReduction(Node n) {
        return n.op() == Op.OUTER_SUM || n.op() == Op.SUM_BATCH;
    }

    /** False when a per-sample value would depend on a sum over the batch (not a form of the unrolled code). */
    private boolean assignPhase(Node n) {
        if (n.op().kind() == Op.Kind.LEAF) {
            phases.put(n.id(), n.batched() ? Phase.LOOP : Phase.PRE);
            return true;
        }
        boolean afterSums = false;
        for (Node in : n.inputs()) {
            afterSums |= phases.get(in.id()) == Phase.POST || isReduction(in);
        }
        if (isReduction(n)) {
            phases.put(n.id(), Phase.LOOP);
            return !afterSums;
        }
        if (afterSums) {
            phases.put(n.id(), Phase.POST);
            return !n.batched();
        }
        phases.put(n.id(), n.batched() || n.op().kind() == Op.Kind.LOSS ? Phase.LOOP : Phase.PRE);
        return true;
    }

    /** A value used once, by an elementwise op of its own shape in the same phase, element j by element j. */
    private boolean inlinable(Node n) {
        boolean elementForm = n.op().isElementwise() || n.op() == Op.MAT_VEC || n.op() == Op.MAT_T_VEC;
        if (!elementForm || uses.getOrDefault(n.id(), 0) != 1 || graph.outputs().containsValue(n)) {
            return false;
        }
        for (Node user : needed) {
            if (user.inputs().contains(n)) {
                return user.op().isElementwise() && user.shape().equals(n.shape())
                        && phases.get(user.id()) == phases.get(n.id());
            }
        }
        return false;
    }

    // ---- element spellings --------------------------------------------------------------------------------------

    /** Element j of a node as an operand: a parameter, a constant, a loaded input, a local or an inlined expression. */
    private Expr at(Node n, int j) {
        int e = n.shape().isScalar() ? 0 : j;
        switch (n.op()) {
            case PARAM:
                return atom("params[$L]", spec.param(n.attrs().name()).offset() + e);
            case CONST: {
                float v = (float) n.attrs().value();
                CodeBlock lit = JavaLiterals.floatLiteral(v);
                return new Expr(lit.toString().startsWith("-") ? CodeBlock.of("($L)", lit) : lit, ATOM);
            }
            case INPUT:
                return atom("x$L", e);
            case TARGET:
                return atom("y$L", e);
            case LABELS:
                return atom("y0");
            default:
                return inlined.contains(n.id()) ? expr(n, e) : atom(local(n, e));
        }
    }

    private static Expr atom(String format, Object... args) {
        return new Expr(CodeBlock.of(format, args), ATOM);
    }

    private static String local(Node n, int j) {
        return n.shape().isScalar() ? "t" + n.id() : "t" + n.id() + "_" + j;
    }

    /** An operand at least as tight as {@code level}, parenthesised if not. */
    private static CodeBlock operand(Expr e, int level) {
        return e.level() >= level ? e.code() : CodeBlock.of("($L)", e.code());
    }

    private Expr binary(Node n, int j, String op, int level) {
        CodeBlock a = operand(at(n.input(0), j), level);
        CodeBlock b = operand(at(n.input(1), j), level + 1);
        return new Expr(CodeBlock.of("$L $L $L", a, op, b), level);
    }

    private Expr call(String name, Node n, int j) {
        return new Expr(CodeBlock.of("$T.$L($L)", ACTIVATIONS, name, at(n.input(0), j).code()), ATOM);
    }

    private Expr callWithSlope(String name, Node n, int j) {
        return new Expr(CodeBlock.of("$T.$L($L, $L)", ACTIVATIONS, name, at(n.input(0), j).code(),
                JavaLiterals.floatLiteral((float) n.attrs().value())), ATOM);
    }

    /** Element j of an elementwise op or a matrix-vector product, as one expression. */
    private Expr expr(Node n, int j) {
        switch (n.op()) {
            case ADD: return binary(n, j, "+", SUM);
            case SUB: return binary(n, j, "-", SUM);
            case MUL: return binary(n, j, "*", PRODUCT);
            case DIV: return binary(n, j, "/", PRODUCT);
            case NEG: return new Expr(CodeBlock.of("-$L", operand(at(n.input(0), j), ATOM)), ATOM);
            case FLATTEN: case UNFLATTEN: return at(n.input(0), j);
            case STEP: return call("step", n, j);
            case SOFTSIGN: return call("softsign", n, j);
            case SIGMOID: return call("sigmoid", n, j);
            case RELU: return call("relu", n, j);
            case TANH: return call("tanh", n, j);
            case EXP: return call("exp", n, j);
            case LOG: return call("log", n, j);
            case SOFTSIGN_GRAD: return call("softsignGrad", n, j);
            case LEAKY_RELU: return callWithSlope("leakyRelu", n, j);
            case LEAKY_RELU_GRAD: return callWithSlope("leakyReluGrad", n, j);
            case MAT_VEC: return matVec(n, j);
            case MAT_T_VEC: return matTVec(n, j);
            default: throw new InternalCompilerError("UnrolledProgram", "not an element expression: " + n);
        }
    }

    /** Row j of {@code W x}: {@code W[j][0] x0 + W[j][1] x1 + ...}, added in index order like the tiles. */
    private Expr matVec(Node n, int j) {
        Node w = n.input(0);
        Node x = n.input(1);
        int in = x.shape().size();
        CodeBlock.Builder sum = CodeBlock.builder();
        for (int k = 0; k < in; k++) {
            sum.add(k == 0 ? "$L * $L" : " + $L * $L", operand(at(w, j * in + k), ATOM), operand(at(x, k), ATOM));
        }
        return new Expr(sum.build(), in == 1 ? PRODUCT : SUM);
    }

    /** Element k of {@code W^T g}: {@code W[0][k] g0 + W[1][k] g1 + ...}. */
    private Expr matTVec(Node n, int k) {
        Node w = n.input(0);
        Node g = n.input(1);
        int o = g.shape().size();
        int in = n.shape().size();
        CodeBlock.Builder sum = CodeBlock.builder();
        for (int i = 0; i < o; i++) {
            sum.add(i == 0 ? "$L * $L" : " + $L * $L", operand(at(w, i * in + k), ATOM), operand(at(g, i), ATOM));
        }
        return new Expr(sum.build(), o == 1 ? PRODUCT : SUM);
    }

    // ---- definitions --------------------------------------------------------------------------------------------

    private CodeBlock.Builder target(Node n) {
        switch (phases.get(n.id())) {
            case PRE: return pre;
            case POST: return post;
            default: return loop;
        }
    }

    /** The statements that compute node n (nothing for leaves); false for an op the unrolled form lacks. */
    private boolean define(Node n) {
        if (n.op().kind() == Op.Kind.LEAF) {
            return true;
        }
        CodeBlock.Builder b = target(n);
        b.add("// $L\n", describe(n));
        int size = n.shape().size();
        switch (n.op().kind()) {
            case ELEMENTWISE:
            case MATRIX:
                if (isReduction(n)) {
                    accumulate(n);
                    return true;
                }
                for (int j = 0; j < size; j++) {
                    b.addStatement("float $L = $L", local(n, j), expr(n, j).code());
                }
                return true;
            case REDUCE:
                accumulate(n);
                return true;
            case ROW:
                return row(n, b);
            case LOSS:
                return loss(n, b);
            case LOSS_GRAD:
                return lossGrad(n, b);
            default:
                return false;
        }
    }

    /** A sum over the batch: a local per element, zero before the loop, each sample's term added in the loop. */
    private void accumulate(Node n) {
        int size = n.shape().size();
        for (int e = 0; e < size; e++) {
            pre.addStatement("float $L = 0f", local(n, e));
            if (n.op() == Op.SUM_BATCH) {
                loop.addStatement("$L += $L", local(n, e), at(n.input(0), e).code());
            } else {
                int in = n.input(1).shape().size();
                loop.addStatement("$L += $L * $L", local(n, e), operand(at(n.input(0), e / in), ATOM),
                        operand(at(n.input(1), e % in), ATOM));
            }
        }
    }

    /** Softmax and its gradient, as {@code RowOps.softmax} and {@code RowOps.softmaxGrad} compute them. */
    private boolean row(Node n, CodeBlock.Builder b) {
        int size = n.shape().size();
        String t = "t" + n.id();
        if (n.op() == Op.SOFTMAX) {
            softmax(n.input(0), t, b);
            for (int j = 0; j < size; j++) {
                b.addStatement("float $L = $Le$L * $Linv", local(n, j), t, j, t);
            }
            return true;
        }
        if (n.op() == Op.SOFTMAX_GRAD) {
            // y * (g - sum(g * y)), the dot product in double
            CodeBlock.Builder dot = CodeBlock.builder().add("0.0");
            for (int j = 0; j < size; j++) {
                dot.add(" + $L * $L", operand(at(n.input(1), j), ATOM), operand(at(n.input(0), j), ATOM));
            }
            b.addStatement("double $Ldot = $L", t, dot.build());
            for (int j = 0; j < size; j++) {
                b.addStatement("float $L = (float) ($L * ($L - $Ldot))", local(n, j),
                        operand(at(n.input(0), j), ATOM), operand(at(n.input(1), j), ATOM), t);
            }
            return true;
        }
        return false;
    }

    /** {@code <t>max}, {@code <t>e0..}, {@code <t>inv}: the exponentials of a softmax and 1 / their sum. */
    private void softmax(Node z, String t, CodeBlock.Builder b) {
        int size = z.shape().size();
        maxOf(z, t, b);
        CodeBlock.Builder sum = CodeBlock.builder().add("0.0");
        for (int j = 0; j < size; j++) {
            b.addStatement("float $Le$L = $T.exp($L - $Lmax)", t, j, ACTIVATIONS, operand(at(z, j), PRODUCT), t);
            sum.add(" + $Le$L", t, j);
        }
        b.addStatement("float $Linv = (float) (1.0 / ($L))", t, sum.build());
    }

    private void maxOf(Node z, String t, CodeBlock.Builder b) {
        b.addStatement("float $Lmax = $L", t, at(z, 0).code());
        for (int j = 1; j < z.shape().size(); j++) {
            b.addStatement("$Lmax = $T.max($Lmax, $L)", t, MATH, t, at(z, j).code());
        }
    }

    /** {@code z[label]} for the sample's class label. */
    private CodeBlock pick(Node z) {
        int size = z.shape().size();
        CodeBlock.Builder c = CodeBlock.builder();
        for (int j = 0; j < size - 1; j++) {
            c.add("label == $L ? $L : ", j, at(z, j).code());
        }
        return c.add("$L", at(z, size - 1).code()).build();
    }

    private static boolean classLabels(Node lossOrGrad) {
        return lossOrGrad.input(1).op() == Op.LABELS;
    }

    /** The per-sample loss added to {@code lossSum}, as {@code RowOps} computes the per-sample row value. */
    private boolean loss(Node n, CodeBlock.Builder b) {
        Node z = n.input(0);
        int size = z.shape().size();
        String t = "t" + n.id();
        switch (n.op()) {
            case SOFTMAX_CROSS_ENTROPY: {
                usesClassLabel = true;
                maxOf(z, t, b);
                CodeBlock.Builder sum = CodeBlock.builder().add("0.0");
                for (int j = 0; j < size; j++) {
                    sum.add(" + $T.exp($L - $Lmax)", STRICT_MATH, operand(at(z, j), PRODUCT), t);
                }
                b.addStatement("double $Lsum = $L", t, sum.build());
                b.addStatement("lossSum += $Lmax + $T.log($Lsum) - ($L)", t, STRICT_MATH, t, pick(z));
                return true;
            }
            case CROSS_ENTROPY:
                usesClassLabel = true;
                b.addStatement("lossSum += -$T.log($L)", STRICT_MATH, pick(z));
                return true;
            case SQUARED_ERROR: {
                CodeBlock.Builder s = CodeBlock.builder();
                for (int j = 0; j < size; j++) {
                    b.addStatement("double $Ld$L = (double) $L - $L", t, j, operand(at(z, j), ATOM),
                            at(n.input(1), j).code());
                    s.add(j == 0 ? "$Ld$L * $Ld$L" : " + $Ld$L * $Ld$L", t, j, t, j);
                }
                b.addStatement("lossSum += 0.5 * ($L)", s.build());
                return true;
            }
            case SIGMOID_BINARY_CROSS_ENTROPY: {
                // max(z, 0) - z t + log(1 + exp(-|z|)), in double
                // (no term is -0, so starting the sum from the first term instead of 0.0 changes no bit)
                CodeBlock.Builder s = CodeBlock.builder();
                for (int j = 0; j < size; j++) {
                    b.addStatement("double $Lz$L = $L", t, j, at(z, j).code());
                    s.add(j == 0 ? "" : " + ").add("($T.max($Lz$L, 0) - $Lz$L * $L + $T.log1p($T.exp(-$T.abs($Lz$L))))", MATH, t, j, t, j,
                            targetValue(n, j), STRICT_MATH, STRICT_MATH, MATH, t, j);
                }
                b.addStatement("lossSum += $L", s.build());
                return true;
            }
            case BINARY_CROSS_ENTROPY: {
                // -(t log p + (1 - t) log(1 - p)), in double
                // RowOps subtracts the terms from 0.0 (one term: the same bits as subtracting it from lossSum)
                CodeBlock.Builder s = CodeBlock.builder().add(size == 1 ? "lossSum" : "0.0");
                for (int j = 0; j < size; j++) {
                    b.addStatement("double $Lp$L = $L", t, j, at(z, j).code());
                    b.addStatement("double $Ly$L = $L", t, j, targetValue(n, j));
                    s.add(" - ($Ly$L * $T.log($Lp$L) + (1 - $Ly$L) * $T.log(1 - $Lp$L))", t, j, STRICT_MATH, t, j, t,
                            j, STRICT_MATH, t, j);
                }
                b.addStatement(size == 1 ? "lossSum = $L" : "lossSum += $L", s.build());
                return true;
            }
            default:
                return false;
        }
    }

    /** Target element j of a sigmoid loss: the label itself for a single output with class labels. */
    private CodeBlock targetValue(Node lossOrGrad, int j) {
        return classLabels(lossOrGrad) ? CodeBlock.of("y0") : at(lossOrGrad.input(1), j).code();
    }

    /** The gradient of the mean loss for one sample, the 1 / B of the mean folded in as {@code RowOps} does. */
    private boolean lossGrad(Node n, CodeBlock.Builder b) {
        Node z = n.input(0);
        int size = n.shape().size();
        String t = "t" + n.id();
        switch (n.op()) {
            case SOFTMAX_CROSS_ENTROPY_GRAD:
                usesClassLabel = true;
                usesInvBatch = true;
                softmax(z, t, b);
                for (int j = 0; j < size; j++) {
                    b.addStatement("float $L = ($Le$L * $Linv - (label == $L ? 1f : 0f)) * invBatch", local(n, j), t,
                            j, t, j);
                }
                return true;
            case CROSS_ENTROPY_GRAD:
                usesClassLabel = true;
                for (int j = 0; j < size; j++) {
                    b.addStatement("float $L = label == $L ? (float) (-1.0 / ((double) $L * samples)) : 0f",
                            local(n, j), j, at(z, j).code());
                }
                return true;
            case SQUARED_ERROR_GRAD:
                usesInvBatch = true;
                for (int j = 0; j < size; j++) {
                    b.addStatement("float $L = ($L - $L) * invBatch", local(n, j), at(z, j).code(),
                            operand(at(n.input(1), j), PRODUCT));
                }
                return true;
            case SIGMOID_BINARY_CROSS_ENTROPY_GRAD:
                usesInvBatch = true;
                for (int j = 0; j < size; j++) {
                    b.addStatement("float $L = ($T.sigmoid($L) - $L) * invBatch", local(n, j), ACTIVATIONS,
                            at(z, j).code(), targetValue(n, j));
                }
                return true;
            case BINARY_CROSS_ENTROPY_GRAD:
                for (int j = 0; j < size; j++) {
                    b.addStatement("double $Lp$L = $L", t, j, at(z, j).code());
                    b.addStatement("double $Ly$L = $L", t, j, targetValue(n, j));
                    b.addStatement("float $L = (float) (($Lp$L - $Ly$L) / ($Lp$L * (1 - $Lp$L) * samples))",
                            local(n, j), t, j, t, j, t, j, t, j);
                }
                return true;
            default:
                return false;
        }
    }

    // ---- loads and stores ---------------------------------------------------------------------------------------

    /** The sample's input (and target) elements as locals {@code x0, x1, ...} ({@code y0, ...}). */
    private CodeBlock loads() {
        CodeBlock.Builder b = CodeBlock.builder();
        for (Node n : needed) {
            if (n.op() == Op.INPUT) {
                loadRow(b, "x", "input", n.shape().size());
            } else if (n.op() == Op.TARGET) {
                loadRow(b, "y", "target", n.shape().size());
            } else if (n.op() == Op.LABELS) {
                if (usesClassLabel) {
                    b.addStatement("int label = label(target, r, $L)", n.shape().size());
                } else {
                    b.addStatement("float y0 = target[r]");
                }
            }
        }
        return b.build();
    }

    private static void loadRow(CodeBlock.Builder b, String local, String array, int size) {
        if (size == 1) {
            b.addStatement("float $L0 = $L[r]", local, array);
            return;
        }
        b.addStatement("int $Lo = r * $L", local, size);
        b.addStatement("float $L0 = $L[$Lo]", local, array, local);
        for (int j = 1; j < size; j++) {
            b.addStatement("float $L$L = $L[$Lo + $L]", local, j, array, local, j);
        }
    }

    private void storeOutput(CodeBlock.Builder body) {
        Node out = graph.output(Graph.OUTPUT);
        int size = out.shape().size();
        if (mode == Mode.TRAIN) {
            body.beginControlFlow("if (out != null)");
        }
        String base = size == 1 ? "r" : "r * " + size;
        for (int j = 0; j < size; j++) {
            body.addStatement("out[$L] = $L", j == 0 ? base : base + " + " + j, at(out, j).code());
        }
        if (mode == Mode.TRAIN) {
            body.endControlFlow();
        }
    }

    /** Every parameter's gradient into {@code grad}; zeros for one the loss does not depend on. */
    private boolean storeGradients(CodeBlock.Builder body) {
        for (netc.runtime.ParamSpec p : spec.params()) {
            Node g = graph.outputs().get(Graph.gradName(p.name()));
            if (g == null) {
                body.addStatement("$T.fill(grad, $L, $L, 0f)", java.util.Arrays.class, p.offset(),
                        p.offset() + p.size());
                continue;
            }
            if (g.batched()) {
                return false;
            }
            body.add("// d loss / d $L\n", ClassNames.safeComment(p.name()));
            for (int e = 0; e < p.size(); e++) {
                body.addStatement("grad[$L] = $L", p.offset() + e, at(g, e).code());
            }
        }
        return true;
    }

    /** A comment naming the node by IR formula (inlined operands expanded) and source position; never user text. */
    private String describe(Node n) {
        String where = n.span().isNone() ? "" : "  (" + ClassNames.safeComment(spec.sourceFile() + ":"
                + n.span().line() + ":" + n.span().column()) + ")";
        return n.ref() + " = " + formula(n, true) + where;
    }

    private String formula(Node n, boolean top) {
        if (!top && (n.op().kind() == Op.Kind.LEAF || !inlined.contains(n.id()))) {
            return n.op() == Op.CONST ? IrPrinter.formatNumber(n.attrs().value()) : n.ref();
        }
        StringBuilder sb = new StringBuilder(n.op().printName()).append('(');
        for (int i = 0; i < n.inputs().size(); i++) {
            sb.append(i > 0 ? ", " : "").append(formula(n.input(i), false));
        }
        return sb.append(')').toString();
    }
}
