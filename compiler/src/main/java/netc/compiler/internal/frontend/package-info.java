/**
 * The front end: a {@code .net} file to a {@link netc.compiler.internal.frontend.CheckedModel} holding the graph IR. Entry
 * point {@link netc.compiler.internal.frontend.Frontend#analyze}; the stages, in order:
 *
 * <ol>
 *   <li>{@link netc.compiler.internal.frontend.SourceParser}: ANTLR parse with a bail-out strategy, resuming at the next
 *       statement to report several errors; {@link netc.compiler.internal.frontend.SyntaxMessages} words each error in the
 *       language's terms; {@link netc.compiler.internal.frontend.Spans} is the one place token positions become spans;</li>
 *   <li>{@link netc.compiler.internal.frontend.AstBuilder}: parse tree to the records of {@link netc.compiler.internal.frontend.ast};
 *       {@link netc.compiler.internal.frontend.AstPrinter} prints them back as source or as S-expressions;</li>
 *   <li>{@link netc.compiler.internal.frontend.DeclarationChecker} then {@link netc.compiler.internal.frontend.NameResolver}: every
 *       check that needs no expression shapes (run only on files without syntax errors);</li>
 *   <li>{@link netc.compiler.internal.frontend.Lowering}: the graph IR, with shapes checked by the IR's own inference and
 *       mismatches reported at the operator with the operands' source text.</li>
 * </ol>
 *
 * Messages follow notes/style.md 2.6: {@code file:line:col: error: message}, lower case, what was expected and what
 * was found, a note for a second location, a hint only when the fix is known. Each one has a golden test under
 * {@code src/test/resources/frontend/bad}.
 */
package netc.compiler.internal.frontend;
