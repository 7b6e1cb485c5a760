package netc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.Init;
import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.TargetKind;

class SafetensorsTest {

    /** W [2, 3] at 0, b [2] at 6: 8 floats, 32 bytes of data. */
    private static final ModelSpec TINY = new ModelSpec("tiny", "tiny.net", "x", new int[] {3}, "p", new int[] {2},
            TargetKind.CLASSES, 2, "cross_entropy", List.of(new ParamSpec("W", new int[] {2, 3}, 0, Init.HE),
            new ParamSpec("b", new int[] {2}, 6, Init.ZEROS)));

    private static final float[] VALUES = {1.5f, -2f, 0f, -0f, Float.MIN_VALUE, 3.25e-20f, 7f, -8.5f};

    private static final String W_ENTRY = "\"W\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]}";
    private static final String B_ENTRY = "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[24,32]}";

    @TempDir
    Path dir;

    private static byte[] littleEndian(float... values) {
        ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return b.array();
    }

    /** A file with the given header text (not padded) and data bytes. */
    private Path file(String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        return Files.write(dir.resolve("w.safetensors"), b.array());
    }

    private Path tensors(String entries, byte[] data) throws IOException {
        return file("{" + entries + "}", data);
    }

    private static void assertLoadFails(String expected, Path file) {
        InputException e = assertThrows(InputException.class, () -> Safetensors.load(file, TINY));
        assertEquals(file + ": error: " + expected, e.getMessage());
    }

    @Test
    void savedWeightsLoadBackBitwise() {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.save(file, TINY, VALUES);
        float[] loaded = Safetensors.load(file, TINY);
        for (int i = 0; i < VALUES.length; i++) {
            assertEquals(Float.floatToRawIntBits(VALUES[i]), Float.floatToRawIntBits(loaded[i]), "element " + i);
        }
    }

