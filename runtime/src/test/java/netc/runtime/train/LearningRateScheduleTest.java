package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    @Test
    void cosineStartsAtTheBaseRateAndDecaysToZero() {
        LearningRateSchedule c = LearningRateSchedule.COSINE;
        assertEquals(1.0, c.factor(0, 100), 0.0);
        assertEquals(0.5, c.factor(50, 100), 1e-12);
        assertEquals(0.5 * (1 + Math.cos(Math.PI * 99 / 100)), c.factor(99, 100), 1e-15);
        assertEquals(1.0, c.factor(0, 1), 0.0, "a one-step run keeps its rate");
        for (long s = 1; s < 100; s++) {
            assertEquals(true, c.factor(s, 100) < c.factor(s - 1, 100), "decreasing at step " + s);
        }
        assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(99, 100), 0.0);
    }

    @Test
    void everyOptimizerScalesItsStepByTheFactor() {
        for (Optimizer full : List.of(new Sgd(0.1), new Momentum(0.1), new Adam(0.1))) {
            Optimizer half = full instanceof Sgd ? new Sgd(0.05) : full instanceof Momentum ? new Momentum(0.05)
                    : new Adam(0.05);
            Optimizer scaled = full instanceof Sgd ? new Sgd(0.1) : full instanceof Momentum ? new Momentum(0.1)
                    : new Adam(0.1);
            scaled.setRateFactor(0.5);
            float[] a = {1f, -2f, 3f};
            float[] b = a.clone();
            float[] grad = {0.5f, 0.25f, -1f};
            for (int i = 0; i < 3; i++) {
                half.step(a, grad);
                scaled.step(b, grad);
            }
            assertArrayEquals(a, b, 0f, full.name() + ": factor 0.5 on rate 0.1 is rate 0.05");
        }
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1).setRateFactor(Double.NaN));
    }
}
