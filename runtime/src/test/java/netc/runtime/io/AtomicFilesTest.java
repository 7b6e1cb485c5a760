package netc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private List<Path> filesInDir() throws IOException {
        try (var files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void aPipeOrADeviceIsRefusedNotReplacedWithAFile() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo works here");
        Path link = Files.createSymbolicLink(dir.resolve("to-fifo"), fifo);
        for (Path target : List.of(fifo, link)) {
            InputException e = assertThrows(InputException.class,
                    () -> AtomicFiles.write(target, out -> out.write(ascii("weights"))));
            assertEquals(target + ": error: cannot write: not a regular file (a device, a pipe or a socket); netc "
                    + "replaces its output files whole, so give the name of a file", e.getMessage());
            assertThrows(InputException.class, () -> AtomicFiles.probe(target));
        }
        assertFalse(Files.isRegularFile(fifo), "still a pipe");
        try (var files = Files.list(dir)) {
            assertEquals(List.of("fifo", "to-fifo"), files.map(p -> p.getFileName().toString()).sorted().toList(),
                    "no temporary file left");
        }
    }

    @Test
    void theNewContentReplacesTheOldFile() throws IOException {
        Path file = Files.writeString(dir.resolve("log.csv"), "old");
        AtomicFiles.write(file, out -> out.write(ascii("new content")));
        assertEquals("new content", Files.readString(file));
        assertEquals(List.of(file), filesInDir());
    }

    @Test
    void aWriteThatFailsHalfwayLeavesTheOldFileIntactAndRemovesTheTemporaryFile() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "old weights");
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.write(file, out -> {
            out.write(ascii("half of the new"));
            throw new IOException("No space left on device");
        }));
        assertEquals(file + ": error: cannot write: no space left on device", e.getMessage());
        assertEquals("old weights", Files.readString(file));
        assertEquals(List.of(file), filesInDir());
    }

    @Test
    void aBugInTheContentWriterAlsoCleansUp() throws IOException {
        Path file = Files.writeString(dir.resolve("model.safetensors"), "old weights");
        assertThrows(IllegalStateException.class, () -> AtomicFiles.write(file, out -> {
            out.write(ascii("partial"));
            throw new IllegalStateException("bug");
        }));
        assertEquals("old weights", Files.readString(file));
        assertEquals(List.of(file), filesInDir());
    }

    @Test
    void aMissingDirectoryIsReported() {
        Path file = dir.resolve("no/such/dir/model.safetensors");
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.write(file,
                out -> out.write(ascii("x"))));
        assertEquals(file + ": error: cannot write: no such directory", e.getMessage());
    }

    /** A pid above Linux's pid_max (2^22): no process has it. */
    private static final long DEAD_PID = 2_147_483_646L;

    @Test
    void theTemporaryFileIsHiddenAndNamesTheTargetAndTheProcess() throws IOException {
        Path file = dir.resolve("w.safetensors");
        List<String> during = new java.util.ArrayList<>();
        AtomicFiles.write(file, out -> {
            try (var files = Files.list(dir)) {
                files.forEach(p -> during.add(p.getFileName().toString()));
            }
            out.write(ascii("x"));
        });
        assertEquals(1, during.size(), during::toString);
        String prefix = ".w.safetensors.netc-tmp-" + ProcessHandle.current().pid() + "-";
        assertTrue(during.get(0).startsWith(prefix) && during.get(0).length() > prefix.length(), during::toString);
        assertEquals(List.of(file), filesInDir());
    }

    @Test
    void theNextWriteRemovesTheStaleTemporaryFilesOfItsTarget() throws IOException {
        Path file = dir.resolve("w.safetensors");
        Path deadProcess = Files.writeString(dir.resolve(".w.safetensors.netc-tmp-" + DEAD_PID + "-abc"), "killed");
        Path untouchedForHours = Files.writeString(dir.resolve(".w.safetensors.netc-tmp-1-def"), "old");
        Files.setLastModifiedTime(untouchedForHours, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        Path olderForm = Files.writeString(dir.resolve("w.safetensors.tmp3kq9z1"), "old form");
        Files.setLastModifiedTime(olderForm, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        // Kept: a live process's fresh write in progress, another target's leftovers, a user's own file.
        Path live = Files.writeString(dir.resolve(".w.safetensors.netc-tmp-" + ProcessHandle.current().pid()
                + "-ghi"), "in progress");
        Path otherTarget = Files.writeString(dir.resolve(".v.safetensors.netc-tmp-" + DEAD_PID + "-abc"), "other");
        Path usersFile = Files.writeString(dir.resolve("w.safetensors.tmp-notes.txt"), "mine");
        Files.setLastModifiedTime(usersFile, FileTime.from(Instant.now().minus(Duration.ofHours(3))));

        AtomicFiles.write(file, out -> out.write(ascii("new")));

        assertEquals("new", Files.readString(file));
        assertEquals(java.util.stream.Stream.of(file, live, otherTarget, usersFile).sorted().toList(), filesInDir());
        assertFalse(Files.exists(deadProcess) || Files.exists(untouchedForHours) || Files.exists(olderForm));
    }

    /** The JVM exits (Ctrl-C, SIGTERM, System.exit) in the middle of a write: the shutdown hook deletes the temp. */
    @Test
    void aJvmThatExitsMidWriteLeavesNoTemporaryFile() throws Exception {
        Path file = dir.resolve("w.safetensors");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ExitDuringWrite.class.getName(), file.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), output);
        assertTrue(output.startsWith("temp .w.safetensors.netc-tmp-"), output);
        assertEquals(List.of(), filesInDir(), output);
    }

    /** Starts a write and exits the JVM from inside it, after saying which temporary file was there. */
    static final class ExitDuringWrite {
        public static void main(String[] args) {
            Path file = Path.of(args[0]);
            AtomicFiles.write(file, out -> {
                out.write(ascii("half"));
                try (var files = Files.list(file.getParent())) {
                    System.out.println("temp " + files.map(f -> f.getFileName().toString()).toList().get(0));
                }
                System.exit(0);
            });
        }
    }

    @Test
    void aSymbolicLinkIsWrittenThroughAndStaysALink() throws IOException {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path target = Files.writeString(real.resolve("w.safetensors"), "old");
        Path link = Files.createSymbolicLink(dir.resolve("link.safetensors"), Path.of("real", "w.safetensors"));
        AtomicFiles.write(link, out -> out.write(ascii("new")));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(Path.of("real", "w.safetensors"), Files.readSymbolicLink(link));
        assertEquals("new", Files.readString(target));
        assertEquals(List.of(link, real), filesInDir());
        try (var files = Files.list(real)) {
            assertEquals(List.of(target), files.toList(), "the temporary file was next to the link's target");
        }
    }

    @Test
    void aLinkToNothingIsAnError() throws IOException {
        Path link = Files.createSymbolicLink(dir.resolve("w.safetensors"), dir.resolve("gone").resolve("w"));
        InputException e = assertThrows(InputException.class, () -> AtomicFiles.write(link,
                out -> out.write(ascii("x"))));
        assertEquals(link + ": error: cannot write: it is a symbolic link to " + dir.resolve("gone").resolve("w")
                + ", which does not exist", e.getMessage());
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(List.of(link), filesInDir());
    }
}
