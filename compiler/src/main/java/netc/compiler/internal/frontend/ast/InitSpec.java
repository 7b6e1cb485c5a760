package netc.compiler.internal.frontend.ast;

import java.util.List;
import netc.compiler.internal.source.Span;

/**
 * What follows {@code init}: {@code he}, {@code xavier}, {@code zeros} or {@code normal(0.01)}, as written. Which
 * ones exist is checked by the front end, not by the grammar.
 *
 * @param hasParens whether the source had a parenthesised list (so {@code normal()} and {@code normal} differ)
 */
public record InitSpec(Ident kind, boolean hasParens, List<Argument> args, Span span) implements AstNode {
    public InitSpec {
        args = List.copyOf(args);
    }
}
