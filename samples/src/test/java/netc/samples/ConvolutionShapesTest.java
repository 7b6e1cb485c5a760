package netc.samples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Convolutions of shapes the samples do not have, each through the kernels that run a sample at a time (the kernel
 * gradient building its patches again with the swapped narrow, packed or plain TN kernel, windows wholly in the
 * padding, strides, odd sizes, shared inputs and kernels) against the same class with every step over the whole
 * batch: bitwise the same loss, gradients and outputs, on 1 and 2 threads, one instance reused across batch sizes
 * (its per-thread arrays keep the last call's values), with the gradient array filled with NaN first. Found by the
 * review of 2026-12-03 (all passed then; kept as the cases that exercise those paths).
 */
class ConvolutionShapesTest {

    /**
     * A net; whether its class must have a kernel gradient run a sample at a time; what its vector class must contain
     * (the kernel path it is here for), or null.
     */
    record Net(String name, String text, boolean fusesKernelGradient, String vectorMarker) {
    }

    private static final List<Net> NETS = List.of(
            // patch rows of 50 floats, C 64 x 50: the swapped narrow TN kernel, accumulating
            net("swapped", true, "x[2, 12, 12]", "class[5]",
                    "param K[64, 2, 5, 5]\nparam c[64]\nparam W[5, 9216]",
                    "h = relu(conv2d(x, K, c, pad=2))\np = softmax(W flatten(h))"),
            // 7 x 7, stride 2, padding 3, 3 channels on 19 x 19
            net("stride2pad3", true, "x[3, 19, 19]", "class[4]",
                    "param K[16, 3, 7, 7]\nparam c[16]\nparam W[4, 1600]",
                    "h = relu(conv2d(x, K, c, stride=2, pad=3))\np = softmax(W flatten(h))"),
            // 1 x 1, patch rows of 33 floats (just above Schedule.SHORT_REDUCTION)
            net("oneByOne", true, "x[33, 9, 9]", "class[3]",
                    "param K[48, 33, 1, 1]\nparam c[48]\nparam W[3, 3888]",
                    "h = relu(conv2d(x, K, c))\np = softmax(W flatten(h))"),
            // stride 2 without padding to exactly 64 pixels, then a second convolution
            net("chain", true, "x[4, 17, 17]", "class[3]",
                    "param K1[12, 4, 3, 3]\nparam c1[12]\nparam K2[40, 12, 3, 3]\nparam c2[40]\nparam W[3, 2560]",
                    "h1 = relu(conv2d(x, K1, c1, stride=2))\nh2 = relu(conv2d(h1, K2, c2, pad=1))\n"
                            + "p = softmax(W flatten(h2))"),
            // three convolutions of one input, two of them with one window (one im2col, two readers: not fused)
            net("sharedInput", true, "x[4, 10, 10]", "class[3]",
                    "param A[20, 4, 3, 3]\nparam B[20, 4, 3, 3]\nparam C[20, 4, 5, 5]\nparam W[3, 2000]",
                    "h = relu(conv2d(x, A, pad=1) + conv2d(x, B, pad=1) + conv2d(x, C, pad=2))\n"
                            + "p = softmax(W flatten(h))"),
            // one kernel in two convolutions: its gradient sums two kernel gradients
            net("kernelTwice", true, "x[8, 9, 9]", "class[3]",
                    "param K[8, 8, 3, 3]\nparam W[3, 648]",
                    "h1 = relu(conv2d(x, K, pad=1))\nh2 = relu(conv2d(h1, K, pad=1))\np = softmax(W flatten(h2))"),
            // 70 output channels from 5, then 7 from 70: odd panels either way
            net("oddPanels", true, "x[5, 11, 11]", "class[3]",
                    "param K1[70, 5, 3, 3]\nparam K2[7, 70, 3, 3]\nparam W[3, 847]",
                    "h1 = relu(conv2d(x, K1, pad=1))\nh2 = relu(conv2d(h1, K2, pad=1))\np = softmax(W flatten(h2))"),
            // padding 3 on a 3 x 3 window: whole windows in the padding
            net("windowsInPadding", true, "x[6, 9, 9]", "class[3]",
                    "param K[10, 6, 3, 3]\nparam c[10]\nparam W[3, 1690]",
                    "h = relu(conv2d(x, K, c, pad=3))\np = softmax(W flatten(h))"),
            // kernel gradients that pack their operands: 1,024 columns, then 1,024 rows
            net("packedColumns", true, "x[1024, 8, 8]", "class[3]",
                    "param K[16, 1024, 1, 1]\nparam c[16]\nparam W[3, 1024]",
                    "h = relu(conv2d(x, K, c))\np = softmax(W flatten(h))"),
            net("packedRows", true, "x[8, 8, 8]", "class[3]",
                    "param K[1024, 8, 3, 3]\nparam W[3, 65536]",
                    "h = relu(conv2d(x, K, pad=1))\np = softmax(W flatten(h))"),
            // to a 1 x 1 image: the forward product on the transposed kernel, with a column entry
            net("toOnePixel", false, "x[64, 3, 3]", "class[3]",
                    "param K[512, 64, 3, 3]\nparam c[512]\nparam W[3, 512]",
                    "h = relu(conv2d(x, K, c))\np = softmax(W flatten(h))"),
            // stride 2 and odd sizes through pooling
            net("pooled", true, "x[3, 23, 23]", "class[4]",
                    "param K1[24, 3, 5, 5]\nparam c1[24]\nparam K2[36, 24, 3, 3]\nparam c2[36]\nparam W[4, 576]",
                    "h1 = maxpool(relu(conv2d(x, K1, c1, stride=2, pad=2)), 1)\n"
                            + "h2 = maxpool(relu(conv2d(h1, K2, c2, pad=1)), 3)\np = softmax(W flatten(h2))"));

    private static Net net(String name, boolean fuses, String input, String target, String params, String body) {
        String text = "network " + name + "\ninput " + input + "\ntarget y : " + target + "\n" + params + "\n" + body
                + "\nloss = cross_entropy(p, y)\n";
        String marker = switch (name) {
            case "swapped" -> "Swapped(";
            case "packedColumns", "packedRows" -> "PackA";
            case "toOnePixel" -> "Cols(";
            default -> null;
        };
        return new Net(name, text, fuses, marker);
    }

    static Stream<Arguments> cases() {
        return NETS.stream().flatMap(n -> Stream.of(Arguments.of(n.name(), true), Arguments.of(n.name(), false)));
    }

    @ParameterizedTest(name = "{0} vector={1}")
    @MethodSource("cases")
    void sampleLoopsAgreeWithWholeBatchKernelsBitwise(String name, boolean vector) {
        if (vector && !JaninoLoader.vectorApiAvailable()) {
            return;
        }
        Net net = NETS.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
        Compilation c = NetCompiler.compile(new SourceFile(name + ".net", net.text()),
                NetCompiler.Options.defaults().withVector(vector));
        assertEquals(net.fusesKernelGradient(), c.javaSource().contains("private void im2colGemmTn"), name);
        assertTrue(!vector || net.vectorMarker() == null || c.javaSource().contains(net.vectorMarker()),
                name + " exercises " + net.vectorMarker());
        Network fused = c.load();
        ModelSpec spec = fused.spec();
        EmitOptions o = c.emitOptions();
        String wholeSource = ClassEmitter.emit(c.differentiated(), spec, o.withFuseSamples(false));
        assertTrue(!wholeSource.contains("a sample at a time"), name);
        Network whole = Compilation.instantiate(
                JaninoLoader.compile(o.qualifiedName(), wholeSource, Network.class.getClassLoader()).type());
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        float[] w = SampleCompilationTest.randomParams(spec, rng);
        try (Parallel two = Parallel.threads(2)) {
            for (Parallel parallel : List.of(Parallel.serial(), two)) {
                fused.setParallel(parallel);
                whole.setParallel(parallel);
                for (int batch : new int[] {3, 1, 7, 2}) {
                    String what = name + (vector ? ", vector" : ", scalar") + ", " + parallel.threads()
                            + " thread(s), batch " + batch;
                    float[] x = SampleCompilationTest.randomInput(spec, rng, batch);
                    float[] y = SampleCompilationTest.randomTarget(spec, rng, batch);
                    float[] g1 = new float[spec.paramCount()];
                    float[] g2 = new float[spec.paramCount()];
                    Arrays.fill(g1, Float.NaN);
                    Arrays.fill(g2, 42f);
                    float[] out1 = new float[batch * spec.outputSize()];
                    float[] out2 = new float[batch * spec.outputSize()];
                    double l1 = fused.lossAndGradient(w, x, y, batch, g1, out1);
                    double l2 = whole.lossAndGradient(w, x, y, batch, g2, out2);
                    assertEquals(Double.doubleToLongBits(l2), Double.doubleToLongBits(l1), what + ": loss");
                    assertBitwise(g2, g1, what + ": gradient");
                    assertBitwise(out2, out1, what + ": output");
                    fused.forward(w, x, batch, out1);
                    whole.forward(w, x, batch, out2);
                    assertBitwise(out2, out1, what + ": forward");
                }
            }
        }
    }

    /**
     * The swapped narrow kernel gradient runs once per sample when fused; its transposed C is the thread's array,
     * not a new one per call (that was 64 x 50 floats per sample: 820 KB a step at batch 64).
     */
    @Test
    void theFusedSwappedKernelGradientAllocatesNothingPerStep() {
        if (!JaninoLoader.vectorApiAvailable()) {
            return;
        }
        Net net = NETS.stream().filter(n -> n.name().equals("swapped")).findFirst().orElseThrow();
        long least = leastBytesPerStep(net, 16, 5, 2000, 4096);
        // per sample it would be 64 x 50 floats, 12.8 KB: 205 KB a step
        assertTrue(least < 4096, "bytes allocated by a step: " + least);
    }

    /**
     * A first convolution like the convnet's (1 channel, 5 x 5: patch rows of 25 floats, its forward an NT kernel
     * that transposes the 32 x 25 kernel matrix, its kernel gradient a swapped narrow TN), with a bias: its step takes
     * every scratch array from the thread. The transposes and the bias gradient allocated about 6.7 KB per step
     * before 2026-12-04 (3,216 bytes each for the two transposed matrices, 272 for the bias sums).
     */
    @Test
    void aShortPatchConvolutionStepAllocatesNothing() {
        if (!JaninoLoader.vectorApiAvailable()) {
            return;
        }
        Net net = net("shortPatches", false, "x[1, 12, 12]", "class[4]",
                "param K[32, 1, 5, 5]\nparam c[32]\nparam W[4, 4608]",
                "h = relu(conv2d(x, K, c, pad=2))\np = softmax(W flatten(h))");
        long least = leastBytesPerStep(net, 8, 9, 3000, 1);
        assertTrue(least < 1024, "bytes allocated by a step: " + least);
    }

    /**
     * The fewest bytes the calling thread allocated in one training step of {@code net}'s vector class on one thread,
     * over up to {@code rounds} steps, stopping once a step allocated fewer than {@code enough}: until the JIT has
     * compiled the kernels, interpreted and C1 code allocates a box per Vector API call.
     */
    private static long leastBytesPerStep(Net net, int batch, long seed, int rounds, long enough) {
        Network network = NetCompiler.compile(new SourceFile(net.name() + ".net", net.text()),
                NetCompiler.Options.defaults().withVector(true)).load();
        ModelSpec spec = network.spec();
        network.setParallel(Parallel.serial());
        SplittableRandom rng = new SplittableRandom(seed);
        float[] w = SampleCompilationTest.randomParams(spec, rng);
        float[] x = SampleCompilationTest.randomInput(spec, rng, batch);
        float[] y = SampleCompilationTest.randomTarget(spec, rng, batch);
        float[] g = new float[spec.paramCount()];
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long least = Long.MAX_VALUE;
        for (int round = 0; round < rounds && least >= enough; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            network.lossAndGradient(w, x, y, batch, g, null);
            least = Math.min(least, threads.getCurrentThreadAllocatedBytes() - before);
        }
        return least;
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + " [" + i + "]: " + expected[i] + " against " + actual[i]);
        }
    }
}