    @Test
    void theFileIsSafetensorsWithAPaddedHeaderAndLittleEndianData() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.save(file, TINY, VALUES);
        byte[] bytes = Files.readAllBytes(file);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        assertEquals(8 + n + 32, bytes.length);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        CRC32C crc = new CRC32C();
        crc.update(littleEndian(VALUES));
        assertEquals("{\"__metadata__\":{\"format\":\"netc\",\"network\":\"tiny\",\"crc32c\":\""
                + String.format("%08x", crc.getValue()) + "\"}," + W_ENTRY + "," + B_ENTRY + "}", header.stripTrailing());
        assertArrayEquals(littleEndian(VALUES), Arrays.copyOfRange(bytes, (int) (8 + n), bytes.length));
    }

    @Test
    void extraMetadataIsKeptAndReadable() {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.save(file, TINY, VALUES, Map.of("epochs", "3", "format", "ignored"));
        Map<String, String> metadata = Safetensors.readMetadata(file);
        assertEquals("netc", metadata.get("format"));
        assertEquals("tiny", metadata.get("network"));
        assertEquals("3", metadata.get("epochs"));
    }

    @Test
    void savingOverAnExistingFileReplacesIt() {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.save(file, TINY, new float[8]);
        Safetensors.save(file, TINY, VALUES);
        assertArrayEquals(VALUES, Safetensors.load(file, TINY));
    }

    @Test
    void tensorsStoredInAnotherOrderArePlacedByName() throws IOException {
        String bFirst = "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"W\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[8,32]}";
        Path file = tensors(bFirst, littleEndian(7f, -8.5f, 1.5f, -2f, 0f, -0f, Float.MIN_VALUE, 3.25e-20f));
        assertArrayEquals(VALUES, Safetensors.load(file, TINY));
    }

    @Test
    void aFileFromAnotherToolWithoutChecksumOrMetadataLoads() throws IOException {
        Path file = tensors(W_ENTRY + "," + B_ENTRY, littleEndian(VALUES));
        assertArrayEquals(VALUES, Safetensors.load(file, TINY));
    }

    @Test
    void aFileShorterThanTheLengthFieldIsTruncated() throws IOException {
        Path file = Files.write(dir.resolve("w.safetensors"), new byte[5]);
        assertLoadFails("truncated file: 5 bytes, too short for the 8-byte header length of a safetensors file", file);
    }

    @Test
    void aHeaderLengthBeyondTheFileIsTruncation() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 100);
        Path file = Files.write(dir.resolve("w.safetensors"), b.array());
        assertLoadFails("truncated file: the header length is 100 bytes but only 12 follow it", file);
    }

    @Test
    void anAbsurdHeaderLengthIsRejectedBeforeAllocating() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 200_000_000L);
        Path file = Files.write(dir.resolve("w.safetensors"), b.array());
        assertLoadFails("header length 200000000 is beyond the 100000000-byte limit; this is not a safetensors file"
                + " or it is corrupted", file);
    }

    @Test
    void aNegativeHeaderLengthReadsAsAHugeUnsignedOne() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(0, -1);
        Path file = Files.write(dir.resolve("w.safetensors"), b.array());
        assertLoadFails("header length 18446744073709551615 is beyond the 100000000-byte limit; this is not a"
                + " safetensors file or it is corrupted", file);
    }

    @Test
    void aHeaderThatIsNotUtf8IsRejected() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(4);
        b.put(new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
        Path file = Files.write(dir.resolve("w.safetensors"), b.array());
        assertLoadFails("the header is not valid UTF-8", file);
    }

    @Test
    void badJsonSaysWhatWasExpectedAndWhere() throws IOException {
        Path file = file("{\"W\":{\"dtype\" \"F32\"}}", new byte[0]);
        assertLoadFails("bad JSON in the header: expected ':', found '\"' at offset 14", file);
    }

    @Test
    void aHeaderThatIsNotAnObjectIsRejected() throws IOException {
        assertLoadFails("the header is not a JSON object", file("[1, 2]", new byte[0]));
    }

    @Test
    void duplicateTensorNamesAreRejected() throws IOException {
        Path file = tensors(W_ENTRY + "," + W_ENTRY, littleEndian(VALUES));
        assertLoadFails("bad JSON in the header: duplicate key \"W\" at offset 57", file);
    }

    @Test
    void aDtypeOtherThanF32IsRejectedNamingTheTensor() throws IOException {
        Path file = tensors(W_ENTRY.replace("F32", "F16") + "," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W: dtype F16 is not supported; netc reads F32 only", file);
    }

    @Test
    void aTensorWithoutDtypeIsRejected() throws IOException {
        Path file = tensors("\"W\":{\"shape\":[2,3],\"data_offsets\":[0,24]}," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W: missing dtype", file);
    }

    @Test
    void anUnknownKeyInATensorEntryIsRejected() throws IOException {
        Path file = tensors(W_ENTRY.replace("}", ",\"strides\":[3,1]}") + "," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W: unexpected key \"strides\"", file);
    }

    @Test
    void aShapeMustBeNonNegativeIntegers() throws IOException {
        Path file = tensors(W_ENTRY.replace("[2,3]", "[2,-3]") + "," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W: shape must be an array of non-negative integers", file);
    }

    @Test
    void dataOffsetsMustBeAnOrderedPair() throws IOException {
        Path file = tensors(W_ENTRY.replace("[0,24]", "[24,0]") + "," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W: data_offsets must be [begin, end] with 0 <= begin <= end", file);
    }

    @Test
    void aShapeProductDifferentFromTheByteRangeIsRejected() throws IOException {
        Path file = tensors(W_ENTRY.replace("[2,3]", "[2,2]") + "," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W: shape [2, 2] needs 16 bytes but data_offsets [0, 24] span 24", file);
    }

    @Test
    void offsetsBeyondTheDataSectionAreOutOfRange() throws IOException {
        Path file = tensors(W_ENTRY + "," + B_ENTRY, Arrays.copyOf(littleEndian(VALUES), 28));
        assertLoadFails("tensor b: data_offsets [24, 32] go beyond the data section of 28 bytes", file);
    }

    @Test
    void overlappingTensorsAreRejected() throws IOException {
        String b = B_ENTRY.replace("[24,32]", "[20,28]");
        Path file = tensors(W_ENTRY + "," + b, Arrays.copyOf(littleEndian(VALUES), 28));
        assertLoadFails("tensors W and b overlap: [0, 24] and [20, 28]", file);
    }

    @Test
    void aGapBetweenTensorsIsRejected() throws IOException {
        String b = B_ENTRY.replace("[24,32]", "[28,36]");
        Path file = tensors(W_ENTRY + "," + b, Arrays.copyOf(littleEndian(VALUES), 36));
        assertLoadFails("gap in the data section: bytes [24, 28] before tensor b belong to no tensor", file);
    }

    @Test
    void bytesAfterTheLastTensorAreRejected() throws IOException {
        Path file = tensors(W_ENTRY + "," + B_ENTRY, Arrays.copyOf(littleEndian(VALUES), 40));
        assertLoadFails("the data section has 8 bytes after the last tensor", file);
    }

    @Test
    void aMissingParameterIsNamedWithItsDeclaredShape() throws IOException {
        Path file = tensors(W_ENTRY, Arrays.copyOf(littleEndian(VALUES), 24));
        assertLoadFails("missing tensor b: network 'tiny' declares b [2]", file);
    }

    @Test
    void aTensorThatIsNotAParameterIsRejected() throws IOException {
        String extra = "\"W3\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[32,36]}";
        Path file = tensors(W_ENTRY + "," + B_ENTRY + "," + extra, Arrays.copyOf(littleEndian(VALUES), 36));
        assertLoadFails("tensor W3 is not a parameter of network 'tiny'", file);
    }

    @Test
    void aShapeDifferentFromTheDeclarationNamesBothShapes() throws IOException {
        Path file = tensors(W_ENTRY.replace("[2,3]", "[3,2]") + "," + B_ENTRY, littleEndian(VALUES));
        assertLoadFails("tensor W has shape [3, 2] but network 'tiny' declares [2, 3]", file);
    }

    @Test
    void aNanValueIsRejectedWithItsTensorAndElement() throws IOException {
        float[] values = VALUES.clone();
        values[4] = Float.NaN;
        assertLoadFails("tensor W holds NaN at element 4", tensors(W_ENTRY + "," + B_ENTRY, littleEndian(values)));
    }

    @Test
    void aNegativeRunningVarianceIsRejected() {
        ModelSpec bn = new ModelSpec("bn", "bn.net", "x", new int[] {2}, "p", new int[] {2}, TargetKind.CLASSES, 2,
                "cross_entropy", List.of(new ParamSpec("W", new int[] {2, 2}, 0, Init.HE),
                new ParamSpec("batchnorm0.running_mean", new int[] {2}, 4, Init.ZEROS),
                new ParamSpec("batchnorm0.running_var", new int[] {2}, 6, Init.ONES)));
        Path file = dir.resolve("bn.safetensors");
        Safetensors.save(file, bn, new float[] {1, -2, 3, -4, -5, -6, 0, 1});
        Safetensors.load(file, bn); // negative weights and means, a zero variance: all fine
        Safetensors.save(file, bn, new float[] {1, 2, 3, 4, 5, 6, 1, -1});
        InputException e = assertThrows(InputException.class, () -> Safetensors.load(file, bn));
        assertEquals(file + ": error: tensor batchnorm0.running_var holds -1.0 at element 1: a variance is never "
                + "negative", e.getMessage());
    }

    @Test
    void anInfiniteValueIsRejectedWithItsTensorAndElement() throws IOException {
        float[] values = VALUES.clone();
        values[7] = Float.NEGATIVE_INFINITY;
        assertLoadFails("tensor b holds -Infinity at element 1",
                tensors(W_ENTRY + "," + B_ENTRY, littleEndian(values)));
    }

    @Test
    void aCorruptedDataByteFailsTheChecksum() throws IOException {
        Path file = dir.resolve("tiny.safetensors");
        Safetensors.save(file, TINY, VALUES);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(file, bytes);
        String recorded = Safetensors.readMetadata(file).get("crc32c");
        CRC32C crc = new CRC32C();
        crc.update(bytes, bytes.length - 32, 32);
        assertLoadFails("checksum mismatch: the data has crc32c " + String.format("%08x", crc.getValue())
                + " but the header records " + recorded + "; the file is corrupted", file);
    }

    @Test
    void metadataValuesMustBeStrings() throws IOException {
        Path file = file("{\"__metadata__\":{\"epochs\":3}," + W_ENTRY + "," + B_ENTRY + "}", littleEndian(VALUES));
        assertLoadFails("__metadata__ entry \"epochs\" is not a string", file);
    }

    @Test
    void aMissingFileIsReported() {
        Path file = dir.resolve("none.safetensors");
        assertLoadFails("file not found", file);
    }

    @Test
    void weightsHoldingNanAreNotSaved() {
        float[] values = VALUES.clone();
        values[2] = Float.NaN;
        Path file = dir.resolve("tiny.safetensors");
        InputException e = assertThrows(InputException.class, () -> Safetensors.save(file, TINY, values));
        assertEquals(file + ": error: refusing to save: parameter W holds NaN at element 2", e.getMessage());
        assertEquals(false, Files.exists(file));
    }

    @Test
    void aFailedSaveLeavesTheTargetUntouchedAndNoTemporaryFile() throws IOException {
        // The target is a non-empty directory, so the final rename fails after the data has been written.
        Path target = Files.createDirectory(dir.resolve("model.safetensors"));
        Files.writeString(target.resolve("keep.txt"), "old");
        InputException e = assertThrows(InputException.class, () -> Safetensors.save(target, TINY, VALUES));
        assertEquals(target + ": error: cannot write: is a directory", e.getMessage());
        assertEquals("old", Files.readString(target.resolve("keep.txt")));
        try (var files = Files.list(dir)) {
            assertEquals(List.of(target), files.toList());
        }
    }
}
