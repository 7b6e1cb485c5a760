package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void namesBeyondTheLengthLimitAreNotComparedAndShownShort() {
        String longName = "W" + "a".repeat(100_000);
        assertNull(Hints.closest(longName + "q", List.of(longName, "W")));
        assertNull(Hints.closest("W", List.of(longName)));
        assertEquals("Waaaaaaaaaaaaaaaaaaa...", Hints.shown(longName));
        assertEquals("W1", Hints.shown("W1"));
        // The whole front end: a misspelling of a 100,000-character name is two short errors, at once.
        String source = "network n\ninput x[2]\ntarget y : class[2]\nparam " + longName + "[2, 2]\np = softmax("
                + longName + "q x)\nloss = cross_entropy(p, y)\n";
        netc.api.ModelException e = org.junit.jupiter.api.Assertions.assertThrows(netc.api.ModelException.class,
                () -> netc.api.Netc.compile("long.net", source));
        assertTrue(e.getMessage().contains("unknown name 'Waaaaaaaaaaaaaaaaaaa...'"), e.getMessage());
        assertTrue(e.getMessage().length() < 2000, "message of " + e.getMessage().length() + " characters");
    }

    @Test
    void tiesOtherwiseGoToTheFirstCandidate() {
        assertEquals("ab", Hints.closest("aa", List.of("ab", "ac")));
    }
}
