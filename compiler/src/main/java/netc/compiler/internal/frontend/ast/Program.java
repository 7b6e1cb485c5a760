package netc.compiler.internal.frontend.ast;

import java.util.List;
import netc.compiler.internal.source.Span;

/**
 * A whole {@code .net} file.
 *
 * @param name       the name after the first {@code network} header, or "" if there is none (the front end reports
 *                   that); the headers themselves stay in {@code statements}, so the printer reproduces them in place
 * @param statements every statement in source order
 */
public record Program(String name, List<Statement> statements, Span span) implements AstNode {
    public Program {
        statements = List.copyOf(statements);
    }
}
