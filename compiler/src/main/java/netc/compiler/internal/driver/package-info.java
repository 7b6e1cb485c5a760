/**
 * The compiler as one call: {@code .net} source → checked model → differentiated graph → Java source → a loaded
 * {@code netc.runtime.Network} (Janino, in process) or {@code .java} files on disk (ahead of time).
 *
 * <p>{@link netc.compiler.internal.driver.NetCompiler} strings together the phases that live in their own packages
 * ({@code frontend}, {@code autodiff}, {@code schedule}, {@code emit}, {@code load}); the CLI and the tests use it
 * instead of repeating the sequence. The same input and options always give byte-identical source, so the Janino
 * class and the javac-compiled class of a {@code netc generate} run are the same program.
 */
package netc.compiler.internal.driver;
