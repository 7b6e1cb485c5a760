/**
 * The syntax tree of a {@code .net} file: immutable records, each with a {@link netc.compiler.internal.source.Span}. A
 * {@link netc.compiler.internal.frontend.ast.Program} holds {@link netc.compiler.internal.frontend.ast.Statement}s (network header,
 * input, target, param, binding, step binding, loss); expressions are {@link netc.compiler.internal.frontend.ast.Expr}s (name, number,
 * call, juxtaposition, unary minus, binary operator, indexed name). ANTLR's parse tree never leaves the front end; these records
 * are what the rest of the compiler and the tests see.
 */
package netc.compiler.internal.frontend.ast;
