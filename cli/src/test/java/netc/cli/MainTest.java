package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import netc.compiler.internal.source.UserError;
import netc.runtime.InputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a whole: usage errors (exit 2), help, version, and how errors become exit codes. */
class MainTest {
    private static final String XOR = sample("xor.net").toString();

    @Test
    void noCommandIsAUsageError() {
        Cli.run().assertUsageError("netc", "missing command");
    }

    @Test
    void unknownCommandIsAUsageError() {
        Cli.run("frobnicate", XOR).assertUsageError("netc", "unknown command 'frobnicate'");
    }

    @Test
    void misspeltCommandIsAUsageErrorWithASuggestion() {
        Cli.run("chek", XOR).assertUsageError("netc", "unknown command 'chek'").assertErrContains(
                "Did you mean: netc check or netc gradcheck or netc help?\n");
    }

    @Test
    void unknownRootOptionIsNotMistakenForACommand() {
        Cli.run("--bogus").assertUsageError("netc", "Unknown option: '--bogus'");
    }

    @Test
    void unknownOptionIsAUsageErrorNamingTheOption() {
        Cli r = Cli.run("check", "--bogus", XOR).assertUsageError("netc check", "Unknown option: '--bogus'");
        assertEquals("netc: error: Unknown option: '--bogus'\nTry 'netc check --help' for more information.\n",
                r.err());
    }

    @Test
    void misspeltOptionIsAUsageErrorWithASuggestion() {
        Cli r = Cli.run("check", "--stacktrac", XOR);
        r.assertUsageError("netc check", "Unknown option: '--stacktrac'");
        assertEquals("netc: error: Unknown option: '--stacktrac'\nPossible solutions: --stacktrace\n"
                + "Try 'netc check --help' for more information.\n", r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "grad", "generate", "train", "eval", "gradcheck"})
    void missingFileIsAUsageError(String command) {
        Cli.run(command).assertUsageError("netc " + command, "Missing required parameter: 'FILE'");
    }

    @Test
    void extraArgumentIsAUsageError() {
        Cli.run("check", XOR, "extra").assertUsageError("netc check", "Unmatched argument at index 2: 'extra'");
    }

    @Test
    void generateWithoutOutIsAUsageError() {
        Cli.run("generate", XOR).assertUsageError("netc generate", "Missing required option: '--out=DIR'");
    }

    @Test
    void evalWithoutWeightsIsAUsageError() {
        Cli.run("eval", XOR).assertUsageError("netc eval", "Missing required option: '--weights=W.safetensors'");
    }

    @Test
    void nonNumericEpochsIsAUsageError() {
        Cli.run("train", XOR, "--epochs", "abc").assertUsageError("netc train",
                "Invalid value for option '--epochs': 'abc' is not an int");
    }

    @Test
    void nonNumericLearningRateIsAUsageError() {
        Cli.run("train", XOR, "--lr", "fast").assertUsageError("netc train",
                "Invalid value for option '--lr': 'fast' is not a double");
    }

    @Test
    void numbersAreAsciiDecimalsInEveryNumericOption() {
        // Arabic-Indic digits: Integer.parseInt took them for 10, Double.parseDouble did not
        Cli.run("train", XOR, "--epochs", "\u0661\u0660").assertUsageError("netc train", "Invalid value for option "
                + "'--epochs': '\u0661\u0660' is not an int (write its digits as 0-9)");
        Cli.run("train", XOR, "--seed", "\u0663").assertUsageError("netc train", "Invalid value for option '--seed': "
                + "'\u0663' is not a long (write its digits as 0-9)");
        Cli.run("train", XOR, "--lr", "\u0661.\u0665").assertUsageError("netc train", "Invalid value for option "
                + "'--lr': '\u0661.\u0665' is not a double (write its digits as 0-9)");
        // Java's other spellings of a double are not numbers here either, as in a CSV or .net file
        for (String notDecimal : new String[] {"0x1p-3", "0.1d", "1f", " 0.1", "1e", "."}) {
            Cli.run("train", XOR, "--lr", notDecimal).assertUsageError("netc train", "Invalid value for option "
                    + "'--lr': '" + notDecimal + "' is not a double");
        }
        Cli.run("train", XOR, "--epochs", "99999999999").assertUsageError("netc train", "Invalid value for option "
                + "'--epochs': '99999999999' is not an int (out of range)");
        Cli.run("gradcheck", XOR, "--per-param", "+0x10").assertUsageError("netc gradcheck", "Invalid value for "
                + "option '--per-param': '+0x10' is not an int");
        assertEquals(5e-3, Numbers.decimal("5e-3"));
        assertEquals(0.5, Numbers.decimal(".5"));
        assertEquals(5.0, Numbers.decimal("+5."));
        assertEquals(-7, Numbers.integer("-007", Integer.MIN_VALUE, Integer.MAX_VALUE, "an int"));
    }

