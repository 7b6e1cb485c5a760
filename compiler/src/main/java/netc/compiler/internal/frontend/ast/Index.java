package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/**
 * The index of a step, as written: a number ({@code h[0]}: {@code var} null, {@code offset} 0) or the loop variable
 * with an offset ({@code h[t-1]}: {@code var} t, {@code offset} -1). Offsets too large for a {@code long} are kept
 * as {@link Long#MAX_VALUE} (or its negation); the front end reports them as out of range.
 *
 * @param number the value of a numeric index (0 when there is a variable)
 */
public record Index(Ident var, long offset, long number, Span span) implements AstNode {
    /** Whether the index is a plain number. */
    public boolean isNumber() {
        return var == null;
    }

    /** The index's value when the loop variable is {@code t}, saturating instead of overflowing. */
    public long at(long t) {
        if (var == null) {
            return number;
        }
        long v = t + offset;
        return ((t ^ v) & (offset ^ v)) < 0 ? (offset > 0 ? Long.MAX_VALUE : Long.MIN_VALUE) : v;
    }

    /** As written, with {@code t} for the variable: {@code t-1}, {@code t}, {@code 3}. */
    public String text() {
        if (var == null) {
            return Long.toString(number);
        }
        return var.text() + (offset == 0 ? "" : offset > 0 ? "+" + offset : "-" + (offset == Long.MIN_VALUE
                ? "9223372036854775808" : Long.toString(-offset)));
    }
}
