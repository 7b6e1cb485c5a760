package netc.compiler.frontend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import netc.compiler.frontend.Resolution.Declared;
import netc.compiler.frontend.Resolution.Kind;
import netc.compiler.frontend.ast.Apply;
import netc.compiler.frontend.ast.Argument;
import netc.compiler.frontend.ast.Binary;
import netc.compiler.frontend.ast.Binding;
import netc.compiler.frontend.ast.Call;
import netc.compiler.frontend.ast.Dim;
import netc.compiler.frontend.ast.Expr;
import netc.compiler.frontend.ast.Ident;
import netc.compiler.frontend.ast.InitSpec;
import netc.compiler.frontend.ast.InputDecl;
import netc.compiler.frontend.ast.LossDecl;
import netc.compiler.frontend.ast.Name;
import netc.compiler.frontend.ast.NetworkDecl;
import netc.compiler.frontend.ast.Number;
import netc.compiler.frontend.ast.ParamDecl;
import netc.compiler.frontend.ast.Program;
import netc.compiler.frontend.ast.ShapeSpec;
import netc.compiler.frontend.ast.Statement;
import netc.compiler.frontend.ast.TargetDecl;
import netc.compiler.frontend.ast.Unary;
import netc.compiler.ir.Shape;
import netc.compiler.source.Diagnostic;
import netc.compiler.source.Diagnostics;
import netc.compiler.source.SourceFile;
import netc.compiler.source.Span;
import netc.runtime.Init;
import netc.runtime.TargetKind;

/**
 * Checks everything about a program except shapes of expressions: the header, the declarations and their counts,
 * duplicate and unknown names, uses before definition, shapes as declared, initialisers, function names, arities
 * and the form of the loss. It collects diagnostics and carries on, and hands {@link Lowering} only what is valid.
 */
final class NameResolver {
    /** The longest name the language accepts. */
    static final int MAX_NAME_LENGTH = 64;

    private static final List<String> INITIALISERS = List.of("zeros", "he", "xavier", "normal");

    /** Other names people use for the same initialisers, for hints. */
    private static final Map<String, String> INIT_ALIASES = Map.of("glorot", "xavier", "kaiming", "he",
            "gaussian", "normal", "randn", "normal", "zero", "zeros");

    private final Program program;
    private final SourceFile source;
    private final Diagnostics diagnostics;

    private final Map<String, Declared> declared = new LinkedHashMap<>();
    private final Set<String> used = new HashSet<>();
    private final Set<String> duplicated = new HashSet<>();
    private final List<CheckedModel.Param> params = new ArrayList<>();
    private final List<Binding> bindings = new ArrayList<>();
    private NetworkDecl network;
    private InputDecl input;
    private Shape inputShape;
    private TargetDecl target;
    private TargetKind targetKind;
    private Shape targetShape;
    private LossDecl lossDecl;
    private Call loss;
    private Function lossFunction;
    private Name prediction;
    private Name targetArg;
    private long totalParamElements;

    private NameResolver(Program program, SourceFile source, Diagnostics diagnostics) {
        this.program = program;
        this.source = source;
        this.diagnostics = diagnostics;
    }

    static Resolution resolve(Program program, SourceFile source, Diagnostics diagnostics) {
        return new NameResolver(program, source, diagnostics).run();
    }

    private Resolution run() {
        List<Statement> statements = program.statements();
        for (int i = 0; i < statements.size(); i++) {
            declare(statements.get(i), i);
        }
        requireParts();
        for (int i = 0; i < statements.size(); i++) {
            Statement s = statements.get(i);
            if (s instanceof Binding b) {
                checkExpr(b.value(), i);
                Declared d = declared.get(b.name().text());
                if (d != null && d.span().equals(b.name().span())) {
                    bindings.add(b);
                }
            } else if (s instanceof LossDecl l && l == lossDecl) {
                checkLoss(l, i);
            }
        }
        return new Resolution(program.name(), declared, duplicated, input, inputShape, target, targetKind,
                targetShape, params, bindings, loss, lossFunction, prediction, targetArg, unusedWarnings());
    }

    // ---- Declarations ------------------------------------------------------------------------------------------

