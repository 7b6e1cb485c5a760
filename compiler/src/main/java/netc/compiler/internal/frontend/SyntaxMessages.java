package netc.compiler.internal.frontend;

import java.util.List;
import java.util.Locale;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.Span;
import netc.grammar.NetLexer;
import netc.grammar.NetParser;
import org.antlr.v4.runtime.NoViableAltException;
import org.antlr.v4.runtime.ParserRuleContext;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.IntervalSet;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Words a syntax error for a person: what was expected, in the language's terms ("a shape like [784]", "an
 * expression", "missing ')'"), and where.
 *
 * <p>ANTLR stops at the first token that does not fit; with the bail-out strategy the expected set at that point is
 * small (usually one token), so a table keyed on it, on the previous token and on the statement being parsed gives
 * a precise message. Newlines are white space in the grammar, so when the offending token is on a later line than
 * the previous one, the message points just after the previous token ("missing ')'" goes where the ')' belongs)
 * rather than at the next line. Also, an unfinished statement can swallow the next line's start ({@code h = x +}
 * then {@code h2 = ...} reads as {@code x + h2}); when a statement start sits at the beginning of a line inside the
 * failing statement, the error is reported at the end of the line before it.
 */
final class SyntaxMessages {
    /** A diagnostic, and the token index where parsing can resume (the next statement). */
    record Explained(Diagnostic diagnostic, int resumeAt) {
    }

    private static final List<String> STATEMENT_KEYWORDS = List.of("network", "input", "target", "param", "loss");

    private final List<Token> tokens;
    private final Spans spans;

    SyntaxMessages(List<Token> tokens, Spans spans) {
        this.tokens = tokens;
        this.spans = spans;
    }

    Explained explain(RecognitionException e, int parseStart) {
        Token t = e.getOffendingToken();
        int k = t.getTokenIndex();
        int stmt = statementStart((ParserRuleContext) e.getCtx(), parseStart, k);
        int resume = nextStatement(Math.max(k, stmt + 1));
        if (t.getType() == NetLexer.ERROR_CHAR) {
            return new Explained(Diagnostic.error(spans.of(t), badCharacter(t)), nextStatement(k + 1));
        }
        for (int b = stmt + 1; b < k; b++) {
            if (startsLine(b) && SourceParser.startsStatement(tokens, b)) {
                Diagnostic d = unfinished(stmt, b);
                if (d != null) {
                    return new Explained(d, b);
                }
            }
        }
        Diagnostic index = badIndex(stmt, k);
        if (index != null) {
            return new Explained(index, resume);
        }
        Token prev = k > parseStart ? tokens.get(k - 1) : null;
        boolean sameLine = prev == null || (t.getType() != Token.EOF && t.getLine() == prev.getLine());
        Span where = sameLine ? spans.of(t) : spans.after(prev);
        String found = sameLine ? ", found " + describe(t) : "";
        if (e instanceof NoViableAltException nva && nva.getStartToken().getTokenIndex() != k) {
            // Prediction failed past its first token: the expected set is not about t; say what is certain.
            int open = unclosed(stmt, k, NetLexer.LPAREN, NetLexer.RPAREN);
            if (!sameLine && open >= 0) {
                return new Explained(missing(")", prev, open), resume);
            }
            return new Explained(Diagnostic.error(spans.of(t), "unexpected " + describe(t)), resume);
        }
        return new Explained(byExpected(e.getExpectedTokens(), t, prev, stmt, where, found, sameLine), resume);
    }

