package netc.compiler.internal.frontend;

import netc.compiler.internal.frontend.ast.Binary;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;

/**
 * How messages name an operand: its source text as the user wrote it, on one line, abbreviated past
 * {@value #MAX_LENGTH} characters, and parenthesised when it is itself a sum or product, so that
 * {@code (a + b) is [3]} cannot be misread.
 */
final class OperandText {
    static final int MAX_LENGTH = 30;

    private OperandText() {
    }

    static String of(SourceFile source, Expr e) {
        String text = text(source, e.span());
        if (text.length() > MAX_LENGTH) {
            text = text.substring(0, MAX_LENGTH - 3).stripTrailing() + "...";
        }
        return e instanceof Binary ? "(" + text + ")" : text;
    }

    /** The text of a span, comments dropped and white space (newlines included) collapsed to single spaces. */
    static String text(SourceFile source, Span span) {
        StringBuilder sb = new StringBuilder();
        for (int line = span.line(); line <= span.endLine(); line++) {
            String l = source.line(line);
            int from = line == span.line() ? span.column() - 1 : 0;
            int to = line == span.endLine() ? Math.min(l.length(), span.endColumn()) : l.length();
            String piece = l.substring(Math.min(from, to), to);
            // '#' and '//' only ever start comments in this language, so cutting there is safe.
            int hash = piece.indexOf('#');
            int slashes = piece.indexOf("//");
            int cut = hash < 0 ? slashes : slashes < 0 ? hash : Math.min(hash, slashes);
            if (cut >= 0) {
                piece = piece.substring(0, cut);
            }
            sb.append(piece).append(' ');
        }
        return sb.toString().trim().replaceAll("\\s+", " ");
    }
}
