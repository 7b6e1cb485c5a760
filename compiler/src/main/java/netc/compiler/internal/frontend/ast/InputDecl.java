package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code input x[784]}: the per-sample input. */
public record InputDecl(Ident name, ShapeSpec shape, Span span) implements Statement {
}