    /**
     * A step index that is not one the language has ({@code h[t/2]}, {@code h[2*t]}, {@code h[-1]}, {@code h[]})
     * in the statement from {@code stmt}, whose {@code name[} starts at or before the failing token {@code k} and
     * whose wrong token comes at or after it: ANTLR gives up at the name (no alternative of a term fits), which
     * says nothing about the index. Null when there is no such index.
     */
    private Diagnostic badIndex(int stmt, int k) {
        int type = tokens.get(stmt).getType();
        if (type != NetLexer.ID && type != NetLexer.LOSS) {
            return null; // declarations have shapes in brackets, not indexes
        }
        for (int i = stmt; i <= k && i + 1 < tokens.size(); i++) {
            if (tokens.get(i).getType() != NetLexer.ID || tokens.get(i + 1).getType() != NetLexer.LBRACK) {
                continue;
            }
            int wrong = wrongIndexToken(i + 2);
            if (wrong >= k) {
                Token w = tokens.get(wrong);
                String found = w.getType() == NetLexer.RBRACK && wrong == i + 2 ? "an empty index"
                        : describe(w);
                return Diagnostic.error(spans.of(w), "an index is a whole number, as in "
                        + tokens.get(i).getText() + "[0], or the loop variable plus or minus a whole number, as in "
                        + tokens.get(i).getText() + "[t-1]; found " + found);
            }
        }
        return null;
    }

    /**
     * The first token from {@code j} (just after a '[') that does not continue an index ({@code INT}, {@code ID},
     * or {@code ID} '+'/'-' {@code INT}, then ']'), or -1 when the index and its ']' are well formed.
     */
    private int wrongIndexToken(int j) {
        int t0 = type(j);
        if (t0 == NetLexer.INT) {
            return type(j + 1) == NetLexer.RBRACK ? -1 : j + 1;
        }
        if (t0 != NetLexer.ID) {
            return j;
        }
        int t1 = type(j + 1);
        if (t1 == NetLexer.RBRACK) {
            return -1;
        }
        if (t1 != NetLexer.PLUS && t1 != NetLexer.MINUS) {
            return j + 1;
        }
        if (type(j + 2) != NetLexer.INT) {
            return j + 2;
        }
        return type(j + 3) == NetLexer.RBRACK ? -1 : j + 3;
    }

    private int type(int i) {
        return i < tokens.size() ? tokens.get(i).getType() : Token.EOF;
    }

    private Diagnostic byExpected(IntervalSet expected, Token t, Token prev, int stmt, Span where, String found,
                                  boolean sameLine) {
        int stmtType = tokens.get(stmt).getType();
        if (expected.contains(Token.EOF)) {
            return atStatementLevel(t, prev, stmt);
        }
        if (is(expected, NetLexer.ASSIGN)) {
            Diagnostic leftover = leftoverStatement(stmt, t);
            if (leftover != null) {
                return leftover;
            }
            String keyword = prev != null && t.getType() == NetLexer.ID
                    ? Hints.closest(prev.getText(), STATEMENT_KEYWORDS) : null;
            if (keyword != null) {
                // `inut x[784]`: a misspelt keyword reads as a binding named 'inut' that lacks its '='.
                return Diagnostic.error(spans.of(prev), "unknown statement " + quote(prev) + "; did you mean '"
                        + keyword + "'?");
            }
            return Diagnostic.error(where, "expected '=' after " + quote(prev) + found);
        }
        if (is(expected, NetLexer.LBRACK)) {
            String example = stmtType == NetLexer.INPUT ? "[784]" : stmtType == NetLexer.TARGET ? "[10]" : "[512, 784]";
            return Diagnostic.error(where, "expected a shape like " + example + " after " + quote(prev) + found);
        }
        Diagnostic loop = loopRange(expected, prev, where, found);
        if (loop != null) {
            return loop;
        }
        if (is(expected, NetLexer.INT)) {
            return Diagnostic.error(where, "expected a positive whole number in the shape" + found);
        }
        if (is(expected, NetLexer.RBRACK)) {
            if (!sameLine) {
                return missing("]", prev, unclosed(stmt, t.getTokenIndex(), NetLexer.LBRACK, NetLexer.RBRACK));
            }
            return Diagnostic.error(where, "expected ',' or ']' in the shape" + found);
        }
        if (is(expected, NetLexer.ID)) {
            String after = prev == null ? "" : " after " + quote(prev);
            String keyword = isKeyword(t) && sameLine ? " (keywords cannot be used as names)" : "";
            switch (prev == null ? -1 : prev.getType()) {
                case NetLexer.COLON:
                    return Diagnostic.error(where, "expected class[n] or real[n] after ':'" + found);
                case NetLexer.INIT:
                    return Diagnostic.error(where, "expected an initialiser after 'init' (zeros, he, xavier or"
                            + " normal(std))" + found);
                default:
                    return Diagnostic.error(where, "expected a name" + after + found + keyword);
            }
        }
        if (is(expected, NetLexer.COLON)) {
            return Diagnostic.error(where, "expected ':' after " + quote(prev) + found
                    + " (as in 'target y : class[10]')");
        }
        if (expected.contains(NetLexer.ID) && expected.contains(NetLexer.INT) && expected.contains(NetLexer.LPAREN)) {
            String after = prev == null ? "" : " after " + quote(prev);
            return Diagnostic.error(where, "expected an expression" + after + found);
        }
        if (is(expected, NetLexer.RPAREN)) {
            int open = unclosed(stmt, t.getTokenIndex(), NetLexer.LPAREN, NetLexer.RPAREN);
            if (!sameLine) {
                return missing(")", prev, open);
            }
            if (prev != null && prev.getType() == NetLexer.LPAREN) {
                return Diagnostic.error(where, "expected an expression or ')' after '('" + found);
            }
            boolean call = open > 0 && tokens.get(open - 1).getType() == NetLexer.ID;
            return Diagnostic.error(where, (call ? "expected ',' or ')'" : "expected ')'") + found
                    + multiplyHint(prev, t));
        }
        return Diagnostic.error(spans.of(t), "unexpected " + describe(t));
    }

