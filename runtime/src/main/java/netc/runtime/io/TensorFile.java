package netc.runtime.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import netc.runtime.InputException;

/**
 * Named F32 tensors and string metadata in one safetensors-layout file whose checksum covers every byte of it:
 * the container of training checkpoints, which hold more than a model's parameters (optimizer moments) and must
 * detect any corruption, the header included.
 *
 * <p>The layout is that of {@link Safetensors} (8-byte little-endian header length, JSON header padded to 8 bytes,
 * raw little-endian floats), so Python's {@code safetensors} reads the tensors too. The metadata entry
 * {@value #CHECKSUM_KEY} holds the CRC32C of the whole file computed with that entry's eight hex digits set to
 * {@code 00000000}; {@link #read} verifies it before interpreting anything, so a truncated or altered file is one
 * clear error rather than a confusing one about some offset.
 *
 * <p>Writing is atomic ({@link AtomicFiles}): a process killed mid-write leaves the old file (or none) and a
 * hidden temporary file, never a torn file under the target name.
 */
public final class TensorFile {

    /** The metadata key of the whole-file checksum. */
    public static final String CHECKSUM_KEY = "file_crc32c";
    /** Larger files are refused: a checkpoint is read into memory whole. */
    public static final long MAX_BYTES = Integer.MAX_VALUE - 16;

    /** The bytes the checksum's hex digits are located by; unique, since Json.quote escapes every other quote. */
    private static final byte[] CHECKSUM_PREFIX = (Json.quote(CHECKSUM_KEY) + ":\"").getBytes(StandardCharsets.UTF_8);
    private static final String ZEROS = "00000000";

