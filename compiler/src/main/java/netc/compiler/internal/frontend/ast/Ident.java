package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** A name where it is declared (after {@code network}, {@code input}, {@code param}, or before {@code =}). */
public record Ident(String text, Span span) implements AstNode {
}
