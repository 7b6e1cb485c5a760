package netc.runtime.train;

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
}
