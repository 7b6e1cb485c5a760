package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** One argument of a call, {@code h} or {@code slope=0.1}; {@link #key()} is null when positional. */
public record Argument(Ident key, Expr value, Span span) implements AstNode {
}
