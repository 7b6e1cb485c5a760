package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import netc.compiler.internal.driver.Compilation;
import netc.runtime.Network;
import netc.runtime.train.FiniteCheck;
import org.junit.jupiter.api.Test;

/**
 * The gradient check of a class with vector kernels ({@code VectorKernelsClass.addFiniteCheck}), which reads a vector
 * at a time: the answer of the scalar {@link FiniteCheck#allFinite(float[], int, int)} for every position of a NaN or
 * an infinity in the vector loop and the tail, for ranges that start and end anywhere, and for finite values whose sum
 * overflows.
 */
class VectorFiniteCheckTest {

    private static final Network NETWORK = Compilation.instantiate(
            KernelClasses.reluMlp(KernelClasses.uniqueSimpleName("finite_probe"), 20, 24, 16).loadClass().type());

    @Test
    void theVectorKernelsRunInThisJvm() {
        // otherwise the tests below would check the scalar fallback only
        assertTrue(String.valueOf(invokeKernels()).startsWith("vector"), String.valueOf(invokeKernels()));
    }

    @Test
    void findsANonFiniteValueAtEveryPositionOfEveryRange() {
        Random random = new Random(3);
        for (int n : new int[] {0, 1, 15, 16, 63, 64, 65, 130, 1000}) {
            float[] v = new float[n + 5];
            for (int i = 0; i < v.length; i++) {
                v[i] = (random.nextFloat() - 0.5f) * (i % 7 == 0 ? 1e30f : 1f);
            }
            for (int lo : new int[] {0, 1, 3}) {
                int hi = Math.min(v.length, lo + n);
                assertTrue(NETWORK.allFinite(v, lo, hi), "finite, [" + lo + ", " + hi + ")");
                for (int bad = lo; bad < hi; bad++) {
                    for (float x : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                        float saved = v[bad];
                        v[bad] = x;
                        assertFalse(NETWORK.allFinite(v, lo, hi), x + " at " + bad + " of [" + lo + ", " + hi + ")");
                        v[bad] = saved;
                    }
                }
                if (lo > 0) {
                    // outside the range: not looked at
                    float saved = v[lo - 1];
                    v[lo - 1] = Float.NaN;
                    assertTrue(NETWORK.allFinite(v, lo, hi), "a NaN before [" + lo + ", " + hi + ")");
                    v[lo - 1] = saved;
                }
            }
        }
    }

    @Test
    void finiteValuesWhoseSumOverflowsAreFinite() {
        for (int n : new int[] {2, 17, 64, 200}) {
            float[] v = new float[n];
            Arrays.fill(v, Float.MAX_VALUE);
            assertTrue(NETWORK.allFinite(v, 0, n), "all MAX_VALUE, n=" + n);
            Arrays.fill(v, -Float.MAX_VALUE);
            assertTrue(NETWORK.allFinite(v, 0, n), "all -MAX_VALUE, n=" + n);
            v[n / 2] = Float.NaN;
            assertFalse(NETWORK.allFinite(v, 0, n), "a NaN among sums that overflow, n=" + n);
            assertEquals(FiniteCheck.allFinite(v, 0, n), NETWORK.allFinite(v, 0, n));
        }
    }

    private static Object invokeKernels() {
        try {
            return NETWORK.getClass().getMethod("kernels").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
