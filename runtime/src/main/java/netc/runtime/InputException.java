package netc.runtime;

/**
 * A problem with the user's data, weights or training settings, as opposed to a bug in netc.
 *
 * <p>The message is complete and printable as is, in the GNU style {@code <file or context>: error: <message>},
 * e.g. {@code train-images-idx3-ubyte.gz: error: expected magic 0x00000803 (images), found 0x00000801 (this looks
 * like a labels file)}: the detail starts in lowercase and has no trailing period. The CLI prints
 * {@link #getMessage()} and exits 1 without a stack trace.
 */
public class InputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @serial the file, resource or setting; empty if none */
    private final String context;
    /** @serial what is wrong */
    private final String detail;

    /**
     * @param context the file, resource or setting the problem is about, e.g. a path; empty if there is none
     * @param detail  what is wrong, lowercase first word, no trailing period
     */
    public InputException(String context, String detail) {
        this(context, detail, null);
    }

    /** As {@link #InputException(String, String)}, keeping the low-level cause for debugging. */
    public InputException(String context, String detail, Throwable cause) {
        super(format(context, detail), cause);
        this.context = context == null ? "" : context;
        this.detail = detail;
    }

    private static String format(String context, String detail) {
        return (context == null || context.isEmpty() ? "" : context + ": ") + "error: " + detail;
    }

    /** The file, resource or setting the problem is about; empty if none. */
    public String context() {
        return context;
    }

    /** The message without the {@code context: error: } prefix. */
    public String detail() {
        return detail;
    }
}
