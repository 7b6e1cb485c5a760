package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import netc.runtime.InputException;

/** Each optimizer's update on a 2-element vector against values computed by hand. */
class OptimizerTest {

    private static final float EPS = 1e-6f;

    @Test
    void sgdSubtractsTheLearningRateTimesTheGradient() {
        float[] w = {1f, -2f};
        new Sgd(0.1).step(w, new float[] {0.5f, -1f});
        // 1 - 0.1 * 0.5 = 0.95; -2 - 0.1 * -1 = -1.9
        assertArrayEquals(new float[] {0.95f, -1.9f}, w, EPS);
    }

    @Test
    void momentumAccumulatesVelocity() {
        float[] w = {1f, -2f};
        Momentum opt = new Momentum(0.1, 0.9);
        opt.step(w, new float[] {0.5f, -1f});
        // v = (0.5, -1); w = (1 - 0.05, -2 + 0.1) = (0.95, -1.9)
        assertArrayEquals(new float[] {0.95f, -1.9f}, w, EPS);
        opt.step(w, new float[] {1f, 1f});
        // v = 0.9 * (0.5, -1) + (1, 1) = (1.45, 0.1); w = (0.95 - 0.145, -1.9 - 0.01) = (0.805, -1.91)
        assertArrayEquals(new float[] {0.805f, -1.91f}, w, EPS);
    }

    @Test
    void momentumDefaultsTo09() {
        assertEquals(0.9f, new Momentum(0.01).momentum());
    }

    @Test
    void adamsFirstStepMovesEachWeightByAboutTheLearningRate() {
        float[] w = {1f, -2f};
        Adam opt = new Adam(0.1);
        opt.step(w, new float[] {0.5f, -1f});
        // t = 1: m = 0.1 g, v = 0.001 g^2; mhat = g, vhat = g^2; step = lr * g / (|g| + 1e-8) = 0.1 * sign(g)
        assertArrayEquals(new float[] {0.9f, -1.9f}, w, EPS);
        assertEquals(1, opt.steps());
    }

    @Test
    void adamsSecondStepUsesBiasCorrectedMoments() {
        float[] w = {1f, -2f};
        Adam opt = new Adam(0.1);
        opt.step(w, new float[] {0.5f, -1f});
        opt.step(w, new float[] {1f, 1f});
        // Element 0: m = 0.9 * 0.05 + 0.1 * 1 = 0.145; v = 0.999 * 0.00025 + 0.001 * 1 = 0.00124975
        //   mhat = 0.145 / 0.19 = 0.763158; vhat = 0.00124975 / 0.001999 = 0.625188; sqrt = 0.790688
        //   w = 0.9 - 0.1 * 0.763158 / 0.790688 = 0.803482
        // Element 1: m = 0.9 * -0.1 + 0.1 * 1 = 0.01; v = 0.999 * 0.001 + 0.001 * 1 = 0.001999
        //   mhat = 0.01 / 0.19 = 0.0526316; vhat = 1; w = -1.9 - 0.1 * 0.0526316 = -1.905263
        assertArrayEquals(new float[] {0.803482f, -1.905263f}, w, 2e-6f);
    }

    @Test
    void adamDefaultsAreThoseOfThePaper() {
        assertEquals("adam(lr 0.001, beta1 0.9, beta2 0.999, eps 1.0E-8)", Adam.defaults().toString());
    }

    @Test
    void aNegativeLearningRateIsRejectedNamingTheSetting() {
        InputException e = assertThrows(InputException.class, () -> new Sgd(-0.1));
        assertEquals("sgd: error: learning rate must be > 0, got -0.1", e.getMessage());
    }

    @Test
    void aNanLearningRateIsRejected() {
        InputException e = assertThrows(InputException.class, () -> new Adam(Double.NaN));
        assertEquals("adam: error: learning rate must be > 0, got NaN", e.getMessage());
    }

    @Test
    void aMomentumOfOneIsRejected() {
        InputException e = assertThrows(InputException.class, () -> new Momentum(0.1, 1.0));
        assertEquals("momentum: error: momentum must be >= 0 and < 1, got 1.0", e.getMessage());
    }

    @Test
    void adamBetasAndEpsilonAreValidated() {
        assertEquals("adam: error: beta2 must be >= 0 and < 1, got 1.5",
                assertThrows(InputException.class, () -> new Adam(0.1, 0.9, 1.5, 1e-8)).getMessage());
        assertEquals("adam: error: epsilon must be > 0, got 0.0",
                assertThrows(InputException.class, () -> new Adam(0.1, 0.9, 0.999, 0)).getMessage());
    }

    @Test
    void anOptimizerServesOneParameterVectorLength() {
        Adam opt = new Adam(0.1);
        opt.step(new float[2], new float[2]);
        assertThrows(IllegalStateException.class, () -> opt.step(new float[3], new float[3]));
    }

    /**
     * Batch norms' running statistics live in the parameter vector with a gradient of exactly 0 at every step: no
     * optimizer may move them (the generated code updates them itself).
     */
    @Test
    void aCoordinateWhoseGradientIsAlwaysZeroStaysBitwiseUnchanged() {
        for (Optimizer opt : new Optimizer[] {new Sgd(0.1), new Momentum(0.1, 0.9), new Adam(0.1)}) {
            float[] w = {0.37f, 1f, -2.5f};
            for (int step = 0; step < 5; step++) {
                opt.setRateFactor(0.5 + step);
                opt.step(w, new float[] {0.25f * (step + 1), 0f, 0f});
                w[2] = -2.5f + step; // as a running statistic updated between steps
            }
            assertEquals(1f, w[1], opt.getClass().getSimpleName());
            assertEquals(-2.5f + 4, w[2], opt.getClass().getSimpleName());
        }
    }
}
