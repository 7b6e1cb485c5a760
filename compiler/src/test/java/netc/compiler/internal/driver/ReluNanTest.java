package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import netc.compiler.internal.frontend.Golden;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import netc.runtime.train.Initializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code relu(NaN)} is NaN, as PyTorch's {@code relu} gives it, in every form of the class (the unrolled tiny net,
 * the tiled class with vector and with scalar kernels, the fused bias+ReLU epilogue and the ReLU of a convolution):
 * a NaN that arises before a ReLU reaches the outputs and the loss, where the trainer stops on it, instead of
 * turning into a unit that is silently 0. Was 0 on every path.
 */
class ReluNanTest {

    private static final String TINY = """
            network tiny_relu
            input x[2]
            target t : real[1]
            param W1[3, 2] init xavier
            param b1[3]
            param W2[1, 3] init xavier
            h = relu(W1 x + b1)
            p = W2 h
            loss = squared_error(p, t)
            """;

    private static SourceFile source(String net) {
        return net.endsWith(".net") ? NetCompiler.read(Golden.sampleNets().resolve(net))
                : new SourceFile("tiny_relu.net", TINY);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"TINY", "mnist_mlp.net", "residual_mlp.net", "convnet.net"})
    void aNanBeforeAReluReachesEveryOutput(String net) {
        for (boolean vector : new boolean[] {false, JaninoLoader.vectorApiAvailable()}) {
            Compilation c = NetCompiler.compile(source(net), NetCompiler.Options.defaults().withVector(vector));
            Network n = c.load();
            float[] params = Initializer.initialize(n.spec(), 0);
            // the first weight of the first layer (a kernel weight of the first channel for the convnet)
            params[n.spec().params().get(0).offset()] = Float.NaN;
            int batch = 3;
            float[] x = new float[batch * n.spec().inputSize()];
            Arrays.fill(x, 0.5f);
            float[] out = new float[batch * n.spec().outputSize()];
            n.forward(params, x, batch, out);
            for (float v : out) {
                assertTrue(Float.isNaN(v), net + (vector ? " vector" : " scalar") + ": " + Arrays.toString(out));
            }
        }
    }
}
