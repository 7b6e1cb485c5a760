package netc.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Path;

import netc.runtime.InputException;

/**
 * Reads the IDX files of MNIST and Fashion-MNIST, plain or gzip-compressed (detected by the magic bytes).
 *
 * <p>The format (LeCun): a 4-byte magic {@code 00 00 <type> <ndims>}, then {@code ndims} big-endian 4-byte
 * dimensions, then the data in row-major order. Images are {@code 0x00000803} (unsigned bytes, 3 dimensions:
 * count, rows, columns); labels are {@code 0x00000801} (unsigned bytes, 1 dimension: count). Every declared size
 * is checked against the bytes actually present, and every failure is one {@link InputException} naming the file.
 * Pixels are scaled to {@code [0, 1]} by dividing by 255.
 */
public final class IdxReader {

    /** Magic number of an images file: unsigned bytes, 3 dimensions. */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** Magic number of a labels file: unsigned bytes, 1 dimension. */
    public static final int LABELS_MAGIC = 0x00000801;

    private static final int UNSIGNED_BYTE = 0x08;
    /** The largest Java array the JVM reliably allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    /** {@code i / 255f} for every byte value: exact division once, then a lookup per pixel. */
    private static final float[] PIXEL = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            PIXEL[i] = i / 255f;
        }
    }

    /**
     * Images read from an IDX file.
     *
     * @param source where they came from, for messages
     * @param pixels {@code count * rows * columns} values in {@code [0, 1]}, image {@code i} at
     *               {@code i * rows * columns}
     */
    public record Images(String source, int count, int rows, int columns, float[] pixels) {
        /** Pixels per image. */
        public int imageSize() {
            return rows * columns;
        }
    }

    /**
     * Class labels read from an IDX file.
     *
     * @param values one class index per sample, as floats (the runtime's target layout)
     */
    public record Labels(String source, float[] values) {
        /** {@return the number of labels} */
        public int count() {
            return values.length;
        }
    }

    private IdxReader() {
    }

    /** Reads an images file ({@code *-images-idx3-ubyte}, optionally gzip-compressed). */
    public static Images readImages(Path file) {
        try (InputStream in = Inputs.open(file)) {
            return readImages(in, file.toString());
        } catch (IOException e) {
            throw Inputs.failure(file.toString(), e);
        }
    }

    /** Reads an images file from a stream (plain or gzip), naming it {@code source} in messages. */
    public static Images readImages(InputStream in, String source) {
        try {
            InputStream data = Inputs.decompressIfGzip(in, source);
            int[] dims = readHeader(data, source, IMAGES_MAGIC);
            int count = dims[0];
            int rows = dims[1];
            int columns = dims[2];
            if (count == 0) {
                throw new InputException(source, "the file holds no images");
            }
            if (rows == 0 || columns == 0) {
                throw new InputException(source, "images of " + rows + " x " + columns + " pixels are empty");
            }
            String what = count + (count == 1 ? " image" : " images") + " of " + rows + " x " + columns;
            // Three dimensions below 2^31 can multiply past 2^63: an overflowed long could pass the size check.
            BigInteger size = BigInteger.valueOf(count).multiply(BigInteger.valueOf(rows))
                    .multiply(BigInteger.valueOf(columns));
            if (size.compareTo(BigInteger.valueOf(MAX_ARRAY)) > 0) {
                throw tooLarge(source, what, size);
            }
            byte[] bytes = readData(data, source, size.longValue(), what);
            float[] pixels = new float[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                pixels[i] = PIXEL[bytes[i] & 0xff];
            }
            return new Images(source, count, rows, columns, pixels);
        } catch (IOException e) {
            throw Inputs.failure(source, e);
        }
    }

    /**
     * Reads a labels file ({@code *-labels-idx1-ubyte}, optionally gzip-compressed); every label must be below
     * {@code classes}.
     */
    public static Labels readLabels(Path file, int classes) {
        try (InputStream in = Inputs.open(file)) {
            return readLabels(in, file.toString(), classes);
        } catch (IOException e) {
            throw Inputs.failure(file.toString(), e);
        }
    }

    /** Reads a labels file from a stream (plain or gzip), naming it {@code source} in messages. */
    public static Labels readLabels(InputStream in, String source, int classes) {
        // Any number of classes: labels are bytes, so a model of more than 256 classes just never sees the rest.
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        try {
            InputStream data = Inputs.decompressIfGzip(in, source);
            int count = readHeader(data, source, LABELS_MAGIC)[0];
            if (count == 0) {
                throw new InputException(source, "the file holds no labels");
            }
            byte[] bytes = readData(data, source, count, count + (count == 1 ? " label" : " labels"));
            float[] values = new float[count];
            for (int i = 0; i < count; i++) {
                int label = bytes[i] & 0xff;
                if (label >= classes) {
                    throw new InputException(source, "label " + label + " at index " + i
                            + " is out of range: expected 0 to " + (classes - 1) + " for " + classes + " classes");
                }
                values[i] = label;
            }
            return new Labels(source, values);
        } catch (IOException e) {
            throw Inputs.failure(source, e);
        }
    }

    /** Reads an images file and its labels file into one dataset named after the images file. */
    public static Dataset read(Path images, Path labels, int classes) {
        return dataset(readImages(images), readLabels(labels, classes), classes);
    }

    /**
     * Pairs images with their labels.
     *
     * @throws InputException naming both files and both counts if the counts differ
     */
    public static Dataset dataset(Images images, Labels labels, int classes) {
        if (images.count() != labels.count()) {
            throw new InputException(labels.source(), labels.count() + " labels but " + images.source()
                    + " holds " + images.count() + " images; the two files must have the same count");
        }
        return Dataset.ofClasses(images.source(), images.pixels(), labels.values(), images.imageSize(), classes)
                .withImageSize(images.rows(), images.columns());
    }

    /** Reads and checks the magic number and the dimensions; returns the dimensions. */
    private static int[] readHeader(InputStream in, String source, int expectedMagic) throws IOException {
        int ndims = expectedMagic & 0xff;
        int headerSize = 4 + 4 * ndims;
        byte[] magicBytes = Inputs.readUpTo(in, 4);
        if (magicBytes.length == 0) {
            throw new InputException(source, "the file is empty");
        }
        if (magicBytes.length < 4) {
            throw truncatedHeader(source, headerSize, magicBytes.length);
        }
        int magic = bigEndianInt(magicBytes, 0);
        if ((magic >>> 16) != 0) {
            throw new InputException(source, String.format("not an IDX file: magic 0x%08x should start with two"
                    + " zero bytes", magic));
        }
        int type = (magic >>> 8) & 0xff;
        if (type != UNSIGNED_BYTE) {
            throw new InputException(source, String.format("unsupported IDX element type 0x%02x (%s): only 0x08"
                    + " (unsigned byte) is supported", type, typeName(type)));
        }
        if (magic != expectedMagic) {
            throw new InputException(source, String.format("expected magic 0x%08x (%s), found 0x%08x (%s)",
                    expectedMagic, expectedMagic == IMAGES_MAGIC ? "images" : "labels", magic, hint(magic)));
        }
        byte[] dimBytes = Inputs.readUpTo(in, 4 * ndims);
        if (dimBytes.length < 4 * ndims) {
            throw truncatedHeader(source, headerSize, 4 + dimBytes.length);
        }
        int[] dims = new int[ndims];
        for (int d = 0; d < ndims; d++) {
            dims[d] = bigEndianInt(dimBytes, 4 * d);
            if (dims[d] < 0) {
                throw new InputException(source, "dimension " + (d + 1) + " has the impossible size "
                        + Integer.toUnsignedString(dims[d]));
            }
        }
        return dims;
    }

    /** Reads exactly {@code expected} data bytes and checks that nothing follows them. */
    private static byte[] readData(InputStream in, String source, long expected, String what) throws IOException {
        if (expected > MAX_ARRAY) {
            throw tooLarge(source, what, BigInteger.valueOf(expected));
        }
        byte[] bytes = Inputs.readUpTo(in, (int) expected);
        if (bytes.length < expected) {
            throw new InputException(source, "truncated file: " + what + " need " + expected
                    + " bytes of data, found " + bytes.length);
        }
        long extra = Inputs.countRemaining(in);
        if (extra > 0) {
            throw new InputException(source, what + " need " + expected + " bytes of data, but the file holds "
                    + (expected + extra) + " (" + extra + " bytes too many)");
        }
        return bytes;
    }

    private static InputException tooLarge(String source, String what, BigInteger bytes) {
        return new InputException(source, what + " need " + bytes + " bytes, more than fit in one Java array");
    }

    private static InputException truncatedHeader(String source, int headerSize, int found) {
        return new InputException(source, "truncated file: the header needs " + headerSize + " bytes, found "
                + found);
    }

    private static String hint(int magic) {
        if (magic == LABELS_MAGIC) {
            return "this looks like a labels file";
        }
        if (magic == IMAGES_MAGIC) {
            return "this looks like an images file";
        }
        int ndims = magic & 0xff;
        return ndims == 1 ? "1 dimension" : ndims + " dimensions";
    }

    private static String typeName(int type) {
        switch (type) {
            case 0x09: return "signed byte";
            case 0x0b: return "short";
            case 0x0c: return "int";
            case 0x0d: return "float";
            case 0x0e: return "double";
            default: return "unknown type";
        }
    }

    private static int bigEndianInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }
}
