package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * A compiled network trained while the trainer moves its steps from two threads to one and back (a clock that makes
 * the pool slow, then fast): the weights are bitwise those of a run on two threads throughout and of a run on one.
 * In the compiler's tests because it needs a generated class (its kernels split over the pool); in the trainer's
 * package for the test clock.
 */
class AdaptiveThreadsTrainingTest {

    private static final String NET = String.join("\n",
            "network adaptive_probe",
            "input  x[20]",
            "target y : class[4]",
            "param W1[48, 20] init he",
            "param b1[48]",
            "param W2[32, 48] init he",
            "param b2[32]",
            "param W3[4, 32] init xavier",
            "param b3[4]",
            "h1 = relu(W1 x + b1)",
            "h2 = tanh(W2 h1 + b2)",
            "p = softmax(W3 h2 + b3)",
            "loss = cross_entropy(p, y)",
            "");

    private static Dataset data() {
        SplittableRandom r = new SplittableRandom(7);
        int n = 200;
        float[] x = new float[n * 20];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(4);
            for (int j = 0; j < 20; j++) {
                x[i * 20 + j] = (float) (r.nextGaussian() + (j % 4 == y[i] ? 1 : 0));
            }
        }
        return Dataset.ofClasses("blobs", x, y, 20, 4);
    }

    /**
     * Step costs by step index, the clock being read twice a step (start, end): until step 100 two threads take
     * 100 ms and one 50 ms, from then on two take 10 ms and one 50 ms. The first probe (after 2 s) moves the steps
     * to one thread; the next, about 480 steps later (20 probes' durations of 1.2 s), moves them back.
     */
    private static LongSupplier clock(Parallel[] current) {
        long[] now = {0};
        int[] reads = {0};
        return () -> {
            int step = reads[0]++ / 2;
            boolean pool = current[0] != null && current[0].threads() > 1;
            now[0] += (step < 100 ? (pool ? 100 : 50) : (pool ? 10 : 50)) * 1_000_000L;
            return now[0];
        };
    }

    private static float[] train(boolean adaptive, int threads, List<String> changes) {
        Network network = NetCompiler.compile(new SourceFile("adaptive_probe.net", NET),
                NetCompiler.Options.defaults()).load();
        // the network as the trainer sees it, which also notes the pool each step runs on
        Parallel[] current = {null};
        Network watched = (Network) Proxy.newProxyInstance(Network.class.getClassLoader(),
                new Class<?>[] {Network.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setParallel")) {
                        current[0] = (Parallel) args[0];
                    }
                    try {
                        return method.invoke(network, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        float[] params = Initializer.initialize(network.spec(), 3);
        Trainer.builder(watched).optimizer(new Momentum(0.05)).batchSize(32).epochs(100).threads(threads)
                .schedule(LearningRateSchedule.CONSTANT).adaptiveThreads(adaptive).clock(clock(current))
                .listener(new ProgressListener() {
                    @Override
                    public void epochDone(EpochReport report) {
                    }

                    @Override
                    public void threadsChanged(int t, long poolStepNanos, long oneThreadStepNanos) {
                        changes.add(t + " threads");
                    }
                }).build().train(params, data(), null);
        return params;
    }

    @Test
    void movingBetweenTwoThreadsAndOneChangesNoBit() {
        List<String> changes = new ArrayList<>();
        float[] adaptive = train(true, 2, changes);
        assertEquals(List.of("1 threads", "2 threads"), changes, "to one thread while two were slower, and back");
        List<String> none = new ArrayList<>();
        float[] fixedTwo = train(false, 2, none);
        float[] one = train(true, 1, none);
        assertTrue(none.isEmpty(), none::toString);
        assertArrayEquals(fixedTwo, adaptive, "against two threads throughout");
        assertArrayEquals(one, adaptive, "against one thread");
    }
}
