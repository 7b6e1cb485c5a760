package netc.compiler.frontend.ast;

import netc.compiler.source.Span;

/** {@code for t in 1..27}: the loop variable and both ends of its range, included. */
public record Loop(Ident var, Dim from, Dim to, Span span) implements AstNode {
}
