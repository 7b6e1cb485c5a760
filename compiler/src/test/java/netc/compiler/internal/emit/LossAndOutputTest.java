package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.Golden;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.TargetKind;
import netc.runtime.train.Initializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code lossAndOutput}, which an evaluation calls, runs the layers {@code forward} and {@code loss} share once and
 * gives bitwise their results: for every sample network (dropout and batch norm in inference mode, convolutions,
 * recurrences, the unrolled tiny nets), vector and scalar kernels, on 2 threads, at a batch with a partial tile.
 */
class LossAndOutputTest {

    @ParameterizedTest(name = "{0}, vector {1}")
    @CsvSource({"mnist_mlp, true", "mnist_mlp, false", "mnist_mlp_dropout, true", "residual_mlp, true",
            "resnet_small, true", "convnet, false", "lstm_rows, true", "gru_rows, true", "rnn_rows, true",
            "branches_gap, true", "activations, true", "linear_regression, true", "logistic_regression, true",
            "logistic_regression_softmax, true", "softmax_regression, true", "xor, true"})
    void isForwardAndLossInOnePass(String name, boolean vector) throws Exception {
        Compilation c = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(name + ".net")),
                NetCompiler.Options.defaults().withVector(vector));
        Network net = Compilation.instantiate(c.loadClass().type());
        ModelSpec spec = net.spec();
        int batch = 13;
        SplittableRandom rng = new SplittableRandom(17);
        float[] params = Initializer.initialize(spec, 17);
        float[] x = new float[batch * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        float[] y = new float[batch * spec.targetValues()];
        for (int i = 0; i < y.length; i++) {
            y[i] = spec.targetKind() == TargetKind.CLASSES ? rng.nextInt(Math.max(2, spec.outputSize()))
                    : (float) rng.nextDouble();
        }
        try (Parallel pool = Parallel.threads(2)) {
            net.setParallel(pool);
            float[] out = new float[batch * spec.outputSize()];
            net.forward(params, x, batch, out);
            double loss = net.loss(params, x, y, batch);
            float[] both = new float[out.length];
            double bothLoss = net.lossAndOutput(params, x, y, batch, both);
            assertTrue(Double.isFinite(loss), name + ": loss " + loss);
            assertEquals(Double.doubleToRawLongBits(loss), Double.doubleToRawLongBits(bothLoss),
                    name + ": loss " + bothLoss + " against " + loss);
            for (int i = 0; i < out.length; i++) {
                assertEquals(Float.floatToRawIntBits(out[i]), Float.floatToRawIntBits(both[i]),
                        name + ": sample " + i / spec.outputSize() + ", output " + i % spec.outputSize());
            }
            // an unrolled tiny net keeps the interface's two passes (nanoseconds); a tiled class has its own
            boolean unrolled = c.javaSource().contains("loss and gradients, unrolled.");
            assertEquals(!unrolled, c.javaSource().contains("public double lossAndOutput("),
                    name + ": one pass in a tiled class");
        } finally {
            net.setParallel(Parallel.serial());
        }
    }
}
