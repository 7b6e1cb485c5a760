/**
 * The {@code netc} command line (picocli): {@code check}, {@code grad}, {@code generate}, {@code train},
 * {@code eval} and {@code gradcheck}.
 *
 * <p>Exit codes: 0 success; 1 a problem with the user's input (a {@code .net} file, a data or weights file, a
 * setting, a training run that diverged), printed as one {@code file:line:col: error: ...} or
 * {@code context: error: ...} message without a stack trace; 2 a malformed command line; 3 a bug in netc, printed
 * as "internal error" with a request to report it ({@code --stacktrace} shows the trace). {@link netc.cli.Main#run}
 * takes the output streams so tests can check message and exit code of every path.
 */
package netc.cli;
