package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/**
 * {@code lhs op rhs} for {@code + - * /}. {@link #span()} covers the whole expression; {@link #opSpan()} is the
 * operator alone, where shape errors and runtime reports point.
 */
public record Binary(Op op, Expr lhs, Expr rhs, Span opSpan, Span span) implements Expr {

    /** The four arithmetic operators, with their spelling and precedence (higher binds tighter). */
    public enum Op {
        ADD("+", 1), SUB("-", 1), MUL("*", 2), DIV("/", 2);

        private final String symbol;
        private final int precedence;

        Op(String symbol, int precedence) {
            this.symbol = symbol;
            this.precedence = precedence;
        }

        public String symbol() {
            return symbol;
        }

        public int precedence() {
            return precedence;
        }
    }
}
