package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./netc} launcher's stderr filter, run against a stand-in {@code java} on the PATH (so no build and no
 * JVM start): it drops the JVM's incubator warning and passes every other byte through, a NUL included, and keeps
 * java's exit code.
 */
class LauncherScriptTest {
    /** Surefire runs in {@code cli/}; the launcher is at the top of the checkout. */
    private static final Path LAUNCHER = Path.of("..", "netc");

    @TempDir
    Path dir;

    @Test
    void filterDropsOnlyTheIncubatorWarningAndPassesBinaryBytes() throws Exception {
        assumeTrue(Files.isRegularFile(LAUNCHER) && Files.isExecutable(Path.of("/bin/bash")), "bash and the launcher");
        Path script = launcherWithJava("#!/bin/bash\n"
                + "printf 'WARNING: Using incubator modules: jdk.incubator.vector\\n' >&2\n"
                + "printf 'x.net:1:4: error: unexpected character \\000 (NUL)\\n' >&2\n"
                + "printf 'WARNING: something else\\n' >&2\n"
                + "printf 'on stdout\\n'\n"
                + "exit 7\n");

        ProcessBuilder pb = new ProcessBuilder("/bin/bash", script.toString(), "check", "x.net")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        int code = pb.start().waitFor();

        assertEquals(7, code, "java's exit code");
        assertEquals("on stdout\n", read(dir.resolve("out")));
        assertEquals("x.net:1:4: error: unexpected character \0 (NUL)\nWARNING: something else\n",
                read(dir.resolve("err")));
    }

    @Test
    void closedStdoutIsExitOneWithTheMessageAndRunsNothing() throws Exception {
        assumeTrue(Files.isRegularFile(LAUNCHER) && Files.isExecutable(Path.of("/bin/bash")), "bash and the launcher");
        Path ran = dir.resolve("java-ran");
        Path script = launcherWithJava("#!/bin/bash\n: > '" + ran + "'\nexit 0\n");

        // ProcessBuilder cannot close a descriptor; a shell in between can.
        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "exec /bin/bash \"$0\" train x.net >&-",
                script.toString()).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        int code = pb.start().waitFor();

        assertEquals(1, code, "exit code");
        assertEquals("netc: error: cannot write to standard output\n", read(dir.resolve("err")));
        assertEquals(false, Files.exists(ran), "java must not run");
    }

    @Test
    void theCallersOwnDescriptorsReachJavaUntouched() throws Exception {
        // --log /dev/fd/3 3>>run.jsonl: the launcher once juggled its streams on descriptor 3, so java got 3 closed
        // and /dev/fd/3 named whatever the JVM opened first
        assumeTrue(Files.isRegularFile(LAUNCHER) && Files.isExecutable(Path.of("/bin/bash")), "bash and the launcher");
        Path script = launcherWithJava("#!/bin/bash\n"
                + "printf 'log line\\n' >&3 || exit 9\n"
                + "printf 'other line\\n' >&5 || exit 9\n"
                + "printf 'on stdout\\n'\n"
                + "exit 0\n");
        Path log = Files.writeString(dir.resolve("run.jsonl"), "kept\n");
        Path other = dir.resolve("other.txt");

        ProcessBuilder pb = new ProcessBuilder("/bin/bash", "-c", "exec /bin/bash \"$0\" train x.net 3>>'" + log
                + "' 5>'" + other + "'", script.toString()).redirectOutput(dir.resolve("out").toFile())
                .redirectError(dir.resolve("err").toFile());
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        int code = pb.start().waitFor();

        assertEquals(0, code, read(dir.resolve("err")));
        assertEquals("kept\nlog line\n", read(log));
        assertEquals("other line\n", read(other));
        assertEquals("on stdout\n", read(dir.resolve("out")));
    }

    /**
     * A copy of the launcher beside an up-to-date (empty) jar, so that it goes straight to running "java", and a
     * {@code bin/java} script with {@code text} to stand for it (put {@code dir/bin} first on the PATH).
     */
    private Path launcherWithJava(String text) throws IOException {
        Path home = Files.createDirectories(dir.resolve("home"));
        Path script = Files.copy(LAUNCHER, home.resolve("netc"));
        Files.createDirectories(home.resolve("cli/target"));
        Files.write(home.resolve("cli/target/netc-cli.jar"), new byte[0]);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), text);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return script;
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
    }
}
