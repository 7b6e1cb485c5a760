package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

import netc.runtime.InputException;

/** An optimizer that imports another's exported state takes exactly the steps the other would take. */
class OptimizerStateTest {

    private static void assertContinuesExactly(Supplier<Optimizer> make) {
        float[] p = {0.5f, -1f, 2f};
        float[] g1 = {0.1f, 0.2f, -0.3f};
        float[] g2 = {-0.05f, 0.4f, 0.01f};
        Optimizer a = make.get();
        a.step(p, g1);
        a.step(p, g2);
        Optimizer b = make.get();
        b.importState(a.exportState());
        float[] q = p.clone();
        a.step(p, g1);
        b.step(q, g1);
        assertArrayEquals(p, q);
        // and without the state, the next step differs
        Optimizer c = make.get();
        float[] r = q.clone();
        c.step(r, g1);
        b.step(q, g1);
        assertFalse(Arrays.equals(q, r));
    }

    @Test
    void momentumContinuesExactly() {
        assertContinuesExactly(() -> new Momentum(0.1));
    }

    @Test
    void adamContinuesExactlyWithItsStepCount() {
        assertContinuesExactly(() -> new Adam(0.01));
        Adam a = new Adam(0.01);
        a.step(new float[2], new float[] {1, 2});
        Adam b = new Adam(0.01);
        b.importState(a.exportState());
        assertEquals(1, b.steps());
    }

    @Test
    void exportedStateIsACopy() {
        Momentum m = new Momentum(0.1);
        float[] p = {1f};
        m.step(p, new float[] {1f});
        OptimizerState s = m.exportState();
        m.step(p, new float[] {1f});
        assertArrayEquals(new float[] {1f}, s.vectors().get("velocity"));
    }

    @Test
    void stateOfAnotherKindIsRefused() {
        Adam a = new Adam(0.01);
        a.step(new float[2], new float[] {1, 2});
        InputException sgd = assertThrows(InputException.class, () -> new Sgd(0.1).importState(a.exportState()));
        assertEquals("sgd: error: this optimizer keeps no state, but the checkpoint holds [m, v] and 1 steps",
                sgd.getMessage());
        InputException momentum = assertThrows(InputException.class,
                () -> new Momentum(0.1).importState(a.exportState()));
        assertEquals("momentum: error: optimizer state holds [m, v], expected [velocity]", momentum.getMessage());
    }
}
