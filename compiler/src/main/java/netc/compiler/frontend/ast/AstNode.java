package netc.compiler.frontend.ast;

import netc.compiler.source.Span;

/** Every node of the syntax tree carries the span of the source text it was built from. */
public interface AstNode {
    Span span();
}
