package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The counter-based dropout mask: its rate, its independence of the split, and its dependence on each key part. */
class DropoutTest {

    @Test
    void keepsAboutOneMinusPAndScalesTheKeptValues() {
        int n = 100_000;
        float[] x = new float[n];
        java.util.Arrays.fill(x, 2f);
        float[] out = new float[n];
        for (double p : new double[] {0.1, 0.5, 0.9}) {
            Dropout.apply(x, 0, out, 0, 1000, p, true, Dropout.key(1, 2, 0), 0, 100);
            int kept = 0;
            for (float v : out) {
                assertTrue(v == 0f || v == 2 * (float) (1 / (1 - p)), "value " + v);
                kept += v != 0f ? 1 : 0;
            }
            assertEquals(1 - p, kept / (double) n, 0.01, "kept fraction at p " + p);
        }
    }

    @Test
    void pZeroKeepsEverythingAndInferenceIsTheIdentity() {
        float[] x = {1f, -2f, 3f, 4f};
        float[] out = new float[4];
        Dropout.apply(x, 0, out, 0, 2, 0.0, true, Dropout.key(5, 6, 7), 0, 2);
        assertArrayEquals(x, out);
        Dropout.apply(x, 0, out, 0, 2, 0.99, false, Dropout.key(5, 6, 7), 0, 2);
        assertArrayEquals(x, out);
    }

    @Test
    void theMaskOfASampleDoesNotDependOnTheRangeThatComputesIt() {
        float[] x = new float[64];
        java.util.Arrays.fill(x, 1f);
        float[] whole = new float[64];
        float[] parts = new float[64];
        long key = Dropout.key(42, 3, 1);
        Dropout.apply(x, 0, whole, 0, 8, 0.5, true, key, 0, 8);
        Dropout.apply(x, 0, parts, 0, 8, 0.5, true, key, 5, 8);
        Dropout.apply(x, 0, parts, 0, 8, 0.5, true, key, 0, 5);
        assertArrayEquals(whole, parts);
    }

    @Test
    void aShareOfABatchDrawsTheMasksOfItsSamplesInTheWholeBatch() {
        // samples 1, 4 and 6 of a batch of 8, computed on their own as a Spark partition's share of a step's batch
        int n = 16;
        float[] x = new float[8 * n];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 1;
        }
        long key = Dropout.key(7, 2, 0);
        float[] whole = new float[x.length];
        Dropout.apply(x, 0, whole, 0, n, 0.5, true, key, 0, 8);
        int[] positions = {1, 4, 6};
        float[] share = new float[positions.length * n];
        float[] expected = new float[share.length];
        for (int r = 0; r < positions.length; r++) {
            System.arraycopy(x, positions[r] * n, share, r * n, n);
            System.arraycopy(whole, positions[r] * n, expected, r * n, n);
        }
        float[] out = new float[share.length];
        Dropout.apply(share, 0, out, 0, n, 0.5, true, key, positions, 1, 3);
        Dropout.apply(share, 0, out, 0, n, 0.5, true, key, positions, 0, 1);
        assertArrayEquals(expected, out);

        // the form without positions (and null positions) draws row r's mask as sample r's, as before
        float[] plain = new float[share.length];
        float[] nulls = new float[share.length];
        Dropout.apply(share, 0, plain, 0, n, 0.5, true, key, 0, 3);
        Dropout.apply(share, 0, nulls, 0, n, 0.5, true, key, null, 0, 3);
        assertArrayEquals(plain, nulls);
        for (int j = 0; j < n; j++) {
            assertEquals(whole[j] != 0, plain[j] != 0, "row 0 has sample 0's mask, element " + j);
        }
        assertFalse(java.util.Arrays.equals(expected, plain), "the share's rows are not samples 0, 1 and 2");
    }

    @Test
    void seedStepAndSiteEachChangeTheKey() {
        long key = Dropout.key(1, 1, 1);
        assertNotEquals(key, Dropout.key(2, 1, 1));
        assertNotEquals(key, Dropout.key(1, 2, 1));
        assertNotEquals(key, Dropout.key(1, 1, 2));
        assertNotEquals(Dropout.key(0, 1, 0), Dropout.key(1, 0, 0), "seed and step are not interchangeable");
        int same = 0;
        for (int i = 0; i < 1000; i++) {
            same += Dropout.keeps(key, i, 0.5) == Dropout.keeps(Dropout.key(1, 2, 1), i, 0.5) ? 1 : 0;
        }
        assertEquals(500, same, 60, "masks of two steps agree about half the time");
        assertFalse(Dropout.keeps(key, 0, 1.0), "p = 1 would drop everything");
    }
}
