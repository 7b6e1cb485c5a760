package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchNorm} computes what its documentation says, bit for bit: each feature's statistics summed in double
 * over the rows in row order, whatever the feature range a call covers (so whatever the thread count), for feature
 * counts from 1 to more than a block of rows holds and row counts that are not multiples of a block.
 */
class BatchNormTest {

    @Test
    void matchesAFeatureByFeatureReferenceBitwiseForAnySplitOfTheFeatures() {
        SplittableRandom rng = new SplittableRandom(11);
        int[][] shapes = {{12544, 32}, {3136, 64}, {128, 256}, {7, 5}, {300, 3}, {64, 1}, {50, 4097}, {2, 9}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int features = shape[1];
            float[] x = new float[3 + rows * features];
            float[] g = new float[2 + rows * features];
            for (int i = 0; i < x.length; i++) {
                x[i] = rng.nextInt(40) == 0 ? 1000f : (float) rng.nextGaussian();
            }
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) rng.nextGaussian();
            }
            float[] state = new float[2 * features];
            for (int f = 0; f < features; f++) {
                state[f] = (float) rng.nextGaussian();
                state[features + f] = 1 + rng.nextFloat();
            }
            float[] expectedOut = new float[1 + rows * features];
            float[] expectedGrad = new float[1 + rows * features];
            float[] expectedState = state.clone();
            reference(x, 3, g, 2, expectedOut, expectedGrad, 1, rows, features, expectedState);

            int parts = 1 + rng.nextInt(Math.min(features, 7));
            float[] out = new float[expectedOut.length];
            float[] grad = new float[expectedGrad.length];
            float[] trained = state.clone();
            for (int p = parts - 1; p >= 0; p--) { // parts in reverse: no part depends on another
                int lo = p * features / parts;
                int hi = (p + 1) * features / parts;
                BatchNorm.train(x, 3, out, 1, 2, rows, features, trained, 0, features, lo, hi);
                BatchNorm.backward(x, 3, g, 2, grad, 1, rows, features, lo, hi);
            }
            String what = rows + " rows x " + features + " features in " + parts + " parts";
            assertBitwise(expectedOut, out, "train, " + what);
            assertBitwise(expectedState, trained, "running statistics, " + what);
            assertBitwise(expectedGrad, grad, "backward, " + what);
        }
    }

    /**
     * A training step calls these once per batch-norm layer and thread: their per-feature statistics live in the
     * thread's scratch, not in new arrays (0.8-2.6 KB per call before), whatever was left in it; and results stay
     * bitwise those of a fresh thread.
     */
    @Test
    void callsAllocateNothingOnceTheThreadHasItsScratchAndIgnoreWhatItHolds() {
        int rows = 200;
        int features = 48;
        SplittableRandom rng = new SplittableRandom(3);
        float[] x = new float[rows * features];
        float[] g = new float[rows * features];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
            g[i] = (float) rng.nextGaussian();
        }
        float[] state = new float[2 * features];
        java.util.Arrays.fill(state, features, 2 * features, 1f);
        float[] out = new float[x.length];
        float[] grad = new float[x.length];
        float[] inferred = new float[x.length];
        Runnable calls = () -> {
            BatchNorm.train(x, 0, out, 0, 10, rows, features, state, 0, features, 5, 45);
            BatchNorm.backward(x, 0, g, 0, grad, 0, rows, features, 5, 45);
            BatchNorm.infer(x, 0, inferred, 0, rows, features, state, 0, features, 5, 45);
        };
        float[] stateBefore = state.clone();
        calls.run();
        float[] firstOut = out.clone();
        float[] firstGrad = grad.clone();
        float[] firstInferred = inferred.clone();
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 20; i++) {
            System.arraycopy(stateBefore, 0, state, 0, state.length);
            calls.run();
        }
        long bytes = mx.getCurrentThreadAllocatedBytes() - before;
        // new arrays were 10 of 40 doubles per round, over 60 KB in all; a few hundred bytes are the bean's own
        assertTrue(bytes < 2048, bytes + " bytes allocated by 20 x 3 calls");
        java.util.Arrays.fill(DoubleScratch.atLeast(5 * features), Double.NaN);
        System.arraycopy(stateBefore, 0, state, 0, state.length);
        calls.run();
        assertBitwise(firstOut, out, "train after the scratch held NaN");
        assertBitwise(firstGrad, grad, "backward after the scratch held NaN");
        assertBitwise(firstInferred, inferred, "infer after the scratch held NaN");
    }

    @Test
    void oneSampleIsRefusedInTraining() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BatchNorm.train(new float[4],
                0, new float[4], 0, 1, 1, 4, new float[8], 0, 4, 0, 4));
        assertEquals(true, e.getMessage().contains("at least 2 samples"), e.getMessage());
    }

    /** The documented computation, one feature at a time over the rows in order. */
    private static void reference(float[] x, int xOff, float[] g, int gOff, float[] out, float[] grad, int outOff,
                                  int rows, int features, float[] state) {
        for (int f = 0; f < features; f++) {
            double mean = 0;
            for (int r = 0; r < rows; r++) {
                mean += x[xOff + r * features + f];
            }
            mean /= rows;
            double var = 0;
            for (int r = 0; r < rows; r++) {
                double d = x[xOff + r * features + f] - mean;
                var += d * d;
            }
            var /= rows;
            double inv = 1 / Math.sqrt(var + BatchNorm.EPS);
            state[f] = (float) ((1 - BatchNorm.MOMENTUM) * state[f] + BatchNorm.MOMENTUM * mean);
            state[features + f] = (float) ((1 - BatchNorm.MOMENTUM) * state[features + f]
                    + BatchNorm.MOMENTUM * var * rows / (rows - 1));
            double gMean = 0;
            double gyMean = 0;
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                out[outOff + i] = (float) ((x[xOff + i] - mean) * inv);
                double gi = g[gOff + i];
                gMean += gi;
                gyMean += gi * ((x[xOff + i] - mean) * inv);
            }
            gMean /= rows;
            gyMean /= rows;
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                double y = (x[xOff + i] - mean) * inv;
                grad[outOff + i] = (float) (inv * (g[gOff + i] - gMean - y * gyMean));
            }
        }
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToIntBits(expected[i]), Float.floatToIntBits(actual[i]),
                    what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
        }
    }
}
