package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class HintsTest {

    @Test
    void distanceCountsASwapOfNeighboursAsOneEdit() {
        assertEquals(1, Hints.distance("rleu", "relu"));
        assertEquals(1, Hints.distance("W4", "W3"));
        assertEquals(2, Hints.distance("sofmx", "softmax"));
        assertEquals(0, Hints.distance("x", "x"));
    }

    @Test
    void numberedNamesSuggestTheNearestNumber() {
        assertEquals("W3", Hints.closest("W4", List.of("W1", "W2", "W3", "b1")));
        assertEquals("b2", Hints.closest("b3", List.of("b1", "W3", "b2")));
    }

    @Test
    void noHintWhenEveryCandidateIsFar() {
        assertNull(Hints.closest("bias_vector", List.of("W", "b")));
        // One edit is the whole word: suggesting 'x' for 'z' would be noise.
        assertNull(Hints.closest("z", List.of("x", "y")));
    }

    @Test
    void tiesOtherwiseGoToTheFirstCandidate() {
        assertEquals("ab", Hints.closest("aa", List.of("ab", "ac")));
    }
}
