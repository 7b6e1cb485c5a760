package netc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;

class TensorFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsTensorsAndMetadataAndIsReadableAsSafetensors() throws Exception {
        Path file = dir.resolve("t.safetensors");
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "test");
        // A value that spells the checksum entry must not be taken for it: JSON escapes its quotes.
        meta.put("trap", "\"file_crc32c\":\"00000000\"");
        TensorFile.write(file, meta, List.of(new TensorFile.Tensor("a", new int[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6}),
                new TensorFile.Tensor("optimizer.m", new int[] {1}, new float[] {-0f})));
        TensorFile.Contents c = TensorFile.read(file);
        assertEquals(meta, c.metadata());
        assertEquals(List.of("a", "optimizer.m"), List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new int[] {2, 3}, c.tensors().get("a").shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c.tensors().get("a").data());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(c.tensors().get("optimizer.m").data()[0]));
        // The layout is safetensors': the metadata reader of the weights format parses the header.
        assertEquals("test", Safetensors.readMetadata(file).get("format"));
        assertTrue(Safetensors.readMetadata(file).get(TensorFile.CHECKSUM_KEY).matches("[0-9a-f]{8}"));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left");
        }
    }

    @Test
    void everyByteIsCoveredByTheChecksum() throws Exception {
        Path file = dir.resolve("t.safetensors");
        TensorFile.write(file, Map.of("k", "v"), List.of(new TensorFile.Tensor("a", new int[] {4},
                new float[] {1, 2, 3, 4})));
        byte[] good = Files.readAllBytes(file);
        for (int i = 0; i < good.length; i++) {
            byte[] bad = good.clone();
            bad[i] ^= 0x01;
            Files.write(file, bad);
            InputException e = assertThrows(InputException.class, () -> TensorFile.read(file), "byte " + i);
            assertTrue(e.getMessage().startsWith(file + ": error: "), e.getMessage());
        }
    }
}
