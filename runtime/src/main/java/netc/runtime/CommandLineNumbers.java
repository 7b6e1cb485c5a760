package netc.runtime;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How netc's command lines ({@code netc}, {@code netc-spark}) read numbers: plain ASCII decimals, as in a CSV file and
 * a {@code .net} file. Java's parsers take {@code ١٠} (Arabic-Indic digits) for 10 in an int but not in a double, hex
 * and a {@code d} suffix in a double but not in an int, and {@code NaN} but not {@code nan}. Here {@code nan},
 * {@code inf} and {@code infinity} in any case, with an optional sign, are the double values they name, so that an
 * option's own check refuses them with its one message however they are written; any other text that is not a
 * decimal number is refused here. Each command line registers these as its option converters (picocli glue of its
 * own, which the runtime does not depend on).
 */
public final class CommandLineNumbers {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private CommandLineNumbers() {
    }

    /**
     * {@code text} as a whole number in {@code [min, max]}.
     *
     * @param what the type for the message, e.g. "an int"
     * @throws NumberFormatException {@code '<text>' is not <what>}, with why where it helps
     */
    public static long integer(String text, long min, long max, String what) {
        if (INTEGER.matcher(text).matches()) {
            try {
                long v = Long.parseLong(text);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException outOfRange) {
                // as out of range
            }
            throw new NumberFormatException("'" + text + "' is not " + what + " (out of range)");
        }
        throw notA(text, what);
    }

    /**
     * {@code text} as a double: a decimal number, or a spelling of NaN or an infinity.
     *
     * @throws NumberFormatException {@code '<text>' is not a double}, with why where it helps
     */
    public static double decimal(String text) {
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        if (NOT_FINITE.matcher(text).matches()) {
            double v = text.toLowerCase(Locale.ROOT).contains("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
            return text.startsWith("-") ? -v : v;
        }
        throw notA(text, "a double");
    }

    private static NumberFormatException notA(String text, String what) {
        boolean otherDigits = text.codePoints().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'));
        return new NumberFormatException("'" + text + "' is not " + what
                + (otherDigits ? " (write its digits as 0-9)" : ""));
    }
}
