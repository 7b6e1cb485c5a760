package netc.compiler.frontend.ast;

import netc.compiler.source.Span;

/** {@code network mnist_mlp}: the header naming the network. */
public record NetworkDecl(Ident name, Span span) implements Statement {
}
