package netc.runtime.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Builds small synthetic IDX files for tests. */
final class IdxFiles {

    private IdxFiles() {
    }

    /** An IDX file: the 4-byte magic, the dimensions as big-endian ints, then {@code data}. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    /** {@code count} images of {@code rows x cols}; pixel {@code k} of image {@code i} is {@code (i * 7 + k) % 256}. */
    static byte[] images(int count, int rows, int cols) {
        byte[] data = new byte[count * rows * cols];
        for (int i = 0; i < count; i++) {
            for (int k = 0; k < rows * cols; k++) {
                data[i * rows * cols + k] = (byte) ((i * 7 + k) % 256);
            }
        }
        return idx(IdxReader.IMAGES_MAGIC, new int[] {count, rows, cols}, data);
    }

    static byte[] labels(int... labels) {
        byte[] data = new byte[labels.length];
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        return idx(IdxReader.LABELS_MAGIC, new int[] {labels.length}, data);
    }

    static byte[] gzip(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] bytes) {
        try {
            return Files.write(file, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
