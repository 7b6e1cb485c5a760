package netc.compiler.source;

import java.util.List;

/**
 * One message about the user's input: an error at a span, with optional notes pointing at related places
 * (e.g. where a parameter was declared).
 */
public record Diagnostic(Severity severity, Span span, String message, List<Note> notes) {

    public enum Severity { ERROR, WARNING }

    /** A secondary location with its own message. */
    public record Note(Span span, String message) {
    }

    public Diagnostic {
        notes = List.copyOf(notes);
    }

    public static Diagnostic error(Span span, String message, Note... notes) {
        return new Diagnostic(Severity.ERROR, span, message, List.of(notes));
    }

    /**
     * The GNU-style text: {@code file:line:col: error: message}, then the source line and a caret under the span,
     * then one {@code note:} line per note. {@code source} may be null when the text is not at hand.
     */
    public String render(SourceFile source) {
        StringBuilder sb = new StringBuilder();
        String prefix = span.isNone() ? "" : span + ": ";
        if (span.isNone() && !span.file().isEmpty()) {
            prefix = span.file() + ": ";
        }
        sb.append(prefix).append(severity.name().toLowerCase(java.util.Locale.ROOT)).append(": ").append(message);
        if (source != null && !span.isNone()) {
            appendCaret(sb, source, span);
        }
        for (Note n : notes) {
            sb.append('\n').append("note: ").append(n.message());
            if (!n.span().isNone()) {
                sb.append(" at ").append(n.span());
            }
        }
        return sb.toString();
    }

    private static void appendCaret(StringBuilder sb, SourceFile source, Span span) {
        String line = source.line(span.line());
        sb.append('\n').append("    ").append(line.replace('\t', ' ')).append('\n').append("    ");
        int col = Math.max(1, span.column());
        for (int i = 1; i < col; i++) {
            sb.append(' ');
        }
        sb.append('^');
        int last = span.endLine() == span.line() ? span.endColumn() : line.length();
        for (int i = col + 1; i <= Math.min(last, Math.max(col, line.length())); i++) {
            sb.append('~');
        }
    }

    @Override
    public String toString() {
        return render(null);
    }
}
