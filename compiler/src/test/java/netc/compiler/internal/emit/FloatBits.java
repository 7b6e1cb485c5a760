package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

/** Bitwise comparison of float arrays for the tests of vector forms that must give a scalar routine's bits. */
final class FloatBits {
    private FloatBits() {
    }

    /**
     * Asserts that {@code actual} holds the bits of {@code expected}, naming up to five differing elements.
     * {@code floatToIntBits}: one NaN for all (Java leaves a NaN's payload and sign to the hardware: the JIT may swap
     * an add's operands, and a scalar routine against itself differs there); zeros keep their sign.
     */
    static void assertBitwise(float[] expected, float[] actual, String what) {
        List<String> diffs = new ArrayList<>();
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i]) && diffs.size() < 5) {
                diffs.add("[" + i + "] expected " + expected[i] + " got " + actual[i]);
            }
        }
        assertTrue(diffs.isEmpty(), what + ": " + diffs);
    }
}
