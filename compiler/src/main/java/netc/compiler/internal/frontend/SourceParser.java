package netc.compiler.internal.frontend;

import java.util.List;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.InternalCompilerError;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import netc.grammar.NetLexer;
import netc.grammar.NetParser;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.DefaultErrorStrategy;
import org.antlr.v4.runtime.InputMismatchException;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.misc.ParseCancellationException;

/**
 * Runs the ANTLR parser over a file and turns its failures into diagnostics in the user's words.
 *
 * <p>How errors are handled (Trino and SimpleLanguage do the same): ANTLR's console listeners are removed from the
 * lexer and the parser; the error strategy bails out at the first error instead of inserting or deleting tokens, so
 * no phantom tokens and no cascades; {@link SyntaxMessages} words the error. To report more than one mistake per
 * run, parsing then restarts at the next statement boundary (a keyword that starts a statement, or {@code name =})
 * and carries on, up to {@link Diagnostics#CAP} errors. The tree is only returned when there was no error at all.
 */
final class SourceParser {
    /** Deeper nesting than this is rejected before parsing, so that no stage can overflow the stack. */
    static final int MAX_NESTING = 200;

    /**
     * The most operators one statement may hold. A flat sum {@code a + a + ... + a} is a tree as deep as it is long
     * (operators associate to the left), which every stage walks recursively; brackets nested
     * {@link #MAX_NESTING} deep on top of this many operators still leave room on the stack.
     */
    static final int MAX_OPERATORS = 1000;

    private SourceParser() {
    }

    /** The parse tree, or null after reporting the syntax errors to {@code diagnostics}. */
    static NetParser.ProgramContext parse(SourceFile source, Diagnostics diagnostics) {
        Spans spans = new Spans(source);
        NetLexer lexer = new NetLexer(CharStreams.fromString(source.text(), source.name()));
        lexer.removeErrorListeners();
        // The lexer cannot fail (every character is at least an ERROR_CHAR token); this is a guard, not a path.
        lexer.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line,
                                    int charPositionInLine, String msg, RecognitionException e) {
                diagnostics.error(Span.at(source.name(), line, charPositionInLine + 1), "unreadable text");
            }
        });
        CommonTokenStream tokens = new CommonTokenStream(lexer);
        tokens.fill();
        List<Token> all = tokens.getTokens();
        if (!checkNesting(all, spans, diagnostics)) {
            return null;
        }
        NetParser parser = new NetParser(tokens);
        parser.removeErrorListeners();
        parser.setErrorHandler(new BailOut());
        SyntaxMessages messages = new SyntaxMessages(all, spans);

        int start = 0;
        int errors = 0;
        while (true) {
            parser.reset();
            tokens.seek(start);
            try {
                NetParser.ProgramContext program = parser.program();
                return errors == 0 && !diagnostics.hasErrors() ? program : null;
            } catch (ParseCancellationException cancelled) {
                if (!(cancelled.getCause() instanceof RecognitionException e)) {
                    throw new InternalCompilerError("parser", "parse cancelled without a recognition error", cancelled);
                }
                SyntaxMessages.Explained explained = messages.explain(e, start);
                diagnostics.add(explained.diagnostic());
                errors++;
                int resume = Math.max(explained.resumeAt(), start + 1);
                if (errors >= Diagnostics.CAP || resume >= all.size() - 1) {
                    return null;
                }
                start = resume;
            }
        }
    }

    /**
     * Rejects brackets nested more than {@link #MAX_NESTING} deep, at the first bracket past the limit, and a
     * statement of more than {@link #MAX_OPERATORS} operators, at the first operator past it.
     */
    private static boolean checkNesting(List<Token> tokens, Spans spans, Diagnostics diagnostics) {
        int depth = 0;
        int names = 0;
        int minuses = 0;
        int operators = 0;
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            int type = t.getType();
            if (startsStatement(tokens, i)) {
                operators = 0;
            } else if (type == NetLexer.PLUS || type == NetLexer.MINUS || type == NetLexer.STAR
                    || type == NetLexer.SLASH) {
                operators++;
                if (operators > MAX_OPERATORS) {
                    diagnostics.error(spans.of(t), "statement too long: more than " + MAX_OPERATORS
                            + " operators in one expression; split it into several bindings");
                    return false;
                }
            }
            if (type == NetLexer.LPAREN || type == NetLexer.LBRACK) {
                depth++;
            } else if (type == NetLexer.RPAREN || type == NetLexer.RBRACK) {
                depth = Math.max(0, depth - 1);
            }
            // Juxtaposition and unary minus nest too: W W W ... x and - - - x.
            names = type == NetLexer.ID ? names + 1 : 0;
            minuses = type == NetLexer.MINUS ? minuses + 1 : 0;
            if (depth > MAX_NESTING || names > MAX_NESTING || minuses > MAX_NESTING) {
                diagnostics.error(spans.of(t), "expression nested too deeply (more than " + MAX_NESTING
                        + " levels)");
                return false;
            }
        }
        return true;
    }

    /**
     * Neither inserts nor deletes tokens: the first mismatch cancels the parse, carrying the
     * {@link RecognitionException} that {@link SyntaxMessages} explains.
     */
    private static final class BailOut extends DefaultErrorStrategy {
        @Override
        public void recover(Parser recognizer, RecognitionException e) {
            throw new ParseCancellationException(e);
        }

        @Override
        public Token recoverInline(Parser recognizer) {
            throw new ParseCancellationException(new InputMismatchException(recognizer));
        }

        @Override
        public void sync(Parser recognizer) {
            // No single-token deletion in loops: a stray token is reported where the loop ends.
        }

        @Override
        public void reportError(Parser recognizer, RecognitionException e) {
            // Reported by SourceParser from the cancellation, with the user's words.
        }
    }

    /** Statement-start tokens, used to resynchronise after an error and to spot an unfinished statement. */
    static boolean startsStatement(List<Token> tokens, int i) {
        int type = tokens.get(i).getType();
        switch (type) {
            case NetLexer.NETWORK:
            case NetLexer.INPUT:
            case NetLexer.TARGET:
            case NetLexer.PARAM:
            case NetLexer.LOSS:
                return true;
            case NetLexer.ID: {
                int next = i + 1;
                if (next < tokens.size() && tokens.get(next).getType() == NetLexer.LBRACK) {
                    // h[t-1] = ...: skip a short index to its ']'
                    int close = next + 1;
                    while (close < tokens.size() && close <= next + 4
                            && tokens.get(close).getType() != NetLexer.RBRACK) {
                        close++;
                    }
                    next = close + 1;
                }
                boolean assign = next < tokens.size() && tokens.get(next).getType() == NetLexer.ASSIGN;
                int before = i > 0 ? tokens.get(i - 1).getType() : -1;
                // `k=` inside a call's argument list is a keyword argument, not a statement.
                return assign && before != NetLexer.LPAREN && before != NetLexer.COMMA;
            }
            default:
                return false;
        }
    }
}
