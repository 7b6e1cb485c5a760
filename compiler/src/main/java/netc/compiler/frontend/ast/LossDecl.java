package netc.compiler.frontend.ast;

import netc.compiler.source.Span;

/** {@code loss = cross_entropy(p, y)}. */
public record LossDecl(Expr value, Span span) implements Statement {
}