    private void declare(Statement s, int index) {
        if (s instanceof NetworkDecl n) {
            checkLength(n.name());
            if (network == null) {
                network = n;
            } else {
                diagnostics.error(n.span(), "a file describes one network, but this is a second 'network' header",
                        note(network.span(), "first 'network' header"));
            }
        } else if (s instanceof InputDecl in) {
            boolean fresh = declareName(in.name(), Kind.INPUT, index);
            Shape shape = shape(in.shape(), in.name().text());
            if (input == null && fresh) {
                input = in;
                inputShape = shape;
            } else if (fresh) {
                diagnostics.error(in.name().span(), "a network has one input, but '" + in.name().text()
                        + "' is a second one", note(input.name().span(), "'" + input.name().text() + "' declared"));
            }
        } else if (s instanceof TargetDecl t) {
            declareTarget(t, index);
        } else if (s instanceof ParamDecl p) {
            declareParam(p, index);
        } else if (s instanceof Binding b) {
            declareName(b.name(), Kind.BINDING, index);
        } else if (s instanceof LossDecl l) {
            if (lossDecl == null) {
                lossDecl = l;
            } else {
                diagnostics.error(l.span(), "a network has one loss, but this is a second one",
                        note(lossDecl.span(), "first loss"));
            }
        }
    }

    private void declareTarget(TargetDecl t, int index) {
        boolean fresh = declareName(t.name(), Kind.TARGET, index);
        TargetDecl.Kind kind = t.targetKind();
        if (kind == null) {
            diagnostics.error(t.kind().span(), "unknown target kind '" + t.kind().text() + "': write class[n] for"
                    + " class labels or real[n] for real values");
        }
        Shape shape = shape(t.shape(), t.name().text());
        if (shape != null && shape.rank() != 1) {
            diagnostics.error(t.shape().span(), "a target is a vector: write " + (kind == TargetDecl.Kind.REAL
                    ? "real[13]" : "class[10]") + ", not " + t.kind().text() + shape);
            shape = null;
        } else if (shape != null && kind == TargetDecl.Kind.CLASS && shape.dim(0) < 2) {
            diagnostics.error(t.shape().span(), "a class target needs at least 2 classes, got " + shape.dim(0));
            shape = null;
        }
        if (!fresh) {
            return;
        }
        if (target != null) {
            diagnostics.error(t.name().span(), "a network has at most one target, but '" + t.name().text()
                    + "' is a second one", note(target.name().span(), "'" + target.name().text() + "' declared"));
            return;
        }
        target = t;
        targetShape = kind == null ? null : shape;
        targetKind = kind == null ? null : kind == TargetDecl.Kind.CLASS ? TargetKind.CLASSES : TargetKind.VALUES;
    }

    private void declareParam(ParamDecl p, int index) {
        boolean fresh = declareName(p.name(), Kind.PARAM, index);
        Shape shape = shape(p.shape(), p.name().text());
        Init init = init(p.init());
        if (shape != null) {
            long before = totalParamElements;
            totalParamElements += shape.size();
            if (before <= Integer.MAX_VALUE && totalParamElements > Integer.MAX_VALUE) {
                diagnostics.error(p.shape().span(), "the parameters add up to more than "
                        + String.format(java.util.Locale.ROOT, "%,d", Integer.MAX_VALUE)
                        + " elements, more than one Java array holds");
            }
        }
        if (fresh && shape != null && init != null) {
            params.add(new CheckedModel.Param(p.name().text(), shape, init, p.name().span()));
        }
    }

    /** Records a declared name; false (after reporting) if it is invalid or taken. */
    private boolean declareName(Ident id, Kind kind, int index) {
        checkLength(id);
        Function f = Function.lookup(id.text());
        if (f != null) {
            diagnostics.error(id.span(), "'" + id.text() + "' is a built-in function and cannot be used as a name");
            return false;
        }
        Declared first = declared.get(id.text());
        if (first != null) {
            duplicated.add(id.text());
            diagnostics.error(id.span(), "duplicate name '" + id.text() + "'",
                    note(first.span(), "'" + id.text() + "' first declared"));
            return false;
        }
        declared.put(id.text(), new Declared(id.text(), kind, id.span(), index));
        return true;
    }

