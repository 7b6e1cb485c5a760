package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code for t in 1..27}: the loop variable and both ends of its range, included. */
public record Loop(Ident var, Dim from, Dim to, Span span) implements AstNode {
}
