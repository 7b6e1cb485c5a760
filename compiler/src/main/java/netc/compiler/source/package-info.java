/**
 * Source text and diagnostics: {@link netc.compiler.source.SourceFile}, {@link netc.compiler.source.Span} (1-based
 * line and column), {@link netc.compiler.source.Diagnostic}, {@link netc.compiler.source.Diagnostics} (collects and
 * caps), {@link netc.compiler.source.UserError} (a user's mistake, printed without a stack trace) and
 * {@link netc.compiler.source.InternalCompilerError} (a bug in netc).
 */
package netc.compiler.source;
