/**
 * Source text and diagnostics: {@link netc.compiler.internal.source.SourceFile}, {@link netc.compiler.internal.source.Span} (1-based
 * line and column), {@link netc.compiler.internal.source.Diagnostic}, {@link netc.compiler.internal.source.Diagnostics} (collects and
 * caps), {@link netc.compiler.internal.source.UserError} (a user's mistake, printed without a stack trace) and
 * {@link netc.compiler.internal.source.InternalCompilerError} (a bug in netc).
 */
package netc.compiler.internal.source;
