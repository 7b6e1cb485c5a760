package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code network mnist_mlp}: the header naming the network. */
public record NetworkDecl(Ident name, Span span) implements Statement {
}
