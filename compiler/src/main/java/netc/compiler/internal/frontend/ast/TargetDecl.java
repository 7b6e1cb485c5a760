package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/**
 * {@code target y : class[10]} or {@code target t : real[13]}. The kind is kept as written ({@link #kind()}) so
 * that the front end can report a misspelt one; {@link #targetKind()} maps it.
 */
public record TargetDecl(Ident name, Ident kind, ShapeSpec shape, Span span) implements Statement {

    /** The two kinds of target the language has. */
    public enum Kind { CLASS, REAL }

    /** The kind, or null if {@link #kind()} is neither {@code class} nor {@code real}. */
    public Kind targetKind() {
        switch (kind.text()) {
            case "class":
                return Kind.CLASS;
            case "real":
                return Kind.REAL;
            default:
                return null;
        }
    }
}
