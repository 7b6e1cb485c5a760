package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import netc.runtime.InputException;
import netc.runtime.data.Dataset;

/**
 * Weight decay, gradient clipping and warm-up: each one step (or a few) by hand against the trainer, on
 * {@link ScriptedNetwork}, whose gradient is all ones whatever the batch, so the expected weights are exact.
 */
class RegularizationTest {

    /** Ten samples of one input, labels alternating. */
    private static Dataset ten() {
        float[] x = new float[10];
        float[] y = new float[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i % 2;
        }
        return Dataset.ofClasses("ten", x, y, 1, 2);
    }

    /** One epoch of one full batch (one step) with a constant rate. */
    private static float[] oneStep(Trainer.Builder b, float... start) {
        float[] params = start.clone();
        b.epochs(1).batchSize(10).threads(1).schedule(LearningRateSchedule.CONSTANT).build()
                .train(params, ten(), null);
        return params;
    }

    @Test
    void weightDecayLeavesTheStateAfterTheTrainedParametersAlone() {
        // A batch norm's running statistics sit after the trained parameters; decay must not shrink them.
        float[] params = {2f, 4f, 10f, 20f};
        float[] grad = {0f, 0f, 0f, 0f};
        WeightDecay.apply(new Sgd(0.1), params, grad, 0.5, 1.0, 2);
        assertArrayEquals(new float[] {1f, 2f, 0f, 0f}, grad, "L2 on the first two only");
        Adam adam = new Adam(0.1);
        WeightDecay.apply(adam, params, grad, 0.5, 1.0, 2);
        assertEquals(10f, params[2]);
        assertEquals(20f, params[3]);
        assertTrue(params[0] < 2f && params[1] < 4f, "decoupled decay on the first two");
    }

    @Test
    void weightDecayWithSgdAddsTheL2TermToTheGradient() {
        float[] trained = oneStep(Trainer.builder(new ScriptedNetwork()).optimizer(new Sgd(0.1)).weightDecay(0.01),
                2f, -4f);
        float[] byHand = {2f, -4f};
        float[] grad = {1f + 0.01f * 2f, 1f + 0.01f * -4f};
        new Sgd(0.1).step(byHand, grad);
        assertArrayEquals(byHand, trained);
        assertEquals(2 - 0.1 * (1 + 0.02), trained[0], 1e-6);
        assertEquals(-4 - 0.1 * (1 - 0.04), trained[1], 1e-6);
    }

    @Test
    void weightDecayWithMomentumIsAccumulatedInTheVelocity() {
        float[] trained = {2f, -4f};
        Trainer t = Trainer.builder(new ScriptedNetwork()).optimizer(new Momentum(0.1, 0.9)).weightDecay(0.01)
                .epochs(2).batchSize(10).threads(1).schedule(LearningRateSchedule.CONSTANT).build();
        t.train(trained, ten(), null);
        float[] byHand = {2f, -4f};
        Momentum m = new Momentum(0.1, 0.9);
        for (int step = 0; step < 2; step++) {
            float[] grad = {1f + 0.01f * byHand[0], 1f + 0.01f * byHand[1]};
            m.step(byHand, grad);
        }
        assertArrayEquals(byHand, trained);
    }

    @Test
    void weightDecayWithAdamIsDecoupledAsAdamW() {
        float[] trained = oneStep(Trainer.builder(new ScriptedNetwork()).optimizer(new Adam(0.1)).weightDecay(0.5),
                2f, -4f);
        // AdamW: w *= 1 - lr * wd, then the Adam step, whose first update is lr * g / (|g| + eps), about lr.
        float[] byHand = {2f, -4f};
        float keep = (float) (1 - (double) 0.1f * 0.5);
        byHand[0] *= keep;
        byHand[1] *= keep;
        new Adam(0.1).step(byHand, new float[] {1f, 1f});
        assertArrayEquals(byHand, trained);
        assertEquals(2 * 0.95 - 0.1, trained[0], 1e-6);
        assertEquals(-4 * 0.95 - 0.1, trained[1], 1e-6);
        // L2 inside Adam would have been normalised away: the first step would still be 0.1 (2 -> 1.9).
        assertTrue(Math.abs(trained[0] - 1.9) > 0.09, "decoupled decay moved w by more than the Adam step");
    }

