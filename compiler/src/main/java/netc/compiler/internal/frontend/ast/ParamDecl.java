package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code param W1[512, 784] init he}; {@link #init()} is null when no {@code init} is written (zeros). */
public record ParamDecl(Ident name, ShapeSpec shape, InitSpec init, Span span) implements Statement {
}
