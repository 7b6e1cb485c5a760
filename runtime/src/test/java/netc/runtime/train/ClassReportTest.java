package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@link ClassReport} on predictions made by hand, where every number can be counted on a finger. */
class ClassReportTest {

    /**
     * Four classes over eight samples: class 0 is right twice and once taken for 1; class 1 is right once and once
     * taken for 0; class 2 has two samples, both taken for 1, and is never predicted; class 3 never occurs but is
     * predicted once (for a sample of 1).
     */
    private static final int[] ACTUAL = {0, 0, 0, 1, 1, 1, 2, 2};
    private static final int[] PREDICTED = {0, 0, 1, 1, 0, 3, 1, 1};

    @Test
    void confusionMatrixCountsTrueClassByRowAndPredictionByColumn() {
        ClassReport r = ClassReport.of(4, ACTUAL, PREDICTED);
        assertEquals(4, r.classes());
        assertEquals(8, r.samples());
        assertArrayEquals(new long[][] {
            {2, 1, 0, 0},
            {1, 1, 0, 1},
            {0, 2, 0, 0},
            {0, 0, 0, 0}}, r.confusionMatrix());
        assertEquals(2, r.count(2, 1));
        assertEquals(3, r.support(1));
        assertEquals(4, r.predictedCount(1));
    }

    @Test
    void precisionAndRecallPerClass() {
        ClassReport r = ClassReport.of(4, ACTUAL, PREDICTED);
        assertEquals(2.0 / 3, r.precision(0));
        assertEquals(2.0 / 3, r.recall(0));
        assertEquals(1.0 / 4, r.precision(1));
        assertEquals(1.0 / 3, r.recall(1));
        assertEquals(3.0 / 8, r.accuracy());
    }

    @Test
    void aClassNeverPredictedHasNoPrecisionAndAnAbsentClassNoRecall() {
        ClassReport r = ClassReport.of(4, ACTUAL, PREDICTED);
        assertEquals(Double.NaN, r.precision(2), "class 2 is never predicted: 0/0");
        assertEquals(0.0, r.recall(2), "but both its samples were missed");
        assertEquals(Double.NaN, r.recall(3), "class 3 has no sample: 0/0");
        assertEquals(0.0, r.precision(3), "but its one prediction was wrong");
    }

    @Test
    void theMatrixIsACopy() {
        ClassReport r = ClassReport.of(2, new int[] {0, 1}, new int[] {0, 1});
        r.confusionMatrix()[0][0] = 99;
        assertEquals(1, r.count(0, 0));
        assertEquals(1.0, r.accuracy());
        assertEquals(Double.NaN, ClassReport.of(2, new int[0], new int[0]).accuracy());
    }

    @Test
    void rejectsMismatchedOrOutOfRangeLabels() {
        assertEquals("2 true labels but 1 predictions", assertThrows(IllegalArgumentException.class,
                () -> ClassReport.of(2, new int[] {0, 1}, new int[] {0})).getMessage());
        assertEquals("sample 1: class 2 is not in [0, 2)", assertThrows(IllegalArgumentException.class,
                () -> ClassReport.of(2, new int[] {0, 1}, new int[] {0, 2})).getMessage());
    }
}
