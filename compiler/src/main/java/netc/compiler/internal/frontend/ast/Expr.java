package netc.compiler.internal.frontend.ast;

/** An expression; its {@link #span()} covers all of its source text. */
public sealed interface Expr extends AstNode permits Name, Number, Call, Apply, Unary, Binary, Indexed {
}
