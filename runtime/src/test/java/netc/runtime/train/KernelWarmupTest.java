package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;
import org.junit.jupiter.api.Test;

/** Warming the kernels before epoch 1 runs real steps, but on copies: the trained weights do not change. */
class KernelWarmupTest {

    /** Passes every call to a network and records the arrays each lossAndGradient call received. */
    private static class Recording implements Network {
        final Network inner;
        final List<float[]> paramsSeen = new ArrayList<>();
        final List<float[]> gradsSeen = new ArrayList<>();
        final List<float[]> preparedFrom = new ArrayList<>();
        final List<Integer> stepRows = new ArrayList<>();
        final List<Integer> evaluationRows = new ArrayList<>();
        int evaluations;

        Recording(Network inner) {
            this.inner = inner;
        }

        @Override
        public ModelSpec spec() {
            return inner.spec();
        }

        @Override
        public void setParallel(Parallel parallel) {
            inner.setParallel(parallel);
        }

        @Override
        public void forward(float[] params, float[] x, int batch, float[] out) {
            inner.forward(params, x, batch, out);
        }

        @Override
        public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad, float[] out) {
            paramsSeen.add(params);
            gradsSeen.add(grad);
            stepRows.add(batch);
            return inner.lossAndGradient(params, x, y, batch, grad, out);
        }

        @Override
        public double loss(float[] params, float[] x, float[] y, int batch) {
            return inner.loss(params, x, y, batch);
        }

        @Override
        public float[] prepareForInference(float[] params) {
            preparedFrom.add(params);
            return inner.prepareForInference(params);
        }

