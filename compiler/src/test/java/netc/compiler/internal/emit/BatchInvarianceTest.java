package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.Golden;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.train.Initializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One sample's outputs do not depend on the batch it comes in: {@code forward} over a batch of 1,100 samples and over
 * its first 1, 37, 511, 512, 513 and 1,024 gives each of those samples bitwise the same outputs, vector and scalar
 * kernels, 1 and 2 threads. {@code Predictor} cuts large batches into chunks and Spark's {@code Scorer} cuts each
 * partition so, and both promise the same values whatever the cut. An NT kernel that ran as NN on W transposed from
 * batch 512 broke this (2026-12-04-nt-as-nn.md; caught then by ScorerTest only).
 */
class BatchInvarianceTest {

    @ParameterizedTest(name = "{0}, vector {1}, {2} thread(s)")
    @CsvSource({"mnist_mlp, true, 1", "mnist_mlp, true, 2", "mnist_mlp, false, 2", "residual_mlp, true, 2"})
    void aSamplesOutputsAreTheSameInEveryBatch(String name, boolean vector, int threads) throws Exception {
        Compilation c = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(name + ".net")),
                NetCompiler.Options.defaults().withVector(vector));
        Network net = Compilation.instantiate(c.loadClass().type());
        int all = 1100;
        float[] params = Initializer.initialize(net.spec(), 5);
        SplittableRandom rng = new SplittableRandom(5);
        int in = net.spec().inputSize();
        int out = net.spec().outputSize();
        float[] x = new float[all * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        try (Parallel pool = Parallel.threads(threads)) {
            net.setParallel(pool);
            float[] whole = new float[all * out];
            net.forward(params, x, all, whole);
            for (int batch : new int[] {1, 37, 511, 512, 513, 1024}) {
                float[] part = new float[batch * out];
                net.forward(params, Arrays.copyOf(x, batch * in), batch, part);
                for (int i = 0; i < part.length; i++) {
                    assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(part[i]),
                            name + ": sample " + i / out + ", output " + i % out + " at batch " + batch
                                    + " against batch " + all);
                }
            }
        } finally {
            net.setParallel(Parallel.serial());
        }
    }
}
