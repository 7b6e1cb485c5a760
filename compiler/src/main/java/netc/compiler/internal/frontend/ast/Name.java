package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** A use of a name in an expression. */
public record Name(String id, Span span) implements Expr {
}
