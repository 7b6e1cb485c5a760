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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;

/**
 * Saves and loads a model's parameter vector in the safetensors format, which PyTorch and Hugging Face tools read.
 *
 * <p>Layout: an 8-byte little-endian header length {@code N}; {@code N} bytes of UTF-8 JSON
 * {@code {"__metadata__":{"format":"netc","network":"mlp",...},"W1":{"dtype":"F32","shape":[512,784],
 * "data_offsets":[0,1605632]},...}}, padded with spaces so the data starts 8-byte aligned; then the tensors' raw
 * little-endian floats, in parameter declaration order, offsets relative to the end of the header. The metadata
 * also records {@code crc32c}, the CRC32C of the data section, which {@link #load} verifies when present.
 *
 * <p>Writing is atomic ({@link AtomicFiles}). Reading is strict, because a weights file is input from outside:
 * every declared size is checked against the bytes present before anything large is allocated, and each problem
 * is one {@link InputException} naming the file and, where there is one, the tensor.
 */
public final class Safetensors {

    /** Header size limit, as in the reference implementation: larger is corruption or an attack. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;
    /** The metadata key holding the data section's checksum. */
    public static final String CRC_KEY = "crc32c";

    private static final int CHUNK = 1 << 20;

    private Safetensors() {
    }

    /** Saves {@code params} for {@code spec}; the metadata records the format and the network's name. */
    public static void save(Path file, ModelSpec spec, float[] params) {
        save(file, spec, params, Map.of());
    }

