package netc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