        @Override
        public double lossAndOutputPrepared(float[] prepared, float[] x, float[] y, int batch, float[] out) {
            evaluations++;
            evaluationRows.add(batch);
            return inner.lossAndOutputPrepared(prepared, x, y, batch, out);
        }
    }

    /** 600 samples of a 3-class problem: batches of 2 give 300 steps an epoch, enough for the warm-up to run. */
    private static Dataset data() {
        return data(600);
    }

    private static Dataset data(int n) {
        float[] x = new float[n * 2];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (float) Math.sin(i * 0.7);
            x[2 * i + 1] = (float) Math.cos(i * 1.3);
            y[i] = i % 3;
        }
        return Dataset.ofClasses("toy", x, y, 2, 3);
    }

    private static List<EpochReport> train(Network net, float[] params, double warmSeconds, int threads) {
        return train(net, params, warmSeconds, threads, new Momentum(0.05));
    }

    private static List<EpochReport> train(Network net, float[] params, double warmSeconds, int threads,
                                           Optimizer optimizer) {
        return Trainer.builder(net).optimizer(optimizer).epochs(2).batchSize(2).seed(3).threads(threads)
                .warmKernels(warmSeconds).build().train(params, data(), null);
    }

    /**
     * The warm-up steps netc's optimizers on the copy and then gives them their state back: every optimizer trains
     * bitwise as without warm-up, also when it resumes with a state (Adam's step count, momentum's velocity).
     */
    @Test
    void everyOptimizerEndsAsWithoutWarmUp() {
        List<java.util.function.Supplier<Optimizer>> optimizers = List.of(() -> new Sgd(0.1), () -> new Momentum(0.05),
                () -> new Adam(0.01));
        for (java.util.function.Supplier<Optimizer> make : optimizers) {
            for (boolean resumed : new boolean[] {false, true}) {
                float[][] results = new float[2][];
                for (int warm = 0; warm < 2; warm++) {
                    SoftmaxRegression net = new SoftmaxRegression(2, 3);
                    float[] params = Initializer.initialize(net.spec(), 1);
                    Optimizer optimizer = make.get();
                    if (resumed) {
                        // a state of its own, as a checkpoint would give it
                        float[] g = new float[params.length];
                        java.util.Arrays.fill(g, 0.25f);
                        optimizer.step(params.clone(), g);
                    }
                    train(net, params, warm == 0 ? 0 : 1, 2, optimizer);
                    results[warm] = params;
                }
                assertArrayEquals(results[0], results[1], make.get().name() + (resumed ? ", with a state" : ""));
            }
        }
        // a step count without moments (imported so) survives the warm-up's export and import
        float[][] counted = new float[2][];
        for (int warm = 0; warm < 2; warm++) {
            SoftmaxRegression net = new SoftmaxRegression(2, 3);
            float[] params = Initializer.initialize(net.spec(), 1);
            Adam adam = new Adam(0.01);
            adam.importState(new OptimizerState(java.util.Map.of(), 5));
            train(net, params, warm == 0 ? 0 : 1, 2, adam);
            counted[warm] = params;
        }
        assertArrayEquals(counted[0], counted[1], "adam with a step count and no moments");
        assertTrue(KernelWarmup.restores(new Adam(0.01)));
        assertFalse(KernelWarmup.restores(new Optimizer() {
            @Override
            public void step(float[] params, float[] grad) {
            }

            @Override
            public void setRateFactor(double factor) {
            }

            @Override
            public String name() {
                return "own";
            }
        }));
    }

    @Test
    void warmUpStepsRunOnCopiesAndLeaveTheTrainedWeightsBitwiseAsWithout() {
        for (int threads : new int[] {1, 2}) {
            SoftmaxRegression plainNet = new SoftmaxRegression(2, 3);
            float[] plain = Initializer.initialize(plainNet.spec(), 1);
            List<EpochReport> plainReports = train(plainNet, plain, 0, threads);

            Recording warmNet = new Recording(new SoftmaxRegression(2, 3));
            float[] warm = Initializer.initialize(warmNet.spec(), 1);
            List<EpochReport> warmReports = train(warmNet, warm, 2, threads);

            int trainingSteps = 2 * 300;
            int warmSteps = warmNet.paramsSeen.size() - trainingSteps;
            assertTrue(warmSteps >= KernelWarmup.MIN_STEPS, warmSteps + " warm-up steps");
            for (int i = 0; i < warmSteps; i++) {
                assertNotSame(warm, warmNet.paramsSeen.get(i), "warm-up step " + i + " used the trained parameters");
                assertNotSame(warmNet.gradsSeen.get(warmSteps), warmNet.gradsSeen.get(i), "and the trainer's gradient");
            }
            // the evaluation's pass is warmed every few steps, on a layout of the copy
            assertEquals((warmSteps + KernelWarmup.EVALUATION_EVERY - 1) / KernelWarmup.EVALUATION_EVERY,
                    warmNet.evaluations, warmSteps + " warm-up steps");
            assertEquals(1, warmNet.preparedFrom.size());
            assertNotSame(warm, warmNet.preparedFrom.get(0), "the warm-up laid out the trained parameters");
            assertArrayEquals(plain, warm, threads + " threads");
            for (int e = 0; e < 2; e++) {
                assertEquals(plainReports.get(e).trainLoss(), warmReports.get(e).trainLoss());
            }
        }
    }

    @Test
    void theLastBatchesOfTheEpochAndTheEvaluationAreWarmedToo() {
        Recording net = new Recording(new SoftmaxRegression(2, 3));
        float[] params = Initializer.initialize(net.spec(), 1);
        // 601 training samples in batches of 3: 200 full ones and one of 1; a test set of 11: 3 full ones and one of 2
        Trainer.builder(net).optimizer(new Momentum(0.05)).epochs(1).batchSize(3).seed(3).threads(1).warmKernels(2)
                .build().train(params, data(601), data(11));
        int trainingSteps = 201;
        int warmSteps = net.paramsSeen.size() - trainingSteps;
        List<Integer> warmRows = net.stepRows.subList(0, warmSteps);
        assertTrue(warmSteps >= KernelWarmup.MIN_STEPS, warmSteps + " warm-up steps");
        for (int i = 0; i < warmSteps; i++) {
            // the epoch's last batch (1 row) is trained on; the evaluation's (2 rows) only evaluated
            int expected = i % KernelWarmup.TAIL_EVERY == KernelWarmup.TAIL_EVERY - 1
                    && i / KernelWarmup.TAIL_EVERY % 2 == 0 ? 1 : 3;
            int step = i;
            assertEquals(expected, warmRows.get(i), () -> "rows of warm-up step " + step);
        }
        assertTrue(new java.util.HashSet<>(net.evaluationRows.subList(0, net.evaluationRows.size() - 4))
                .containsAll(List.of(1, 2, 3)), "the warm-up's evaluation passes at every size");
        assertEquals(List.of(3, 3, 3, 1), net.stepRows.subList(net.stepRows.size() - 4, net.stepRows.size()));
    }

    /**
     * A network that refuses training steps on fewer than 2 samples (as batch norm does) trains with a test set whose
     * last batch has 1 sample: the warm-up evaluates that size but never trains on it (it once did, and the run
     * failed before epoch 1).
     */
    @Test
    void anEvaluationsLastBatchIsNeverTrainedOn() {
        Recording net = new Recording(new SoftmaxRegression(2, 3)) {
            @Override
            public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad,
                                          float[] out) {
                if (batch < 2) {
                    throw new IllegalArgumentException("a training step on " + batch + " sample");
                }
                return super.lossAndGradient(params, x, y, batch, grad, out);
            }
        };
        float[] params = Initializer.initialize(net.spec(), 1);
        // 600 training samples in batches of 3 (no shorter last batch); 10 test samples: 3 batches and one of 1
        List<EpochReport> reports = Trainer.builder(net).optimizer(new Momentum(0.05)).epochs(1).batchSize(3).seed(3)
                .threads(1).warmKernels(2).build().train(params, data(600), data(10));
        assertEquals(1, reports.size());
        assertTrue(net.evaluationRows.subList(0, net.evaluationRows.size() - 4).contains(1),
                "the warm-up evaluated the 1-sample batch");
    }

    @Test
    void aShortEpochIsNotWarmedUp() {
        Recording net = new Recording(new SoftmaxRegression(2, 3));
        float[] params = Initializer.initialize(net.spec(), 1);
        Trainer.builder(net).optimizer(new Sgd(0.1)).epochs(1).batchSize(10).seed(3).threads(1).warmKernels(2)
                .build().train(params, data(), null);
        assertEquals(60, net.paramsSeen.size(), "60 training steps and no warm-up: an epoch of 60 steps is short");
    }

    @Test
    void aNegativeOrInfiniteWarmUpIsRejected() {
        SoftmaxRegression net = new SoftmaxRegression(2, 3);
        assertEquals("training: error: kernel warm-up must be finite and >= 0 seconds, got -1.0",
                assertThrows(InputException.class, () -> Trainer.builder(net).warmKernels(-1).build()).getMessage());
        assertThrows(InputException.class,
                () -> Trainer.builder(net).warmKernels(Double.POSITIVE_INFINITY).build());
    }
}
