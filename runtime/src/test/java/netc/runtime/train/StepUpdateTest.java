package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import netc.runtime.InputException;
import netc.runtime.data.Dataset;

/**
 * {@link StepUpdate} and {@link Trainer#epochOrder} are what a trainer outside this package (netc-spark) uses to take
 * the single-machine trainer's steps: a loop written with them alone must give bitwise the trainer's weights.
 */
class StepUpdateTest {

    private static Dataset data(int n) {
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[3 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
            for (int d = 0; d < 3; d++) {
                x[3 * i + d] = (float) (r.nextDouble() * 2 - 1 + (d == i % 3 ? 1 : 0));
            }
        }
        return Dataset.ofClasses("data", x, y, 3, 4);
    }

    @Test
    void aLoopOfEpochOrderAndStepUpdateIsBitwiseTheTrainer() {
        Dataset train = data(103);
        int epochs = 3;
        int batch = 16;
        long seed = 11;
        SoftmaxRegression net = new SoftmaxRegression(3, 4);
        float[] expected = Initializer.initialize(net.spec(), 5);
        Trainer.builder(net).optimizer(new Adam(0.01)).epochs(epochs).batchSize(batch).seed(seed).threads(1)
                .schedule(LearningRateSchedule.COSINE).warmup(5).clipNorm(0.5).weightDecay(0.01).build()
                .train(expected, train, null);

        float[] params = Initializer.initialize(net.spec(), 5);
        StepUpdate update = new StepUpdate(net.spec(), new Adam(0.01), LearningRateSchedule.COSINE, 5, 0.5, 0.01);
        int n = train.n();
        int batches = (n + batch - 1) / batch;
        int[] order = new int[n];
        float[] grad = new float[params.length];
        for (int epoch = 1; epoch <= epochs; epoch++) {
            Trainer.epochOrder(seed, epoch, order);
            for (int k = 0; k < batches; k++) {
                int count = Math.min(batch, n - k * batch);
                float[] x = new float[count * 3];
                float[] y = new float[count];
                train.copyBatch(order, k * batch, count, x, y);
                net.setTrainingStep(seed, (long) (epoch - 1) * batches + k);
                net.lossAndGradient(params, x, y, count, grad, null);
                update.apply(params, grad, (long) (epoch - 1) * batches + k, (long) epochs * batches);
            }
        }
        assertArrayEquals(expected, params);
    }

    @Test
    void epochOrderIsAPermutationThatDependsOnSeedAndEpoch() {
        int[] a = new int[50];
        int[] b = new int[50];
        Trainer.epochOrder(1, 1, a);
        Trainer.epochOrder(1, 1, b);
        assertArrayEquals(a, b);
        int[] sorted = a.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        Trainer.epochOrder(1, 2, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
        Trainer.epochOrder(2, 1, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(b));
    }

    @Test
    void everyTrainerRejectsTheSameSettingsWithTheSameMessage() {
        StepUpdate.checkSettings(0, 0, 0);
        assertEquals("training: error: weight decay must be finite and >= 0, got Infinity", assertThrows(
                InputException.class, () -> StepUpdate.checkSettings(0, 0, Double.POSITIVE_INFINITY)).getMessage());
        assertEquals("training: error: clip norm must be finite and > 0 (0 for none), got NaN", assertThrows(
                InputException.class, () -> StepUpdate.checkSettings(0, Double.NaN, 0)).getMessage());
        assertEquals("training: error: warm-up steps must be >= 0, got -1", assertThrows(
                InputException.class, () -> StepUpdate.checkSettings(-1, 0, 0)).getMessage());
    }
}
