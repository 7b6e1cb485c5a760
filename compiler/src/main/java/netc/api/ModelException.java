package netc.api;

import java.util.List;

/**
 * A mistake in a {@code .net} model: a syntax error, an unknown name, a shape mismatch, an unreadable file. The
 * message is the text the command line prints, starting {@code file:line:col: error:} with the source line and a
 * caret under the mistake; {@link #problems()} has the same facts as data. It is thrown for the user's input, never
 * for a bug in netc (that is an {@link IllegalStateException}).
 */
public final class ModelException extends RuntimeException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** Not serialized: a deserialized exception keeps its message and has no problems listed. */
    private final transient List<Problem> problems;

    /**
     * Creates the exception.
     *
     * @param message  the full text, as the command line prints it
     * @param problems each mistake with its position; at least one
     */
    public ModelException(String message, List<Problem> problems) {
        super(message, null, false, false);
        this.problems = List.copyOf(problems);
    }

    /** {@return the mistakes, in source order as the compiler found them (at most 20 are listed)} */
    public List<Problem> problems() {
        return problems == null ? List.of() : problems;
    }
}
