/**
 * The front end: a {@code .net} file to a {@link netc.compiler.frontend.CheckedModel} holding the graph IR. Entry
 * point {@link netc.compiler.frontend.Frontend#analyze}; the stages, in order:
 *
 * <ol>
 *   <li>{@link netc.compiler.frontend.SourceParser}: ANTLR parse with a bail-out strategy, resuming at the next
 *       statement to report several errors; {@link netc.compiler.frontend.SyntaxMessages} words each error in the
 *       language's terms; {@link netc.compiler.frontend.Spans} is the one place token positions become spans;</li>
 *   <li>{@link netc.compiler.frontend.AstBuilder}: parse tree to the records of {@link netc.compiler.frontend.ast};
 *       {@link netc.compiler.frontend.AstPrinter} prints them back as source or as S-expressions;</li>
 *   <li>{@link netc.compiler.frontend.DeclarationChecker} then {@link netc.compiler.frontend.NameResolver}: every
 *       check that needs no expression shapes (run only on files without syntax errors);</li>
 *   <li>{@link netc.compiler.frontend.Lowering}: the graph IR, with shapes checked by the IR's own inference and
 *       mismatches reported at the operator with the operands' source text.</li>
 * </ol>
 *
 * Messages follow notes/style.md 2.6: {@code file:line:col: error: message}, lower case, what was expected and what
 * was found, a note for a second location, a hint only when the fix is known. Each one has a golden test under
 * {@code src/test/resources/frontend/bad}.
 */
package netc.compiler.frontend;
