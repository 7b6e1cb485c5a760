package netc.runtime.data;

import static netc.runtime.data.IdxFiles.gzip;
import static netc.runtime.data.IdxFiles.images;
import static netc.runtime.data.IdxFiles.labels;
import static netc.runtime.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;

class MnistFormatTest {

    private static final String NEEDED = "a data directory needs train-images-idx3-ubyte, train-labels-idx1-ubyte,"
            + " t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each plain or .gz";

    @TempDir
    Path dir;

    private void writeFourFiles(Path where) {
        write(where.resolve("train-images-idx3-ubyte.gz"), gzip(images(4, 2, 2)));
        write(where.resolve("train-labels-idx1-ubyte"), labels(0, 1, 2, 1));
        write(where.resolve("t10k-images-idx3-ubyte"), images(2, 2, 2));
        write(where.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(2, 0)));
    }

    @Test
    void aDirectoryWithTheFourFilesLoadsAsTrainAndTest() {
        writeFourFiles(dir);
        DataSplit split = MnistFormat.load(dir, 3);
        assertEquals(4, split.train().n());
        assertEquals(2, split.test().n());
        assertEquals(4, split.train().inputSize());
        assertArrayEquals(new float[] {0, 1, 2, 1}, split.train().y());
        assertArrayEquals(new float[] {2, 0}, split.test().y());
        assertEquals(dir.resolve("train-images-idx3-ubyte.gz").toString(), split.train().name());
    }

    @Test
    void aPlainFileIsPreferredOverItsGzipTwin() {
        writeFourFiles(dir);
        write(dir.resolve("t10k-labels-idx1-ubyte"), labels(1, 1));
        assertArrayEquals(new float[] {1, 1}, MnistFormat.load(dir, 3).test().y());
    }

    @Test
    void aMissingDirectorySaysWhatItShouldHold() {
        Path missing = dir.resolve("fashion");
        InputException e = assertThrows(InputException.class, () -> MnistFormat.load(missing, 10));
        assertEquals(missing + ": error: data directory not found; " + NEEDED, e.getMessage());
    }

    @Test
    void aFileInsteadOfADirectoryIsRejected() {
        Path file = write(dir.resolve("data.csv"), new byte[] {1});
        InputException e = assertThrows(InputException.class, () -> MnistFormat.load(file, 10));
        assertEquals(file + ": error: not a directory; " + NEEDED, e.getMessage());
    }

    @Test
    void missingFilesAreListedByTheNamesLookedFor() throws IOException {
        writeFourFiles(dir);
        Files.delete(dir.resolve("t10k-images-idx3-ubyte"));
        Files.delete(dir.resolve("t10k-labels-idx1-ubyte.gz"));
        InputException e = assertThrows(InputException.class, () -> MnistFormat.load(dir, 10));
        assertEquals(dir + ": error: missing t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]; " + NEEDED,
                e.getMessage());
    }

    @Test
    void theFourFilesLoadFromTheClassPathUnderAPrefix() throws IOException {
        Path prefix = Files.createDirectories(dir.resolve("netc/data/tiny"));
        writeFourFiles(prefix);
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            DataSplit split = MnistFormat.loadResources(loader, "/netc/data/tiny/", 3);
            assertEquals(4, split.train().n());
            assertArrayEquals(new float[] {2, 0}, split.test().y());
            assertEquals("classpath:/netc/data/tiny/train-images-idx3-ubyte.gz", split.train().name());
        }
    }

    @Test
    void missingClassPathResourcesAreListed() throws IOException {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            InputException e = assertThrows(InputException.class,
                    () -> MnistFormat.loadResources(loader, "/netc/data/none/", 10));
            assertEquals("classpath:/netc/data/none/: error: missing resources train-images-idx3-ubyte[.gz],"
                    + " train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz];"
                    + " the class path needs all four MNIST-format files under this prefix", e.getMessage());
        }
    }

    /** Loads the embedded subset from the class path (the netc-data test dependency), as the CLI does. */
    static DataSplit loadEmbeddedSubset() {
        return FashionMnist.loadEmbedded();
    }

    @Test
    void theEmbeddedFashionMnistSubsetHas6000TrainingAnd1000TestImagesInTenClasses() throws IOException {
        DataSplit split = loadEmbeddedSubset();
        Dataset train = split.train();
        assertEquals(6000, train.n());
        assertEquals(1000, split.test().n());
        assertEquals(784, train.inputSize());
        assertEquals(10, train.classes());
        // The first training image of Fashion-MNIST is an ankle boot, the first test image too.
        assertEquals(9, train.label(0));
        assertEquals(9, split.test().label(0));
        int[] perClass = new int[10];
        for (int i = 0; i < train.n(); i++) {
            perClass[train.label(i)]++;
        }
        for (int count : perClass) {
            assertTrue(count > 500, "every class has hundreds of samples");
        }
        float max = 0;
        for (float v : train.x()) {
            max = Math.max(max, v);
        }
        assertEquals(1f, max);
    }
}
