package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Runs the netc command line in process through {@link Main#run} and holds what it did: exit code, stdout and
 * stderr (line ends normalised to {@code \n}). The assertion helpers name the three kinds of outcome of the package
 * comment: success, a user error (exit 1) and a usage error (exit 2).
 */
record Cli(int code, String out, String err, List<String> args) {
    /** Surefire runs in {@code compiler/}, so the samples are one level up. */
    static final Path SAMPLES = Path.of("..", "samples", "nets");

    static Path sample(String name) {
        return SAMPLES.resolve(name);
    }

    static Cli run(Object... args) {
        List<String> argList = Stream.of(args).map(String::valueOf).collect(Collectors.toList());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Main.run(argList.toArray(String[]::new), o, e);
        }
        return new Cli(code, text(out), text(err), argList);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    /** Exit 0 and nothing on stderr. */
    Cli assertSuccess() {
        assertEquals(Main.OK, code, this::describe);
        assertEquals("", err, this::describe);
        return this;
    }

    /**
     * Exit 1 with exactly {@code expectedErr} on stderr, and no stack trace or exception class name: a user error is
     * the user's to fix, not netc's.
     */
    Cli assertUserError(String expectedErr) {
        assertEquals(Main.USER_ERROR, code, this::describe);
        assertEquals(expectedErr, err, this::describe);
        return assertNoStackTrace();
    }

    /** Exit 1, stderr starts with {@code expectedStart}, and no stack trace. */
    Cli assertUserErrorStartingWith(String expectedStart) {
        assertEquals(Main.USER_ERROR, code, this::describe);
        assertTrue(err.startsWith(expectedStart), () -> "stderr should start with\n" + expectedStart + "\n"
                + describe());
        return assertNoStackTrace();
    }

    /**
     * Exit 2, stderr is {@code netc: error: <message>}, any lines in between, and the hint to ask the command that
     * failed for help; nothing on stdout.
     */
    Cli assertUsageError(String command, String message) {
        assertEquals(Main.USAGE, code, this::describe);
        assertTrue(err.startsWith("netc: error: " + message + "\n"), () -> "stderr should start with 'netc: error: "
                + message + "'\n" + describe());
        assertTrue(err.endsWith("Try '" + command + " --help' for more information.\n"),
                () -> "stderr should end with the hint for '" + command + "'\n" + describe());
        assertEquals("", out, this::describe);
        return assertNoStackTrace();
    }

    Cli assertNoStackTrace() {
        assertFalse(err.contains("Exception"), () -> "stderr names an exception\n" + describe());
        assertFalse(err.contains("\tat ") || err.contains("at netc."), () -> "stderr holds a stack trace\n"
                + describe());
        assertFalse(err.contains("internal error"), () -> "a user error reported as a bug\n" + describe());
        return this;
    }

    Cli assertOutEmpty() {
        assertEquals("", out, this::describe);
        return this;
    }

    Cli assertOutContains(String expected) {
        assertTrue(out.contains(expected), () -> "stdout should contain\n" + expected + "\n" + describe());
        return this;
    }

    Cli assertErrContains(String expected) {
        assertTrue(err.contains(expected), () -> "stderr should contain\n" + expected + "\n" + describe());
        return this;
    }

    String describe() {
        return "netc " + String.join(" ", args) + "\nexit " + code + "\n--- stdout\n" + out + "--- stderr\n" + err
                + "---";
    }

    /** Writes a small text file, creating no directories. */
    static Path write(Path file, String text) {
        try {
            return Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A small text file's content. */
    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The names of the files in {@code dir} and below, relative to it, sorted. */
    static List<String> filesUnder(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString().replace('\\', '/')).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
