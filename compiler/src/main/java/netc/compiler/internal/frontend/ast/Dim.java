package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/**
 * One dimension of a declared shape, as written. Values too large for a {@code long} are kept as
 * {@link Long#MAX_VALUE}; the front end rejects anything above {@link Integer#MAX_VALUE}.
 */
public record Dim(long value, Span span) implements AstNode {
}
