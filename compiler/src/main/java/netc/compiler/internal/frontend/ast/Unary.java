package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code -x}, the only unary operator. */
public record Unary(Expr operand, Span span) implements Expr {
}