    /**
     * A {@code for t in 1..27} loop cut short: the range's end after {@code 1..}, the range after {@code in}, or the
     * {@code in} after the variable. Null when {@code prev} is not inside a loop clause.
     */
    private static Diagnostic loopRange(IntervalSet expected, Token prev, Span where, String found) {
        int type = prev == null ? -1 : prev.getType();
        if (is(expected, NetLexer.INT) && (type == NetLexer.RANGE_FROM || type == NetLexer.DOTS)) {
            return Diagnostic.error(where, "expected the last step of the loop range after " + quote(prev) + found
                    + ", as in 'for t in 1..27'");
        }
        if (type == NetLexer.IN && expected.contains(NetLexer.RANGE_FROM)) {
            return Diagnostic.error(where, "expected a loop range like 1..27 after 'in'" + found);
        }
        if (is(expected, NetLexer.IN)) {
            return Diagnostic.error(where, "expected 'in' after the loop variable " + quote(prev) + found
                    + ", as in 'for t in 1..27'");
        }
        return null;
    }

    /** The parser finished a statement and cannot start another one at {@code t}. */
    private Diagnostic atStatementLevel(Token t, Token prev, int stmt) {
        if (t.getType() == NetLexer.RPAREN || t.getType() == NetLexer.RBRACK) {
            String open = t.getType() == NetLexer.RPAREN ? "(" : "[";
            return Diagnostic.error(spans.of(t), "unexpected " + quote(t) + " with no matching '" + open + "'");
        }
        int stmtType = tokens.get(stmt).getType();
        boolean afterExpression = stmtType == NetLexer.ID || stmtType == NetLexer.LOSS;
        if (prev != null && afterExpression && t.getLine() == prev.getLine() && stmt < t.getTokenIndex()) {
            return Diagnostic.error(spans.of(t), "expected an operator after " + quote(prev) + ", found "
                    + describe(t) + multiplyHint(prev, t));
        }
        return Diagnostic.error(spans.of(t), "expected a statement (network, input, target, param, loss or"
                + " name = ...), found " + describe(t));
    }

