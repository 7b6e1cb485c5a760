package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** {@code xs[t]} (a row of a sequence input) or {@code h[t-1]} (a step of a state): a name and an index. */
public record Indexed(Name name, Index index, Span span) implements Expr {
}
