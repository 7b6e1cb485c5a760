package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.SplittableRandom;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import netc.runtime.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * A network last given the batch positions of a share ({@code setTrainingStep(seed, step, positions)}, as Spark's
 * partitions do) and then trained by the {@link Trainer}: the kernel warm-up, which runs before the first step's
 * {@code setTrainingStep}, must not draw masks by those stale positions (it indexed past them, an
 * ArrayIndexOutOfBoundsException), and the run must be bitwise a fresh network's. In the compiler's tests because
 * it needs a generated class with dropout.
 */
class StalePositionsTrainingTest {

    private static final String NET = String.join("\n",
            "network stale_positions",
            "input  x[6]",
            "target y : class[3]",
            "param W1[16, 6] init he",
            "param b1[16]",
            "param W2[3, 16] init xavier",
            "param b2[3]",
            "h = dropout(relu(W1 x + b1), 0.25)",
            "p = softmax(W2 h + b2)",
            "loss = cross_entropy(p, y)",
            "");

    private static float[] train(boolean stale) {
        Network network = NetCompiler.compile(new SourceFile("stale_positions.net", NET),
                NetCompiler.Options.defaults()).load();
        if (stale) {
            network.setTrainingStep(1, 0, new int[] {0, 1});
        }
        SplittableRandom r = new SplittableRandom(3);
        int n = 2000; // 250 steps of 8: enough for the trainer to warm the kernels up
        float[] x = new float[n * 6];
        float[] y = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble(-1, 1);
        }
        for (int i = 0; i < n; i++) {
            y[i] = r.nextInt(3);
        }
        float[] params = Initializer.initialize(network.spec(), 1);
        Trainer.builder(network).optimizer(new Sgd(0.1)).epochs(1).batchSize(8).seed(1).threads(1)
                .warmKernels(0.2).schedule(LearningRateSchedule.CONSTANT).build()
                .train(params, Dataset.ofClasses("random", x, y, 6, 3), null);
        return params;
    }

    @Test
    void stalePositionsOfAShareDoNotReachTheWarmUpOrTheRun() {
        assertArrayEquals(train(false), train(true));
    }
}
