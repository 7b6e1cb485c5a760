package netc.compiler.internal.source;

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

    /** The most columns of a source line echoed under a message; longer lines show a window around the caret. */
    static final int LINE_WINDOW = 120;

    private static final String ELLIPSIS = "...";

    /**
     * The source line and a caret (with tildes to the span's end) under the span's first column. A line longer than
     * {@link #LINE_WINDOW} columns (a 400 KB generated line, say) is cut to a window around the caret, marked with
     * {@code ...} at each cut end, and the caret moved by the same amount so that it still points at the span.
     */
    private static void appendCaret(StringBuilder sb, SourceFile source, Span span) {
        String line = printable(source.line(span.line()));
        int col = Math.max(1, span.column());
        int last = span.endLine() == span.line() ? span.endColumn() : line.length();
        last = Math.min(last, Math.max(col, line.length()));
        int from = 0;
        int to = line.length();
        if (line.length() > LINE_WINDOW) {
            // Keep the caret a third of the way in, so some context shows on both sides.
            from = Math.max(0, Math.min(col - 1 - LINE_WINDOW / 3, line.length() - LINE_WINDOW));
            to = Math.min(line.length(), from + LINE_WINDOW);
        }
        String lead = from > 0 ? ELLIPSIS : "";
        sb.append('\n').append("    ").append(lead).append(line, from, to).append(to < line.length() ? ELLIPSIS : "")
                .append('\n').append("    ");
        int caret = col - from + lead.length();
        for (int i = 1; i < caret; i++) {
            sb.append(' ');
        }
        sb.append('^');
        int end = Math.min(last, Math.max(col, to));
        for (int i = col + 1; i <= end; i++) {
            sb.append('~');
        }
    }

    /**
     * The line with a tab as a space and any other control character (an escape sequence a terminal would act on, a
     * bell) as {@code ?}: one column each, so that the caret still lines up.
     */
    private static String printable(String line) {
        StringBuilder sb = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            sb.append(c == '\t' ? ' ' : Character.isISOControl(c) ? '?' : c);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return render(null);
    }
}