    @Test
    void unknownOptimizerIsAUsageErrorListingTheChoices() {
        Cli.run("train", XOR, "--optimizer", "rmsprop").assertUsageError("netc train", "Invalid value for option "
                + "'--optimizer': expected one of [sgd, momentum, adam] (case-insensitive) but was 'rmsprop'");
    }

    @Test
    void unknownScheduleIsAUsageErrorListingTheChoices() {
        Cli.run("train", XOR, "--schedule", "step").assertUsageError("netc train", "Invalid value for option "
                + "'--schedule': expected one of [CONSTANT, COSINE] (case-insensitive) but was 'step'");
    }

    @Test
    void unknownDumpStageIsAUsageErrorListingTheChoices() {
        Cli.run("check", "--dump", "bytecode", XOR).assertUsageError("netc check", "Invalid value for option "
                + "'--dump': expected one of [ast, tree, ir, grad, fused, java] (case-insensitive) but was "
                + "'bytecode'");
    }

    @Test
    void helpForAnUnknownCommandIsAUsageError() {
        Cli.run("help", "frobnicate").assertUsageError("netc", "Unknown subcommand 'frobnicate'.");
    }

    @Test
    void rootHelpListsEveryCommandOnStdout() {
        Cli r = Cli.run("--help").assertSuccess();
        assertTrue(r.out().startsWith("Usage: netc [-hV] [COMMAND]\n"), r::describe);
        for (String command : new String[] {"check", "grad", "generate", "train", "eval", "gradcheck", "plot"}) {
            r.assertOutContains("\n  " + command + " ");
        }
        r.assertOutContains("Examples:\n  netc check samples/nets/mnist_mlp.net\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "grad", "generate", "train", "eval", "gradcheck", "plot"})
    void everyCommandHasHelpOnStdout(String command) {
        Cli[] result = new Cli[1];
        String picocliWarnings = systemErrDuring(() -> result[0] = Cli.run(command, "--help"));
        Cli r = result[0].assertSuccess();
        assertEquals("", picocliWarnings, "picocli reports problems with the help text on System.err");
        assertTrue(r.out().startsWith("Usage: netc " + command + " "), r::describe);
        r.assertOutContains("FILE").assertOutContains("--stacktrace");
        assertEquals(r.out(), Cli.run("help", command).assertSuccess().out(), "'netc help " + command + "'");
    }

    /** What {@code action} printed on {@link System#err}, where picocli's tracer writes its warnings. */
    private static String systemErrDuring(Runnable action) {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setErr(capture);
            action.run();
        } finally {
            System.setErr(saved);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpTakesPrecedenceOverMissingArguments() {
        Cli.run("generate", "-h").assertSuccess().assertOutContains("-o, --out=DIR");
    }

    @Test
    void versionNamesNetcAndTheJava() {
        Cli r = Cli.run("--version").assertSuccess();
        String[] lines = r.out().split("\n");
        assertEquals(2, lines.length, r::describe);
        assertTrue(lines[0].startsWith("netc "), r::describe);
        assertTrue(lines[1].startsWith("Java " + System.getProperty("java.version") + ", Vector API "), r::describe);
    }

    @Test
    void bugIsReportedAsInternalErrorWithExitCode3() {
        StringWriter err = new StringWriter();
        int code = Main.handle(new IllegalStateException("boom"), new PrintWriter(err), false, false);
        assertEquals(Main.INTERNAL_ERROR, code);
        assertEquals("netc: internal error: java.lang.IllegalStateException: boom\n"
                + "This is a bug in netc. Please report it with the command line and the .net file (rerun with "
                + "--stacktrace for details).\n", err.toString().replace("\r\n", "\n"));
    }

    @Test
    void stacktraceOptionPrintsTheTraceOfAnInternalError() {
        StringWriter err = new StringWriter();
        int code = Main.handle(new IllegalStateException("boom"), new PrintWriter(err), true, false);
        assertEquals(Main.INTERNAL_ERROR, code);
        String text = err.toString().replace("\r\n", "\n");
        assertTrue(text.startsWith("netc: internal error: java.lang.IllegalStateException: boom\n"
                + "This is a bug in netc. Please report it with the command line and the .net file.\n"
                + "java.lang.IllegalStateException: boom\n\tat netc.cli.MainTest."), text);
    }

    @Test
    void userErrorIsPrintedAsIsWithExitCode1() {
        StringWriter err = new StringWriter();
        int code = Main.handle(new UserError("a.csv", "something is wrong"), new PrintWriter(err), false, false);
        assertEquals(Main.USER_ERROR, code);
        assertEquals("a.csv: error: something is wrong\n", err.toString().replace("\r\n", "\n"));
    }

    @Test
    void runtimeInputErrorIsPrintedAsIsWithExitCode1() {
        StringWriter err = new StringWriter();
        int code = Main.handle(new InputException("w.safetensors", "file not found"), new PrintWriter(err), false, false);
        assertEquals(Main.USER_ERROR, code);
        assertEquals("w.safetensors: error: file not found\n", err.toString().replace("\r\n", "\n"));
    }

    @Test
    void outOfMemoryIsAUserErrorWithAHint() {
        StringWriter err = new StringWriter();
        int code = Main.handle(new OutOfMemoryError("Java heap space"), new PrintWriter(err), false, true);
        assertEquals(Main.USER_ERROR, code);
        assertEquals("netc: error: out of memory (the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB); give it more with NETC_JAVA_OPTS=-Xmx8g, or use a smaller --batch\n",
                err.toString().replace("\r\n", "\n"));
    }

    @Test
    void outOfMemorySuggestsBatchOnlyToCommandsThatHaveIt() {
        StringWriter err = new StringWriter();
        Main.handle(new OutOfMemoryError("Java heap space"), new PrintWriter(err), false, false);
        assertEquals("netc: error: out of memory (the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB); give it more with NETC_JAVA_OPTS=-Xmx8g\n", err.toString().replace("\r\n", "\n"));
        picocli.CommandLine root = new picocli.CommandLine(new Main());
        for (String name : new String[] {"check", "grad", "generate"}) {
            assertFalse(Main.hasBatch(root.getSubcommands().get(name)), name);
        }
        for (String name : new String[] {"train", "eval", "gradcheck"}) {
            assertTrue(Main.hasBatch(root.getSubcommands().get(name)), name);
        }
    }

    @Test
    void stacktraceOptionIsAcceptedByEveryCommandAndChangesNothingOnSuccess() {
        Cli.run("check", "--stacktrace", XOR).assertSuccess().assertOutContains("network xor");
    }

    /** An output stream that fails every write, as {@code > /dev/full} does. */
    private static final class FullDevice extends java.io.OutputStream {
        @Override
        public void write(int b) throws java.io.IOException {
            throw new java.io.IOException("No space left on device");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"check --dump java", "check", "grad", "--help", "check --help"})
    void failedWriteToStandardOutputIsAUserError(String command) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(command.split(" ")));
        if (!command.endsWith("--help")) {
            args.add(XOR);
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(new FullDevice(), true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(args.toArray(String[]::new), o, e);
        }
        assertEquals("netc: error: cannot write to standard output\n", err.toString(StandardCharsets.UTF_8));
        assertEquals(Main.USER_ERROR, code);
    }

    @Test
    void theCommandsWritersLearnThatStandardOutputFailed() {
        // a PrintStream keeps its IOException to itself: the writers over it must still see the failure, so that a
        // metrics log sent to standard output (--log /dev/stdout | head) stops training as a failed log file does
        try (PrintStream full = new PrintStream(new FullDevice(), false, StandardCharsets.UTF_8)) {
            java.io.PrintWriter out = new java.io.PrintWriter(new java.io.OutputStreamWriter(Main.failingWith(full),
                    StandardCharsets.UTF_8), true);
            out.println("{\"kind\":\"epoch\"}");
            assertTrue(out.checkError(), "the writer's own flag is set");
        }
        ByteArrayOutputStream fine = new ByteArrayOutputStream();
        try (PrintStream ok = new PrintStream(fine, false, StandardCharsets.UTF_8)) {
            java.io.PrintWriter out = new java.io.PrintWriter(new java.io.OutputStreamWriter(Main.failingWith(ok),
                    StandardCharsets.UTF_8), true);
            out.println("epoch 1");
            assertFalse(out.checkError());
            assertEquals("epoch 1\n", fine.toString(StandardCharsets.UTF_8), "each line flushed through");
        }
    }
}
