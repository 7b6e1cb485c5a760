package netc.compiler.frontend.ast;

import netc.compiler.source.Span;

/** A use of a name in an expression. */
public record Name(String id, Span span) implements Expr {
}
