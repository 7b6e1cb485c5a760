package netc.compiler.frontend.ast;

import netc.compiler.source.Span;

/** {@code -x}, the only unary operator. */
public record Unary(Expr operand, Span span) implements Expr {
}
