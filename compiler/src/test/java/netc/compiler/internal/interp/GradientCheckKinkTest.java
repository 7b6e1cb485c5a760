package netc.compiler.internal.interp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import netc.compiler.internal.interp.GradientCheck.Entry;
import org.junit.jupiter.api.Test;

/**
 * A kink within the finite-difference step (a ReLU input or a max-pooling near-tie that no random point avoids in a
 * big network) makes the central difference a mix of two slopes; the check then accepts the analytic gradient only if
 * it is one of the one-sided slopes, and still fails a wrong gradient of a smooth function.
 */
class GradientCheckKinkTest {
    @Test
    void atAKinkTheAnalyticGradientMayBeEitherOneSidedSlope() {
        // relu(x) with x = 0.4 h: slope 1 on the right, 0 on the left, central difference 0.5 (whatever side x is on)
        assertTrue(new Entry("w", 0, 1.0, 0.5, 1.0, 0.0).passes());
        assertTrue(new Entry("w", 0, 0.0, 0.5, 1.0, 0.0).passes());
        assertTrue(new Entry("w", 0, 1.0, 0.5, 1.0, 0.0).passesAtKinkOnly());
    }

    @Test
    void atAKinkAGradientMatchingNeitherSideFails() {
        assertFalse(new Entry("w", 0, 0.5 + 0.2, 0.5, 1.0, 0.0).passes());
        assertFalse(new Entry("w", 0, -1.0, 0.5, 1.0, 0.0).passes());
    }

    @Test
    void aWrongGradientOfASmoothFunctionStillFails() {
        // smooth: both one-sided slopes equal the central one, so only the central comparison counts
        Entry wrong = new Entry("w", 0, 1.01, 1.0, 1.0 + 1e-7, 1.0 - 1e-7);
        assertFalse(wrong.atKink());
        assertFalse(wrong.passes());
        assertTrue(new Entry("w", 0, 1.0000001, 1.0, 1.0 + 1e-7, 1.0 - 1e-7).passes());
    }

    @Test
    void theSummaryCountsKinksAndRanksOnlyTheOthers() {
        GradientCheck.Result r = new GradientCheck.Result(List.of(new Entry("a", 3, 1.0, 0.5, 1.0, 0.0),
                new Entry("b", 1, 2.0, 2.0000001, 2.0000001, 2.0000001)), 5);
        assertTrue(r.passed());
        assertEquals("b", r.worst().param());
        assertTrue(r.summary().startsWith("gradient check passed: 2 coordinates, worst relative error "),
                r.summary());
        assertTrue(r.summary().endsWith("; 1 at a kink, matching a one-sided difference"), r.summary());
    }
}
