package netc.compiler.internal.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.source.SourceFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Gradients of convolution, pooling, flatten, per-channel bias and residual images against float64 central
 * differences: odd image sizes, stride 2, padding, overlapping pooling windows, several channels.
 */
class SpatialGradTest {

    /** A network around {@code body}, which turns image x into a flat vector {@code f} of {@code features}. */
    private static Graph network(String name, String input, String params, String body, int features) {
        String text = "network " + name + "\ninput x" + input + "\ntarget y : class[3]\n" + params
                + "\nparam Wout[3, " + features + "] init xavier\nparam bout[3]\n" + body
                + "\np = softmax(Wout f + bout)\nloss = cross_entropy(p, y)\n";
        return Differentiate.run(Frontend.analyze(new SourceFile(name + ".net", text)).graph());
    }

    private static void check(Graph g) {
        GradientCheck.Result r = GradientCheck.run(g, 7, 3, 400);
        assertTrue(r.passed(), g.name() + ": " + r.summary());
    }

    private static DynamicTest test(String name, String input, String params, String body, int features) {
        return DynamicTest.dynamicTest(name, () -> check(network(name.replace(' ', '_').replace(',', '_'), input,
                params, body, features)));
    }

    @TestFactory
    Stream<DynamicTest> convolutionPoolingAndFlattenHaveCorrectGradients() {
        return List.of(
                // 2 channels 5x7, 3x3 kernel, no padding, stride 1: [3, 3, 5]
                test("conv valid", "[2, 5, 7]", "param K[3, 2, 3, 3] init he\nparam c[3]",
                        "f = flatten(tanh(conv2d(x, K, c)))", 45),
                // stride 2 and padding 1 on odd sizes: (7 + 2 - 3) / 2 + 1 = 4, (5 + 2 - 3) / 2 + 1 = 3
                test("conv stride 2 pad 1", "[3, 7, 5]", "param K[2, 3, 3, 3] init he\nparam c[2]",
                        "f = flatten(sigmoid(conv2d(x, K, c, stride=2, pad=1)))", 24),
                // kernel 1 (a per-pixel matrix), no bias
                test("conv 1x1", "[3, 3, 3]", "param K[2, 3, 1, 1] init he",
                        "f = flatten(conv2d(x, K))", 18),
                // kernel 5 with pad 2 ("same"), then relu
                test("conv 5x5 same", "[1, 5, 6]", "param K[2, 1, 5, 5] init he\nparam c[2]",
                        "f = flatten(softsign(conv2d(x, K, c, pad=2)))", 60),
                // a matrix applied to an image acts on each pixel's channels; bias added by hand
                test("matrix on image", "[3, 2, 3]", "param M[4, 3] init he\nparam c[4]",
                        "f = flatten(tanh(M x + c))", 24),
                // max pooling 2x2 stride 2 on an odd size (the last row and column are dropped)
                test("maxpool 2", "[2, 5, 5]", "param K[2, 2, 3, 3] init he\nparam c[2]",
                        "f = flatten(maxpool(tanh(conv2d(x, K, c, pad=1)), 2))", 8),
                // overlapping windows: size 3, stride 1 (gradients from several windows add)
                test("maxpool overlapping", "[1, 5, 4]", "param K[2, 1, 3, 3] init he\nparam c[2]",
                        "f = flatten(maxpool(conv2d(x, K, c, pad=1), 3, stride=1))", 12),
                test("maxpool stride 2 size 3", "[1, 7, 7]", "param K[1, 1, 3, 3] init he",
                        "f = flatten(maxpool(conv2d(x, K, pad=1), size=3, stride=2))", 9),
                test("avgpool", "[2, 6, 5]", "param K[2, 2, 3, 3] init he\nparam c[2]",
                        "f = flatten(avgpool(tanh(conv2d(x, K, c, pad=1)), 2))", 12),
                test("avgpool overlapping", "[1, 4, 4]", "param K[1, 1, 3, 3] init he",
                        "f = flatten(avgpool(conv2d(x, K, pad=1), 3, stride=1))", 4),
                // two conv layers and a residual connection between images of one shape
                test("residual conv", "[2, 4, 5]", "param K1[2, 2, 3, 3] init he\nparam c1[2]\n"
                                + "param K2[2, 2, 3, 3] init he\nparam c2[2]",
                        "h = relu(conv2d(x, K1, c1, pad=1))\nr = tanh(conv2d(h, K2, c2, pad=1)) + h\nf = flatten(r)",
                        40),
                // the TensorFlow tutorial's shape of network, small: conv, pool, conv, pool, dense
                test("small convnet", "[1, 8, 8]", "param K1[3, 1, 5, 5] init he\nparam c1[3]\n"
                                + "param K2[4, 3, 5, 5] init he\nparam c2[4]\nparam W[6, 16] init he\nparam b[6]",
                        "h1 = maxpool(relu(conv2d(x, K1, c1, pad=2)), 2)\n"
                                + "h2 = maxpool(relu(conv2d(h1, K2, c2, pad=2)), 2)\n"
                                + "f = relu(W flatten(h2) + b)", 6),
                // global average pooling of a non-square image: each channel's mean over 3x5 pixels
                test("global avgpool", "[2, 3, 5]", "param K[3, 2, 3, 3] init he\nparam c[3]",
                        "f = global_avgpool(tanh(conv2d(x, K, c, pad=1)))", 3),
                // images joined along channels (2 + 3), then vectors joined (4 + 5 x 4 x 3 flattened)
                test("concat images and vectors", "[2, 4, 3]", "param K[3, 2, 3, 3] init he\nparam M[4, 5] init he",
                        "j = concat(x, tanh(conv2d(x, K, pad=1)))\nf = concat(M global_avgpool(j), flatten(sigmoid(j)))",
                        64),
                // a stride-2 residual block: the skip path halves the image with a strided 1x1 convolution
                test("residual stride 2 skip", "[2, 5, 6]", "param K[3, 2, 3, 3] init he\nparam S[3, 2, 1, 1] init he",
                        "f = flatten(relu(conv2d(x, K, stride=2, pad=1) + conv2d(x, S, stride=2)))", 27))
                .stream();
    }
}
