package netc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;

import org.junit.jupiter.api.Test;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;

class DatasetTest {

    /** Four samples of 2 features; sample i is (i, 10 i) with label i % 3. */
    private static Dataset four() {
        return Dataset.ofClasses("four", new float[] {0, 0, 1, 10, 2, 20, 3, 30}, new float[] {0, 1, 2, 0}, 2, 3);
    }

    private static ModelSpec spec(int inputSize, TargetKind kind, int targetSize) {
        return new ModelSpec("m", "m.net", "x", new int[] {inputSize}, "p", new int[] {targetSize}, kind, targetSize,
                "cross_entropy", List.of());
    }

    @Test
    void copyBatchGathersShuffledSamplesIntoContiguousRows() {
        float[] x = new float[6];
        float[] y = new float[3];
        four().copyBatch(new int[] {3, 1, 0, 2}, 1, 2, x, y);
        assertArrayEquals(new float[] {1, 10, 0, 0, 0, 0}, x);
        assertArrayEquals(new float[] {1, 0, 0}, y);
    }

    @Test
    void copyBatchFillsTheRowsItIsGivenAndNoOthers() {
        float[] x = new float[8];
        float[] y = new float[4];
        java.util.Arrays.fill(x, -1);
        java.util.Arrays.fill(y, -1);
        four().copyBatch(new int[] {3, 1, 0, 2}, 1, 2, x, y, 2);
        assertArrayEquals(new float[] {-1, -1, -1, -1, 1, 10, 0, 0}, x);
        assertArrayEquals(new float[] {-1, -1, 1, 0}, y);
    }

    @Test
    void sliceCopiesARangeOfSamples() {
        Dataset s = four().slice(1, 3);
        assertEquals(2, s.n());
        assertArrayEquals(new float[] {1, 10, 2, 20}, s.x());
        assertArrayEquals(new float[] {1, 2}, s.y());
    }

    @Test
    void subsetTakesSamplesInTheGivenOrder() {
        Dataset s = four().subset(new int[] {2, 0});
        assertArrayEquals(new float[] {2, 20, 0, 0}, s.x());
        assertArrayEquals(new float[] {2, 0}, s.y());
        assertEquals(3, s.classes());
    }

    @Test
    void labelsOutsideTheClassesAreAProgrammingError() {
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("bad", new float[] {0, 0}, new float[] {0, 3}, 1, 3));
        assertThrows(IllegalArgumentException.class,
                () -> Dataset.ofClasses("bad", new float[] {0, 0}, new float[] {0, 0.5f}, 1, 3));
    }

    @Test
    void dataFitsANetworkWithTheSameInputSizeAndClassCount() {
        four().requireFits(spec(2, TargetKind.CLASSES, 3));
    }

    @Test
    void aDifferentInputSizeNamesBothSizes() {
        InputException e = assertThrows(InputException.class, () -> four().requireFits(spec(784, TargetKind.CLASSES,
                3)));
        assertEquals("four: error: samples have 2 input values but network 'm' expects 784 (input x of shape [784])",
                e.getMessage());
    }

    @Test
    void aLabelBeyondTheNetworksClassesIsReported() {
        InputException e = assertThrows(InputException.class, () -> four().requireFits(spec(2, TargetKind.CLASSES,
                2)));
        assertEquals("four: error: label 2 of sample 2 is out of range: network 'm' has 2 classes", e.getMessage());
    }

    @Test
    void binaryCrossEntropyTargetsMustBeProbabilities() {
        ModelSpec bce = new ModelSpec("m", "m.net", "x", new int[] {1}, "p", new int[] {1}, TargetKind.VALUES, 1,
                "binary_cross_entropy", List.of());
        Dataset.ofValues("ok", new float[] {1, 2, 3}, new float[] {0, 1, 0.25f}, 1, 1).requireFits(bce);
        for (float bad : new float[] {5, -3, Float.NaN}) {
            Dataset values = Dataset.ofValues("bad", new float[] {1, 2}, new float[] {0, bad}, 1, 1);
            InputException e = assertThrows(InputException.class, () -> values.requireFits(bce));
            assertEquals("bad: error: target " + bad + " of sample 1 is not in [0, 1]: network 'm' learns "
                    + "probabilities (binary_cross_entropy)", e.getMessage());
        }
        // squared error takes any real target
        Dataset.ofValues("any", new float[] {1, 2}, new float[] {0, 5}, 1, 1).requireFits(new ModelSpec("m", "m.net",
                "x", new int[] {1}, "p", new int[] {1}, TargetKind.VALUES, 1, "squared_error", List.of()));
    }

    @Test
    void imagesFitAnImageInputOnlyWithTheirOwnHeightAndWidth() {
        Dataset images = Dataset.ofClasses("idx", new float[2 * 12], new float[] {0, 1}, 12, 2).withImageSize(3, 4);
        images.requireFits(imageSpec(12));
        images.requireFits(imageSpec(1, 3, 4));
        images.slice(0, 1).withName("first").requireFits(imageSpec(1, 3, 4));
        // a sequence reads the values in order, whatever rows it takes a step: one row, two, or a pixel
        for (int[] sequence : new int[][] {{3, 4}, {2, 6}, {12, 1}}) {
            images.requireFits(imageSpec(sequence));
        }
        for (int[] shape : new int[][] {{1, 4, 3}, {1, 2, 6}, {3, 2, 2}}) {
            InputException e = assertThrows(InputException.class, () -> images.requireFits(imageSpec(shape)));
            assertEquals("idx: error: the images are 3 x 4 pixels but network 'm' reads input x of shape "
                    + java.util.Arrays.toString(shape) + " as " + shape[shape.length - 2] + " x "
                    + shape[shape.length - 1], e.getMessage());
            InputException s = assertThrows(InputException.class,
                    () -> images.subset(new int[] {1}).requireFits(imageSpec(shape)));
            assertEquals(e.getMessage(), s.getMessage(), "a subset keeps the geometry");
            assertThrows(InputException.class, () -> images.requireInputsFit(imageSpec(shape)));
        }
        // data without a geometry (CSV) fits any shape of its size
        Dataset.ofClasses("csv", new float[12], new float[] {0}, 12, 2).requireFits(imageSpec(1, 2, 6));
    }

    private static ModelSpec imageSpec(int... shape) {
        return new ModelSpec("m", "m.net", "x", shape, "p", new int[] {2}, TargetKind.CLASSES, 2, "cross_entropy",
                List.of());
    }

    @Test
    void realTargetsDoNotFitAClassifier() {
        Dataset values = Dataset.ofValues("reg", new float[] {1, 2}, new float[] {0.5f, 0.7f}, 1, 1);
        InputException e = assertThrows(InputException.class, () -> values.requireFits(spec(1, TargetKind.CLASSES,
                3)));
        assertEquals("reg: error: the data has real-valued targets but network 'm' predicts one of 3 classes",
                e.getMessage());
    }

    @Test
    void aRegressionNeedsTheSameNumberOfTargetValues() {
        Dataset values = Dataset.ofValues("reg", new float[] {1, 2}, new float[] {0.5f, 0.7f}, 1, 1);
        InputException e = assertThrows(InputException.class, () -> values.requireFits(spec(1, TargetKind.VALUES,
                2)));
        assertEquals("reg: error: samples have 1 target value but network 'm' expects 2", e.getMessage());
    }
}
