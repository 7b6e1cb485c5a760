package netc.compiler.internal.source;

/**
 * A mistake in the user's input (a {@code .net} file, a data file, a command-line argument, a diverging training
 * run). The CLI prints {@link #getMessage()} and exits 1, never a stack trace.
 */
public final class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Diagnostics diagnostics;

    public UserError(Diagnostics diagnostics) {
        super(diagnostics.render(), null, false, false);
        this.diagnostics = diagnostics;
    }

    /** An error with no source position, e.g. about a data file: {@code where: error: message}. */
    public UserError(String where, String message) {
        super((where == null || where.isEmpty() ? "" : where + ": ") + "error: " + message, null, false, false);
        this.diagnostics = null;
    }

    /** The diagnostics behind this error, or null for errors outside {@code .net} files. */
    public Diagnostics diagnostics() {
        return diagnostics;
    }
}
