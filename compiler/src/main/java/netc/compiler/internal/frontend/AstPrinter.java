package netc.compiler.internal.frontend;

import java.util.List;
import java.util.Locale;
import netc.compiler.internal.frontend.ast.Apply;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.Binary;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Dim;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.frontend.ast.Indexed;
import netc.compiler.internal.frontend.ast.InitSpec;
import netc.compiler.internal.frontend.ast.InputDecl;
import netc.compiler.internal.frontend.ast.LossDecl;
import netc.compiler.internal.frontend.ast.Name;
import netc.compiler.internal.frontend.ast.NetworkDecl;
import netc.compiler.internal.frontend.ast.Number;
import netc.compiler.internal.frontend.ast.ParamDecl;
import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.frontend.ast.ShapeSpec;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.frontend.ast.TargetDecl;
import netc.compiler.internal.frontend.ast.Unary;

/**
 * Prints a syntax tree, two ways: back to {@code .net} text ({@link #source}), with only the parentheses the
 * precedence needs, so that parse, print, parse gives the same tree; and as one S-expression per statement
 * ({@link #tree}), which shows the structure explicitly and is what {@code --dump=ast} and the golden tests compare.
 */
public final class AstPrinter {
    private static final int ADDITIVE = 1;
    private static final int MULTIPLICATIVE = 2;
    private static final int UNARY = 3;
    private static final int TERM = 4;

    private AstPrinter() {
    }

    /** The program as {@code .net} text, one statement per line. */
    public static String source(Program program) {
        StringBuilder sb = new StringBuilder();
        for (Statement s : program.statements()) {
            sb.append(source(s)).append('\n');
        }
        return sb.toString();
    }

    public static String source(Statement s) {
        if (s instanceof NetworkDecl n) {
            return "network " + n.name().text();
        }
        if (s instanceof InputDecl in) {
            return "input " + in.name().text() + shape(in.shape());
        }
        if (s instanceof TargetDecl t) {
            return "target " + t.name().text() + " : " + t.kind().text() + shape(t.shape());
        }
        if (s instanceof ParamDecl p) {
            return "param " + p.name().text() + shape(p.shape()) + (p.init() == null ? "" : " init " + init(p.init()));
        }
        if (s instanceof Binding b) {
            return b.name().text() + " = " + source(b.value());
        }
        if (s instanceof StepBinding b) {
            return b.name().text() + step(b) + " = " + source(b.value()) + loop(b);
        }
        return "loss = " + source(((LossDecl) s).value());
    }

    /** An expression as {@code .net} text. */
    public static String source(Expr e) {
        if (e instanceof Name n) {
            return n.id();
        }
        if (e instanceof Indexed i) {
            return i.name().id() + "[" + i.index().text() + "]";
        }
        if (e instanceof Number n) {
            return number(n.value());
        }
        if (e instanceof Unary u) {
            String operand = operand(u.operand(), UNARY);
            return operand.startsWith("-") ? "- " + operand : "-" + operand;
        }
        if (e instanceof Binary b) {
            int p = b.op().precedence();
            // Left-associative: the right operand needs parentheses at equal precedence, the left one does not.
            return operand(b.lhs(), p) + " " + b.op().symbol() + " " + operand(b.rhs(), p + 1);
        }
        if (e instanceof Apply a) {
            // Juxtaposition only takes a term on its right; anything else must be written as a call.
            return precedence(a.arg()) == TERM ? a.fn().id() + " " + source(a.arg())
                    : a.fn().id() + "(" + source(a.arg()) + ")";
        }
        Call c = (Call) e;
        return c.fn().id() + "(" + arguments(c.args()) + ")";
    }

    /** One S-expression per statement: {@code (bind h (relu (+ (apply W1 x) b1)))}. */
    public static String tree(Program program) {
        StringBuilder sb = new StringBuilder();
        for (Statement s : program.statements()) {
            sb.append(tree(s)).append('\n');
        }
        return sb.toString();
    }

