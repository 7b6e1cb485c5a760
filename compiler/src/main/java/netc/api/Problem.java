package netc.api;

/**
 * One mistake in a {@code .net} source, where it is and what it is.
 *
 * @param file    the source's name as given to the compiler (a path, or the name passed with a string)
 * @param line    1-based line, or 0 when the mistake concerns the file as a whole (e.g. it does not exist)
 * @param column  1-based column, or 0 with {@code line}
 * @param message what is wrong, in the compiler's words, without the position
 */
public record Problem(String file, int line, int column, String message) {

    /** {@code file:line:col: message}, or {@code file: message} without a position. */
    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + column + ": " + message : file + ": " + message;
    }
}
