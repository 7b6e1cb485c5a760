package netc.runtime.data;

import java.util.Arrays;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;

/**
 * A set of samples in the runtime's layout: inputs {@code x} ({@code n * inputSize} floats, sample {@code i} at
 * {@code i * inputSize}) and targets {@code y} ({@code n * targetValues} floats). For class targets
 * {@code targetValues} is 1 and each value is a class index below {@link #classes()}; for real targets
 * {@code classes()} is 0.
 *
 * <p>Immutable by convention: {@link #x()} and {@link #y()} return the backing arrays without copying (a
 * Fashion-MNIST training set is 188 MB), and callers must not write to them.
 */
public final class Dataset {

    private final String name;
    private final float[] x;
    private final float[] y;
    private final int n;
    private final int inputSize;
    private final int targetValues;
    private final int classes;
    /** Rows and columns of each sample as an image, from an IDX header; 0 when the data does not say. */
    private final int imageRows;
    private final int imageColumns;

    /**
     * @param name         what messages call this data, usually the file it came from
     * @param classes      number of classes for class targets (then {@code targetValues} must be 1), 0 for real ones
     * @throws IllegalArgumentException if the arrays do not have the stated sizes or a label is not a valid class
     */
    public Dataset(String name, float[] x, float[] y, int n, int inputSize, int targetValues, int classes) {
        this(name, x, y, n, inputSize, targetValues, classes, 0, 0);
    }

    private Dataset(String name, float[] x, float[] y, int n, int inputSize, int targetValues, int classes,
                    int imageRows, int imageColumns) {
        if (n < 0 || inputSize < 1 || targetValues < 1 || classes < 0) {
            throw new IllegalArgumentException("bad dataset sizes: n " + n + ", inputSize " + inputSize
                    + ", targetValues " + targetValues + ", classes " + classes);
        }
        if (x.length != (long) n * inputSize || y.length != (long) n * targetValues) {
            throw new IllegalArgumentException("x has " + x.length + " floats and y " + y.length + ", expected "
                    + (long) n * inputSize + " and " + (long) n * targetValues);
        }
        if (classes > 0) {
            if (targetValues != 1) {
                throw new IllegalArgumentException("class targets take 1 value per sample, got " + targetValues);
            }
            for (int i = 0; i < n; i++) {
                float label = y[i];
                if (!(label >= 0 && label < classes && label == (int) label)) {
                    throw new IllegalArgumentException("label " + label + " of sample " + i + " is not a class in [0, "
                            + classes + ")");
                }
            }
        }
        this.name = name;
        this.x = x;
        this.y = y;
        this.n = n;
        this.inputSize = inputSize;
        this.targetValues = targetValues;
        this.classes = classes;
        this.imageRows = imageRows;
        this.imageColumns = imageColumns;
    }

    /**
     * The same data, known to be images of {@code rows x columns} pixels (as an IDX file's header says), so that
     * {@link #requireFits} can refuse a network that reads them with another width.
     *
     * @throws IllegalArgumentException unless {@code rows x columns} is the input size
     */
    public Dataset withImageSize(int rows, int columns) {
        if (rows < 1 || columns < 1 || (long) rows * columns != inputSize) {
            throw new IllegalArgumentException(rows + " x " + columns + " images, but " + inputSize
                    + " values per sample");
        }
        return new Dataset(name, x, y, n, inputSize, targetValues, classes, rows, columns);
    }

    /** A dataset with one class label per sample. */
    public static Dataset ofClasses(String name, float[] x, float[] labels, int inputSize, int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        return new Dataset(name, x, labels, labels.length, inputSize, 1, classes);
    }

    /** A dataset with a real-valued target vector of {@code targetValues} floats per sample. */
    public static Dataset ofValues(String name, float[] x, float[] y, int inputSize, int targetValues) {
        return new Dataset(name, x, y, y.length / targetValues, inputSize, targetValues, 0);
    }

    /** {@return the name messages give this data, e.g. a file name} */
    public String name() {
        return name;
    }

    /** The inputs, {@code n() * inputSize()} floats; the backing array, not a copy: do not modify. */
    public float[] x() {
        return x;
    }

    /** The targets, {@code n() * targetValues()} floats; the backing array, not a copy: do not modify. */
    public float[] y() {
        return y;
    }

    /** Number of samples. */
    public int n() {
        return n;
    }

    /** Floats per input sample. */
    public int inputSize() {
        return inputSize;
    }

    /** Floats per target sample: 1 for class labels. */
    public int targetValues() {
        return targetValues;
    }

    /** Number of classes, or 0 for real-valued targets. */
    public int classes() {
        return classes;
    }

    /** Whether the targets are class labels. */
    public boolean hasClasses() {
        return classes > 0;
    }

    /** The class label of sample {@code i}; only for class targets. */
    public int label(int i) {
        if (classes == 0) {
            throw new IllegalStateException(name + " has real-valued targets, not labels");
        }
        return (int) y[i];
    }

    /** The same data under another name. */
    public Dataset withName(String newName) {
        return new Dataset(newName, x, y, n, inputSize, targetValues, classes, imageRows, imageColumns);
    }

