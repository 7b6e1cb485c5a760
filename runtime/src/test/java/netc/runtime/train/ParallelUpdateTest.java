package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import netc.runtime.Parallel;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The optimizers' update and the finite check split over a pool's threads, bitwise as on one thread. */
class ParallelUpdateTest {

    /** Not a multiple of the slice alignment, so the last slice is short. */
    private static final int N = 10 * RangeUpdate.ALIGN + 77;

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void aPassCoversEveryElementOnceInAlignedSlicesAndForgetsTheArrays(int threads) {
        List<String> slices = Collections.synchronizedList(new ArrayList<>());
        int[] hits = new int[N];
        RangeUpdate pass = new RangeUpdate() {
            @Override
            void update(int lo, int hi) {
                slices.add(lo + ".." + hi);
                for (int i = lo; i < hi; i++) {
                    hits[i]++; // each slice writes only its own elements
                    params[i] += grad[i];
                }
            }
        };
        float[] params = new float[N];
        float[] grad = new float[N];
        java.util.Arrays.fill(grad, 1f);
        try (Parallel pool = Parallel.threads(threads)) {
            pass.run(params, grad, pool);
        }
        for (int i = 0; i < N; i++) {
            assertEquals(1, hits[i], "element " + i);
            assertEquals(1f, params[i]);
        }
        // one slice per chunk of the pool: one on one thread, several on more, all starting on a 4 KiB boundary
        if (threads == 1) {
            assertEquals(1, slices.size(), slices.toString());
        } else {
            assertTrue(slices.size() > threads && slices.size() <= 4 * threads, slices.toString());
        }
        for (String s : slices) {
            assertEquals(0, Integer.parseInt(s.substring(0, s.indexOf('.'))) % RangeUpdate.ALIGN, s);
        }
        assertNull(pass.params, "the pass keeps no reference to the step's arrays");
        assertNull(pass.grad);
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void everyBuiltInOptimizerGivesTheSerialBitsOnAPool(int threads) {
        List<Supplier<Optimizer>> kinds = List.of(() -> new Sgd(0.1), () -> new Momentum(0.05, 0.9),
                () -> new Adam(1e-3));
        try (Parallel pool = Parallel.threads(threads)) {
            for (Supplier<Optimizer> kind : kinds) {
                Optimizer serial = kind.get();
                Optimizer split = kind.get();
                float[] a = randomVector(1);
                float[] b = a.clone();
                for (int step = 0; step < 5; step++) {
                    float[] grad = randomVector(100 + step);
                    serial.setRateFactor(1 - 0.1 * step);
                    split.setRateFactor(1 - 0.1 * step);
                    serial.step(a, grad);
                    split.step(b, grad, pool);
                    assertArrayEquals(a, b, serial.name() + ", step " + step);
                }
                assertEquals(serial.exportState().steps(), split.exportState().steps());
                for (String key : serial.exportState().vectors().keySet()) {
                    assertArrayEquals(serial.exportState().vectors().get(key), split.exportState().vectors().get(key),
                            serial.name() + " " + key);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void theFiniteCheckFindsANonFiniteValueInAnySlice(int threads) {
        FiniteCheck check = new FiniteCheck();
        float[] grad = randomVector(7);
        try (Parallel pool = Parallel.threads(threads)) {
            assertTrue(check.allFinite(grad, pool));
            for (int at : new int[] {0, RangeUpdate.ALIGN - 1, 5 * RangeUpdate.ALIGN + 3, N - 1}) {
                for (float x : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                    float saved = grad[at];
                    grad[at] = x;
                    assertFalse(check.allFinite(grad, pool), x + " at " + at);
                    grad[at] = saved;
                    assertTrue(check.allFinite(grad, pool), "finite again after " + x + " at " + at);
                }
            }
        }
    }

    private static float[] randomVector(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
