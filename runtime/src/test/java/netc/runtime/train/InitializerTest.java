package netc.runtime.train;

import static netc.runtime.train.Specs.classifier;
import static netc.runtime.train.Specs.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;

class InitializerTest {

    private static final ModelSpec MLP = classifier("mlp", 784, 10, params(
            "W1", new int[] {512, 784}, Init.HE,
            "b1", new int[] {512}, Init.ZEROS,
            "W2", new int[] {10, 512}, Init.XAVIER,
            "b2", new int[] {10}, Init.normal(0.5)));

    /** Mean and standard deviation of {@code p}'s values. */
    private static double[] stats(float[] params, ParamSpec p) {
        double sum = 0;
        double sq = 0;
        for (int i = p.offset(); i < p.offset() + p.size(); i++) {
            sum += params[i];
            sq += (double) params[i] * params[i];
        }
        double mean = sum / p.size();
        return new double[] {mean, Math.sqrt(sq / p.size() - mean * mean)};
    }

    @Test
    void heGivesMeanZeroAndStdSqrtTwoOverFanInFor512x784() {
        float[] w = Initializer.initialize(MLP, 7);
        double[] s = stats(w, MLP.param("W1"));
        double std = Math.sqrt(2.0 / 784);
        assertEquals(0, s[0], 0.01 * std, "mean");
        assertEquals(std, s[1], 0.02 * std, "std");
    }

    @Test
    void xavierUsesFanInPlusFanOut() {
        ModelSpec spec = classifier("x", 512, 256, params("W", new int[] {256, 512}, Init.XAVIER));
        double[] s = stats(Initializer.initialize(spec, 3), spec.param("W"));
        double std = Math.sqrt(2.0 / (512 + 256));
        assertEquals(0, s[0], 0.02 * std);
        assertEquals(std, s[1], 0.02 * std);
    }

    @Test
    void normalUsesTheGivenStd() {
        ModelSpec spec = classifier("n", 1, 1, params("v", new int[] {100_000}, Init.normal(0.5)));
        double[] s = stats(Initializer.initialize(spec, 11), spec.param("v"));
        assertEquals(0, s[0], 0.01);
        assertEquals(0.5, s[1], 0.01);
    }

    @Test
    void zerosAreExactlyZeroEvenOverOldValues() {
        float[] w = new float[MLP.paramCount()];
        Arrays.fill(w, 3f);
        Initializer.fill(MLP, w, 1);
        ParamSpec b1 = MLP.param("b1");
        for (int i = b1.offset(); i < b1.offset() + b1.size(); i++) {
            assertEquals(0f, w[i]);
        }
    }

    @Test
    void theSameSeedGivesBitwiseTheSameWeights() {
        assertArrayEquals(Initializer.initialize(MLP, 42), Initializer.initialize(MLP, 42));
    }

    @Test
    void differentSeedsGiveDifferentWeights() {
        assertFalse(Arrays.equals(Initializer.initialize(MLP, 1), Initializer.initialize(MLP, 2)));
    }

    @Test
    void aParametersValuesDoNotDependOnTheSizesOfThoseBeforeIt() {
        ModelSpec small = classifier("a", 4, 3, params("W1", new int[] {2, 2}, Init.HE, "W2", new int[] {3, 4},
                Init.HE));
        ModelSpec large = classifier("b", 4, 3, params("W1", new int[] {20, 20}, Init.HE, "W2", new int[] {3, 4},
                Init.HE));
        float[] a = Initializer.initialize(small, 5);
        float[] b = Initializer.initialize(large, 5);
        assertArrayEquals(Arrays.copyOfRange(a, 4, 16), Arrays.copyOfRange(b, 400, 412));
    }

    @Test
    void fansFollowTheShapeRules() {
        assertEquals(784, Initializer.fanIn(new int[] {512, 784}));
        assertEquals(512, Initializer.fanOut(new int[] {512, 784}));
        assertEquals(10, Initializer.fanIn(new int[] {10}));
        assertEquals(10, Initializer.fanOut(new int[] {10}));
        assertEquals(1, Initializer.fanIn(new int[0]));
        assertEquals(3 * 5 * 5, Initializer.fanIn(new int[] {16, 3, 5, 5}));
        assertEquals(16 * 5 * 5, Initializer.fanOut(new int[] {16, 3, 5, 5}));
    }

    @Test
    void everyInitialValueIsFinite() {
        for (float v : Initializer.initialize(MLP, 99)) {
            assertTrue(Float.isFinite(v));
        }
    }
}
