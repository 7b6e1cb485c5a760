package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import netc.compiler.internal.frontend.Resolution.Declared;
import netc.compiler.internal.frontend.Resolution.Kind;
import netc.compiler.internal.frontend.ast.Apply;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.Binary;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.frontend.ast.Index;
import netc.compiler.internal.frontend.ast.Indexed;
import netc.compiler.internal.frontend.ast.Loop;
import netc.compiler.internal.frontend.ast.LossDecl;
import netc.compiler.internal.frontend.ast.Name;
import netc.compiler.internal.frontend.ast.Number;
import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.frontend.ast.Unary;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;

/**
 * Checks everything about a program except the shapes of expressions. {@link DeclarationChecker} first checks the
 * declarations; then this class checks every use of a name (unknown names with a hint, uses before definition,
 * functions used as values, the target outside the loss), function names and arities, and the form of the loss.
 * It collects diagnostics and carries on, and hands {@link Lowering} only what is valid.
 */
final class NameResolver {
    private final Program program;
    private final SourceFile source;
    private final Diagnostics diagnostics;

    private final DeclarationChecker declarations;
    private final Map<String, Declared> declared;
    private final Set<String> used = new HashSet<>();
    private final List<Binding> bindings = new ArrayList<>();
    private final List<Statement> definitions = new ArrayList<>();
    private final Set<String> brokenStates = new HashSet<>();
    /** The loop variable of the statement being checked, or null outside a loop. */
    private String loopVar;
    private Call loss;
    private Function lossFunction;
    private Name prediction;
    private Name targetArg;

    private NameResolver(Program program, SourceFile source, Diagnostics diagnostics) {
        this.program = program;
        this.source = source;
        this.diagnostics = diagnostics;
        this.declarations = new DeclarationChecker(program, source, diagnostics).run();
        this.declared = declarations.declared;
    }

    static Resolution resolve(Program program, SourceFile source, Diagnostics diagnostics) {
        return new NameResolver(program, source, diagnostics).run();
    }