    private void checkLength(Ident id) {
        if (id.text().length() > MAX_NAME_LENGTH) {
            diagnostics.error(id.span(), "name '" + id.text().substring(0, 20) + "...' is too long ("
                    + id.text().length() + " characters; at most " + MAX_NAME_LENGTH + ")");
        }
    }

    /** The declared shape, or null (after reporting) if a dimension is out of range or the tensor too big. */
    private Shape shape(ShapeSpec spec, String owner) {
        boolean ok = true;
        long elements = 1;
        int[] dims = new int[spec.dims().size()];
        for (int i = 0; i < dims.length; i++) {
            Dim d = spec.dims().get(i);
            if (d.value() < 1) {
                diagnostics.error(d.span(), "a dimension must be at least 1, got " + d.value());
                ok = false;
            } else if (d.value() > Integer.MAX_VALUE) {
                diagnostics.error(d.span(), "dimension " + (d.value() == Long.MAX_VALUE ? "" : d.value() + " ")
                        + "is too large (at most " + Integer.MAX_VALUE + ")");
                ok = false;
            } else {
                dims[i] = (int) d.value();
                elements = Math.min(elements * d.value(), Long.MAX_VALUE / Integer.MAX_VALUE);
            }
        }
        if (ok && elements > Integer.MAX_VALUE) {
            diagnostics.error(spec.span(), "'" + owner + "' would have more than "
                    + String.format(java.util.Locale.ROOT, "%,d", Integer.MAX_VALUE)
                    + " elements, more than one Java array holds");
            ok = false;
        }
        return ok ? Shape.of(dims) : null;
    }

    /** The initialiser, or null (after reporting) if it is not one of the language's. */
    private Init init(InitSpec spec) {
        if (spec == null) {
            return Init.ZEROS;
        }
        String kind = spec.kind().text();
        if (!INITIALISERS.contains(kind)) {
            String alias = INIT_ALIASES.get(kind.toLowerCase(java.util.Locale.ROOT));
            String hint = alias != null ? "; did you mean '" + alias + "'?" : Hints.didYouMean(kind, INITIALISERS);
            diagnostics.error(spec.kind().span(), "unknown initialiser '" + kind + "'" + hint
                    + " (the initialisers are zeros, he, xavier and normal(std))");
            return null;
        }
        if (!kind.equals("normal")) {
            if (spec.hasParens()) {
                diagnostics.error(spec.span(), kind + " takes no arguments");
                return null;
            }
            return kind.equals("zeros") ? Init.ZEROS : kind.equals("he") ? Init.HE : Init.XAVIER;
        }
        if (spec.args().isEmpty()) {
            diagnostics.error(spec.span(), "normal needs a standard deviation, as in normal(0.01)");
            return null;
        }
        if (spec.args().size() > 1) {
            diagnostics.error(spec.span(), "normal takes 1 argument, got " + spec.args().size());
            return null;
        }
        Argument a = spec.args().get(0);
        if (a.key() != null && !a.key().text().equals("std")) {
            diagnostics.error(a.key().span(), "normal has no argument named '" + a.key().text()
                    + "' (its argument is std)");
            return null;
        }
        Double std = Function.literal(a.value());
        if (std == null) {
            diagnostics.error(a.value().span(), "the standard deviation of normal must be a number, as in"
                    + " normal(0.01)");
            return null;
        }
        if (!(std > 0)) {
            diagnostics.error(a.value().span(), "the standard deviation of normal must be > 0, got "
                    + OperandText.text(source, a.value().span()));
            return null;
        }
        return Init.normal(std);
    }

