package netc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HoldOutTest {

    /** {@code n} samples whose single input is the index; the first {@code ones} are class 1, the rest class 0. */
    private static Dataset indexed(int n, int ones) {
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i < ones ? 1 : 0;
        }
        return Dataset.ofClasses("d", x, y, 1, 2);
    }

    @Test
    void stratifiedHoldsOutEachClassInProportionAndKeepsTheRestForTraining() {
        DataSplit s = HoldOut.stratified(indexed(100, 10), 0.2, 7, "d (validation)");
        assertEquals(20, s.test().n());
        assertEquals(80, s.train().n());
        assertEquals("d (validation)", s.test().name());
        assertEquals(2, countOnes(s.test()), "2 of the 10 samples of class 1");
        assertEquals(8, countOnes(s.train()));
        float[] all = new float[100];
        System.arraycopy(s.train().x(), 0, all, 0, 80);
        System.arraycopy(s.test().x(), 0, all, 80, 20);
        Arrays.sort(all);
        for (int i = 0; i < 100; i++) {
            assertEquals(i, all[i], "every sample in exactly one part");
        }
    }

    @Test
    void theSameSeedHoldsOutTheSameSamplesAnotherSeedOthers() {
        Dataset d = indexed(100, 10);
        assertArrayEquals(HoldOut.stratified(d, 0.1, 3, "v").test().x(), HoldOut.stratified(d, 0.1, 3, "v").test().x());
        assertFalse(Arrays.equals(HoldOut.stratified(d, 0.1, 3, "v").test().x(),
                HoldOut.stratified(d, 0.1, 4, "v").test().x()));
    }

    @Test
    void randomTakesTheFirstSamplesOfTheSeededPermutationWhateverTheirClass() {
        Dataset d = indexed(50, 0);
        DataSplit s = HoldOut.random(d, 0.1, 11, "held");
        int[] order = HoldOut.permutation(50, 11);
        int[] expected = Arrays.copyOf(order, 5);
        Arrays.sort(expected);
        float[] held = new float[5];
        for (int i = 0; i < 5; i++) {
            held[i] = expected[i];
        }
        assertArrayEquals(held, s.test().x());
    }

    @Test
    void aTinySetStillHoldsOutOneAndTrainsOnOne() {
        DataSplit s = HoldOut.stratified(indexed(2, 1), 0.1, 0, "v");
        assertEquals(1, s.test().n());
        assertEquals(1, s.train().n());
        DataSplit most = HoldOut.stratified(indexed(2, 1), 0.9, 0, "v");
        assertEquals(1, most.train().n(), "rounding up every class would leave nothing to train on");
        assertThrows(IllegalArgumentException.class, () -> HoldOut.random(indexed(1, 0), 0.5, 0, "v"));
        assertThrows(IllegalArgumentException.class, () -> HoldOut.random(indexed(10, 0), 1.0, 0, "v"));
    }

    private static int countOnes(Dataset d) {
        int n = 0;
        for (int i = 0; i < d.n(); i++) {
            n += d.label(i);
        }
        return n;
    }
}
