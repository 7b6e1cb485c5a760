package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import org.junit.jupiter.api.Test;

/**
 * One generated class trains bitwise the same on 128-, 256- and 512-bit vectors (SSE or NEON, AVX2, AVX-512): the
 * class is loaded three times with its species capped by {@value GemmEmitter#MAX_VECTOR_BITS_PROPERTY} at 128 and
 * 256 bits and not capped, and two SGD steps from the same weights give the same bits of outputs, loss and gradient
 * in each. The network has every kind of matrix product (NT forward as NN on A transposed (W2) and as dot products
 * (W3), NN input gradients, TN weight gradients, the im2col products of a convolution) with reductions that are not
 * multiples of 16 (18, 294, 70), and max pooling
 * and elementwise kernels over 20 channels (a vector and a tail at every width).
 */
class VectorWidthTest {

    private static final String NET = String.join("\n",
            "network width_probe",
            "input  x[2, 9, 9]",
            "target y : class[5]",
            // K1's gradient (20 x 18) is computed transposed, K2's (6 x 180) takes wider tiles on 16 lanes
            "param K1[20, 2, 3, 3] init he",
            "param c1[20]",
            "param K2[6, 20, 3, 3] init he",
            "param c2[6]",
            "param W2[70, 294] init he",
            "param b2[70]",
            "param W3[5, 70] init xavier",
            "param b3[5]",
            "h0 = relu(conv2d(x, K1, c1, pad=1))",
            // overlapping windows over 20 channels: vector pooling with a channel tail at every width
            "h1 = relu(conv2d(maxpool(h0, 3, stride=1), K2, c2, pad=1))",
            "h2 = relu(W2 flatten(h1) + b2)",
            "p = softmax(W3 h2 + b3)",
            "loss = cross_entropy(p, y)",
            "");

    /** What one load of the class computed: its kernels() and the bits of two steps. */
    private record Run(String kernels, float[] out, float[] grad, float[] params, double loss) {
    }

    @Test
    void vectorKernelsTrainTheSameBitsAt128And256And512Bits() throws Exception {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        Compilation c = NetCompiler.compile(new SourceFile("width_probe.net", NET),
                NetCompiler.Options.defaults().withVector(true));
        assertTrue(c.javaSource().contains("Swapped("), "K1's gradient is computed transposed");
        assertTrue(c.javaSource().contains("if (LANES >= 16)"), "K2's gradient picks its tile by width");
        assertTrue(c.javaSource().contains("VectorKernels.maxPoolGrad3("), "max pooling has its vector form");
        assertTrue(c.javaSource().contains("TransposeA("), "W2's forward product runs on A transposed");
        List<Run> runs = new ArrayList<>();
        for (String cap : new String[] {"128", "256", null}) {
            runs.add(run(c, cap));
        }
        Set<String> widths = new LinkedHashSet<>();
        runs.forEach(r -> widths.add(r.kernels()));
        assertEquals("vector (128-bit)", runs.get(0).kernels());
        assumeTrue(widths.size() > 1, "this JVM has 128-bit vectors only: " + widths);
        Run first = runs.get(0);
        for (Run r : runs.subList(1, runs.size())) {
            String what = r.kernels() + " against " + first.kernels();
            assertArrayEquals(first.out(), r.out(), what + ": output");
            assertArrayEquals(first.grad(), r.grad(), what + ": gradient of the second step");
            assertArrayEquals(first.params(), r.params(), what + ": parameters after two steps");
            assertEquals(first.loss(), r.loss(), 0.0, what + ": loss");
        }
    }