    /** One tensor: a name, a shape and its row-major values. */
    public record Tensor(String name, int[] shape, float[] data) {
        /**
         * @throws IllegalArgumentException if the shape's product is not the number of values
         */
        public Tensor {
            long n = 1;
            for (int d : shape) {
                if (d < 0) {
                    throw new IllegalArgumentException("tensor " + name + ": negative dimension " + d);
                }
                n *= d;
            }
            if (n != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + Arrays.toString(shape) + " holds "
                        + n + " values, data has " + data.length);
            }
        }
    }

    /** What a file holds: its metadata (without the checksum entry) and its tensors in file order, by name. */
    public record Contents(Map<String, String> metadata, Map<String, Tensor> tensors) {
    }

    private TensorFile() {
    }

    /**
     * Writes the tensors and metadata atomically.
     *
     * @throws InputException if the file cannot be written
     */
    public static void write(Path file, Map<String, String> metadata, List<Tensor> tensors) {
        StringBuilder json = new StringBuilder("{").append(Json.quote(HeaderJson.METADATA)).append(":{");
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            if (!e.getKey().equals(CHECKSUM_KEY)) {
                json.append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue())).append(',');
            }
        }
        json.append(Json.quote(CHECKSUM_KEY)).append(":\"").append(ZEROS).append("\"}");
        long offset = 0;
        for (Tensor t : tensors) {
            json.append(',').append(Json.quote(t.name())).append(":{\"dtype\":\"F32\",\"shape\":[");
            for (int d = 0; d < t.shape().length; d++) {
                json.append(d == 0 ? "" : ",").append(t.shape()[d]);
            }
            long end = offset + 4L * t.data().length;
            json.append("],\"data_offsets\":[").append(offset).append(',').append(end).append("]}");
            offset = end;
        }
        json.append('}');
        byte[] text = json.toString().getBytes(StandardCharsets.UTF_8);
        int headerLength = (text.length + 7) / 8 * 8;
        if (8L + headerLength + offset > MAX_BYTES) {
            throw new InputException(file.toString(), "cannot write: " + (8L + headerLength + offset)
                    + " bytes is more than a checkpoint may hold (" + MAX_BYTES + ")");
        }
        ByteBuffer all = ByteBuffer.allocate((int) (8 + headerLength + offset)).order(ByteOrder.LITTLE_ENDIAN);
        all.putLong(headerLength).put(text);
        while (all.position() < 8 + headerLength) {
            all.put((byte) ' ');
        }
        for (Tensor t : tensors) {
            all.asFloatBuffer().put(t.data());
            all.position(all.position() + 4 * t.data().length);
        }
        byte[] bytes = all.array();
        int at = checksumAt(bytes, 8, 8 + headerLength);
        CRC32C crc = new CRC32C();
        crc.update(bytes);
        byte[] hex = String.format("%08x", crc.getValue()).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(hex, 0, bytes, at, 8);
        AtomicFiles.write(file, out -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                out.write(b);
            }
        });
    }

    /**
     * Reads and verifies a file written by {@link #write}.
     *
     * @throws InputException naming the file: not found, truncated, checksum mismatch, or a malformed header
     */
    public static Contents read(Path file) {
        String where = file.toString();
        byte[] bytes;
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size > MAX_BYTES) {
                throw new InputException(where, "file of " + size + " bytes is larger than a checkpoint may be");
            }
            bytes = new byte[(int) size];
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining() && in.read(b) >= 0) {
                // read until full or end of file
            }
        } catch (NoSuchFileException e) {
            throw new InputException(where, "file not found", e);
        } catch (IOException e) {
            throw new InputException(where, "cannot read: " + e.getMessage(), e);
        }
        if (bytes.length < 8) {
            throw new InputException(where, "truncated file: " + bytes.length + " bytes, too short for a header");
        }
        long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        if (headerLength < 0 || headerLength > bytes.length - 8) {
            throw new InputException(where, "truncated or corrupt file: the header length is "
                    + Long.toUnsignedString(headerLength) + " bytes but " + (bytes.length - 8) + " follow it");
        }
        int dataStart = 8 + (int) headerLength;
        int at = checksumAt(bytes, 8, dataStart);
        if (at < 0) {
            throw new InputException(where, "no " + CHECKSUM_KEY + " in the header: not a netc checkpoint, or "
                    + "its header is corrupt");
        }
        String recorded = new String(bytes, at, 8, StandardCharsets.US_ASCII);
        byte[] zeroed = bytes.clone();
        System.arraycopy(ZEROS.getBytes(StandardCharsets.US_ASCII), 0, zeroed, at, 8);
        CRC32C crc = new CRC32C();
        crc.update(zeroed);
        String actual = String.format("%08x", crc.getValue());
        if (!actual.equals(recorded)) {
            throw new InputException(where, "checksum mismatch: the file has crc32c " + actual + " but records "
                    + recorded + "; it is truncated or corrupted");
        }
        return parse(where, bytes, dataStart);
    }

    /** The header and tensors of a file whose checksum is right; still strict, since anyone can compute a CRC. */
    private static Contents parse(String where, byte[] bytes, int dataStart) {
        Map<?, ?> top = HeaderJson.object(where, ByteBuffer.wrap(bytes, 8, dataStart - 8));
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        long dataBytes = bytes.length - dataStart;
        long expected = 0;
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(HeaderJson.METADATA)) {
                metadata = HeaderJson.metadata(where, e.getValue(), CHECKSUM_KEY);
                continue;
            }
            Tensor t = tensor(where, key, e.getValue(), bytes, dataStart, expected, dataBytes);
            expected += 4L * t.data().length;
            tensors.put(key, t);
        }
        if (expected != dataBytes) {
            throw new InputException(where, "the data section has " + dataBytes + " bytes but the tensors take "
                    + expected);
        }
        return new Contents(Collections.unmodifiableMap(metadata), Collections.unmodifiableMap(tensors));
    }

    /** One tensor entry; this format's tensors are contiguous in header order, which {@link #write} produces. */
    private static Tensor tensor(String where, String name, Object value, byte[] bytes, int dataStart, long begin,
                                 long dataBytes) {
        String what = "tensor " + name;
        if (!(value instanceof Map<?, ?> entry) || !"F32".equals(entry.get("dtype"))
                || !(entry.get("shape") instanceof List<?> shapeList)
                || !(entry.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2) {
            throw new InputException(where, what + ": expected {\"dtype\":\"F32\",\"shape\":[...],"
                    + "\"data_offsets\":[begin,end]}");
        }
        List<Integer> shape = new ArrayList<>();
        long n = 1;
        for (Object d : shapeList) {
            if (!(d instanceof Long v) || v < 0 || v > Integer.MAX_VALUE) {
                throw new InputException(where, what + ": shape must hold non-negative integers");
            }
            shape.add(v.intValue());
            // Saturate rather than overflow: anything above the data section is refused below.
            n = v == 0 ? 0 : n > dataBytes / v ? dataBytes + 1 : n * v;
        }
        if (!Long.valueOf(begin).equals(offsets.get(0)) || !Long.valueOf(begin + 4 * n).equals(offsets.get(1))
                || begin + 4 * n > dataBytes) {
            throw new InputException(where, what + ": data_offsets " + offsets + " do not follow the previous "
                    + "tensor at " + begin + " with " + 4 * n + " bytes inside the " + dataBytes + "-byte data section");
        }
        float[] data = new float[(int) n];
        ByteBuffer.wrap(bytes, dataStart + (int) begin, 4 * (int) n).slice().order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer().get(data);
        return new Tensor(name, shape.stream().mapToInt(Integer::intValue).toArray(), data);
    }

    /** Index of the checksum's first hex digit in {@code bytes[from, to)}, or -1. */
    private static int checksumAt(byte[] bytes, int from, int to) {
        int last = to - CHECKSUM_PREFIX.length - 8;
        outer:
        for (int i = from; i <= last; i++) {
            for (int k = 0; k < CHECKSUM_PREFIX.length; k++) {
                if (bytes[i + k] != CHECKSUM_PREFIX[k]) {
                    continue outer;
                }
            }
            return i + CHECKSUM_PREFIX.length;
        }
        return -1;
    }
}
