package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** Every node of the syntax tree carries the span of the source text it was built from. */
public interface AstNode {
    Span span();
}
