package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import netc.runtime.DenseNetwork.Head;

class PredictorTest {

    private static float[] randomParams(Network net, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] p = new float[net.spec().paramCount()];
        for (int i = 0; i < p.length; i++) {
            p[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return p;
    }

    private static float[] randomSamples(int count, int inputs, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[count * inputs];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (r.nextDouble() * 4 - 2);
        }
        return x;
    }

    private static float[] row(float[] flat, int i, int size) {
        return java.util.Arrays.copyOfRange(flat, i * size, (i + 1) * size);
    }

    @Test
    void predictGivesTheNetworksForwardOutput() {
        DenseNetwork net = new DenseNetwork(3, 4, Head.SOFTMAX);
        float[] params = randomParams(net, 1);
        float[] sample = {0.5f, -1f, 2f};
        float[] expected = new float[4];
        new DenseNetwork(3, 4, Head.SOFTMAX).forward(params, sample, 1, expected);
        assertArrayEquals(expected, Predictor.of(net, params).predict(sample));
    }

    @Test
    void theBatchFormsGiveEachSamplesOwnResult() {
        DenseNetwork net = new DenseNetwork(3, 4, Head.SOFTMAX);
        Predictor p = Predictor.of(net, randomParams(net, 2));
        float[] flat = randomSamples(5, 3, 3);
        float[] out = p.predict(flat, 5);
        float[][] rows = new float[5][];
        for (int i = 0; i < 5; i++) {
            rows[i] = row(flat, i, 3);
        }
        float[][] outRows = p.predict(rows);
        int[] classes = p.predictClasses(flat, 5);
        for (int i = 0; i < 5; i++) {
            float[] single = p.predict(rows[i]);
            assertArrayEquals(single, row(out, i, 4), "flat, sample " + i);
            assertArrayEquals(single, outRows[i], "rows, sample " + i);
            assertEquals(p.predictClass(rows[i]), classes[i], "class, sample " + i);
        }
        assertEquals(0, p.predict(new float[0], 0).length);
    }

    @Test
    void largeBatchesRunInChunksOfAtMost1024Samples() {
        DenseNetwork net = new DenseNetwork(2, 3, Head.SOFTMAX);
        float[] params = randomParams(net, 4);
        Predictor p = Predictor.of(net, params);
        int count = 2 * Predictor.CHUNK + 452;
        float[] x = randomSamples(count, 2, 5);
        float[] out = p.predict(x, count);
        assertEquals(Predictor.CHUNK, net.maxBatch);
        assertEquals(3, net.calls);
        DenseNetwork reference = new DenseNetwork(2, 3, Head.SOFTMAX);
        for (int i : new int[] {0, 1023, 1024, 2047, 2048, count - 1}) {
            float[] expected = new float[3];
            reference.forward(params, row(x, i, 2), 1, expected);
            assertArrayEquals(expected, row(out, i, 3), "sample " + i);
        }
    }

    @Test
    void theClassIsTheArgMaxWithTiesToTheLowestIndex() {
        DenseNetwork net = new DenseNetwork(2, 3, Head.SOFTMAX);
        // W = 0, b = (1, 3, 3): classes 1 and 2 tie for every input.
        Predictor p = Predictor.of(net, new float[] {0, 0, 0, 0, 0, 0, 1, 3, 3});
        assertEquals(1, p.predictClass(new float[] {5, -5}));
        // W picks class 0 for a large first input.
        Predictor q = Predictor.of(net, new float[] {9, 0, 0, 0, 0, 0, 1, 3, 3});
        assertEquals(0, q.predictClass(new float[] {5, -5}));
        assertEquals(1, q.predictClass(new float[] {-5, 0}));
    }

    @Test
    void aSampleWhoseOutputsAreAllNanHasNoClass() {
        DenseNetwork net = new DenseNetwork(2, 3, Head.SOFTMAX);
        Predictor p = Predictor.of(net, randomParams(net, 6));
        assertEquals(-1, p.predictClass(new float[] {Float.NaN, 1}));
        Predictor sigmoid = Predictor.of(new DenseNetwork(2, 1, Head.SIGMOID), new float[] {1, 1, 0});
        assertEquals(-1, sigmoid.predictClass(new float[] {Float.NaN, 1}));
    }

    @Test
    void softmaxProbabilitiesAreTheOutputs() {
        DenseNetwork net = new DenseNetwork(3, 4, Head.SOFTMAX);
        Predictor p = Predictor.of(net, randomParams(net, 7));
        float[] sample = {1, 2, -1};
        float[] probabilities = p.probabilities(sample);
        assertArrayEquals(p.predict(sample), probabilities);
        double sum = 0;
        for (float v : probabilities) {
            sum += v;
        }
        assertEquals(1, sum, 1e-6);
        assertEquals(4, p.probabilityCount());
    }

