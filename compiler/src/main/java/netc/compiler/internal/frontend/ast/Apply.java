package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/** Juxtaposition {@code W x}: the matrix named {@code fn} applied to {@code arg}. */
public record Apply(Name fn, Expr arg, Span span) implements Expr {
}