    public static String tree(Statement s) {
        if (s instanceof NetworkDecl n) {
            return "(network " + n.name().text() + ")";
        }
        if (s instanceof InputDecl in) {
            return "(input " + in.name().text() + " " + shape(in.shape()) + ")";
        }
        if (s instanceof TargetDecl t) {
            return "(target " + t.name().text() + " " + t.kind().text() + " " + shape(t.shape()) + ")";
        }
        if (s instanceof ParamDecl p) {
            return "(param " + p.name().text() + " " + shape(p.shape())
                    + (p.init() == null ? "" : " " + init(p.init())) + ")";
        }
        if (s instanceof Binding b) {
            return "(bind " + b.name().text() + " " + tree(b.value()) + ")";
        }
        if (s instanceof StepBinding b) {
            return "(bind " + b.name().text() + step(b) + " " + tree(b.value())
                    + (b.loop() == null ? "" : " (for " + b.loop().var().text() + " " + b.loop().from().value() + " "
                    + b.loop().to().value() + ")") + ")";
        }
        return "(loss " + tree(((LossDecl) s).value()) + ")";
    }

    public static String tree(Expr e) {
        if (e instanceof Name n) {
            return n.id();
        }
        if (e instanceof Indexed i) {
            return "(index " + i.name().id() + " " + i.index().text() + ")";
        }
        if (e instanceof Number n) {
            return number(n.value());
        }
        if (e instanceof Unary u) {
            return "(neg " + tree(u.operand()) + ")";
        }
        if (e instanceof Binary b) {
            return "(" + b.op().symbol() + " " + tree(b.lhs()) + " " + tree(b.rhs()) + ")";
        }
        if (e instanceof Apply a) {
            return "(apply " + a.fn().id() + " " + tree(a.arg()) + ")";
        }
        Call c = (Call) e;
        StringBuilder sb = new StringBuilder("(call ").append(c.fn().id());
        for (Argument a : c.args()) {
            sb.append(' ').append(a.key() == null ? "" : a.key().text() + "=").append(tree(a.value()));
        }
        return sb.append(')').toString();
    }

    /**
     * A number in a form the lexer reads back to the same double: integers without a fraction, others in Java's
     * shortest round-trip form ({@code 0.5}, {@code 1.0E-4}); infinity as a literal too large for a double.
     */
    static String number(double v) {
        if (Double.isInfinite(v)) {
            return v > 0 ? "1e999" : "-1e999";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v).toLowerCase(Locale.ROOT);
    }

    private static String operand(Expr e, int minimum) {
        String text = source(e);
        return precedence(e) < minimum ? "(" + text + ")" : text;
    }

    private static int precedence(Expr e) {
        if (e instanceof Binary b) {
            return b.op().precedence() == 1 ? ADDITIVE : MULTIPLICATIVE;
        }
        if (e instanceof Unary) {
            return UNARY;
        }
        // A negative literal prints with a leading '-', so it binds like a unary minus.
        return e instanceof Number n && (n.value() < 0 || n.value() == 0 && 1 / n.value() < 0) ? UNARY : TERM;
    }

    private static String arguments(List<Argument> args) {
        StringBuilder sb = new StringBuilder();
        for (Argument a : args) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(a.key() == null ? "" : a.key().text() + "=").append(source(a.value()));
        }
        return sb.toString();
    }

    private static String step(StepBinding b) {
        return b.step() == null ? "" : "[" + b.step().text() + "]";
    }

    private static String loop(StepBinding b) {
        return b.loop() == null ? "" : " for " + b.loop().var().text() + " in " + b.loop().from().value() + ".."
                + b.loop().to().value();
    }

    private static String init(InitSpec init) {
        return init.kind().text() + (init.hasParens() ? "(" + arguments(init.args()) + ")" : "");
    }

    private static String shape(ShapeSpec shape) {
        StringBuilder sb = new StringBuilder("[");
        for (Dim d : shape.dims()) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(d.value());
        }
        return sb.append(']').toString();
    }
}