    @Test
    void aSingleSigmoidOutputGivesTheProbabilitiesOfBothClasses() {
        // W = (1, 1), b = 0: p = sigmoid(a + b).
        Predictor p = Predictor.of(new DenseNetwork(2, 1, Head.SIGMOID), new float[] {1, 1, 0});
        assertEquals(2, p.probabilityCount());
        float[] high = p.probabilities(new float[] {1, 1});
        float out = p.predict(new float[] {1, 1})[0];
        assertArrayEquals(new float[] {1 - out, out}, high);
        assertEquals(1, p.predictClass(new float[] {1, 1}));
        assertEquals(0, p.predictClass(new float[] {-1, -1}));
        // p = sigmoid(0) = 0.5 exactly: not above one half, so class 0, and the two probabilities tie.
        assertArrayEquals(new float[] {0.5f, 0.5f}, p.probabilities(new float[] {0, 0}));
        assertEquals(0, p.predictClass(new float[] {0, 0}));
        float[] batch = p.probabilities(new float[] {1, 1, -1, -1}, 2);
        assertEquals(4, batch.length);
        assertArrayEquals(high, row(batch, 0, 2));
    }

    @Test
    void aRegressionHasNeitherClassesNorProbabilities() {
        Predictor p = Predictor.of(new DenseNetwork(2, 2, Head.LINEAR), new float[] {1, 0, 0, 1, 5, 6});
        assertArrayEquals(new float[] {7, 10}, p.predict(new float[] {2, 4}));
        assertEquals("network 'dense' predicts real values, not classes",
                assertThrows(IllegalStateException.class, () -> p.predictClass(new float[] {2, 4})).getMessage());
        assertEquals("network 'dense' has loss squared_error: its outputs are values, not probabilities",
                assertThrows(IllegalStateException.class, () -> p.probabilities(new float[] {2, 4})).getMessage());
    }

    @Test
    void wrongInputSizesAreRejectedWithExpectedAndFound() {
        DenseNetwork net = new DenseNetwork(2, 3, Head.SOFTMAX);
        Predictor p = Predictor.of(net, randomParams(net, 8));
        assertEquals("sample has 3 values but network 'dense' expects 2 (input x of shape [2])",
                assertThrows(IllegalArgumentException.class, () -> p.predict(new float[3])).getMessage());
        assertEquals("samples has 5 values but 3 samples of network 'dense' take 6 (2 each, input x of shape [2])",
                assertThrows(IllegalArgumentException.class, () -> p.predict(new float[5], 3)).getMessage());
        assertEquals("sample 1 has 1 values but network 'dense' expects 2 (input x of shape [2])",
                assertThrows(IllegalArgumentException.class,
                        () -> p.predict(new float[][] {new float[2], new float[1]})).getMessage());
        assertEquals("count must be >= 0, got -1",
                assertThrows(IllegalArgumentException.class, () -> p.predict(new float[0], -1)).getMessage());
        assertEquals("params has 4 floats but network 'dense' needs 9",
                assertThrows(IllegalArgumentException.class, () -> Predictor.of(net, new float[4])).getMessage());
        assertEquals(0, net.calls, "nothing ran");
    }

    @Test
    void thePredictorKeepsACopyOfTheParameters() {
        DenseNetwork net = new DenseNetwork(2, 2, Head.LINEAR);
        float[] params = {1, 0, 0, 1, 5, 6};
        Predictor p = Predictor.of(net, params);
        params[4] = 100;
        assertArrayEquals(new float[] {7, 10}, p.predict(new float[] {2, 4}));
    }

