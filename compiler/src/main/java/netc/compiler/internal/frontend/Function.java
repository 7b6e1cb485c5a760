package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.frontend.ast.Number;
import netc.compiler.internal.frontend.ast.Unary;
import netc.compiler.internal.ir.Op;

/**
 * The built-in functions of the language, spelt as the enum constant in lower case. Activations take one value
 * ({@code leaky_relu} also an optional number {@code slope}); the layers of images ({@code conv2d}, {@code maxpool},
 * {@code avgpool}, {@code flatten}, {@code global_avgpool}, {@code concat}) take the arguments {@link LayerArguments} describes; losses take the prediction
 * and the target and may only appear as {@code loss = f(p, y)}.
 */
enum Function {
    STEP(Op.STEP),
    IDENTITY(null),
    SOFTSIGN(Op.SOFTSIGN),
    SIGMOID(Op.SIGMOID),
    RELU(Op.RELU),
    LEAKY_RELU(Op.LEAKY_RELU),
    TANH(Op.TANH),
    SOFTMAX(Op.SOFTMAX),
    EXP(Op.EXP),
    LOG(Op.LOG),
    DROPOUT(Op.DROPOUT),
    LAYERNORM(Op.LAYERNORM),
    BATCHNORM(Op.BATCHNORM),
    CONV2D(Op.IM2COL),
    MAXPOOL(Op.MAXPOOL),
    AVGPOOL(Op.AVGPOOL),
    FLATTEN(Op.FLATTEN),
    GLOBAL_AVGPOOL(Op.GLOBAL_AVGPOOL),
    CONCAT(Op.CONCAT),
    CROSS_ENTROPY(Op.CROSS_ENTROPY),
    SQUARED_ERROR(Op.SQUARED_ERROR),
    BINARY_CROSS_ENTROPY(Op.BINARY_CROSS_ENTROPY);

    /** The slope of {@code leaky_relu(x)} when none is given. */
    static final double DEFAULT_SLOPE = 0.01;

    private final Op op;

    Function(Op op) {
        this.op = op;
    }

    /** The function with this spelling, or null. */
    static Function lookup(String name) {
        for (Function f : values()) {
            if (f.spelling().equals(name)) {
                return f;
            }
        }
        return null;
    }

    String spelling() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The IR op; null for {@code identity}, which lowers to its argument. */
    Op op() {
        return op;
    }

    /**
     * conv2d, maxpool, avgpool, flatten, global_avgpool and concat: functions of images (concat also of vectors)
     * with arguments bound by {@link LayerArguments}.
     */
    boolean isLayer() {
        return this == CONV2D || this == MAXPOOL || this == AVGPOOL || this == FLATTEN || this == GLOBAL_AVGPOOL
                || this == CONCAT;
    }

    boolean isLoss() {
        return this == CROSS_ENTROPY || this == SQUARED_ERROR || this == BINARY_CROSS_ENTROPY;
    }

    /**
     * The drop probability of a {@code dropout(x, p)} call (positional or {@code p=}), or null when it is missing or
     * not a plain number (the resolver reports that).
     */
    static Double dropProbabilityOf(Call call) {
        Expr given = null;
        int positional = 0;
        for (Argument a : call.args()) {
            if (a.key() == null) {
                positional++;
                if (positional == 2) {
                    given = a.value();
                }
            } else if (a.key().text().equals("p")) {
                given = a.value();
            }
        }
        return given == null ? null : literal(given);
    }

    /** Spellings of the activations (or of the losses), for hints and messages. */
    static List<String> spellings(boolean losses) {
        List<String> out = new ArrayList<>();
        for (Function f : values()) {
            if (f.isLoss() == losses) {
                out.add(f.spelling());
            }
        }
        return out;
    }

    /** "a, b and c". */
    static String listed(List<String> words) {
        if (words.size() == 1) {
            return words.get(0);
        }
        return String.join(", ", words.subList(0, words.size() - 1)) + " and " + words.get(words.size() - 1);
    }

    /**
     * The slope of a {@code leaky_relu} call: the literal given positionally or as {@code slope=}, the default when
     * there is none, or null when the argument is not a plain number (the resolver reports that).
     */
    static Double slopeOf(Call call) {
        Expr given = null;
        int positional = 0;
        for (Argument a : call.args()) {
            if (a.key() == null) {
                positional++;
                if (positional == 2) {
                    given = a.value();
                }
            } else if (a.key().text().equals("slope")) {
                given = a.value();
            }
        }
        return given == null ? Double.valueOf(DEFAULT_SLOPE) : literal(given);
    }

    /**
     * Whether {@code e} is a numeric literal ({@code 1e39}, {@code -1e39}) whose magnitude is beyond the float range
     * (including literals too large for a double): the generated code computes in float, where it would be infinity.
     */
    static boolean beyondFloatRange(Expr e) {
        Expr inner = e instanceof Unary u ? u.operand() : e;
        return inner instanceof Number n && !(Math.abs(n.value()) <= Float.MAX_VALUE);
    }

    /** The message for a literal {@link #beyondFloatRange}: {@code number 1e39 is out of float range (...)}. */
    static String beyondFloatRangeMessage(String text) {
        return "number " + text + " is out of float range (the largest float is about 3.4e38)";
    }

    /** The value of {@code 0.1} or {@code -0.1}, or null if {@code e} is not a finite numeric literal. */
    static Double literal(Expr e) {
        double v;
        if (e instanceof Number n) {
            v = n.value();
        } else if (e instanceof Unary u && u.operand() instanceof Number n) {
            v = -n.value();
        } else {
            return null;
        }
        return Double.isFinite(v) ? Double.valueOf(v) : null;
    }
}
