package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code loss = cross_entropy(p, y)}. */
public record LossDecl(Expr value, Span span) implements Statement {
}