    /** Every thread predicts its own inputs many times through {@code shared} and checks each result. */
    private static void callFromManyThreads(Predictor shared, Predictor reference) throws Exception {
        int threads = 4;
        int samples = 40;
        int inputs = shared.spec().inputSize();
        List<float[]> inputsPerThread = new ArrayList<>();
        List<float[]> expected = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            float[] x = randomSamples(samples, inputs, 100 + t);
            inputsPerThread.add(x);
            expected.add(reference.predict(x, samples));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                float[] x = inputsPerThread.get(t);
                float[] want = expected.get(t);
                Callable<Integer> task = () -> {
                    int mismatches = 0;
                    for (int round = 0; round < 300; round++) {
                        // Alternate a batch call and a single-sample call, so that batch sizes differ between threads.
                        if (!java.util.Arrays.equals(want, shared.predict(x, samples))) {
                            mismatches++;
                        }
                        int i = round % samples;
                        if (!java.util.Arrays.equals(row(want, i, want.length / samples),
                                shared.predict(row(x, i, inputs)))) {
                            mismatches++;
                        }
                    }
                    return mismatches;
                };
                results.add(pool.submit(task));
            }
            for (int t = 0; t < threads; t++) {
                assertEquals(0, results.get(t).get(), "results that differ from the single-threaded ones, thread " + t);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void oneNetworkSharedByManyThreadsGivesEachCallerItsOwnResult() throws Exception {
        DenseNetwork net = new DenseNetwork(16, 8, Head.SOFTMAX);
        float[] params = randomParams(net, 9);
        callFromManyThreads(Predictor.of(net, params), Predictor.of(new DenseNetwork(16, 8, Head.SOFTMAX), params));
    }

    @Test
    void aPooledPredictorRunsEachCallOnANetworkOfItsOwn() throws Exception {
        float[] params = randomParams(new DenseNetwork(16, 8, Head.SOFTMAX), 10);
        AtomicInteger made = new AtomicInteger();
        Predictor pooled = Predictor.pooled(() -> {
            made.incrementAndGet();
            return new DenseNetwork(16, 8, Head.SOFTMAX);
        }, params);
        callFromManyThreads(pooled, Predictor.of(new DenseNetwork(16, 8, Head.SOFTMAX), params));
        assertTrue(made.get() >= 1 && made.get() <= 4, "at most one network per concurrent caller, made " + made);
    }

    /** A network whose inference layout is its parameters negated, undone by {@code forwardPrepared}. */
    private static final class NegatingNetwork extends DelegatingNetwork {
        int prepared;

        @Override
        public void forward(float[] params, float[] x, int batch, float[] out) {
            throw new AssertionError("a predictor runs forwardPrepared");
        }

        @Override
        public float[] prepareForInference(float[] params) {
            prepared++;
            float[] p = params.clone();
            for (int i = 0; i < p.length; i++) {
                p[i] = -p[i];
            }
            return p;
        }

        @Override
        public void forwardPrepared(float[] prepared, float[] x, int batch, float[] out) {
            super.forward(prepareForInference(prepared), x, batch, out);
            this.prepared--;
        }
    }

    @Test
    void aPredictorLaysOutItsParametersOnceAndRunsOnThatLayout() {
        NegatingNetwork net = new NegatingNetwork();
        float[] params = randomParams(net, 11);
        float[] declared = params.clone();
        Predictor p = Predictor.of(net, params);
        assertEquals(1, net.prepared);
        float[] flat = randomSamples(2500, 3, 12);
        float[] out = p.predict(flat, 2500);
        assertEquals(1, net.prepared, "laid out once, not per call");
        assertArrayEquals(declared, params, "the caller's parameters are not changed");
        for (int i : new int[] {0, 1500, 2499}) {
            float[] expected = new float[4];
            new DenseNetwork(3, 4, Head.SOFTMAX).forward(params, row(flat, i, 3), 1, expected);
            assertArrayEquals(expected, row(out, i, 4), "sample " + i);
        }
    }

    @Test
    void aPooledPredictorRefusesANetworkOfAnotherClass() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        /* the first network: holds its call until released, so that the next call needs a second network */
        final class Holding extends DelegatingNetwork {
            @Override
            public void forwardPrepared(float[] prepared, float[] x, int batch, float[] out) {
                inside.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.forwardPrepared(prepared, x, batch, out);
            }
        }
        float[] params = randomParams(new DenseNetwork(3, 4, Head.SOFTMAX), 13);
        AtomicInteger made = new AtomicInteger();
        Predictor pooled = Predictor.pooled(() -> made.getAndIncrement() == 0 ? new Holding()
                : new DelegatingNetwork(), params);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<float[]> first = pool.submit(() -> pooled.predict(new float[] {1, 2, 3}));
            inside.await();
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> pooled.predict(new float[] {1, 2, 3}));
            assertTrue(e.getMessage().contains("DelegatingNetwork") && e.getMessage().contains("Holding")
                    && !e.getMessage().contains("class loader"), e.getMessage());
            release.countDown();
            assertEquals(4, first.get().length);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /** A network that runs a {@link DenseNetwork}; not final, so that a test can make a class of its own. */
    private static class DelegatingNetwork implements Network {
        private final DenseNetwork dense = new DenseNetwork(3, 4, Head.SOFTMAX);

        @Override
        public ModelSpec spec() {
            return dense.spec();
        }

        @Override
        public void setParallel(Parallel parallel) {
        }

        @Override
        public void forward(float[] params, float[] x, int batch, float[] out) {
            dense.forward(params, x, batch, out);
        }

        @Override
        public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad, float[] out) {
            return dense.lossAndGradient(params, x, y, batch, grad, out);
        }

        @Override
        public double loss(float[] params, float[] x, float[] y, int batch) {
            return dense.loss(params, x, y, batch);
        }
    }
}