    /** Samples {@code [from, to)} as a new dataset (copied). */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > n || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") of " + n + " samples");
        }
        return new Dataset(name, Arrays.copyOfRange(x, from * inputSize, to * inputSize),
                Arrays.copyOfRange(y, from * targetValues, to * targetValues), to - from, inputSize, targetValues,
                classes, imageRows, imageColumns);
    }

    /** The samples at {@code indices}, in that order, as a new dataset (copied). */
    public Dataset subset(int[] indices) {
        float[] xs = new float[indices.length * inputSize];
        float[] ys = new float[indices.length * targetValues];
        copyBatch(indices, 0, indices.length, xs, ys);
        return new Dataset(name, xs, ys, indices.length, inputSize, targetValues, classes, imageRows, imageColumns);
    }

    /**
     * Copies the samples {@code order[start] .. order[start + count - 1]} into the first {@code count} rows of
     * {@code xOut} and {@code yOut}: how a trainer gathers a shuffled mini-batch into contiguous memory.
     */
    public void copyBatch(int[] order, int start, int count, float[] xOut, float[] yOut) {
        copyBatch(order, start, count, xOut, yOut, 0);
    }

    /**
     * As {@link #copyBatch(int[], int, int, float[], float[])}, into rows {@code outRow .. outRow + count - 1} of
     * {@code xOut} and {@code yOut}: a part of a mini-batch, so that threads can gather one together.
     */
    public void copyBatch(int[] order, int start, int count, float[] xOut, float[] yOut, int outRow) {
        for (int b = 0; b < count; b++) {
            int i = order[start + b];
            System.arraycopy(x, i * inputSize, xOut, (outRow + b) * inputSize, inputSize);
            System.arraycopy(y, i * targetValues, yOut, (outRow + b) * targetValues, targetValues);
        }
    }

    /**
     * Checks that this data can be fed to a network with {@code spec}: same input size, the right kind and number
     * of targets, and every label a class of the network.
     *
     * @throws InputException naming this dataset and the network if not
     */
    public void requireFits(ModelSpec spec) {
        String network = "network '" + spec.name() + "'";
        requireInputsFit(spec);
        if (spec.targetKind() == TargetKind.CLASSES) {
            if (classes == 0) {
                throw new InputException(name, "the data has real-valued targets but " + network
                        + " predicts one of " + spec.targetSize() + " classes");
            }
            if (classes > spec.targetSize()) {
                for (int i = 0; i < n; i++) {
                    if (y[i] >= spec.targetSize()) {
                        throw new InputException(name, "label " + (int) y[i] + " of sample " + i
                                + " is out of range: " + network + " has " + spec.targetSize() + " classes");
                    }
                }
            }
        } else if (spec.targetSize() != targetValues) {
            throw new InputException(name, "samples have " + plural(targetValues, "target value") + " but "
                    + network + " expects " + spec.targetSize());
        } else if ("binary_cross_entropy".equals(spec.loss())) {
            // t log p + (1 - t) log(1 - p) is a cross-entropy only for t in [0, 1]; beyond, the loss goes negative and
            // training drives p to 0 or 1 without end
            for (int i = 0; i < n * targetValues; i++) {
                if (!(y[i] >= 0 && y[i] <= 1)) {
                    throw new InputException(name, "target " + y[i] + " of sample " + i / targetValues + " is not"
                            + " in [0, 1]: " + network + " learns probabilities (binary_cross_entropy)");
                }
            }
        }
    }

    /**
     * Images of a known geometry fit an image input {@code [C, H, W]} only with their own height and width: with as
     * many values and another geometry the network would read rows of the wrong width, without an error. Other
     * shapes read the values in order, as they are stored (a vector; a sequence {@code [T, D]} of rows, which may
     * take two image rows or one pixel a step).
     */
    private void requireImageShape(ModelSpec spec, String network) {
        int[] shape = spec.inputShape();
        if (imageRows > 0 && shape.length == 3 && (shape[1] != imageRows || shape[2] != imageColumns)) {
            throw new InputException(name, "the images are " + imageRows + " x " + imageColumns + " pixels but "
                    + network + " reads input " + spec.inputName() + " of shape " + Arrays.toString(shape) + " as "
                    + shape[1] + " x " + shape[2]);
        }
    }

    /**
     * Checks that the samples' inputs fit {@code spec}, as {@link #requireFits} does, leaving the targets alone: for
     * a caller that uses only the inputs (predictions).
     *
     * @throws InputException naming this data and what does not fit
     */
    public void requireInputsFit(ModelSpec spec) {
        String network = "network '" + spec.name() + "'";
        if (spec.inputSize() != inputSize) {
            throw new InputException(name, "samples have " + plural(inputSize, "input value") + " but " + network
                    + " expects " + spec.inputSize() + " (input " + spec.inputName() + " of shape "
                    + Arrays.toString(spec.inputShape()) + ")");
        }
        requireImageShape(spec, network);
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    @Override
    public String toString() {
        return name + " (" + n + " samples of " + inputSize + (classes > 0 ? ", " + classes + " classes)"
                : ", " + targetValues + " target values)");
    }
}
