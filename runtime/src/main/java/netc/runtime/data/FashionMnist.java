package netc.runtime.data;

import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Zalando Research, MIT licence): 28 x 28 grey images of clothing in 10 classes, in the MNIST file
 * format. netc embeds the first 6000 training and 1000 test images as its built-in default data set.
 */
public final class FashionMnist {

    /** Number of classes. */
    public static final int CLASSES = 10;
    /** Image height and width in pixels. */
    public static final int SIDE = 28;
    /** Where the embedded subset lives on the class path (it ships in the netc-data jar, not in the runtime). */
    public static final String EMBEDDED_PREFIX = "/netc/data/fashion-mnist-small/";
    /** The class names, by label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /** Loads the full data set (or any MNIST-format copy) from a directory; see {@link MnistFormat#load}. */
    public static DataSplit load(Path dir) {
        return MnistFormat.load(dir, CLASSES);
    }

    /** Loads the embedded subset (6000 training, 1000 test images) from the class path; needs netc-data on it. */
    public static DataSplit loadEmbedded() {
        return MnistFormat.loadResources(EMBEDDED_PREFIX, CLASSES);
    }
}
