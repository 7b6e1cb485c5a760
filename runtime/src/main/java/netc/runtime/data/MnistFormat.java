package netc.runtime.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import netc.runtime.InputException;

/**
 * Loads a train/test pair stored as the four IDX files of MNIST and Fashion-MNIST, from a directory or from the
 * class path. Each file may be plain or gzip-compressed; if both exist in a directory the plain one is used.
 */
public final class MnistFormat {

    /** The training images' file name, without the optional {@code .gz}. */
    public static final String TRAIN_IMAGES = "train-images-idx3-ubyte";
    /** The training labels' file name, without the optional {@code .gz}. */
    public static final String TRAIN_LABELS = "train-labels-idx1-ubyte";
    /** The test images' file name, without the optional {@code .gz}. */
    public static final String TEST_IMAGES = "t10k-images-idx3-ubyte";
    /** The test labels' file name, without the optional {@code .gz}. */
    public static final String TEST_LABELS = "t10k-labels-idx1-ubyte";

    private static final String[] NAMES = {TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS};
    private static final String NEEDED = "a data directory needs " + TRAIN_IMAGES + ", " + TRAIN_LABELS + ", "
            + TEST_IMAGES + " and " + TEST_LABELS + ", each plain or .gz";

    private MnistFormat() {
    }

    /**
     * Loads {@code dir/train-*} as the training set and {@code dir/t10k-*} as the test set.
     *
     * @param classes number of classes; a label at or above it is an error
     * @throws InputException if the directory or a file is missing, or a file is not valid IDX
     */
    public static DataSplit load(Path dir, int classes) {
        Path[] files = find(dir, NAMES, NEEDED);
        return new DataSplit(IdxReader.read(files[0], files[1], classes), IdxReader.read(files[2], files[3],
                classes));
    }

    /**
     * Loads only the test set, {@code dir/t10k-*}: what evaluating saved weights reads, so a directory holding just
     * the test files will do, and the training files (six times larger) are not read for nothing.
     *
     * @param classes number of classes; a label at or above it is an error
     * @throws InputException if the directory or a test file is missing, or a file is not valid IDX
     */
    public static Dataset loadTest(Path dir, int classes) {
        Path[] files = find(dir, new String[] {TEST_IMAGES, TEST_LABELS}, "the test set is " + TEST_IMAGES
                + " and " + TEST_LABELS + ", each plain or .gz");
        return IdxReader.read(files[0], files[1], classes);
    }

    /** The files {@code names} in {@code dir}, each plain or .gz; {@code needed} ends a message about a missing one. */
    private static Path[] find(Path dir, String[] names, String needed) {
        String where = dir.toString();
        if (!Files.exists(dir)) {
            throw new InputException(where, "data directory not found; " + needed);
        }
        if (!Files.isDirectory(dir)) {
            throw new InputException(where, "not a directory; " + needed);
        }
        Path[] files = new Path[names.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            files[i] = find(dir, names[i]);
            if (files[i] == null) {
                missing.add(names[i] + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException(where, "missing " + String.join(", ", missing) + "; " + needed);
        }
        return files;
    }

    /**
     * Loads the four files from the class path, e.g. {@code prefix = "/netc/data/fashion-mnist-small/"}, through
     * the thread's context class loader (or this class's loader if there is none).
     */
    public static DataSplit loadResources(String prefix, int classes) {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        return loadResources(loader != null ? loader : MnistFormat.class.getClassLoader(), prefix, classes);
    }

    /** Loads the four files from the class path of {@code loader}; {@code prefix} ends with {@code /}. */
    public static DataSplit loadResources(ClassLoader loader, String prefix, int classes) {
        String base = prefix.startsWith("/") ? prefix.substring(1) : prefix;
        String where = "classpath:/" + base;
        String[] found = new String[NAMES.length];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if (loader.getResource(base + NAMES[i] + ".gz") != null) {
                found[i] = base + NAMES[i] + ".gz";
            } else if (loader.getResource(base + NAMES[i]) != null) {
                found[i] = base + NAMES[i];
            } else {
                missing.add(NAMES[i] + "[.gz]");
            }
        }
        if (!missing.isEmpty()) {
            throw new InputException(where, "missing resources " + String.join(", ", missing)
                    + "; the class path needs all four MNIST-format files under this prefix");
        }
        IdxReader.Images trainImages = readImagesResource(loader, found[0]);
        IdxReader.Labels trainLabels = readLabelsResource(loader, found[1], classes);
        IdxReader.Images testImages = readImagesResource(loader, found[2]);
        IdxReader.Labels testLabels = readLabelsResource(loader, found[3], classes);
        return new DataSplit(IdxReader.dataset(trainImages, trainLabels, classes),
                IdxReader.dataset(testImages, testLabels, classes));
    }

    private static Path find(Path dir, String name) {
        // The plain file first: it is faster to read, and torchvision keeps it beside the .gz it came from.
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return plain;
        }
        Path gz = dir.resolve(name + ".gz");
        return Files.isRegularFile(gz) ? gz : null;
    }

    private static IdxReader.Images readImagesResource(ClassLoader loader, String resource) {
        String source = "classpath:/" + resource;
        try (InputStream in = open(loader, resource)) {
            return IdxReader.readImages(in, source);
        } catch (IOException e) {
            throw Inputs.failure(source, e);
        }
    }

    private static IdxReader.Labels readLabelsResource(ClassLoader loader, String resource, int classes) {
        String source = "classpath:/" + resource;
        try (InputStream in = open(loader, resource)) {
            return IdxReader.readLabels(in, source, classes);
        } catch (IOException e) {
            throw Inputs.failure(source, e);
        }
    }

    private static InputStream open(ClassLoader loader, String resource) {
        InputStream in = loader.getResourceAsStream(resource);
        if (in == null) {
            throw new InputException("classpath:/" + resource, "resource not found");
        }
        return in;
    }
}
