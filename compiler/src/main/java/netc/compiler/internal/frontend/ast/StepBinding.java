package netc.compiler.internal.frontend.ast;

import netc.compiler.internal.source.Span;

/**
 * {@code h[0] = tanh(Wx xs[0] + bh)} or {@code h[t] = tanh(Wx xs[t] + Wh h[t-1] + bh) for t in 1..27}: defines
 * steps of the state {@code name}, one, or one per value of the loop variable.
 *
 * @param step the step on the left; null only in the mistake {@code h = ... for t in 1..3}, which the front end reports
 * @param loop the loop, or null for a single step
 */
public record StepBinding(Ident name, Index step, Expr value, Loop loop, Span span) implements Statement {
}