    private Resolution run() {
        List<Statement> statements = program.statements();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            if (s instanceof Binding b) {
                checkExpr(b.value(), i);
                Declared d = declared.get(b.name().text());
                if (d != null && d.span().equals(b.name().span())) {
                    bindings.add(b);
                    definitions.add(b);
                }
            } else if (s instanceof StepBinding b) {
                if (checkStepBinding(b, i)) {
                    definitions.add(b);
                } else {
                    brokenStates.add(b.name().text());
                }
            } else if (s instanceof LossDecl l && l == declarations.lossDecl) {
                checkLoss(l, i);
            }
        }
        DeclarationChecker d = declarations;
        return new Resolution(program.name(), declared, d.duplicated, d.input, d.inputShape, d.target, d.targetKind,
                d.targetShape, d.params, bindings, definitions, brokenStates, loss, lossFunction, prediction, targetArg, unusedWarnings());
    }

    // ---- Recurrence --------------------------------------------------------------------------------------------

    /**
     * The most steps one loop may unroll to. Chosen when the allocation of scratch fields in {@code prepare} and
     * their initialisers were not split, to keep every method under 8,000 bytes (RecurrenceTest); they are split
     * now (ClassEmitter), so only the graph-size limit ({@link Lowering#MAX_NODES}) would need to bound longer loops.
     */
    static final int MAX_STEPS = 128;

    /**
     * {@code h[0] = ...} or {@code h[t] = ... for t in 1..27}: the step is a number without a loop and the loop
     * variable itself with one; the range counts up. Whether each step and each index exists is checked when the
     * loop is unrolled ({@link Lowering}). Returns false after reporting if the statement is invalid.
     */
    private boolean checkStepBinding(StepBinding b, int index) {
        String name = b.name().text();
        Declared d = declared.get(name);
        boolean ok = d != null && d.kind() == Kind.STATE && !declarations.duplicated.contains(name);
        Loop loop = b.loop();
        Index step = b.step();
        if (step == null) {
            diagnostics.error(b.name().span(), "a loop defines steps of a state: write " + name + "["
                    + loop.var().text() + "] = ... for " + loop.var().text() + " in ...");
            loopVar = loop.var().text();
            checkExpr(b.value(), index);
            loopVar = null;
            return false;
        }
        if (loop == null && !step.isNumber()) {
            diagnostics.error(step.span(), "'" + step.var().text() + "' in " + name + "[" + step.text() + "] is not"
                    + " defined: add a loop, as in '" + name + "[" + step.var().text() + "] = ... for "
                    + step.var().text() + " in 1..10'");
            ok = false;
            loopVar = step.var().text(); // the body's uses of it are the same mistake
        } else if (loop != null) {
            String v = loop.var().text();
            if (step.isNumber() || !step.var().text().equals(v) || step.offset() != 0) {
                diagnostics.error(step.span(), "the loop defines step " + v + " of '" + name + "': write " + name
                        + "[" + v + "] on the left (shift the range, not the index)");
                ok = false;
            }
            long from = loop.from().value();
            long to = loop.to().value();
            if (from > to) {
                diagnostics.error(loop.span(), "the range " + from + ".." + to + " is empty: it counts up from "
                        + from + ", so the end must be at least " + from);
                ok = false;
            } else if (to - from >= MAX_STEPS) {
                diagnostics.error(loop.span(), "a loop unrolls to at most " + String.format(Locale.ROOT, "%,d",
                        MAX_STEPS) + " steps, but " + from + ".." + to + " has "
                        + (to == Long.MAX_VALUE && from == 0 ? "more" : String.format(Locale.ROOT, "%,d",
                        to - from + 1)));
                ok = false;
            }
            loopVar = v;
        }
        int errors = diagnostics.errorCount();
        checkExpr(b.value(), index);
        loopVar = null;
        return ok && diagnostics.errorCount() == errors;
    }

    /**
     * {@code xs[t]} or {@code h[t-1]}: only a sequence input (declared with two dimensions) and states have steps,
     * and the index variable must be the statement's loop variable.
     */
    private void checkIndexed(Indexed e, int index) {
        Name n = e.name();
        String id = n.id();
        Declared d = declared.get(id);
        if (d == null || Function.lookup(id) != null) {
            checkValue(n, index);
            checkIndex(e);
            return;
        }
        used.add(id);
        if (declarations.duplicated.contains(id)) {
            checkIndex(e); // "duplicate name" says what is wrong
            return;
        }
        String what = null;
        switch (d.kind()) {
            case PARAM -> what = "'" + id + "' is a parameter";
            case BINDING -> what = "'" + id + "' is a binding, not a state";
            case TARGET -> what = "'" + id + "' is the target";
            case INPUT -> {
                Shape shape = declarations.inputShape;
                if (shape != null && shape.rank() != 2) {
                    what = "the input '" + id + "' is " + shape + ", not a sequence of rows";
                }
            }
            default -> {
            }
        }
        if (what != null) {
            diagnostics.error(n.span(), what + ": only an input of rows (declared as in 'input xs[28, 28]') and"
                    + " states such as h[t] can be indexed", note(d.span(), "'" + id + "' declared"));
        }
        checkIndex(e);
    }

    private void checkIndex(Indexed e) {
        Index i = e.index();
        if (i.isNumber()) {
            return;
        }
        String v = i.var().text();
        if (loopVar == null) {
            diagnostics.error(i.var().span(), "'" + v + "' is not a loop variable here: outside a loop, an index is"
                    + " a number, as in " + e.name().id() + "[0]");
        } else if (!v.equals(loopVar)) {
            diagnostics.error(i.var().span(), "unknown index '" + v + "': the loop variable is '" + loopVar + "'");
        }
    }

    // ---- Expressions -------------------------------------------------------------------------------------------

    private void checkExpr(Expr e, int index) {
        if (e instanceof Indexed x) {
            checkIndexed(x, index);
        } else if (e instanceof Name n) {
            checkValue(n, index);
        } else if (e instanceof Number n) {
            checkNumber(n);
        } else if (e instanceof Unary u) {
            checkExpr(u.operand(), index);
        } else if (e instanceof Binary b) {
            checkExpr(b.lhs(), index);
            checkExpr(b.rhs(), index);
        } else if (e instanceof Apply a) {
            checkApply(a, index);
        } else if (e instanceof Call c) {
            checkCall(c, index);
        }
    }

    private void checkNumber(Number n) {
        if (Function.beyondFloatRange(n)) {
            diagnostics.error(n.span(), Function.beyondFloatRangeMessage(OperandText.text(source, n.span())));
        }
    }

    /**
     * A name used as a value: declared, defined before this statement, and not a function or the target. Returns
     * false after reporting if it is not.
     */
    private boolean checkValue(Name n, int index) {
        return checkValue(n, index, false);
    }

    /** {@code applied}: n stands left of a juxtaposition or call, where a sequence input is reported by lowering. */
    private boolean checkValue(Name n, int index, boolean applied) {
        Function f = Function.lookup(n.id());
        if (f != null) {
            diagnostics.error(n.span(), f.isLoss()
                    ? "'" + n.id() + "' is a loss function, not a value: use it as 'loss = " + n.id() + "(p, y)'"
                    : "'" + n.id() + "' is a function, not a value: call it, as in " + n.id() + "(x)");
            return false;
        }
        Declared d = declared.get(n.id());
        if (d == null) {
            String hint = n.id().equals(loopVar) ? ": the loop variable '" + loopVar + "' can only index, as in h["
                    + loopVar + "-1]" : Hints.didYouMean(n.id(), valueNames());
            diagnostics.error(n.span(), "unknown name '" + Hints.shown(n.id()) + "'" + hint);
            return false;
        }
        used.add(n.id());
        if (d.kind() == Kind.STATE) {
            diagnostics.error(n.span(), "'" + n.id() + "' has one value per step: use one step, as in "
                    + n.id() + (loopVar == null ? "[0]" : "[" + loopVar + "-1]"), note(d.span(), "'" + n.id()
                    + "' defined"));
            return false;
        }
        if (!applied && d.kind() == Kind.INPUT && declarations.inputShape != null && declarations.inputShape.rank() == 2) {
            Shape shape = declarations.inputShape;
            diagnostics.error(n.span(), "the input '" + n.id() + "' is a sequence of " + shape.dim(0) + " rows of "
                    + shape.dim(1) + ": use one row at a time, as in " + n.id() + (loopVar == null ? "[0]"
                    : "[" + loopVar + "]"), note(d.span(), "'" + n.id() + "' declared"));
            return false;
        }
        if (d.kind() == Kind.TARGET) {
            diagnostics.error(n.span(), "the target '" + n.id() + "' can only be used in the loss, as in"
                    + " 'loss = cross_entropy(p, " + n.id() + ")'");
            return false;
        } else if (d.kind() == Kind.BINDING && d.index() == index) {
            diagnostics.error(n.span(), "'" + n.id() + "' is used in its own definition");
            return false;
        } else if (d.kind() == Kind.BINDING && d.index() > index) {
            diagnostics.error(n.span(), "'" + n.id() + "' is used before it is defined",
                    note(d.span(), "'" + n.id() + "' defined"));
            return false;
        }
        return true;
    }

    /** {@code W x}: W must be a value (a matrix, which lowering checks), not a function. */
    private void checkApply(Apply a, int index) {
        Function f = Function.lookup(a.fn().id());
        if (f != null && !f.isLoss()) {
            String arg = OperandText.of(source, a.arg());
            diagnostics.error(a.span(), "'" + a.fn().id() + "' is a function: write " + a.fn().id() + "(" + arg
                    + ") with parentheses; only a matrix applies by juxtaposition");
        } else if (f != null) {
            diagnostics.error(a.fn().span(), "'" + a.fn().id() + "' is a loss function: use it only as"
                    + " 'loss = " + a.fn().id() + "(p, y)'");
        } else {
            checkValue(a.fn(), index, true);
        }
        checkExpr(a.arg(), index);
    }

    private void checkCall(Call c, int index) {
        String fn = c.fn().id();
        Function f = Function.lookup(fn);
        if (f != null && f.isLoss()) {
            diagnostics.error(c.fn().span(), "'" + fn + "' is a loss function: use it only as 'loss = " + fn
                    + "(p, y)'");
            checkLossArguments(c, index);
            return;
        } else if (f != null && f.isLayer()) {
            LayerArguments.bind(f, c, diagnostics);
        } else if (f != null) {
            checkArguments(f, c);
        } else if (declared.containsKey(fn)) {
            checkValue(c.fn(), index, true);
            if (c.args().size() != 1 || c.args().get(0).key() != null) {
                diagnostics.error(c.span(), "'" + fn + "' is not a function: " + fn + "(x) applies the matrix "
                        + fn + " to one vector, but here it has " + arguments(c.args().size()));
            }
        } else {
            List<String> candidates = new ArrayList<>(Function.spellings(false));
            candidates.addAll(valueNames());
            String hint = Hints.didYouMean(fn, candidates);
            diagnostics.error(c.fn().span(), "unknown function '" + Hints.shown(fn) + "'" + (hint.isEmpty()
                    ? " (the functions are " + Function.listed(Function.spellings(false)) + ")" : hint));
        }
        for (Argument a : c.args()) {
            checkExpr(a.value(), index);
        }
    }

    /** Arity and keyword arguments of an activation. */
    private void checkArguments(Function f, Call c) {
        String fn = f.spelling();
        if (f == Function.DROPOUT) {
            checkDropout(c);
            return;
        }
        if (f != Function.LEAKY_RELU) {
            for (Argument a : c.args()) {
                if (a.key() != null) {
                    diagnostics.error(a.key().span(), fn + " has no argument named '" + a.key().text() + "'");
                    return;
                }
            }
            if (c.args().size() != 1) {
                diagnostics.error(c.span(), fn + " takes 1 argument, got " + c.args().size());
            }
            return;
        }
        int positional = 0;
        int slopes = 0;
        boolean keyed = false;
        for (Argument a : c.args()) {
            if (a.key() == null) {
                if (keyed) {
                    diagnostics.error(a.span(), "a positional argument cannot follow a keyword argument");
                    return;
                }
                positional++;
            } else if (a.key().text().equals("slope")) {
                keyed = true;
                slopes++;
            } else {
                diagnostics.error(a.key().span(), fn + " has no argument named '" + a.key().text()
                        + "' (its arguments are x and slope)");
                return;
            }
        }
        if (positional + slopes > 2 || slopes > 1 || positional == 0) {
            if (positional == 2 && slopes == 1 || slopes > 1) {
                diagnostics.error(c.span(), fn + " is given its slope twice");
            } else if (positional == 0 && slopes > 0) {
                diagnostics.error(c.span(), fn + " needs the value as its first argument, as in " + fn
                        + "(x, slope=0.1)");
            } else {
                diagnostics.error(c.span(), fn + " takes 1 or 2 arguments, got " + c.args().size());
            }
            return;
        }
        if (positional + slopes == 2 && Function.slopeOf(c) == null) {
            Argument slope = c.args().get(1);
            diagnostics.error(slope.value().span(), "the slope of " + fn + " must be a number, as in " + fn
                    + "(x, 0.1)");
        }
    }

    /** {@code dropout(x, p)}: the value, then the drop probability, a number literal in [0, 1). */
    private void checkDropout(Call c) {
        String usage = "dropout(h, 0.5)";
        int positional = 0;
        int keyed = 0;
        for (Argument a : c.args()) {
            if (a.key() == null) {
                if (keyed > 0) {
                    diagnostics.error(a.span(), "a positional argument cannot follow a keyword argument");
                    return;
                }
                positional++;
            } else if (a.key().text().equals("p")) {
                keyed++;
            } else {
                diagnostics.error(a.key().span(), "dropout has no argument named '" + a.key().text()
                        + "' (its arguments are x and p)");
                return;
            }
        }
        if (positional == 0 || positional + keyed != 2) {
            diagnostics.error(c.span(), "dropout takes the value and its drop probability p, as in " + usage
                    + ", got " + arguments(c.args().size()));
            return;
        }
        Argument pArg = c.args().get(1);
        Double p = Function.dropProbabilityOf(c);
        if (p == null) {
            diagnostics.error(pArg.value().span(), "the drop probability of dropout must be a number in [0, 1),"
                    + " as in " + usage + ", found '" + OperandText.text(source, pArg.value().span()) + "'");
        } else if (!(p >= 0 && p < 1)) {
            diagnostics.error(pArg.value().span(), "the drop probability of dropout must be in [0, 1), found "
                    + OperandText.text(source, pArg.value().span()));
        }
    }

    /** {@code loss = f(p, y)}: a loss function, a prediction named by a binding, and the target. */
    private void checkLoss(LossDecl l, int index) {
        String expected = " (the losses are " + Function.listed(Function.spellings(true)) + ")";
        if (!(l.value() instanceof Call c)) {
            diagnostics.error(l.value().span(), "the loss must be a call to a loss function, as in"
                    + " 'loss = cross_entropy(p, y)'" + expected);
            checkExpr(l.value(), index);
            return;
        }
        String fn = c.fn().id();
        Function f = Function.lookup(fn);
        if (f == null || !f.isLoss()) {
            String hint = Hints.didYouMean(fn, Function.spellings(true));
            String what = f == null && !declared.containsKey(fn) ? "unknown loss function '" + Hints.shown(fn) + "'"
                    : "'" + Hints.shown(fn) + "' is not a loss function";
            diagnostics.error(c.fn().span(), what + (hint.isEmpty() ? expected : hint));
            checkLossArguments(c, index);
            return;
        }
        for (Argument a : c.args()) {
            if (a.key() != null) {
                diagnostics.error(a.key().span(), fn + " has no argument named '" + a.key().text() + "'");
                return;
            }
        }
        if (c.args().size() != 2) {
            diagnostics.error(c.span(), fn + " takes 2 arguments, the prediction and the target, got "
                    + c.args().size());
            checkLossArguments(c, index);
            return;
        }
        boolean ok = true;
        Expr p = c.args().get(0).value();
        if (p instanceof Name pn && declared.containsKey(pn.id()) && declared.get(pn.id()).kind() == Kind.TARGET) {
            diagnostics.error(p.span(), "the first argument of " + fn + " is the prediction, not the target");
            ok = false;
        } else if (p instanceof Name pn) {
            ok = checkValue(pn, index);
        } else {
            diagnostics.error(p.span(), "the first argument of " + fn + " must be the name of the prediction: bind"
                    + " it first, as in 'p = " + OperandText.of(source, p) + "', then write " + fn + "(p, ...)");
            checkExpr(p, index);
            ok = false;
        }
        Expr y = c.args().get(1).value();
        Declared t = y instanceof Name yn ? declared.get(yn.id()) : null;
        if (t != null && t.kind() == Kind.TARGET) {
            used.add(t.name());
        } else if (y instanceof Name && t == null && declarations.firstOfKind(Kind.TARGET) == null) {
            ok = false; // "the loss needs a target" says it already
        } else if (y instanceof Name yn && t == null && Function.lookup(yn.id()) == null) {
            List<String> candidates = new ArrayList<>(valueNames());
            diagnostics.error(y.span(), "unknown name '" + Hints.shown(yn.id()) + "'"
                    + Hints.didYouMean(yn.id(), candidates));
            ok = false;
        } else {
            Declared first = declarations.firstOfKind(Kind.TARGET);
            diagnostics.error(y.span(), "the second argument of " + fn + " must be the target"
                    + (first == null ? "" : " '" + first.name() + "'"),
                    first == null ? new Diagnostic.Note[0]
                            : new Diagnostic.Note[] {note(first.span(), "'" + first.name() + "' declared")});
            ok = false;
        }
        if (ok) {
            loss = c;
            lossFunction = f;
            prediction = (Name) p;
            targetArg = (Name) y;
        }
    }

    /** The arguments of a malformed loss call: checked as values, except that the target may appear. */
    private void checkLossArguments(Call c, int index) {
        for (Argument a : c.args()) {
            Declared d = a.value() instanceof Name n ? declared.get(n.id()) : null;
            if (d != null && d.kind() == Kind.TARGET) {
                used.add(d.name());
            } else {
                checkExpr(a.value(), index);
            }
        }
    }

    /** Names usable as values, in declaration order, for "did you mean" hints. */
    private List<String> valueNames() {
        List<String> out = new ArrayList<>();
        for (Declared d : declared.values()) {
            if (d.kind() != Kind.TARGET) {
                out.add(d.name());
            }
        }
        return out;
    }

    private List<Diagnostic> unusedWarnings() {
        List<Diagnostic> out = new ArrayList<>();
        for (Declared d : declared.values()) {
            boolean isPrediction = prediction != null && prediction.id().equals(d.name());
            if (used.contains(d.name()) || isPrediction) {
                continue;
            }
            if (d.kind() == Kind.PARAM) {
                out.add(new Diagnostic(Diagnostic.Severity.WARNING, d.span(), "parameter '" + d.name()
                        + "' is never used", List.of()));
            } else if (d.kind() == Kind.BINDING || d.kind() == Kind.STATE) {
                out.add(new Diagnostic(Diagnostic.Severity.WARNING, d.span(), "'" + d.name() + "' is never used",
                        List.of()));
            }
        }
        return out;
    }

    private static String arguments(int n) {
        return n == 1 ? "1 argument" : n + " arguments";
    }

    private static Diagnostic.Note note(Span span, String message) {
        return new Diagnostic.Note(span, message);
    }
}
