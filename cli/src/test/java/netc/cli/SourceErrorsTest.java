package netc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A bad {@code .net} file is a user error in every command: exit 1, {@code file:line:col: error: ...} with the
 * source line and a caret on stderr, nothing on stdout, no stack trace. The frontend's goldens pin every message;
 * these tests pin how the CLI passes them on.
 */
class SourceErrorsTest {
    /** Every command that reads a .net file, with the arguments it needs to get that far. */
    private static String[] command(String name, Path file, Path dir) {
        return switch (name) {
            case "check", "grad", "gradcheck" -> new String[] {name, file.toString()};
            case "generate" -> new String[] {name, file.toString(), "--out", dir.resolve("gen").toString()};
            case "train" -> new String[] {name, file.toString(), "--epochs", "1"};
            case "eval" -> new String[] {name, file.toString(), "--weights", dir.resolve("w.safetensors").toString()};
            case "dump" -> new String[] {"check", "--dump", "java", file.toString()};
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static final String HEADER = "network m\n\ninput  x[4]\ntarget y : class[3]\n\nparam W[3, 4] init he\n"
            + "param b[3]\n\n";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"check", "grad", "generate", "train", "eval", "gradcheck", "dump"})
    void syntaxErrorIsReportedWithPositionSourceLineAndCaret(String name) {
        Path file = Cli.write(dir.resolve("syntax.net"), HEADER + "p = softmax(W x $ b)\nloss = cross_entropy(p, y)\n");
        Cli.run((Object[]) command(name, file, dir)).assertUserError(file + ":9:17: error: unexpected character '$'\n"
                + "    p = softmax(W x $ b)\n"
                + "                    ^\n").assertOutEmpty();
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "grad", "generate", "train", "eval", "gradcheck", "dump"})
    void shapeMismatchIsReportedWithANoteOnTheDeclaration(String name) {
        Path file = Cli.write(dir.resolve("shape.net"), "network m\n\ninput  x[4]\ntarget y : class[3]\nparam W[3, 4]\n"
                + "param b[4]\np = softmax(W x + b)\nloss = cross_entropy(p, y)\n");
        Cli.run((Object[]) command(name, file, dir)).assertUserError(file
                + ":7:17: error: shape mismatch in '+': W x is [3] but b is [4]\n"
                + "    p = softmax(W x + b)\n"
                + "                    ^\n"
                + "note: 'b' declared at " + file + ":6:7\n").assertOutEmpty();
        assertNothingWritten();
    }

    @ParameterizedTest
    @ValueSource(strings = {"check", "grad", "generate", "train", "eval", "gradcheck"})
    void missingFileIsAUserError(String name) {
        Path file = dir.resolve("nope.net");
        Cli.run((Object[]) command(name, file, dir)).assertUserError(file + ": error: no such file\n")
                .assertOutEmpty();
        assertNothingWritten();
    }

    @Test
    void missingFileIsAUserErrorForTheParseOnlyDumps() {
        Path file = dir.resolve("nope.net");
        Cli.run("check", "--dump", "ast", file).assertUserError(file + ": error: no such file\n").assertOutEmpty();
    }

    @Test
    void directoryIsNotASourceFile() {
        Cli.run("check", dir).assertUserError(dir + ": error: cannot read: Is a directory\n").assertOutEmpty();
    }

    @Test
    void nonUtf8FileIsAUserErrorAtTheBadByte() throws Exception {
        byte[] text = (HEADER + "p = softmax(W x + b) # caf\u00e9\nloss = cross_entropy(p, y)\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("latin1.net"), text);
        Cli.run("check", file).assertUserError(file + ":9:27: error: invalid UTF-8 byte 0xE9; a .net file must be"
                + " UTF-8 text\n"
                + "    p = softmax(W x + b) # caf\ufffd\n"
                + "    " + " ".repeat(26) + "^\n").assertOutEmpty();
    }

    @Test
    void leadingByteOrderMarkIsSkippedAndPositionsCountFromAfterIt() throws Exception {
        // Notepad and other Windows editors save UTF-8 with a byte order mark; it is not part of the text
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] good = (HEADER + "p = softmax(W x + b)\nloss = cross_entropy(p, y)\n")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path ok = Files.write(dir.resolve("bom.net"), concat(bom, good));
        Cli.run("check", ok).assertSuccess().assertOutContains("network m (bom.net)");
        byte[] bad = ("network m $\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Path file = Files.write(dir.resolve("bombad.net"), concat(bom, bad));
        Cli.run("check", file).assertUserError(file + ":1:11: error: unexpected character '$'\n"
                + "    network m $\n"
                + "              ^\n").assertOutEmpty();
    }

    @Test
    void byteOrderMarkAfterTheStartIsStillAnError() {
        Path file = Cli.write(dir.resolve("inner.net"), HEADER + "\ufeffp = softmax(W x + b)\n"
                + "loss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserErrorStartingWith(file + ":9:1: error: unexpected character U+FEFF");
    }

    @Test
    void backslashIsPartOfTheFileNameOnThisPlatform() {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.io.File.separatorChar == '/', "a platform where '\\' is"
                + " a file name character");
        Path file = Cli.write(dir.resolve("we\\ird.net"), HEADER + "p = softmax(W x + b)\n"
                + "loss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertSuccess().assertOutContains("network m (we\\ird.net)");
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void fileLargerThanTheLimitFailsFastNamingTheFile() throws Exception {
        // A comment longer than 1 MiB: a valid file in every other way, so only the size limit can reject it.
        Path file = Files.writeString(dir.resolve("huge.net"), HEADER + "#" + "x".repeat(1 << 20) + "\n"
                + "p = softmax(W x + b)\nloss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserError(file + ": error: the file is larger than 1 MiB, the limit for a .net"
                + " file; is it a model file?\n").assertOutEmpty();
    }

    @Test
    void endlessDeviceAsModelFailsFastNamingIt() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(zero), "a system with /dev/zero");
        Cli.run("check", zero).assertUserError("/dev/zero: error: the file is larger than 1 MiB, the limit for a .net"
                + " file; is it a model file?\n").assertOutEmpty();
    }

    @Test
    void emptyFileSaysWhatANetworkNeeds() {
        Path file = Cli.write(dir.resolve("empty.net"), "");
        Cli.run("check", file).assertUserError(file + ":1:1: error: the file is empty: a network needs a 'network "
                + "NAME' header, an input, a target, parameters and a loss\n    \n    ^\n").assertOutEmpty();
    }

    @Test
    void missingParenthesisPointsAtTheEndAndTheOpening() {
        Path file = Cli.write(dir.resolve("paren.net"), HEADER + "p = softmax(W x + b\nloss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserError(file + ":9:20: error: missing ')'\n"
                + "    p = softmax(W x + b\n"
                + "                       ^\n"
                + "note: unclosed '(' at " + file + ":9:12\n").assertOutEmpty();
    }

    @Test
    void syntaxErrorIsReportedByTheAstDump() {
        Path file = Cli.write(dir.resolve("paren.net"), HEADER + "p = softmax(W x + b\nloss = cross_entropy(p, y)\n");
        Cli.run("check", "--dump", "ast", file).assertUserErrorStartingWith(file + ":9:20: error: missing ')'\n")
                .assertOutEmpty();
    }

    @Test
    void unknownNameIsReportedWithAHint() {
        Path file = Cli.write(dir.resolve("typo.net"), HEADER + "p = softmax(W x + bb)\nloss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserError(file + ":9:19: error: unknown name 'bb'; did you mean 'b'?\n"
                + "    p = softmax(W x + bb)\n"
                + "                      ^~\n").assertOutEmpty();
    }

    @Test
    void unknownNameWithoutACloseMatchHasNoHint() {
        Path file = Cli.write(dir.resolve("unknown.net"), HEADER
                + "p = softmax(W x + bias_vector)\nloss = cross_entropy(p, y)\n");
        Cli.run("grad", file).assertUserError(file + ":9:19: error: unknown name 'bias_vector'\n"
                + "    p = softmax(W x + bias_vector)\n"
                + "                      ^~~~~~~~~~~\n").assertOutEmpty();
    }

    @Test
    void duplicateNameIsReportedAtBothDeclarations() {
        Path file = Cli.write(dir.resolve("dup.net"), HEADER.replace("param b[3]", "param W[3]")
                + "p = softmax(W x)\nloss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserErrorStartingWith(file + ":7:7: error: duplicate name 'W'\n"
                + "    param W[3]\n"
                + "          ^\n"
                + "note: 'W' first declared at " + file + ":6:7\n").assertOutEmpty();
    }

    @Test
    void wrongArityIsReportedForEveryCall() {
        Path file = Cli.write(dir.resolve("arity.net"), HEADER
                + "h = relu(W x, b)\np = softmax()\nloss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserError(file + ":9:5: error: relu takes 1 argument, got 2\n"
                + "    h = relu(W x, b)\n"
                + "        ^~~~~~~~~~~~\n"
                + file + ":10:5: error: softmax takes 1 argument, got 0\n"
                + "    p = softmax()\n"
                + "        ^~~~~~~~~\n").assertOutEmpty();
    }

    @Test
    void matrixProductMismatchSaysWhatTheMatrixNeeds() {
        Path file = Cli.write(dir.resolve("matmul.net"), "network m\n\ninput  x[4]\ntarget y : class[3]\n"
                + "param W1[8, 4]\nparam b1[8]\nparam W2[3, 4]\nh = relu(W1 x + b1)\np = softmax(W2 h)\n"
                + "loss = cross_entropy(p, y)\n");
        Cli.run("check", file).assertUserError(file + ":9:13: error: shape mismatch in matrix product: W2 is "
                + "[3, 4] but h is [8] (the matrix needs 8 columns to match)\n"
                + "    p = softmax(W2 h)\n"
                + "                ^~~~\n"
                + "note: 'W2' declared at " + file + ":7:7\n"
                + "note: 'h' defined at " + file + ":8:1\n").assertOutEmpty();
    }

    /** Only the .net file (and nothing that a failed command might have written) is left in the directory. */
    private void assertNothingWritten() {
        Cli.filesUnder(dir).forEach(f -> {
            if (!f.endsWith(".net")) {
                throw new AssertionError("a failed command wrote " + f);
            }
        });
    }
}
