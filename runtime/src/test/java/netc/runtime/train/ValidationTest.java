package netc.runtime.train;

import static netc.runtime.train.Specs.classifier;
import static netc.runtime.train.Specs.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

import netc.runtime.Init;
import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;

/** The validation hold-out, early stopping and which weights a run keeps. */
class ValidationTest {

    /**
     * One parameter {@code w}; the training gradient is -1 (so SGD at rate 1 adds 1 to {@code w} per step) and the
     * evaluation loss is {@code (w - 3)^2}: the best epoch is the one that ends with {@code w = 3}. Counts the
     * training samples and evaluated samples it sees.
     */
    static final class Valley implements Network {
        private final ModelSpec spec = classifier("valley", 1, 2, params("w", new int[] {1}, Init.ZEROS));
        int trainedSamples;
        int evaluatedSamples;

        @Override
        public ModelSpec spec() {
            return spec;
        }

        @Override
        public void setParallel(Parallel p) {
        }

        @Override
        public void forward(float[] params, float[] x, int batch, float[] out) {
            for (int n = 0; n < batch; n++) {
                out[2 * n] = 1;
                out[2 * n + 1] = 0;
            }
        }

        @Override
        public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad, float[] out) {
            trainedSamples += batch;
            grad[0] = -1;
            return 1;
        }

        @Override
        public double loss(float[] params, float[] x, float[] y, int batch) {
            evaluatedSamples += batch;
            return (params[0] - 3.0) * (params[0] - 3.0);
        }
    }

    /** Ten samples of one input, labels alternating. */
    private static Dataset ten(String name) {
        float[] x = new float[10];
        float[] y = new float[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i % 2;
        }
        return Dataset.ofClasses(name, x, y, 1, 2);
    }

    /** One step per epoch (batch larger than the training part), SGD at rate 1, constant. */
    private static Trainer.Builder builder(Network net, int epochs) {
        return Trainer.builder(net).optimizer(new Sgd(1)).schedule(LearningRateSchedule.CONSTANT).epochs(epochs)
                .batchSize(100).threads(1).validation(0.2);
    }

    @Test
    void theValidationSetIsHeldOutOfTrainingAndReportedInsteadOfTheTestSet() {
        Valley net = new Valley();
        TrainingRun run = builder(net, 2).build().fit(new float[1], ten("train"), ten("test"));
        assertEquals(2 * 8, net.trainedSamples, "2 of 10 samples held out in each epoch");
        // validation after each epoch (2 x 2 samples) and the test set once at the end (10)
        assertEquals(2 * 2 + 10, net.evaluatedSamples);
        for (EpochReport r : run.epochs()) {
            assertTrue(Double.isNaN(r.testLoss()), "no test figures per epoch: " + r);
            assertTrue(Double.isNaN(r.testAccuracy()));
        }
        assertEquals(4.0, run.epochs().get(0).validationLoss()); // w = 1
        assertEquals(1.0, run.epochs().get(1).validationLoss()); // w = 2
        assertEquals(0.5, run.epochs().get(0).validationAccuracy(), "class 0 predicted, half the held-out samples");
        assertNotNull(run.test());
        assertEquals(10, run.test().samples());
        assertEquals(1.0, run.test().loss());
    }

    @Test
    void testEveryEpochAlsoEvaluatesTheTestSetEachEpoch() {
        Valley net = new Valley();
        List<EpochReport> reports = builder(net, 2).testEveryEpoch(true).build().train(new float[1], ten("train"),
                ten("test"));
        assertEquals(4.0, reports.get(0).testLoss());
        assertEquals(1.0, reports.get(1).testLoss());
        assertEquals(2 * (2 + 10) + 10, net.evaluatedSamples);
    }

    @Test
    void patienceStopsAfterThatManyEpochsWithoutImprovementAndRestoresTheBestWeights() {
        float[] w = new float[1];
        // w after each epoch: 1, 2, 3 (loss 0, best), 4, 5 -> two epochs without improvement: stop after epoch 5
        TrainingRun run = builder(new Valley(), 10).patience(2).build().fit(w, ten("train"), null);
        assertEquals(5, run.epochs().size());
        assertEquals(3, run.bestEpoch());
        assertTrue(run.stoppedEarly());
        assertEquals(3f, w[0], "the best epoch's weights are restored");
    }

    @Test
    void keepLastLeavesTheLastWeights() {
        float[] w = new float[1];
        TrainingRun run = builder(new Valley(), 10).patience(2).keep(Trainer.Keep.LAST).build().fit(w, ten("train"),
                ten("test"));
        assertEquals(5f, w[0]);
        assertEquals(3, run.bestEpoch());
        assertEquals(4.0, run.test().loss(), "the test set is evaluated on the weights kept");
    }

    @Test
    void withoutPatienceTheRunGoesOnButStillKeepsTheBest() {
        float[] w = new float[1];
        TrainingRun run = builder(new Valley(), 6).build().fit(w, ten("train"), null);
        assertEquals(6, run.epochs().size());
        assertFalse(run.stoppedEarly());
        assertEquals(3f, w[0]);
    }

    @Test
    void withoutValidationNothingChanges() {
        Valley net = new Valley();
        float[] w = new float[1];
        TrainingRun run = builder(net, 3).validation(0).build().fit(w, ten("train"), ten("test"));
        assertEquals(30, net.trainedSamples);
        assertEquals(30, net.evaluatedSamples, "the test set after each epoch, not again at the end");
        assertEquals(3f, w[0]);
        assertEquals(0, run.bestEpoch());
        assertTrue(Double.isNaN(run.epochs().get(0).validationLoss()));
        assertEquals(run.epochs().get(2).testLoss(), run.test().loss());
    }

    @Test
    void badValidationSettingsAreRejectedByName() {
        Valley net = new Valley();
        assertEquals("training: error: validation fraction must be > 0 and < 1 (0 for none), got 1.0", assertThrows(
                InputException.class, () -> Trainer.builder(net).validation(1).build()).getMessage());
        assertEquals("training: error: validation fraction must be > 0 and < 1 (0 for none), got NaN", assertThrows(
                InputException.class, () -> Trainer.builder(net).validation(Double.NaN).build()).getMessage());
        assertEquals("training: error: patience needs a validation set; set a validation fraction", assertThrows(
                InputException.class, () -> Trainer.builder(net).patience(3).build()).getMessage());
        assertEquals("training: error: patience must be >= 1 (0 for none), got -1", assertThrows(
                InputException.class, () -> Trainer.builder(net).validation(0.1).patience(-1).build()).getMessage());
        Dataset one = Dataset.ofClasses("one.csv", new float[1], new float[1], 1, 2);
        assertEquals("one.csv: error: needs at least 2 samples to hold out a validation set, has 1", assertThrows(
                InputException.class, () -> builder(net, 1).build().fit(new float[1], one, null)).getMessage());
    }
}
