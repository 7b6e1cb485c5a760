package netc.compiler.internal.frontend.ast;

import java.util.List;
import netc.compiler.internal.source.Span;

/** A shape as written, {@code [512, 784]}; {@link #span()} covers the brackets. */
public record ShapeSpec(List<Dim> dims, Span span) implements AstNode {
    public ShapeSpec {
        dims = List.copyOf(dims);
    }
}