    /**
     * {@code t} follows a statement that started on the same line as the previous statement ended, and it is not
     * {@code =}: the first token of that "statement" is really something left over, e.g. {@code param W[3] he}.
     */
    private Diagnostic leftoverStatement(int stmt, Token t) {
        if (t.getTokenIndex() != stmt + 1 || stmt == 0 || startsLine(stmt)) {
            return null;
        }
        Token extra = tokens.get(stmt);
        Token before = tokens.get(stmt - 1);
        int prevStmt = stmt - 1;
        while (prevStmt > 0 && !SourceParser.startsStatement(tokens, prevStmt)) {
            prevStmt--;
        }
        switch (tokens.get(prevStmt).getType()) {
            case NetLexer.PARAM:
                if (Hints.distance(extra.getText(), "init") <= 2 && t.getType() == NetLexer.ID) {
                    return Diagnostic.error(spans.of(extra), "unexpected " + quote(extra) + "; did you mean 'init'?");
                }
                if (before.getType() == NetLexer.RBRACK) {
                    return Diagnostic.error(spans.of(extra), "unexpected " + quote(extra) + " after the shape of "
                            + quote(tokens.get(prevStmt + 1)) + "; to choose an initialiser, write 'init "
                            + extra.getText() + "'");
                }
                return Diagnostic.error(spans.of(extra), "unexpected " + quote(extra) + " at the end of the"
                        + " statement");
            case NetLexer.ID:
            case NetLexer.LOSS:
                return Diagnostic.error(spans.of(extra), "expected an operator after " + quote(before) + ", found "
                        + describe(extra) + multiplyHint(before, extra));
            default:
                return Diagnostic.error(spans.of(extra), "unexpected " + quote(extra) + " at the end of the"
                        + " statement");
        }
    }

    /** "; write 2 * x to multiply by a number" when a number is directly followed by a name, else "". */
    private static String multiplyHint(Token before, Token t) {
        boolean number = before != null && (before.getType() == NetLexer.INT || before.getType() == NetLexer.FLOAT);
        return number && t.getType() == NetLexer.ID && t.getLine() == before.getLine()
                ? "; write " + before.getText() + " * " + t.getText() + " to multiply by a number" : "";
    }

    /** The statement starting at {@code stmt} stops at the line before token {@code next}, which starts another. */
    private Diagnostic unfinished(int stmt, int next) {
        Token before = tokens.get(next - 1);
        switch (before.getType()) {
            case NetLexer.PLUS:
            case NetLexer.MINUS:
            case NetLexer.STAR:
            case NetLexer.SLASH:
            case NetLexer.ASSIGN:
            case NetLexer.LPAREN:
            case NetLexer.COMMA:
                return Diagnostic.error(spans.after(before), "expected an expression after " + quote(before));
            case NetLexer.INIT:
                return Diagnostic.error(spans.after(before), "expected an initialiser after 'init' (zeros, he, xavier"
                        + " or normal(std))");
            case NetLexer.COLON:
                return Diagnostic.error(spans.after(before), "expected class[n] or real[n] after ':'");
            case NetLexer.NETWORK:
            case NetLexer.INPUT:
            case NetLexer.TARGET:
            case NetLexer.PARAM:
                return Diagnostic.error(spans.after(before), "expected a name after " + quote(before));
            default: {
                int open = unclosed(stmt, next, NetLexer.LPAREN, NetLexer.RPAREN);
                return open >= 0 ? missing(")", before, open) : null;
            }
        }
    }

    private Diagnostic missing(String closer, Token prev, int open) {
        Span where = prev == null ? spans.of(tokens.get(0)) : spans.after(prev);
        if (open < 0) {
            return Diagnostic.error(where, "missing '" + closer + "'");
        }
        return Diagnostic.error(where, "missing '" + closer + "'",
                new Diagnostic.Note(spans.of(tokens.get(open)), "unclosed " + quote(tokens.get(open))));
    }

