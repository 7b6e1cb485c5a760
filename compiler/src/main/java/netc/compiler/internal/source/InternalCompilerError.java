package netc.compiler.internal.source;

/** A bug in netc: an impossible state in a pass, or generated code that does not compile. */
public final class InternalCompilerError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InternalCompilerError(String stage, String message) {
        super("internal error in " + stage + ": " + message);
    }

    public InternalCompilerError(String stage, String message, Throwable cause) {
        super("internal error in " + stage + ": " + message, cause);
    }
}
