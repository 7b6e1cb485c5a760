package netc.runtime.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;

import netc.runtime.FuzzProperty;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.TargetKind;

/**
 * Fuzzes the safetensors reader: any byte string, as a whole weights file and as the header of one, is loaded or
 * rejected with a message that names the file (see {@link FuzzProperty}). Seeds and regression inputs: {@code SafetensorsFuzzTestInputs/loadAnyFile/}
 * under this package's test resources.
 */
class SafetensorsFuzzTest {

    /** The model every input is loaded against: W [2, 3] then b [2], the layout of the seed files. */
    private static final ModelSpec TINY = new ModelSpec("tiny", "tiny.net", "x", new int[] {3}, "p", new int[] {2},
            TargetKind.CLASSES, 2, "cross_entropy", List.of(new ParamSpec("W", new int[] {2, 3}, 0, Init.HE),
            new ParamSpec("b", new int[] {2}, 6, Init.ZEROS)));

    /** One file, rewritten for each input: the reader takes a path, and a fresh file per input is slower. */
    private static final Path FILE = scratchFile();

    private static Path scratchFile() {
        try {
            Path dir = Files.createTempDirectory("netc-fuzz-safetensors");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("w.safetensors");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void loadAnyFile(byte[] input) throws IOException {
        load(input);
        // The same bytes as the JSON header of a file with a correct length field and the 32 data bytes TINY
        // needs: a mutated header then reaches the JSON, tensor and layout checks instead of failing at the
        // length, which a mutation of a whole file seldom keeps consistent.
        ByteBuffer file = ByteBuffer.allocate(8 + input.length + 32).order(ByteOrder.LITTLE_ENDIAN);
        file.putLong(input.length).put(input);
        load(file.array());
    }

    private static void load(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        String source = FILE.toString();
        FuzzProperty.readsOrRejects(source, () -> Safetensors.readMetadata(FILE));
        FuzzProperty.readsOrRejects(source, () -> Safetensors.load(FILE, TINY));
    }
}