    @Test
    void weightDecayFollowsTheScheduledRateForAdam() {
        // Warm-up 1 of a 1-step run: the factor is 1/2, so the decay is lr/2 * wd as in AdamW with a scheduler.
        float[] trained = oneStep(Trainer.builder(new ScriptedNetwork()).optimizer(new Adam(0.1)).weightDecay(0.5)
                .warmup(1), 2f, 0f);
        assertEquals(2 * (1 - 0.05 * 0.5) - 0.05, trained[0], 1e-6);
        assertEquals(-0.05, trained[1], 1e-6);
    }

    @Test
    void clippingScalesAKnownGradientToTheMaxNorm() {
        float[] g = {3f, 4f};
        assertEquals(5.0, GradientClipping.clip(g, 1.0));
        double scale = 1.0 / (5.0 + 1e-6);
        assertEquals(3 * (float) scale, g[0]);
        assertEquals(0.6, g[0], 1e-6);
        assertEquals(0.8, g[1], 1e-6);
        assertEquals(1.0, GradientClipping.norm(g), 1e-6);

        float[] small = {0.3f, 0.4f};
        assertEquals(0.5, GradientClipping.clip(small, 1.0), 1e-7);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small, "a gradient within the norm is left alone");
    }

    @Test
    void theTrainerClipsTheWholeGradientBeforeTheStep() {
        // The gradient (1, 1) has norm sqrt(2); clipped to 0.5, each element is 0.5 / (sqrt(2) + 1e-6).
        float[] trained = oneStep(Trainer.builder(new ScriptedNetwork()).optimizer(new Sgd(1)).clipNorm(0.5), 0f, 0f);
        float g = (float) (0.5 / (Math.sqrt(2) + 1e-6));
        assertArrayEquals(new float[] {-g, -g}, trained);
        float[] unclipped = oneStep(Trainer.builder(new ScriptedNetwork()).optimizer(new Sgd(1)).clipNorm(2), 0f, 0f);
        assertArrayEquals(new float[] {-1f, -1f}, unclipped, "a norm below the limit is not clipped");
    }

    @Test
    void warmupFactorsRampLinearlyThenTheScheduleRunsOverTheRest() {
        int n = 4;
        long steps = 14;
        assertEquals(1.0 / 5, Warmup.factor(LearningRateSchedule.COSINE, n, 0, steps));
        assertEquals(3.0 / 5, Warmup.factor(LearningRateSchedule.COSINE, n, n / 2, steps));
        assertEquals(1.0, Warmup.factor(LearningRateSchedule.COSINE, n, n, steps), "cosine starts at step N");
        assertEquals(0.5 * (1 + Math.cos(Math.PI / 10)), Warmup.factor(LearningRateSchedule.COSINE, n, n + 1, steps),
                1e-15);
        assertEquals(1.0, Warmup.factor(LearningRateSchedule.CONSTANT, n, n + 1, steps));
        assertEquals(LearningRateSchedule.COSINE.factor(3, steps), Warmup.factor(LearningRateSchedule.COSINE, 0, 3,
                steps), "no warm-up is the schedule itself");
    }

    @Test
    void theTrainerWarmsUpTheRate() {
        // Two steps of batch 5 with warm-up 3: factors 1/4 and 2/4 of lr 1, gradient 1 -> w moves by 0.75.
        float[] params = {0f, 0f};
        Trainer.builder(new ScriptedNetwork()).optimizer(new Sgd(1)).warmup(3).epochs(1).batchSize(5).threads(1)
                .schedule(LearningRateSchedule.CONSTANT).build().train(params, ten(), null);
        assertArrayEquals(new float[] {-0.75f, -0.75f}, params);
    }

    @Test
    void badRegularisationSettingsAreRejectedByName() {
        ScriptedNetwork net = new ScriptedNetwork();
        assertEquals("training: error: weight decay must be finite and >= 0, got -0.1", assertThrows(
                InputException.class, () -> Trainer.builder(net).weightDecay(-0.1).build()).getMessage());
        assertEquals("training: error: weight decay must be finite and >= 0, got NaN", assertThrows(
                InputException.class, () -> Trainer.builder(net).weightDecay(Double.NaN).build()).getMessage());
        assertEquals("training: error: clip norm must be finite and > 0 (0 for none), got -1.0", assertThrows(
                InputException.class, () -> Trainer.builder(net).clipNorm(-1).build()).getMessage());
        assertEquals("training: error: warm-up steps must be >= 0, got -2", assertThrows(
                InputException.class, () -> Trainer.builder(net).warmup(-2).build()).getMessage());
    }
}
