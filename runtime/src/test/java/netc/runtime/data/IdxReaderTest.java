package netc.runtime.data;

import static netc.runtime.data.IdxFiles.gzip;
import static netc.runtime.data.IdxFiles.idx;
import static netc.runtime.data.IdxFiles.images;
import static netc.runtime.data.IdxFiles.labels;
import static netc.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;

class IdxReaderTest {

    @TempDir
    Path dir;

    private static void assertMessage(String expected, Runnable action) {
        InputException e = assertThrows(InputException.class, action::run);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void plainImagesRoundTripWithPixelsDividedBy255() {
        Path file = write(dir.resolve("imgs"), images(3, 2, 4));
        IdxReader.Images read = IdxReader.readImages(file);
        assertEquals(3, read.count());
        assertEquals(2, read.rows());
        assertEquals(4, read.columns());
        assertEquals(8, read.imageSize());
        float[] expected = new float[24];
        for (int i = 0; i < 3; i++) {
            for (int k = 0; k < 8; k++) {
                expected[i * 8 + k] = ((i * 7 + k) % 256) / 255f;
            }
        }
        assertArrayEquals(expected, read.pixels());
    }

    @Test
    void pixelExtremesMapToExactlyZeroAndOne() {
        byte[] data = {0, (byte) 255, (byte) 128, 1};
        Path file = write(dir.resolve("imgs"), idx(IdxReader.IMAGES_MAGIC, new int[] {1, 2, 2}, data));
        assertArrayEquals(new float[] {0f, 1f, 128 / 255f, 1 / 255f}, IdxReader.readImages(file).pixels());
    }

    @Test
    void gzipFilesReadTheSameAsPlainOnes() {
        Path plain = write(dir.resolve("imgs"), images(5, 3, 3));
        Path gz = write(dir.resolve("imgs.gz"), gzip(images(5, 3, 3)));
        assertArrayEquals(IdxReader.readImages(plain).pixels(), IdxReader.readImages(gz).pixels());
    }

    @Test
    void gzipIsDetectedByItsMagicBytesNotByTheFileName() {
        Path gzNoSuffix = write(dir.resolve("labels-without-suffix"), gzip(labels(1, 2, 3)));
        assertArrayEquals(new float[] {1, 2, 3}, IdxReader.readLabels(gzNoSuffix, 10).values());
    }

    @Test
    void imagesAndLabelsPairIntoAClassDatasetNamedAfterTheImages() {
        Path imgs = write(dir.resolve("imgs"), images(3, 2, 2));
        Path lbls = write(dir.resolve("lbls.gz"), gzip(labels(2, 0, 9)));
        Dataset d = IdxReader.read(imgs, lbls, 10);
        assertEquals(imgs.toString(), d.name());
        assertEquals(3, d.n());
        assertEquals(4, d.inputSize());
        assertEquals(10, d.classes());
        assertArrayEquals(new float[] {2, 0, 9}, d.y());
    }

    @Test
    void anEmptyFileIsRejected() {
        Path file = write(dir.resolve("empty"), new byte[0]);
        assertMessage(file + ": error: the file is empty", () -> IdxReader.readImages(file));
    }

    @Test
    void aTruncatedHeaderSaysHowManyBytesItNeeds() {
        Path file = write(dir.resolve("short"), Arrays.copyOf(images(2, 2, 2), 10));
        assertMessage(file + ": error: truncated file: the header needs 16 bytes, found 10",
                () -> IdxReader.readImages(file));
    }

    @Test
    void aFileWhoseMagicDoesNotStartWithTwoZeroBytesIsNotIdx() {
        Path file = write(dir.resolve("text.csv"), "label,pixel1\n1,2\n".getBytes(StandardCharsets.US_ASCII));
        assertMessage(file + ": error: not an IDX file: magic 0x6c616265 should start with two zero bytes",
                () -> IdxReader.readImages(file));
    }

    @Test
    void elementTypesOtherThanUnsignedByteAreRejected() {
        Path file = write(dir.resolve("floats"), idx(0x00000d03, new int[] {1, 1, 1}, new byte[4]));
        assertMessage(file + ": error: unsupported IDX element type 0x0d (float): only 0x08 (unsigned byte) is"
                + " supported", () -> IdxReader.readImages(file));
    }

    @Test
    void aLabelsFileGivenAsImagesIsRecognised() {
        Path file = write(dir.resolve("train-labels-idx1-ubyte"), labels(1, 2));
        assertMessage(file + ": error: expected magic 0x00000803 (images), found 0x00000801 (this looks like a"
                + " labels file)", () -> IdxReader.readImages(file));
    }

    @Test
    void anImagesFileGivenAsLabelsIsRecognised() {
        Path file = write(dir.resolve("imgs"), images(1, 2, 2));
        assertMessage(file + ": error: expected magic 0x00000801 (labels), found 0x00000803 (this looks like an"
                + " images file)", () -> IdxReader.readLabels(file, 10));
    }

    @Test
    void aWrongNumberOfDimensionsIsReported() {
        Path file = write(dir.resolve("matrix"), idx(0x00000802, new int[] {2, 2}, new byte[4]));
        assertMessage(file + ": error: expected magic 0x00000803 (images), found 0x00000802 (2 dimensions)",
                () -> IdxReader.readImages(file));
    }

    @Test
    void truncatedImageDataSaysExpectedAndFoundBytes() {
        byte[] full = images(3, 28, 28);
        Path file = write(dir.resolve("imgs"), Arrays.copyOf(full, full.length - 352));
        assertMessage(file + ": error: truncated file: 3 images of 28 x 28 need 2352 bytes of data, found 2000",
                () -> IdxReader.readImages(file));
    }

    @Test
    void truncatedGzipImageDataSaysExpectedAndFoundBytes() {
        byte[] full = images(3, 28, 28);
        Path file = write(dir.resolve("imgs.gz"), gzip(Arrays.copyOf(full, full.length - 352)));
        assertMessage(file + ": error: truncated file: 3 images of 28 x 28 need 2352 bytes of data, found 2000",
                () -> IdxReader.readImages(file));
    }

    @Test
    void truncatedLabelDataSaysExpectedAndFoundBytes() {
        byte[] full = labels(1, 2, 3, 4, 5);
        Path file = write(dir.resolve("lbls"), Arrays.copyOf(full, full.length - 2));
        assertMessage(file + ": error: truncated file: 5 labels need 5 bytes of data, found 3",
                () -> IdxReader.readLabels(file, 10));
    }

    @Test
    void bytesAfterTheDeclaredDataAreRejected() {
        byte[] full = images(1, 2, 2);
        Path file = write(dir.resolve("imgs"), Arrays.copyOf(full, full.length + 3));
        assertMessage(file + ": error: 1 image of 2 x 2 need 4 bytes of data, but the file holds 7 (3 bytes too"
                + " many)", () -> IdxReader.readImages(file));
    }

    @Test
    void aCutGzipStreamIsReportedAsTruncatedGzipData() {
        byte[] gz = gzip(images(50, 28, 28));
        Path file = write(dir.resolve("imgs.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertMessage(file + ": error: truncated gzip data: the compressed stream ends early",
                () -> IdxReader.readImages(file));
    }

    @Test
    void aLabelAtOrAboveTheClassCountIsRejectedWithItsIndex() {
        Path file = write(dir.resolve("lbls"), labels(0, 9, 10, 3));
        assertMessage(file + ": error: label 10 at index 2 is out of range: expected 0 to 9 for 10 classes",
                () -> IdxReader.readLabels(file, 10));
    }

    @Test
    void differentImageAndLabelCountsNameBothFilesAndBothCounts() {
        Path imgs = write(dir.resolve("train-images-idx3-ubyte"), images(5, 2, 2));
        Path lbls = write(dir.resolve("train-labels-idx1-ubyte"), labels(1, 2, 3, 4));
        assertMessage(lbls + ": error: 4 labels but " + imgs + " holds 5 images; the two files must have the same"
                + " count", () -> IdxReader.read(imgs, lbls, 10));
    }

    @Test
    void aFileWithZeroImagesIsRejected() {
        Path file = write(dir.resolve("imgs"), idx(IdxReader.IMAGES_MAGIC, new int[] {0, 28, 28}, new byte[0]));
        assertMessage(file + ": error: the file holds no images", () -> IdxReader.readImages(file));
    }

    @Test
    void aDimensionAbove2To31IsImpossible() {
        Path file = write(dir.resolve("imgs"), idx(IdxReader.IMAGES_MAGIC, new int[] {-1, 28, 28}, new byte[0]));
        assertMessage(file + ": error: dimension 1 has the impossible size 4294967295",
                () -> IdxReader.readImages(file));
    }

    @Test
    void aHugeDeclaredSizeFailsAsTruncatedWithoutAllocatingIt() {
        Path file = write(dir.resolve("imgs"), idx(IdxReader.IMAGES_MAGIC, new int[] {1_000_000, 28, 28},
                new byte[10]));
        assertMessage(file + ": error: truncated file: 1000000 images of 28 x 28 need 784000000 bytes of data,"
                + " found 10", () -> IdxReader.readImages(file));
    }

    @Test
    void dimensionsWhoseProductOverflowsALongAreTooLargeNotANegativeSize() {
        // Found by IdxFuzzTest: 131093 x 708858985 x 328443069 wraps around 2^64 to a negative long, which passed
        // the size check and reached new byte[negative].
        Path file = write(dir.resolve("imgs"), idx(IdxReader.IMAGES_MAGIC,
                new int[] {131_093, 708_858_985, 328_443_069}, new byte[10]));
        assertMessage(file + ": error: 131093 images of 708858985 x 328443069 need 30521048731641381536745 bytes,"
                + " more than fit in one Java array", () -> IdxReader.readImages(file));
    }

    @Test
    void aMissingFileIsReportedAsNotFound() {
        Path file = dir.resolve("nope.gz");
        assertMessage(file + ": error: file not found", () -> IdxReader.readImages(file));
    }

    @Test
    void aDirectoryIsNotAFile() {
        assertMessage(dir + ": error: is a directory, expected a file", () -> IdxReader.readImages(dir));
    }
}
