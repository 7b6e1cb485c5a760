package netc.runtime;

/**
 * How a parameter is initialised, as written after {@code init} in a {@code .net} file.
 *
 * <p>For a weight matrix of shape {@code [out, in]} the fan-in is {@code in} and the fan-out {@code out}; for a
 * vector both are its length. He: normal with std {@code sqrt(2 / fanIn)}; Xavier (Glorot): normal with std
 * {@code sqrt(2 / (fanIn + fanOut))}; normal(s): normal with std {@code s}; zeros: all zero (the default).
 */
public record Init(Kind kind, double std) {

    /** The initialisation schemes of the language. */
    public enum Kind {
        /** All zeros. */
        ZEROS,
        /** He normal. */
        HE,
        /** Xavier normal. */
        XAVIER,
        /** Normal with a given standard deviation. */
        NORMAL,
        /** All ones (a batch norm's running variance starts at 1). */
        ONES
    }

    /** All zeros (the default for vectors such as biases). */
    public static final Init ZEROS = new Init(Kind.ZEROS, 0);
    /** All ones. */
    public static final Init ONES = new Init(Kind.ONES, 0);
    /** He normal: standard deviation sqrt(2 / fan-in). */
    public static final Init HE = new Init(Kind.HE, 0);
    /** Xavier (Glorot) normal: standard deviation sqrt(2 / (fan-in + fan-out)). */
    public static final Init XAVIER = new Init(Kind.XAVIER, 0);

    /**
     * A normal distribution with mean zero.
     *
     * @param std the standard deviation, at least zero
     * @return the scheme
     */
    public static Init normal(double std) {
        return new Init(Kind.NORMAL, std);
    }

    /** Checks the fields. */
    public Init {
        if (kind == null) {
            throw new IllegalArgumentException("kind must not be null");
        }
        if (!(std >= 0) || Double.isInfinite(std)) {
            throw new IllegalArgumentException("std must be finite and >= 0, got " + std);
        }
    }

    @Override
    public String toString() {
        return kind == Kind.NORMAL ? "normal(" + std + ")" : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
