package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import netc.compiler.internal.frontend.Resolution.Declared;
import netc.compiler.internal.frontend.Resolution.Kind;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Dim;
import netc.compiler.internal.frontend.ast.Ident;
import netc.compiler.internal.frontend.ast.InitSpec;
import netc.compiler.internal.frontend.ast.InputDecl;
import netc.compiler.internal.frontend.ast.LossDecl;
import netc.compiler.internal.frontend.ast.NetworkDecl;
import netc.compiler.internal.frontend.ast.ParamDecl;
import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.frontend.ast.ShapeSpec;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.frontend.ast.TargetDecl;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import netc.runtime.Init;
import netc.runtime.TargetKind;

/**
 * The first half of name resolution: every declaration in the file. Checks the {@code network} header, that there
 * is one input, at most one target, one loss and some parameters; that names are new, not built-in functions and at
 * most {@value #MAX_NAME_LENGTH} characters; declared shapes; target kinds; and initialisers. What it accepts is
 * left in its fields for {@link NameResolver}; what it rejects is reported and left out.
 */
final class DeclarationChecker {
    /** The longest name the language accepts. */
    static final int MAX_NAME_LENGTH = 64;

    private static final List<String> INITIALISERS = List.of("zeros", "ones", "he", "xavier", "normal");

    /** Other names people use for the same initialisers, for hints. */
    private static final Map<String, String> INIT_ALIASES = Map.of("glorot", "xavier", "kaiming", "he",
            "gaussian", "normal", "randn", "normal", "zero", "zeros");

    private final Program program;
    private final SourceFile source;
    private final Diagnostics diagnostics;

    /** Every declared name to its first declaration, in declaration order. */
    final Map<String, Declared> declared = new LinkedHashMap<>();
    /** Names declared more than once. */
    final Set<String> duplicated = new HashSet<>();
    /** The valid parameters, in declaration order. */
    final List<CheckedModel.Param> params = new ArrayList<>();
    NetworkDecl network;
    InputDecl input;
    Shape inputShape;
    TargetDecl target;
    TargetKind targetKind;
    Shape targetShape;
    /** The first loss statement. */
    LossDecl lossDecl;
    private long totalParamElements;

    DeclarationChecker(Program program, SourceFile source, Diagnostics diagnostics) {
        this.program = program;
        this.source = source;
        this.diagnostics = diagnostics;
    }

    /** Checks every declaration, then that the parts every network needs are there. */
    DeclarationChecker run() {
        List<Statement> statements = program.statements();
        for (int i = 0; i < statements.size(); i++) {
            declare(statements.get(i), i);
        }
        requireParts();
        return this;
    }

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
        } else if (s instanceof StepBinding b) {
            // h[0] = ... and h[t] = ... for t in 1..27 define steps of one state: only the first declares it.
            Declared first = declared.get(b.name().text());
            if (first == null || first.kind() != Kind.STATE) {
                declareName(b.name(), Kind.STATE, index);
            }
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
                        + String.format(Locale.ROOT, "%,d", Integer.MAX_VALUE)
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
            diagnostics.error(id.span(), "name '" + Hints.shown(id.text()) + "' is too long ("
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
                    + String.format(Locale.ROOT, "%,d", Integer.MAX_VALUE)
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
            String alias = INIT_ALIASES.get(kind.toLowerCase(Locale.ROOT));
            String hint = alias != null ? "; did you mean '" + alias + "'?" : Hints.didYouMean(kind, INITIALISERS);
            diagnostics.error(spec.kind().span(), "unknown initialiser '" + Hints.shown(kind) + "'" + hint
                    + " (the initialisers are zeros, ones, he, xavier and normal(std))");
            return null;
        }
        if (!kind.equals("normal")) {
            if (spec.hasParens()) {
                diagnostics.error(spec.span(), kind + " takes no arguments");
                return null;
            }
            // ones: a scale that starts as the identity, e.g. of a batch norm (PyTorch's weight init)
            return kind.equals("zeros") ? Init.ZEROS : kind.equals("ones") ? Init.ONES
                    : kind.equals("he") ? Init.HE : Init.XAVIER;
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
        if (Function.beyondFloatRange(a.value())) {
            diagnostics.error(a.value().span(), Function.beyondFloatRangeMessage(OperandText.text(source,
                    a.value().span())));
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

    /** The first declaration of this kind, or null. */
    Declared firstOfKind(Kind kind) {
        for (Declared d : declared.values()) {
            if (d.kind() == kind) {
                return d;
            }
        }
        return null;
    }

    private static Diagnostic.Note note(Span span, String message) {
        return new Diagnostic.Note(span, message);
    }
}
