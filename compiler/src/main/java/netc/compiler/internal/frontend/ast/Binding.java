package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code h1 = relu(W1 x + b1)}: names an intermediate value. */
public record Binding(Ident name, Expr value, Span span) implements Statement {
}
