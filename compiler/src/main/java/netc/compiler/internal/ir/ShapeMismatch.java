package netc.compiler.internal.ir;

/**
 * Raised by {@link Shapes#infer} when operands do not fit an op. The message is a template in which {@code {0}}
 * and {@code {1}} stand for the operands, so the front end can name them as the user wrote them.
 */
public final class ShapeMismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String template;

    public ShapeMismatch(String template) {
        super(template, null, false, false);
        this.template = template;
    }

    /** The message with the operands' descriptions filled in. */
    public String message(String... operands) {
        String m = template;
        for (int i = 0; i < operands.length; i++) {
            m = m.replace("{" + i + "}", operands[i]);
        }
        return m;
    }
}