    /**
     * Saves {@code params} with extra metadata entries (e.g. the seed or the epoch count) besides
     * {@code format}, {@code network} and {@code crc32c}, which this method sets.
     *
     * @throws InputException if the file cannot be written, or a parameter holds NaN or infinity (such a file could
     *                        not be loaded again)
     */
    public static void save(Path file, ModelSpec spec, float[] params, Map<String, String> extraMetadata) {
        if (params.length != spec.paramCount()) {
            throw new IllegalArgumentException("params has " + params.length + " floats, network " + spec.name()
                    + " needs " + spec.paramCount());
        }
        for (ParamSpec p : spec.params()) {
            for (int i = 0; i < p.size(); i++) {
                if (!Float.isFinite(params[p.offset() + i])) {
                    throw new InputException(file.toString(), "refusing to save: parameter " + p.name() + " holds "
                            + params[p.offset() + i] + " at element " + i);
                }
            }
        }
        ByteBuffer data = ByteBuffer.allocate(4 * params.length).order(ByteOrder.LITTLE_ENDIAN);
        data.asFloatBuffer().put(params);
        CRC32C crc = new CRC32C();
        crc.update(data.duplicate());

        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", "netc");
        metadata.put("network", spec.name());
        extraMetadata.forEach((k, v) -> {
            if (!metadata.containsKey(k) && !k.equals(CRC_KEY)) {
                metadata.put(k, v);
            }
        });
        metadata.put(CRC_KEY, String.format("%08x", crc.getValue()));
        byte[] header = header(spec, metadata);

        ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, header.length);
        AtomicFiles.write(file, out -> {
            writeFully(out, length);
            writeFully(out, ByteBuffer.wrap(header));
            writeFully(out, data);
        });
    }

    /** The JSON header, padded with spaces to a multiple of 8 bytes. */
    private static byte[] header(ModelSpec spec, Map<String, String> metadata) {
        StringBuilder json = new StringBuilder("{").append(Json.quote(HeaderJson.METADATA)).append(":{");
        String sep = "";
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            json.append(sep).append(Json.quote(e.getKey())).append(':').append(Json.quote(e.getValue()));
            sep = ",";
        }
        json.append('}');
        for (ParamSpec p : spec.params()) {
            long begin = 4L * p.offset();
            long end = begin + 4L * p.size();
            json.append(',').append(Json.quote(p.name())).append(":{\"dtype\":\"F32\",\"shape\":[");
            int[] shape = p.shape();
            for (int d = 0; d < shape.length; d++) {
                json.append(d == 0 ? "" : ",").append(shape[d]);
            }
            json.append("],\"data_offsets\":[").append(begin).append(',').append(end).append("]}");
        }
        json.append('}');
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        byte[] padded = Arrays.copyOf(bytes, (bytes.length + 7) / 8 * 8);
        Arrays.fill(padded, bytes.length, padded.length, (byte) ' ');
        return padded;
    }

    /**
     * Loads a parameter vector for {@code spec}: the file must hold exactly the model's parameters, as F32 with the
     * declared shapes, and every value must be finite.
     *
     * @throws InputException naming the file (and the tensor) for the first problem found
     */
    public static float[] load(Path file, ModelSpec spec) {
        String where = file.toString();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            Header header = readHeader(in, where);
            List<Tensor> tensors = header.tensors;
            checkLayout(tensors, header.dataBytes, where);
            checkAgainstModel(tensors, spec, where);
            CRC32C crc = new CRC32C();
            float[] params = readData(in, header, spec, crc);
            String recorded = header.metadata.get(CRC_KEY);
            String actual = String.format("%08x", crc.getValue());
            if (recorded != null && !recorded.equalsIgnoreCase(actual)) {
                throw new InputException(where, "checksum mismatch: the data has crc32c " + actual
                        + " but the header records " + recorded + "; the file is corrupted");
            }
            requireUsableValues(spec, params, where);
            return params;
        } catch (NoSuchFileException e) {
            throw new InputException(where, "file not found", e);
        } catch (IOException e) {
            throw new InputException(where, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * Requires that every value of {@code params}, laid out as {@code spec} says, is finite, and every running
     * variance is {@code >= 0}: what loading weights (here) and resuming a checkpoint check before a network runs.
     *
     * @param where the file, for the message
     * @throws InputException naming the tensor and element of the first value that fails
     */
    public static void requireUsableValues(ModelSpec spec, float[] params, String where) {
        for (ParamSpec p : spec.params()) {
            for (int i = 0; i < p.size(); i++) {
                float v = params[p.offset() + i];
                if (!Float.isFinite(v)) {
                    throw new InputException(where, "tensor " + p.name() + " holds " + v + " at element " + i);
                }
                // a variance below 0 makes every output NaN (sqrt of a negative), with no error anywhere
                if (v < 0 && p.isState() && p.name().endsWith(".running_var")) {
                    throw new InputException(where, "tensor " + p.name() + " holds " + v + " at element " + i
                            + ": a variance is never negative");
                }
            }
        }
    }

    /** The {@code __metadata__} entries of a weights file (empty if it has none). */
    public static Map<String, String> readMetadata(Path file) {
        String where = file.toString();
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            return readHeader(in, where).metadata;
        } catch (NoSuchFileException e) {
            throw new InputException(where, "file not found", e);
        } catch (IOException e) {
            throw new InputException(where, "cannot read: " + e.getMessage(), e);
        }
    }

    /** One tensor entry of the header; offsets are relative to the data section. */
    private record Tensor(String name, int[] shape, long begin, long end) {
        String range() {
            return "[" + begin + ", " + end + "]";
        }
    }

    private record Header(Map<String, String> metadata, List<Tensor> tensors, long dataStart, long dataBytes) {
    }

    private static Header readHeader(FileChannel in, String where) throws IOException {
        long size = in.size();
        if (size < 8) {
            throw new InputException(where, "truncated file: " + size + " bytes, too short for the 8-byte header"
                    + " length of a safetensors file");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(in, lengthBytes, 0);
        long n = lengthBytes.getLong(0);
        if (n < 0 || n > MAX_HEADER_BYTES) {
            throw new InputException(where, "header length " + Long.toUnsignedString(n) + " is beyond the "
                    + MAX_HEADER_BYTES + "-byte limit; this is not a safetensors file or it is corrupted");
        }
        if (n > size - 8) {
            throw new InputException(where, "truncated file: the header length is " + n + " bytes but only "
                    + (size - 8) + " follow it");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) n);
        readFully(in, headerBytes, 8);
        Map<?, ?> top = HeaderJson.object(where, headerBytes.flip());
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Tensor> tensors = new ArrayList<>();
        for (Map.Entry<?, ?> e : top.entrySet()) {
            String key = (String) e.getKey();
            if (key.equals(HeaderJson.METADATA)) {
                metadata = HeaderJson.metadata(where, e.getValue(), null);
            } else {
                tensors.add(tensor(key, e.getValue(), where));
            }
        }
        return new Header(metadata, tensors, 8 + n, size - 8 - n);
    }

    private static Tensor tensor(String name, Object value, String where) {
        String what = "tensor " + name;
        if (!(value instanceof Map<?, ?> entry)) {
            throw new InputException(where, what + ": expected an object with dtype, shape and data_offsets");
        }
        for (Object key : entry.keySet()) {
            if (!key.equals("dtype") && !key.equals("shape") && !key.equals("data_offsets")) {
                throw new InputException(where, what + ": unexpected key " + Json.quote((String) key));
            }
        }
        Object dtype = entry.get("dtype");
        if (!(dtype instanceof String)) {
            throw new InputException(where, what + ": missing dtype");
        }
        if (!dtype.equals("F32")) {
            throw new InputException(where, what + ": dtype " + dtype + " is not supported; netc reads F32 only");
        }
        long[] shapeValues = nonNegativeIntegers(entry.get("shape"));
        if (shapeValues == null) {
            throw new InputException(where, what + ": shape must be an array of non-negative integers");
        }
        long[] offsets = nonNegativeIntegers(entry.get("data_offsets"));
        if (offsets == null || offsets.length != 2 || offsets[0] > offsets[1]) {
            throw new InputException(where, what + ": data_offsets must be [begin, end] with 0 <= begin <= end");
        }
        int[] shape = new int[shapeValues.length];
        long bytes = 4;
        try {
            for (int d = 0; d < shape.length; d++) {
                if (shapeValues[d] > Integer.MAX_VALUE) {
                    throw new ArithmeticException();
                }
                shape[d] = (int) shapeValues[d];
                bytes = Math.multiplyExact(bytes, shapeValues[d]);
            }
        } catch (ArithmeticException e) {
            throw new InputException(where, what + ": shape " + Arrays.toString(shapeValues) + " is too large");
        }
        Tensor t = new Tensor(name, shape, offsets[0], offsets[1]);
        if (bytes != t.end - t.begin) {
            throw new InputException(where, what + ": shape " + Arrays.toString(shape) + " needs " + bytes
                    + " bytes but data_offsets " + t.range() + " span " + (t.end - t.begin));
        }
        return t;
    }

    /** The values of a JSON array of non-negative integers, or null if it is anything else. */
    private static long[] nonNegativeIntegers(Object value) {
        if (!(value instanceof List<?> list)) {
            return null;
        }
        long[] result = new long[list.size()];
        for (int i = 0; i < result.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                return null;
            }
            result[i] = v;
        }
        return result;
    }

    /** The tensors must tile the data section exactly: no gap, no overlap, nothing outside or after them. */
    private static void checkLayout(List<Tensor> tensors, long dataBytes, String where) {
        List<Tensor> sorted = new ArrayList<>(tensors);
        sorted.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        for (Tensor t : sorted) {
            if (t.end > dataBytes) {
                throw new InputException(where, "tensor " + t.name + ": data_offsets " + t.range()
                        + " go beyond the data section of " + dataBytes + " bytes");
            }
        }
        long expected = 0;
        Tensor previous = null;
        for (Tensor t : sorted) {
            if (t.begin < expected) {
                throw new InputException(where, "tensors " + previous.name + " and " + t.name + " overlap: "
                        + previous.range() + " and " + t.range());
            }
            if (t.begin > expected) {
                throw new InputException(where, "gap in the data section: bytes [" + expected + ", " + t.begin
                        + "] before tensor " + t.name + " belong to no tensor");
            }
            expected = t.end;
            previous = t;
        }
        if (expected < dataBytes) {
            throw new InputException(where, "the data section has " + (dataBytes - expected)
                    + " bytes after the last tensor");
        }
    }

    private static void checkAgainstModel(List<Tensor> tensors, ModelSpec spec, String where) {
        Map<String, Tensor> byName = new LinkedHashMap<>();
        for (Tensor t : tensors) {
            byName.put(t.name, t);
        }
        String network = "network '" + spec.name() + "'";
        for (ParamSpec p : spec.params()) {
            Tensor t = byName.get(p.name());
            if (t == null) {
                throw new InputException(where, "missing tensor " + p.name() + ": " + network + " declares "
                        + p.name() + " " + p.shapeText());
            }
            if (!Arrays.equals(t.shape, p.shape())) {
                throw new InputException(where, "tensor " + p.name() + " has shape " + Arrays.toString(t.shape)
                        + " but " + network + " declares " + p.shapeText());
            }
        }
        for (Tensor t : tensors) {
            if (spec.param(t.name) == null) {
                // netc's training checkpoints hold the optimizer's state beside the weights
                String hint = t.name.startsWith("optimizer.") ? " (this looks like a training checkpoint, the "
                        + "weights with the optimizer's state: continue its run with netc train --resume, which can "
                        + "--save the weights alone)" : "";
                throw new InputException(where, "tensor " + t.name + " is not a parameter of " + network + hint);
            }
        }
    }

    /**
     * Reads the data section and places each tensor's floats at its parameter's offset. The file order may differ
     * from the declaration order (other tools sort tensors), so tensors are placed by name; checkLayout and
     * checkAgainstModel have made sure the section holds exactly the model's floats.
     */
    private static float[] readData(FileChannel in, Header header, ModelSpec spec, CRC32C crc) throws IOException {
        float[] section = new float[spec.paramCount()];
        ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
        long pos = 0;
        while (pos < header.dataBytes) {
            buf.clear().limit((int) Math.min(CHUNK, header.dataBytes - pos));
            readFully(in, buf, header.dataStart + pos);
            buf.flip();
            crc.update(buf.duplicate());
            buf.asFloatBuffer().get(section, (int) (pos / 4), buf.remaining() / 4);
            pos += buf.remaining();
        }
        float[] params = new float[spec.paramCount()];
        for (Tensor t : header.tensors) {
            ParamSpec p = spec.param(t.name);
            System.arraycopy(section, (int) (t.begin / 4), params, p.offset(), p.size());
        }
        return params;
    }

    private static void readFully(FileChannel in, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = in.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buf) throws IOException {
        ByteBuffer b = buf.duplicate();
        while (b.hasRemaining()) {
            out.write(b);
        }
    }
}
