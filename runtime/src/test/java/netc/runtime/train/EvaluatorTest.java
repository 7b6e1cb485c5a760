package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

import netc.runtime.data.Dataset;

class EvaluatorTest {

    @Test
    void thePredictedClassIsTheArgMaxAndTheFirstOnTies() {
        float[] out = {0.1f, 0.7f, 0.2f, 0.4f, 0.4f, 0.2f};
        assertEquals(1, Evaluator.predictedClass(out, 0, 3));
        assertEquals(0, Evaluator.predictedClass(out, 3, 3));
    }

    @Test
    void aSingleSigmoidOutputPredictsOneIffAboveOneHalf() {
        float[] out = {0.3f, 0.5f, 0.51f};
        assertEquals(0, Evaluator.predictedClass(out, 0, 1));
        assertEquals(0, Evaluator.predictedClass(out, 1, 1));
        assertEquals(1, Evaluator.predictedClass(out, 2, 1));
    }

    @Test
    void aNanOutputNeverWinsAndAllNanPredictsNoClass() {
        float[] out = {Float.NaN, 0.2f, 0.1f, 0.3f, Float.NaN, 0.3f, Float.NaN, Float.NaN};
        assertEquals(1, Evaluator.predictedClass(out, 0, 3));
        assertEquals(0, Evaluator.predictedClass(out, 3, 3));
        assertEquals(-1, Evaluator.predictedClass(out, 6, 2));
        assertEquals(-1, Evaluator.predictedClass(out, 6, 1));
    }

    @Test
    void aSampleWhoseOutputIsNanCountsAsWrong() {
        // ScriptedNetwork outputs (x, 0.5): with x NaN, class 1 is the only number; label 0 is therefore missed.
        Dataset d = Dataset.ofClasses("nan", new float[] {Float.NaN}, new float[] {0}, 1, 2);
        assertEquals(0.0, new Evaluator(new ScriptedNetwork(), 1).evaluate(new float[2], d).accuracy());
    }

    @Test
    void accuracyAndLossAreMeansOverTheWholeSetAcrossBatches() {
        // ScriptedNetwork outputs (x, 0.5): class 0 wins iff x > 0.5. Inputs 0..9 with labels i % 2.
        float[] x = new float[10];
        float[] y = new float[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i % 2;
        }
        Dataset d = Dataset.ofClasses("ten", x, y, 1, 2);
        Evaluation e = new Evaluator(new ScriptedNetwork(), 3).evaluate(new float[2], d);
        // Predictions: sample 0 -> class 1 (0 < 0.5), samples 1..9 -> class 0. Correct: 2, 4, 6, 8.
        assertEquals(10, e.samples());
        assertEquals(0.4, e.accuracy(), 1e-12);
        assertEquals(0.5, e.loss(), 1e-12);
        assertArrayEquals(new int[] {1, 0, 0, 0, 0, 0, 0, 0, 0, 0},
                new Evaluator(new ScriptedNetwork(), 4).predict(new float[2], d));
    }
}