    /** Reports the parts every network needs and this one lacks. */
    private void requireParts() {
        if (program.statements().isEmpty()) {
            diagnostics.error(Span.at(source.name(), 1, 1), "the file is empty: a network needs a 'network NAME'"
                    + " header, an input, a target, parameters and a loss");
            return;
        }
        Span anchor = network != null ? network.span() : Span.at(source.name(), 1, 1);
        if (network == null) {
            diagnostics.error(anchor, "missing network header: start the file with 'network NAME'");
        }
        if (input == null && declaredKind(Kind.INPUT) == 0) {
            diagnostics.error(anchor, "the network has no input: declare one, as in 'input x[784]'");
        }
        if (declaredKind(Kind.PARAM) == 0) {
            diagnostics.error(anchor, "the network has no parameters to train: declare one, as in"
                    + " 'param W[10, 784] init he'");
        }
        if (lossDecl == null) {
            diagnostics.error(anchor, "the network has no loss: add one, as in 'loss = cross_entropy(p, y)'");
        } else if (declaredKind(Kind.TARGET) == 0) {
            diagnostics.error(lossDecl.span(), "the loss needs a target: declare one, as in"
                    + " 'target y : class[10]'");
        }
    }

    private int declaredKind(Kind kind) {
        int n = 0;
        for (Declared d : declared.values()) {
            n += d.kind() == kind ? 1 : 0;
        }
        return n;
    }

    // ---- Expressions -------------------------------------------------------------------------------------------

    private void checkExpr(Expr e, int index) {
        if (e instanceof Name n) {
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
        if (!Double.isFinite(n.value())) {
            diagnostics.error(n.span(), "number " + OperandText.text(source, n.span()) + " is too large");
        }
    }

    /**
     * A name used as a value: declared, defined before this statement, and not a function or the target. Returns
     * false after reporting if it is not.
     */
    private boolean checkValue(Name n, int index) {
        Function f = Function.lookup(n.id());
        if (f != null) {
            diagnostics.error(n.span(), f.isLoss()
                    ? "'" + n.id() + "' is a loss function, not a value: use it as 'loss = " + n.id() + "(p, y)'"
                    : "'" + n.id() + "' is a function, not a value: call it, as in " + n.id() + "(x)");
            return false;
        }
        Declared d = declared.get(n.id());
        if (d == null) {
            diagnostics.error(n.span(), "unknown name '" + n.id() + "'"
                    + Hints.didYouMean(n.id(), valueNames()));
            return false;
        }
        used.add(n.id());
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
            checkValue(a.fn(), index);
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
        } else if (f != null) {
            checkArguments(f, c);
        } else if (Function.NOT_SUPPORTED_YET.contains(fn)) {
            diagnostics.error(c.fn().span(), fn + " is not supported yet");
        } else if (declared.containsKey(fn)) {
            checkValue(c.fn(), index);
            if (c.args().size() != 1 || c.args().get(0).key() != null) {
                diagnostics.error(c.span(), "'" + fn + "' is not a function: " + fn + "(x) applies the matrix "
                        + fn + " to one vector, but here it has " + arguments(c.args().size()));
            }
        } else {
            List<String> candidates = new ArrayList<>(Function.spellings(false));
            candidates.addAll(valueNames());
            String hint = Hints.didYouMean(fn, candidates);
            diagnostics.error(c.fn().span(), "unknown function '" + fn + "'" + (hint.isEmpty()
                    ? " (the functions are " + Function.listed(Function.spellings(false)) + ")" : hint));
        }
        for (Argument a : c.args()) {
            checkExpr(a.value(), index);
        }
    }

    /** Arity and keyword arguments of an activation. */
    private void checkArguments(Function f, Call c) {
        String fn = f.spelling();
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
            String what = f == null && !declared.containsKey(fn) ? "unknown loss function '" + fn + "'"
                    : "'" + fn + "' is not a loss function";
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
        } else if (y instanceof Name && t == null && firstOfKind(Kind.TARGET) == null) {
            ok = false; // "the loss needs a target" says it already
        } else if (y instanceof Name yn && t == null && Function.lookup(yn.id()) == null) {
            List<String> candidates = new ArrayList<>(valueNames());
            diagnostics.error(y.span(), "unknown name '" + yn.id() + "'" + Hints.didYouMean(yn.id(), candidates));
            ok = false;
        } else {
            Declared first = firstOfKind(Kind.TARGET);
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

    private Declared firstOfKind(Kind kind) {
        for (Declared d : declared.values()) {
            if (d.kind() == kind) {
                return d;
            }
        }
        return null;
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
            } else if (d.kind() == Kind.BINDING) {
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