    /**
     * Inference on the weights laid out for it ({@code forwardPrepared}: NN on W^T, few-row tiles below 8 rows) gives
     * the same bits at 128, 256 and 512 bits, at a batch of 3 and of 13: W1 (129 x 300, 38,700 floats) has the
     * few-row tiles, W2 (70 x 129) not, W3 (10 outputs) keeps dot products. So does {@code forward} on the weights as
     * declared, where W1 and W2 run on A transposed (in-register transposes of 4, 8 and 16 lanes).
     */
    @Test
    void preparedInferenceGivesTheSameBitsAt128And256And512Bits() throws Exception {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "needs --add-modules jdk.incubator.vector");
        Compilation c = KernelClasses.reluMlp("prepared_probe", 300, 129, 70);
        assertTrue(c.javaSource().contains("Vec1x16("), "W1's product has few-row tiles");
        List<float[]> outputs = new ArrayList<>();
        List<String> kernels = new ArrayList<>();
        for (String cap : new String[] {"128", "256", null}) {
            outputs.add(withCap(cap, () -> {
                Class<?> type = c.loadClass().type();
                Network n = Compilation.instantiate(type);
                SplittableRandom rng = new SplittableRandom(5);
                float[] params = new float[n.spec().paramCount()];
                for (int i = 0; i < params.length; i++) {
                    params[i] = (float) (rng.nextDouble() - 0.5) * 0.2f;
                }
                float[] prepared = n.prepareForInference(params);
                float[] x = new float[13 * 300];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) rng.nextDouble();
                }
                float[] out = new float[32 * 10];
                float[] few = new float[3 * 10];
                float[] many = new float[13 * 10];
                n.forwardPrepared(prepared, x, 3, few);
                n.forwardPrepared(prepared, x, 13, many);
                System.arraycopy(few, 0, out, 0, few.length);
                System.arraycopy(many, 0, out, few.length, many.length);
                n.forward(params, x, 3, few);
                n.forward(params, x, 13, many);
                System.arraycopy(few, 0, out, 16 * 10, few.length);
                System.arraycopy(many, 0, out, 16 * 10 + few.length, many.length);
                kernels.add((String) type.getMethod("kernels").invoke(null));
                return out;
            }));
        }
        assumeTrue(new LinkedHashSet<>(kernels).size() > 1, "this JVM has 128-bit vectors only: " + kernels);
        for (int w = 1; w < outputs.size(); w++) {
            assertArrayEquals(outputs.get(0), outputs.get(w), kernels.get(w) + " against " + kernels.get(0));
        }
    }

    /** {@code body} run with the species of classes loaded meanwhile capped at {@code cap} bits (null: not capped). */
    private static <T> T withCap(String cap, java.util.concurrent.Callable<T> body) throws Exception {
        String property = GemmEmitter.MAX_VECTOR_BITS_PROPERTY;
        String before = System.getProperty(property);
        try {
            if (cap == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, cap);
            }
            return body.call();
        } finally {
            if (before == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, before);
            }
        }
    }

    /** A fresh load of the class with the species capped at {@code cap} bits (null: not capped), two steps. */
    private static Run run(Compilation c, String cap) throws Exception {
        return withCap(cap, () -> twoSteps(c));
    }

    private static Run twoSteps(Compilation c) throws Exception {
        Class<?> type = c.loadClass().type();
        Network net = Compilation.instantiate(type);
        // the species is chosen when the nested class initialises, at the first vector kernel call
        int batch = 7;
        SplittableRandom rng = new SplittableRandom(11);
        float[] params = new float[net.spec().paramCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) (rng.nextDouble() - 0.5) * 0.3f;
        }
        float[] x = new float[batch * net.spec().inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        float[] y = new float[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(5);
        }
        float[] grad = new float[params.length];
        float[] out = new float[batch * net.spec().outputSize()];
        double loss = 0;
        for (int step = 0; step < 2; step++) {
            loss = net.lossAndGradient(params, x, y, batch, grad, out);
            if (step == 0) {
                for (int i = 0; i < params.length; i++) {
                    params[i] -= 0.1f * grad[i];
                }
            }
        }
        String kernels = (String) type.getMethod("kernels").invoke(null);
        return new Run(kernels, out, grad, params, loss);
    }
}
