package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import netc.runtime.InputException;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.DataSplit;
import netc.runtime.data.Dataset;
import netc.runtime.data.FashionMnist;

class TrainerTest {

    /**
     * The settings these tests were written against, the builder's defaults before {@link TrainingDefaults}: Adam
     * 1e-3, batch 64, 1 thread, constant rate. Set explicitly so the expected numbers stay what they were.
     */
    private static Trainer.Builder builder(Network net) {
        return Trainer.builder(net).optimizer(Adam.defaults()).batchSize(64).threads(1)
                .schedule(LearningRateSchedule.CONSTANT);
    }

    /** Three Gaussian blobs in 2D around (0, 3), (3, -2) and (-3, -2), std 0.5: linearly separable. */
    private static Dataset blobs(String name, int n, long seed) {
        double[][] centres = {{0, 3}, {3, -2}, {-3, -2}};
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[2 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int d = 0; d < 2; d++) {
                // Sum of 12 uniforms minus 6: a cheap, deterministic approximate normal.
                double g = -6;
                for (int k = 0; k < 12; k++) {
                    g += r.nextDouble();
                }
                x[2 * i + d] = (float) (centres[c][d] + 0.5 * g);
            }
        }
        return Dataset.ofClasses(name, x, y, 2, 3);
    }

    /** Ten samples whose single input is its index, labels alternating. */
    private static Dataset ten() {
        float[] x = new float[10];
        float[] y = new float[10];
        for (int i = 0; i < 10; i++) {
            x[i] = i;
            y[i] = i % 2;
        }
        return Dataset.ofClasses("ten", x, y, 1, 2);
    }

    @Test
    void softmaxRegressionLearnsSeparableBlobsToHighAccuracy() {
        SoftmaxRegression net = new SoftmaxRegression(2, 3);
        float[] params = Initializer.initialize(net.spec(), 1);
        List<EpochReport> seen = new ArrayList<>();
        Trainer trainer = builder(net).optimizer(new Sgd(0.5)).epochs(8).batchSize(16).seed(3)
                .listener(seen::add).build();
        List<EpochReport> reports = trainer.train(params, blobs("train", 300, 1), blobs("test", 150, 2));
        assertEquals(reports, seen);
        assertEquals(8, reports.size());
        EpochReport last = reports.get(7);
        assertEquals(8, last.epoch());
        assertTrue(last.testAccuracy() >= 0.97, "test accuracy " + last.testAccuracy());
        assertTrue(last.trainLoss() < reports.get(0).trainLoss(), "loss falls");
        assertTrue(last.testLoss() < 0.2, "test loss " + last.testLoss());
    }

    @Test
    void softmaxRegressionOnTheEmbeddedFashionMnistSubsetBeatsSeventyFivePercent() throws IOException {
        DataSplit split = FashionMnist.loadEmbedded();
        SoftmaxRegression net = new SoftmaxRegression(784, 10);
        float[] params = Initializer.initialize(net.spec(), 1);
        List<EpochReport> reports = builder(net).optimizer(new Adam(0.01)).epochs(2).batchSize(64).seed(1)
                .build().train(params, split.train(), split.test());
        assertTrue(reports.get(1).testAccuracy() > 0.75, "test accuracy " + reports.get(1).testAccuracy());
    }

    @Test
    void theHandWrittenTestNetworkHasCorrectGradients() {
        SoftmaxRegression net = new SoftmaxRegression(2, 3);
        float[] params = Initializer.initialize(net.spec(), 4);
        Dataset data = blobs("check", 6, 5);
        float[] grad = new float[params.length];
        net.lossAndGradient(params, data.x(), data.y(), 6, grad, null);
        float h = 1e-2f;
        for (int i = 0; i < params.length; i++) {
            float saved = params[i];
            params[i] = saved + h;
            double up = net.loss(params, data.x(), data.y(), 6);
            params[i] = saved - h;
            double down = net.loss(params, data.x(), data.y(), 6);
            params[i] = saved;
            assertEquals((up - down) / (2 * h), grad[i], 2e-3, "parameter " + i);
        }
    }

    @Test
    void theSameSeedTrainsToBitwiseTheSameWeights() {
        float[][] results = new float[2][];
        for (int run = 0; run < 2; run++) {
            SoftmaxRegression net = new SoftmaxRegression(2, 3);
            results[run] = Initializer.initialize(net.spec(), 1);
            builder(net).optimizer(new Adam(0.05)).epochs(2).batchSize(32).seed(9).build()
                    .train(results[run], blobs("train", 200, 1), null);
        }
        assertArrayEquals(results[0], results[1]);
    }

    @Test
    void everySampleIsSeenOncePerEpochWithTheLastPartialBatchIncluded() {
        ScriptedNetwork net = new ScriptedNetwork();
        builder(net).optimizer(new Sgd(0.1)).epochs(2).batchSize(4).seed(1).build()
                .train(new float[2], ten(), null);
        assertEquals(List.of(4, 4, 2, 4, 4, 2), net.batchSizes);
        // The short batch gets arrays of its exact size.
        assertEquals(List.of(4, 4, 2, 4, 4, 2), net.arrayLengths);
        Set<Float> epoch1 = new HashSet<>(net.inputsSeen.subList(0, 10));
        Set<Float> epoch2 = new HashSet<>(net.inputsSeen.subList(10, 20));
        assertEquals(10, epoch1.size());
        assertEquals(epoch1, epoch2);
        assertNotEquals(net.inputsSeen.subList(0, 10), net.inputsSeen.subList(10, 20), "each epoch reshuffles");
    }

    @Test
    void theShuffleDependsOnlyOnTheSeedAndTheEpoch() {
        List<List<Float>> orders = new ArrayList<>();
        for (long seed : new long[] {5, 5, 6}) {
            ScriptedNetwork net = new ScriptedNetwork();
            builder(net).optimizer(new Sgd(0.1)).epochs(1).batchSize(10).seed(seed).build()
                    .train(new float[2], ten(), null);
            orders.add(net.inputsSeen);
        }
        assertEquals(orders.get(0), orders.get(1));
        assertNotEquals(orders.get(0), orders.get(2));
    }

    @Test
    void theEpochTrainLossIsTheSampleWeightedMeanOfBatchLosses() {
        ScriptedNetwork net = new ScriptedNetwork();
        List<EpochReport> reports = builder(net).optimizer(new Sgd(0.1)).epochs(1).batchSize(4).build()
                .train(new float[2], ten(), ten());
        assertEquals(ScriptedNetwork.LOSS, reports.get(0).trainLoss(), 1e-12);
        assertEquals(0.5, reports.get(0).testLoss(), 1e-12);
    }

    @Test
    void everyStepGetsTheRunSeedAndItsStepNumberCountedOverTheRun() {
        ScriptedNetwork net = new ScriptedNetwork();
        builder(net).optimizer(new Sgd(0.1)).epochs(2).batchSize(4).seed(77).build().train(new float[2], ten(), null);
        // 10 samples in batches of 4: 3 steps per epoch, numbered on across epochs (the dropout masks' counter)
        assertEquals(List.of("77/0", "77/1", "77/2", "77/3", "77/4", "77/5"), net.trainingSteps);
    }

    @Test
    void withoutATestSetTheTestMetricsAreNaN() {
        List<EpochReport> reports = builder(new ScriptedNetwork()).optimizer(new Sgd(0.1)).epochs(1).build()
                .train(new float[2], ten(), null);
        assertTrue(Double.isNaN(reports.get(0).testLoss()));
        assertTrue(Double.isNaN(reports.get(0).testAccuracy()));
    }

    @Test
    void theListenerHearsEveryBatch() {
        List<String> events = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            @Override
            public void epochDone(EpochReport report) {
                events.add("epoch " + report.epoch());
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double loss) {
                events.add(epoch + ":" + batch + "/" + batches);
            }
        };
        builder(new ScriptedNetwork()).optimizer(new Sgd(0.1)).epochs(2).batchSize(5).listener(listener)
                .build().train(new float[2], ten(), null);
        assertEquals(List.of("1:1/2", "1:2/2", "epoch 1", "2:1/2", "2:2/2", "epoch 2"), events);
    }

    @Test
    void aListenerThatStopsAfterAnEpochEndsTheRunWithTheWeightsOfThatEpoch() {
        SoftmaxRegression net = new SoftmaxRegression(2, 3);
        float[] stopped = Initializer.initialize(net.spec(), 1);
        List<EpochReport> seen = new ArrayList<>();
        ProgressListener stopAtTwo = ProgressListener.stopWhen(r -> r.epoch() == 2);
        ProgressListener listener = new ProgressListener() {
            @Override
            public void epochDone(EpochReport report) {
                seen.add(report);
                stopAtTwo.epochDone(report);
            }

            @Override
            public boolean stopRequested() {
                return stopAtTwo.stopRequested();
            }
        };
        // Constant rate: with cosine decay a 5-epoch run's first two epochs would differ from a 2-epoch run's.
        List<EpochReport> reports = builder(net).optimizer(new Sgd(0.5)).epochs(5).batchSize(16).seed(3)
                .listener(listener).build().train(stopped, blobs("train", 300, 1), blobs("test", 90, 2));
        assertEquals(2, reports.size());
        assertEquals(reports, seen);

        float[] twoEpochs = Initializer.initialize(net.spec(), 1);
        builder(net).optimizer(new Sgd(0.5)).epochs(2).batchSize(16).seed(3).build()
                .train(twoEpochs, blobs("train", 300, 1), blobs("test", 90, 2));
        assertArrayEquals(twoEpochs, stopped);
    }

    @Test
    void aListenerThatStopsAfterABatchEndsTheRunMidEpochWithThoseStepsApplied() {
        ScriptedNetwork net = new ScriptedNetwork();
        List<String> events = new ArrayList<>();
        ProgressListener listener = new ProgressListener() {
            private int batchesDone;

            @Override
            public void epochDone(EpochReport report) {
                events.add("epoch " + report.epoch());
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double loss) {
                batchesDone++;
                events.add(epoch + ":" + batch);
            }

            @Override
            public boolean stopRequested() {
                return batchesDone == 4; // epoch 2, batch 1 (3 batches per epoch)
            }
        };
        float[] params = {1f, 1f};
        List<EpochReport> reports = builder(net).optimizer(new Sgd(0.125)).epochs(5).batchSize(4).listener(listener)
                .build().train(params, ten(), ten());
        assertEquals(1, reports.size(), "only the complete epoch is reported");
        assertEquals(List.of("1:1", "1:2", "1:3", "epoch 1", "2:1"), events);
        assertEquals(4, net.calls);
        // Four steps of -0.125 each (the gradient is all ones): the last one before the stop is applied.
        assertArrayEquals(new float[] {0.5f, 0.5f}, params);
    }

    @Test
    void stopWhenStopsAfterTheFirstEpochThatMeetsTheCondition() {
        List<EpochReport> reports = builder(new ScriptedNetwork()).optimizer(new Sgd(0.1)).epochs(10).batchSize(4)
                .listener(ProgressListener.stopWhen(r -> r.epoch() >= 3)).build().train(new float[2], ten(), null);
        assertEquals(3, reports.size());
        assertEquals(3, reports.get(2).epoch());
    }

    @Test
    void aNanLossStopsTrainingAndKeepsTheLastGoodParameters() {
        ScriptedNetwork net = new ScriptedNetwork();
        net.badCall = 6; // 3 batches per epoch: epoch 2, batch 3
        net.badLoss = Double.NaN;
        float[] params = {1f, 1f};
        Trainer trainer = builder(net).optimizer(new Sgd(0.125)).epochs(5).batchSize(4).build();
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> trainer.train(params, ten(), null));
        assertEquals("fake.net: error: training diverged: loss became NaN at epoch 2, batch 3 (last finite loss"
                + " 2.31); try a lower learning rate", e.getMessage());
        assertEquals(2, e.epoch());
        assertEquals(3, e.batch());
        assertEquals(ScriptedNetwork.LOSS, e.lastFiniteLoss());
        // Five good steps of -0.125 each; the sixth was not applied.
        assertArrayEquals(new float[] {0.375f, 0.375f}, params);
        assertEquals(6, net.calls);
    }

    @Test
    void anInfiniteLossOnTheFirstBatchSaysThereWasNoFiniteLossYet() {
        ScriptedNetwork net = new ScriptedNetwork();
        net.badCall = 1;
        net.badLoss = Double.POSITIVE_INFINITY;
        float[] params = {1f, 1f};
        InputException e = assertThrows(InputException.class, () -> builder(net).optimizer(new Sgd(0.1))
                .build().train(params, ten(), null));
        assertEquals("fake.net: error: training diverged: loss became Infinity at epoch 1, batch 1 (no finite loss"
                + " before it); try a lower learning rate", e.getMessage());
        assertArrayEquals(new float[] {1f, 1f}, params);
    }

    @Test
    void aNanGradientWithAFiniteLossAlsoStopsTrainingBeforeTheStep() {
        ScriptedNetwork net = new ScriptedNetwork();
        net.badCall = 2;
        net.badGradient = Float.NaN;
        float[] params = {1f, 1f};
        InputException e = assertThrows(InputException.class, () -> builder(net).optimizer(new Sgd(0.5))
                .batchSize(4).build().train(params, ten(), null));
        assertEquals("fake.net: error: training diverged: the gradient became NaN or infinite at epoch 1, batch 2"
                + " (loss 2.31); try a lower learning rate", e.getMessage());
        assertArrayEquals(new float[] {0.5f, 0.5f}, params);
    }

    @Test
    void listenersHearTrainingStartOnceAfterTheKernelWarmUpAndBeforeTheFirstStep() {
        ScriptedNetwork net = new ScriptedNetwork();
        List<String> events = new ArrayList<>();
        int[] callsAtStart = {-1};
        ProgressListener listener = new ProgressListener() {
            @Override
            public void trainingStarted() {
                events.add("start");
                callsAtStart[0] = net.calls;
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double loss) {
                events.add("batch");
            }

            @Override
            public void epochDone(EpochReport report) {
                events.add("epoch");
            }
        };
        // 400 samples in batches of 2: 200 steps an epoch, enough for the warm-up to run.
        float[] x = new float[400];
        float[] y = new float[400];
        for (int i = 0; i < 400; i++) {
            x[i] = i;
            y[i] = i % 2;
        }
        List<EpochReport> reports = builder(net).optimizer(new Sgd(0.1)).batchSize(2).epochs(2).warmKernels(0.05)
                .listener(ProgressListener.all(listener, ProgressListener.NONE, null)).build()
                .train(new float[2], Dataset.ofClasses("four hundred", x, y, 1, 2), null);
        assertEquals(2, reports.size());
        assertEquals("start", events.get(0));
        assertEquals(1, events.stream().filter("start"::equals).count());
        assertEquals(2 * 200 + 2 + 1, events.size());
        assertTrue(callsAtStart[0] > 0, "the warm-up's calls come before the start: " + callsAtStart[0]);
        assertEquals(callsAtStart[0] + 400, net.calls, "every training step after the start");
    }

    @Test
    void theTrainerGivesTheNetworkItsThreadsAndTakesThemBackAfterwards() {
        ScriptedNetwork net = new ScriptedNetwork();
        builder(net).optimizer(new Sgd(0.1)).epochs(1).threads(2).build().train(new float[2], ten(), null);
        assertEquals(2, net.threadsDuringTraining);
        assertEquals(1, net.parallel.threads());
    }

    /** A clock that moves on by a step's cost each time it is read: 1 ms on one thread, {@code poolMs} on the pool. */
    private static java.util.function.LongSupplier stepClock(ScriptedNetwork net, long poolMs) {
        long[] now = {0};
        return () -> now[0] += (net.parallel.threads() == 1 ? 1 : poolMs) * 1_000_000L;
    }

    /** A listener that notes each move between threads as "threads poolStepNanos oneThreadStepNanos". */
    private static ProgressListener threadChanges(List<String> changes) {
        return new ProgressListener() {
            @Override
            public void epochDone(EpochReport report) {
            }

            @Override
            public void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
                changes.add(threads + " " + poolStepNanos + " " + oneThreadStepNanos);
            }
        };
    }

    @Test
    void whileItsThreadsRunSlowerThanOneTheTrainerRunsStepsOnOneAndSaysSo() {
        ScriptedNetwork net = new ScriptedNetwork();
        List<String> changes = new ArrayList<>();
        ProgressListener listener = threadChanges(changes);
        float[] params = new float[2];
        // 10 samples in batches of 1, 60 epochs: 600 full steps of 5 ms on the pool, 1 ms on one thread
        builder(net).optimizer(new Sgd(0.1)).batchSize(1).epochs(60).threads(2).listener(listener)
                .clock(stepClock(net, 5)).build().train(params, ten(), null);
        assertEquals(List.of("1 5000000 1000000"), changes);
        int first = (int) (StepThreads.FIRST_PROBE_NANOS / 5_000_000L);
        int probe = StepThreads.MAX_PROBE_STEPS;
        List<Integer> threads = net.threadsPerCall;
        assertEquals(600, threads.size());
        for (int i = 0; i < threads.size(); i++) {
            int expected = i < first ? 2 : i < first + probe ? 1 : i < first + 2 * probe ? 2 : 1;
            assertEquals(expected, threads.get(i), "step " + i);
        }
        // off: every step on both threads, the same parameters
        ScriptedNetwork fixed = new ScriptedNetwork();
        float[] fixedParams = new float[2];
        builder(fixed).optimizer(new Sgd(0.1)).batchSize(1).epochs(60).threads(2).adaptiveThreads(false)
                .clock(stepClock(fixed, 5)).build().train(fixedParams, ten(), null);
        assertTrue(fixed.threadsPerCall.stream().allMatch(t -> t == 2));
        assertArrayEquals(fixedParams, params);
    }

    @Test
    void aCallersPoolIsTheNetworksAgainAfterARunThatEndedOnOneThread() {
        ScriptedNetwork net = new ScriptedNetwork();
        List<String> changes = new ArrayList<>();
        ProgressListener listener = threadChanges(changes);
        try (Parallel mine = Parallel.threads(2)) {
            builder(net).optimizer(new Sgd(0.1)).batchSize(1).epochs(60).parallel(mine).listener(listener)
                    .clock(stepClock(net, 5)).build().train(new float[2], ten(), null);
            assertEquals(List.of("1 5000000 1000000"), changes, "the last steps ran on one thread");
            assertEquals(1, net.threadsPerCall.get(net.threadsPerCall.size() - 1));
            assertSame(mine, net.parallel);
        }
    }

    @Test
    void badSettingsAreRejectedByName() {
        assertEquals("training: error: batch size must be >= 1, got 0", assertThrows(InputException.class,
                () -> builder(new ScriptedNetwork()).batchSize(0).build()).getMessage());
        assertEquals("training: error: epochs must be >= 1, got -3", assertThrows(InputException.class,
                () -> builder(new ScriptedNetwork()).epochs(-3).build()).getMessage());
        assertEquals("training: error: threads must be >= 1, got 0", assertThrows(InputException.class,
                () -> builder(new ScriptedNetwork()).threads(0).build()).getMessage());
    }

    @Test
    void dataThatDoesNotFitTheNetworkIsRejectedBeforeTraining() {
        Dataset wide = Dataset.ofClasses("wide.csv", new float[4], new float[2], 2, 2);
        InputException e = assertThrows(InputException.class, () -> builder(new ScriptedNetwork()).build()
                .train(new float[2], wide, null));
        assertEquals("wide.csv: error: samples have 2 input values but network 'fake' expects 1 (input x of shape"
                + " [1])", e.getMessage());
    }

    @Test
    void lossesFormatWithFourSignificantDigits() {
        assertEquals("2.31", Trainer.format(2.31));
        assertEquals("0.01235", Trainer.format(0.0123456));
        assertEquals("1.235E+9", Trainer.format(1.2345e9));
        assertEquals("0", Trainer.format(0));
    }
}
