package netc.cli;

import netc.runtime.CommandLineNumbers;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The converters of every int, long and double option of {@code netc}: {@link CommandLineNumbers}' rules (plain ASCII
 * decimals; {@code nan}, {@code inf} and {@code infinity} in any spelling are the values they name, so each option's
 * own check refuses them with one message, exit 1), and any other text that is not a decimal number is a malformed
 * command line (exit 2). {@code netc-spark} registers the same rules.
 */
final class Numbers {
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

    /** {@link CommandLineNumbers#integer}, refused as picocli's malformed value. */
    static long integer(String text, long min, long max, String what) {
        try {
            return CommandLineNumbers.integer(text, min, max, what);
        } catch (NumberFormatException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }

    /** {@link CommandLineNumbers#decimal}, refused as picocli's malformed value. */
    static double decimal(String text) {
        try {
            return CommandLineNumbers.decimal(text);
        } catch (NumberFormatException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
