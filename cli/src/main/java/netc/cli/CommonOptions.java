package netc.cli;

import netc.compiler.internal.source.UserError;
import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = "--stacktrace", description = "Print the stack trace of an internal error.")
    boolean stacktrace;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    /** A count the user gave, such as {@code --batch}: {@code --batch: error: must be at least 1, got 0}. */
    static void requireAtLeastOne(String option, int value) {
        if (value < 1) {
            throw new UserError(option, "must be at least 1, got " + value);
        }
    }
}
