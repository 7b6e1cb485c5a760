package netc.compiler.internal.frontend;

import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.Token;

/**
 * The one place where ANTLR positions become {@link Span}s. ANTLR's lines are 1-based but its columns are 0-based
 * and count code points; spans are 1-based and count UTF-16 chars, as {@link SourceFile#line} and the caret line do.
 */
final class Spans {
    private final SourceFile source;

    Spans(SourceFile source) {
        this.source = source;
    }

    /** The span of one token; an end-of-file token gets a one-column span where it stands. */
    Span of(Token t) {
        int col = column(t.getLine(), t.getCharPositionInLine());
        int length = t.getType() == Token.EOF ? 1 : Math.max(1, t.getStopIndex() - t.getStartIndex() + 1);
        int end = column(t.getLine(), t.getCharPositionInLine() + length) - 1;
        return new Span(source.name(), t.getLine(), col, t.getLine(), Math.max(col, end));
    }

    /** From the first character of {@code first} to the last character of {@code last}. */
    Span of(Token first, Token last) {
        return of(first).to(of(last));
    }

    Span of(ParserRuleContext ctx) {
        Token stop = ctx.getStop() == null || ctx.getStop().getTokenIndex() < ctx.getStart().getTokenIndex()
                ? ctx.getStart() : ctx.getStop();
        return of(ctx.getStart(), stop);
    }

    /** The column just after {@code t}: where a missing token would have gone. */
    Span after(Token t) {
        Span s = of(t);
        return Span.at(source.name(), s.endLine(), s.endColumn() + 1);
    }

    /** 1-based UTF-16 column of the {@code codePoints}-th code point of {@code line}. */
    private int column(int line, int codePoints) {
        String text = source.line(line);
        int available = text.codePointCount(0, text.length());
        if (codePoints <= available) {
            return text.offsetByCodePoints(0, codePoints) + 1;
        }
        return text.length() + (codePoints - available) + 1;
    }
}
