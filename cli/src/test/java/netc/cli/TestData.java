package netc.cli;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Tiny data sets for the CLI tests: CSV files and MNIST-format IDX directories, written into a temp dir. */
final class TestData {
    private TestData() {
    }

    /** A named pipe made by {@code mkfifo}, or null where there is none (not a POSIX system). */
    static Path fifo(Path dir, String name) {
        Path fifo = dir.resolve(name);
        try {
            Process p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
            return p.waitFor() == 0 && Files.exists(fifo) ? fifo : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** A started thread that writes {@code text} into {@code fifo} once a reader opens it, then closes it. */
    static Thread feed(Path fifo, String text) {
        Thread t = new Thread(() -> {
            try {
                Files.writeString(fifo, text);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }, "fifo-writer");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** XOR for {@code xor.net}: a real 0/1 target, then two features; ten rows so one is held out. */
    static Path xorCsv(Path dir) {
        return Cli.write(dir.resolve("xor.csv"), "t,a,b\n0,0,0\n1,0,1\n1,1,0\n0,1,1\n0,0,0\n1,0,1\n1,1,0\n0,1,1\n"
                + "0,0,0\n1,1,0\n");
    }

    /** Two classes for {@code logistic_regression.net}: a label, then two features. */
    static Path classesCsv(Path dir, String name) {
        return Cli.write(dir.resolve(name), "1,0.5,1.0\n0,-0.5,-1.0\n1,1.5,0.2\n0,-1.5,0.1\n1,0.7,0.9\n0,-0.3,-0.8\n");
    }

    /** {@code rows} rows of one target and 13 features, each {@code scale * (row + column)}, for linear regression. */
    static Path linearCsv(Path dir, String name, int rows, double targetScale, double featureScale) {
        StringBuilder sb = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            sb.append(targetScale * (r + 1));
            for (int c = 1; c <= 13; c++) {
                sb.append(',').append(featureScale * (r + c));
            }
            sb.append('\n');
        }
        return Cli.write(dir.resolve(name), sb.toString());
    }

    /**
     * A directory holding the four IDX files of an MNIST-format split: 8 training and 4 test images of
     * {@code rows x columns} pixels, labels alternating 0 and 1.
     */
    static Path idxDir(Path parent, String name, int rows, int columns, boolean gzip) {
        try {
            Path dir = Files.createDirectory(parent.resolve(name));
            writeSplit(dir, "train", 8, rows, columns, gzip);
            writeSplit(dir, "t10k", 4, rows, columns, gzip);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSplit(Path dir, String prefix, int n, int rows, int columns, boolean gzip)
            throws IOException {
        String suffix = gzip ? ".gz" : "";
        Files.write(dir.resolve(prefix + "-images-idx3-ubyte" + suffix), maybeGzip(images(n, rows, columns), gzip));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte" + suffix), maybeGzip(labels(n), gzip));
    }

    static byte[] images(int n, int rows, int columns) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000803);
        out.writeInt(n);
        out.writeInt(rows);
        out.writeInt(columns);
        for (int i = 0; i < n * rows * columns; i++) {
            out.writeByte((i * 37) & 0xFF);
        }
        return bytes.toByteArray();
    }

    /** An IDX labels file of {@code n} labels alternating 0 and 1. */
    static byte[] labels(int n) throws IOException {
        return labels(n, -1);
    }

    /** An IDX labels file of {@code n} labels, all {@code label}, or alternating 0 and 1 if it is negative. */
    static byte[] labels(int n, int label) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x00000801);
        out.writeInt(n);
        for (int i = 0; i < n; i++) {
            out.writeByte(label < 0 ? i % 2 : label);
        }
        return bytes.toByteArray();
    }

    private static byte[] maybeGzip(byte[] data, boolean gzip) throws IOException {
        if (!gzip) {
            return data;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    /** Cuts {@code file} to its first {@code keep} bytes. */
    static void truncate(Path file, int keep) {
        try {
            Files.write(file, Arrays.copyOf(Files.readAllBytes(file), keep));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int size(Path file) {
        try {
            return (int) Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