    /** Index of the innermost bracket of kind {@code open} left unclosed in tokens [from, to), or -1. */
    private int unclosed(int from, int to, int open, int close) {
        int depth = 0;
        for (int i = to - 1; i >= from; i--) {
            int type = tokens.get(i).getType();
            if (type == close) {
                depth++;
            } else if (type == open) {
                if (depth == 0) {
                    return i;
                }
                depth--;
            }
        }
        return -1;
    }

    /** The first token index of the statement the parser was in when it failed. */
    private int statementStart(ParserRuleContext ctx, int parseStart, int offending) {
        for (ParserRuleContext c = ctx; c != null; c = c.getParent()) {
            if (c instanceof NetParser.StatementContext) {
                return c.getStart().getTokenIndex();
            }
            if (c instanceof NetParser.ProgramContext && c.children != null) {
                for (int i = c.children.size() - 1; i >= 0; i--) {
                    ParseTree child = c.children.get(i);
                    if (child instanceof NetParser.StatementContext s) {
                        return s.getStart().getTokenIndex();
                    }
                }
            }
        }
        return Math.min(parseStart, offending);
    }

    /**
     * Where parsing resumes: the first token at or after {@code from} that begins a line and starts a statement, or
     * looks like a misspelt statement keyword followed by a name ({@code parm b[3]}), so that its own error is
     * reported too.
     */
    private int nextStatement(int from) {
        for (int i = from; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            if (t.getType() == Token.EOF) {
                return i;
            }
            boolean misspelt = t.getType() == NetLexer.ID && i + 1 < tokens.size()
                    && tokens.get(i + 1).getType() == NetLexer.ID
                    && Hints.closest(t.getText(), STATEMENT_KEYWORDS) != null;
            if (startsLine(i) && (SourceParser.startsStatement(tokens, i) || misspelt)) {
                return i;
            }
        }
        return tokens.size() - 1;
    }

    private boolean startsLine(int i) {
        return i == 0 || tokens.get(i).getLine() > tokens.get(i - 1).getLine();
    }

    private static boolean is(IntervalSet set, int type) {
        if (type == NetLexer.ASSIGN && set.size() == 2 && set.contains(NetLexer.LBRACK)) {
            return set.contains(type); // after `h` in a binding: '=' or the '[' of a step, as in h[0] =
        }
        return set.size() == 1 && set.contains(type);
    }

    private static boolean isKeyword(Token t) {
        return t.getType() >= NetLexer.NETWORK && t.getType() <= NetLexer.LOSS || t.getType() == NetLexer.FOR
                || t.getType() == NetLexer.IN;
    }

    private String describe(Token t) {
        if (t.getType() == Token.EOF) {
            return "the end of the file";
        }
        if (isKeyword(t)) {
            return "the keyword " + quote(t);
        }
        return quote(t);
    }

    private static String quote(Token t) {
        if (t == null) {
            return "the start of the file";
        }
        String text = t.getText();
        return "'" + (text.length() > 30 ? text.substring(0, 27) + "..." : text) + "'";
    }

    private static String badCharacter(Token t) {
        int cp = t.getText().codePointAt(0);
        String code = String.format(Locale.ROOT, "U+%04X", cp);
        if (cp > 0x20 && cp < 0x7f) {
            String hint = cp == ';' ? " (statements need no ';')" : "";
            return "unexpected character '" + t.getText() + "'" + hint;
        }
        if (Character.isISOControl(cp) || Character.isWhitespace(cp) || Character.isSpaceChar(cp)
                || Character.getType(cp) == Character.FORMAT) {
            return "unexpected character " + code;
        }
        if (Character.isLetterOrDigit(cp)) {
            return "unexpected character '" + t.getText() + "' (" + code + "): names use only ASCII letters, digits"
                    + " and '_'";
        }
        return "unexpected character '" + t.getText() + "' (" + code + ")";
    }
}
