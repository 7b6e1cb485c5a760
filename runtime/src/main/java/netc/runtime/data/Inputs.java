package netc.runtime.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

import netc.runtime.InputException;

/** Opening data files (gzip detected by its magic bytes) and turning I/O failures into {@link InputException}s. */
final class Inputs {

    private static final int BUFFER = 1 << 16;

    private Inputs() {
    }

    /** Opens {@code file} for reading, decompressing it if it starts with the gzip magic bytes 1f 8b. */
    static InputStream open(Path file) {
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new InputException(source, "is a directory, expected a file");
        }
        try {
            return decompressIfGzip(openRaw(file), source);
        } catch (IOException e) {
            throw failure(source, e);
        }
    }

    /**
     * A regular file through NIO; anything else (a pipe such as bash's {@code <(cmd)}, a device) through
     * {@link FileInputStream}: NIO's stream answers {@code available()}, which the UTF-8 decoder asks, from the
     * channel's size and position, and a pipe has neither ("Illegal seek").
     */
    private static InputStream openRaw(Path file) throws IOException {
        if (Files.isRegularFile(file) || !Files.exists(file)) {
            return Files.newInputStream(file); // its exceptions name the problem (no such file, access denied)
        }
        if (!Files.isReadable(file)) {
            throw new AccessDeniedException(file.toString());
        }
        return new FileInputStream(file.toFile());
    }

    /**
     * Wraps {@code in} in a {@link GZIPInputStream} if it starts with the gzip magic bytes; the name of a file is
     * not trusted (a {@code .gz} file may have been decompressed by a browser and kept its name).
     */
    static InputStream decompressIfGzip(InputStream in, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, BUFFER);
        buffered.mark(2);
        int b0 = buffered.read();
        int b1 = buffered.read();
        buffered.reset();
        if (b0 == 0x1f && b1 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(buffered, BUFFER), BUFFER);
        }
        return buffered;
    }

    /** The user-facing form of an I/O failure while opening or reading {@code source}. */
    static InputException failure(String source, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new InputException(source, "file not found", e);
        }
        if (e instanceof AccessDeniedException) {
            return new InputException(source, "permission denied", e);
        }
        if (e instanceof EOFException) {
            // GZIPInputStream's "Unexpected end of ZLIB input stream": a download that stopped early.
            return new InputException(source, "truncated gzip data: the compressed stream ends early", e);
        }
        if (e instanceof ZipException) {
            return new InputException(source, "corrupt gzip data: " + e.getMessage(), e);
        }
        return new InputException(source, "cannot read: " + e.getMessage(), e);
    }

    /**
     * Reads up to {@code max} bytes, returning fewer only at the end of the stream. The buffer grows with the data
     * that actually arrives, so a header that lies about the size cannot make us allocate gigabytes up front.
     */
    static byte[] readUpTo(InputStream in, int max) throws IOException {
        byte[] buf = new byte[Math.min(max, BUFFER)];
        int n = 0;
        while (n < max) {
            if (n == buf.length) {
                buf = Arrays.copyOf(buf, (int) Math.min(max, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    /** Counts the bytes left in the stream. */
    static long countRemaining(InputStream in) throws IOException {
        long n = 0;
        byte[] skip = new byte[BUFFER];
        for (int r; (r = in.read(skip)) >= 0; ) {
            n += r;
        }
        return n;
    }
}
