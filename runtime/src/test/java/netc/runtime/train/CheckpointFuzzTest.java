package netc.runtime.train;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.CRC32C;

import com.code_intelligence.jazzer.junit.FuzzTest;

import netc.runtime.FuzzProperty;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.TargetKind;
import netc.runtime.io.TensorFile;

/**
 * Fuzzes the checkpoint reader: any header and data section, made into a file whose checksum is right (a mutation
 * would otherwise stop at the checksum, which anyone can compute), is read and checked against a model, or rejected
 * with a message that names the file (see {@link FuzzProperty}). An input is the JSON header, a 0 byte, then the
 * data section. Seeds and regression inputs: {@code CheckpointFuzzTestInputs/readAnyCheckpoint/} under this
 * package's test resources (a checkpoint of {@code netc train} after one epoch of a 2-2 softmax regression).
 */
class CheckpointFuzzTest {

    /** The model of the seed: W [2, 2] then b [2]. */
    private static final ModelSpec TINY = new ModelSpec("lr", "lr.net", "x", new int[] {2}, "p", new int[] {2},
            TargetKind.CLASSES, 2, "cross_entropy", List.of(new ParamSpec("W", new int[] {2, 2}, 0, Init.ZEROS),
            new ParamSpec("b", new int[] {2}, 4, Init.ZEROS)));

    private static final byte[] CHECKSUM_FIELD =
            ("\"" + TensorFile.CHECKSUM_KEY + "\":\"").getBytes(StandardCharsets.US_ASCII);

    /** One file, rewritten for each input. */
    private static final Path FILE = scratchFile();

    private static Path scratchFile() {
        try {
            Path dir = Files.createTempDirectory("netc-fuzz-checkpoint");
            dir.toFile().deleteOnExit();
            Path file = dir.resolve("checkpoint-000001.safetensors");
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void readAnyCheckpoint(byte[] input) throws IOException {
        int split = 0;
        while (split < input.length && input[split] != 0) {
            split++;
        }
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        file.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(split).array());
        file.write(input, 0, split);
        if (split < input.length) {
            file.write(input, split + 1, input.length - split - 1);
        }
        byte[] bytes = file.toByteArray();
        withRightChecksum(bytes, 8 + split);
        Files.write(FILE, bytes);
        String source = FILE.toString();
        FuzzProperty.readsOrRejects(source, () -> Checkpoint.read(FILE).requireModel(TINY, null));
    }

    /** Writes the CRC32C the reader expects into the first checksum field of the header, if it has one. */
    private static void withRightChecksum(byte[] bytes, int headerEnd) {
        for (int i = 8; i + CHECKSUM_FIELD.length + 8 <= headerEnd; i++) {
            if (ByteBuffer.wrap(bytes, i, CHECKSUM_FIELD.length).equals(ByteBuffer.wrap(CHECKSUM_FIELD))) {
                int at = i + CHECKSUM_FIELD.length;
                java.util.Arrays.fill(bytes, at, at + 8, (byte) '0');
                CRC32C crc = new CRC32C();
                crc.update(bytes);
                byte[] hex = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(hex, 0, bytes, at, 8);
                return;
            }
        }
    }
}
