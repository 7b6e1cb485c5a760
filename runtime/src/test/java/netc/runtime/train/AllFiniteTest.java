package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AllFiniteTest {

    @Test
    void findsANonFiniteValueAtEveryPositionOfTheUnrolledLoopAndTheTail() {
        for (int n : new int[] {1, 7, 8, 9, 17, 100}) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (i % 3 - 1) * Float.MAX_VALUE; // finite extremes and zeros, incl. -0 after scaling
            }
            assertTrue(Trainer.allFinite(v), "finite, n=" + n);
            for (int bad = 0; bad < n; bad++) {
                for (float x : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float saved = v[bad];
                    v[bad] = x;
                    assertFalse(Trainer.allFinite(v), x + " at " + bad + " of " + n);
                    v[bad] = saved;
                }
            }
        }
        assertTrue(Trainer.allFinite(new float[0]));
    }

    @Test
    void finiteValuesWhoseSumOverflowsAreFinite() {
        for (int n : new int[] {2, 9, 16, 100}) {
            float[] v = new float[n];
            java.util.Arrays.fill(v, Float.MAX_VALUE);
            assertTrue(FiniteCheck.allFinite(v, 0, n), "all MAX_VALUE, n=" + n);
            java.util.Arrays.fill(v, -Float.MAX_VALUE);
            assertTrue(FiniteCheck.allFinite(v, 0, n), "all -MAX_VALUE, n=" + n);
            v[n - 1] = Float.POSITIVE_INFINITY;
            assertFalse(FiniteCheck.allFinite(v, 0, n), "an infinity among sums that overflow, n=" + n);
            v[n - 1] = Float.NaN;
            assertFalse(FiniteCheck.allFinite(v, 0, n), "a NaN among sums that overflow, n=" + n);
        }
        // the two checks agree on random vectors with a non-finite value or none, at random ranges
        java.util.SplittableRandom rng = new java.util.SplittableRandom(17);
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
            -Float.MAX_VALUE, Float.MIN_VALUE, -0f};
        for (int trial = 0; trial < 2000; trial++) {
            float[] v = new float[1 + rng.nextInt(70)];
            for (int i = 0; i < v.length; i++) {
                v[i] = rng.nextInt(8) == 0 ? specials[rng.nextInt(specials.length)]
                        : (float) (rng.nextGaussian() * Math.pow(10, rng.nextInt(77) - 38));
            }
            int lo = rng.nextInt(v.length);
            int hi = lo + rng.nextInt(v.length - lo + 1);
            boolean expected = true;
            for (int i = lo; i < hi; i++) {
                expected &= Float.isFinite(v[i]);
            }
            String what = java.util.Arrays.toString(v) + " " + lo + ".." + hi;
            assertEquals(expected, FiniteCheck.allFinite(v, lo, hi), what);
            assertEquals(expected, FiniteCheck.exactlyFinite(v, lo, hi));
        }
    }
}
