package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/**
 * A numeric literal, a scalar constant. The value is parsed once here; nothing later reads the source text of a
 * number (notes/reliability.md: numbers reach generated code only as values). A literal too large for a double is
 * kept as infinity and rejected by the front end.
 */
public record Number(double value, Span span) implements Expr {

    @Override
    public boolean equals(Object o) {
        return o instanceof Number n && Double.doubleToLongBits(n.value) == Double.doubleToLongBits(value)
                && n.span.equals(span);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(value) * 31 + span.hashCode();
    }
}
