package netc.compiler.internal.source;

/**
 * A range of source text: 1-based line and column of the first character, and of the last character (inclusive).
 * Columns count characters, tabs included, as GNU-style messages do.
 */
public record Span(String file, int line, int column, int endLine, int endColumn) {

    /** A span for things that have no source position (generated nodes). */
    public static final Span NONE = new Span("", 0, 0, 0, 0);

    public static Span at(String file, int line, int column) {
        return new Span(file, line, column, line, column);
    }

    public boolean isNone() {
        return line == 0;
    }

    /** A span from the start of this one to the end of {@code other}. */
    public Span to(Span other) {
        if (isNone()) {
            return other;
        }
        if (other.isNone()) {
            return this;
        }
        return new Span(file, line, column, other.endLine, other.endColumn);
    }

    /** {@code file:line:col}, the prefix of every message. */
    @Override
    public String toString() {
        return isNone() ? file : file + ":" + line + ":" + column;
    }
}
