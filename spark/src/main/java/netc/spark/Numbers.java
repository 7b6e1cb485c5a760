package netc.spark;

import java.util.Locale;
import java.util.regex.Pattern;

import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * How numbers on the command line are read, for every option of type int, long and double: plain ASCII decimals, as
 * {@code netc} reads them (the cli module's {@code netc.cli.Numbers}, same rules and messages). Picocli's own
 * converters took {@code ١} (an Arabic-Indic digit) in an int and hex ({@code 0x1p-3}) in a double, and {@code NaN}
 * but not {@code nan}: a non-finite value then was a user error or a malformed command line depending on its spelling.
 * Here {@code nan}, {@code inf} and {@code infinity} in any case, with an optional sign, are the double values they
 * name, so each option's own check refuses them with one message (exit 1); any other text that is not a decimal number
 * is a malformed command line (exit 2).
 *
 * <p>A copy, not a shared class: the converters are picocli code, so they cannot live in the runtime (which depends on
 * nothing), and the cli module is an application (a shaded jar with a plotting library) that this module does not
 * depend on. Keep the two in step.
 */
final class Numbers {
    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern NOT_FINITE = Pattern.compile("[+-]?(nan|inf|infinity)", Pattern.CASE_INSENSITIVE);

    private Numbers() {
    }

    /** Registers the converters on {@code cmd} and the subcommands it has. */
    static void register(CommandLine cmd) {
        ITypeConverter<Integer> ints = text -> (int) integer(text, Integer.MIN_VALUE, Integer.MAX_VALUE, "an int");
        ITypeConverter<Long> longs = text -> integer(text, Long.MIN_VALUE, Long.MAX_VALUE, "a long");
        ITypeConverter<Double> doubles = Numbers::decimal;
        cmd.registerConverter(Integer.class, ints);
        cmd.registerConverter(int.class, ints);
        cmd.registerConverter(Long.class, longs);
        cmd.registerConverter(long.class, longs);
        cmd.registerConverter(Double.class, doubles);
        cmd.registerConverter(double.class, doubles);
    }

    static long integer(String text, long min, long max, String what) {
        if (INTEGER.matcher(text).matches()) {
            try {
                long v = Long.parseLong(text);
                if (v >= min && v <= max) {
                    return v;
                }
            } catch (NumberFormatException outOfRange) {
                // as out of range
            }
            throw new TypeConversionException("'" + text + "' is not " + what + " (out of range)");
        }
        throw notA(text, what);
    }

    static double decimal(String text) {
        if (DECIMAL.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        if (NOT_FINITE.matcher(text).matches()) {
            double v = text.toLowerCase(Locale.ROOT).contains("nan") ? Double.NaN : Double.POSITIVE_INFINITY;
            return text.startsWith("-") ? -v : v;
        }
        throw notA(text, "a double");
    }

    private static TypeConversionException notA(String text, String what) {
        boolean otherDigits = text.codePoints().anyMatch(c -> Character.isDigit(c) && (c < '0' || c > '9'));
        return new TypeConversionException("'" + text + "' is not " + what
                + (otherDigits ? " (write its digits as 0-9)" : ""));
    }
}
