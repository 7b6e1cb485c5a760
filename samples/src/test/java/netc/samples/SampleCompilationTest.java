package netc.samples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.emit.ClassFileMethodSizes;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.ParamSpec;
import netc.runtime.Parallel;
import netc.runtime.TargetKind;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every sample compiles to the same program under Janino and under javac (runtime jar alone on the class path), in
 * both kernel styles: bitwise-identical outputs, losses and gradients, also when split over two threads; vector
 * epilogues agree bitwise with scalar ones (also at ReLU's kink, on signed zeros and on NaN); every
 * method stays under HotSpot's 8,000-byte limit; the generated float32 gradients agree with the float64
 * interpreter, whose gradients agree with central differences.
 */
class SampleCompilationTest {
    private static final int BATCH = 7; // not a multiple of the 4-row tiles, so tails run too

    static Stream<Arguments> samplesAndStyles() {
        List<Arguments> args = new ArrayList<>();
        for (Path p : Samples.all()) {
            args.add(Arguments.of(p.getFileName().toString(), true));
            args.add(Arguments.of(p.getFileName().toString(), false));
        }
        return args.stream();
    }

    static Stream<String> samples() {
        return Samples.all().stream().map(p -> p.getFileName().toString());
    }

    /** One evaluation of lossAndGradient: what the test compares. */
    private record Run(double loss, float[] grad, float[] out) {
        static Run of(Network net, float[] w, float[] x, float[] y) {
            ModelSpec spec = net.spec();
            float[] grad = new float[spec.paramCount()];
            float[] out = new float[BATCH * spec.outputSize()];
            double loss = net.lossAndGradient(w, x, y, BATCH, grad, out);
            return new Run(loss, grad, out);
        }

        void assertSame(Run other, String what) {
            assertEquals(Double.doubleToLongBits(loss), Double.doubleToLongBits(other.loss), what + ": loss");
            assertArrayEquals(grad, other.grad, what + ": gradient");
            assertArrayEquals(out, other.out, what + ": output");
        }
    }

    @ParameterizedTest(name = "{0} vector={1}")
    @MethodSource("samplesAndStyles")
    void janinoAndJavacAgreeBitwise(String sample, boolean vector, @TempDir Path tmp) {
        if (vector && !JaninoLoader.vectorApiAvailable()) {
            return;
        }
        SourceFile source = Samples.source(sample);
        NetCompiler.Options options = NetCompiler.Options.defaults().withVector(vector);
        Compilation c = NetCompiler.compile(source, options);
        assertEquals(c.javaSource(), NetCompiler.compile(source, options).javaSource(), "deterministic source");

        JaninoLoader.Compiled janino = c.loadClass();
        JavacCompiler.Compiled javac = JavacCompiler.compile(c, tmp);
        for (Map.Entry<String, byte[]> f : janino.classFiles().entrySet()) {
            assertUnderLimit("janino " + f.getKey(), f.getValue());
        }
        assertUnderLimit("javac", javac.classFile());

        Network a = Compilation.instantiate(janino.type());
        Network b = Compilation.instantiate(javac.type());
        ModelSpec spec = a.spec();
        SplittableRandom rng = new SplittableRandom(sample.hashCode());
        float[] w = randomParams(spec, rng);
        float[] x = randomInput(spec, rng);
        float[] y = randomTarget(spec, rng);

        Run ja = Run.of(a, w, x, y);
        Run jc = Run.of(b, w, x, y);
        ja.assertSame(jc, "janino vs javac");
        try (Parallel two = Parallel.threads(2)) {
            a.setParallel(two);
            Run parallel = Run.of(a, w, x, y);
            ja.assertSame(parallel, "1 thread vs 2 threads");
            a.setParallel(Parallel.serial());
        }
        float[] out = new float[BATCH * spec.outputSize()];
        b.forward(w, x, BATCH, out);
        if (hasModes(c)) {
            // forward runs in inference mode, lossAndGradient in training mode (dropout, batch norm): compare
            // forward with forward.
            float[] outA = new float[BATCH * spec.outputSize()];
            a.forward(w, x, BATCH, outA);
            assertArrayEquals(outA, out, "forward: janino vs javac");
            assertEquals(Double.doubleToLongBits(a.loss(w, x, y, BATCH)), Double.doubleToLongBits(b.loss(w, x, y,
                    BATCH)), "loss: janino vs javac");
        } else {
            assertArrayEquals(ja.out, out, "forward agrees with lossAndGradient");
            assertEquals(ja.loss, b.loss(w, x, y, BATCH), 0.0, "loss agrees with lossAndGradient");
        }
    }

    /**
     * The vector forms of elementwise code (fused epilogues, elementwise kernels, max pooling) give bitwise what their
     * scalar forms give: the VECTOR-style class agrees bit for bit with the same class emitted with scalar
     * elementwise code only, on every entry point, also on inputs that put activations exactly on ReLU's kink (+0 and
     * -0 pre-activations, so {@code step} and {@code relu} see both zeros, and max pooling sees ties between them) and
     * on NaN and infinite inputs (where {@code relu(NaN)} is +0, not NaN as {@code max} would give).
     * (VECTOR and SCALAR styles as a whole do not agree bitwise: their matrix products sum in different orders.)
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void vectorElementwiseCodeAgreesWithScalarBitwise(String sample) {
        if (!JaninoLoader.vectorApiAvailable()) {
            return;
        }
        Compilation c = NetCompiler.compile(Samples.source(sample), NetCompiler.Options.defaults().withVector(true));
        Network vector = c.load();
        ModelSpec spec = vector.spec();
        EmitOptions o = c.emitOptions();
        String scalarSource = ClassEmitter.emit(c.differentiated(), spec, o.withVectorElementwise(false));
        if (sample.equals("mnist_mlp.net") || sample.equals("activations.net")) {
            assertTrue(c.javaSource().contains("v = vRelu("), "the test exercises vector epilogues");
            assertFalse(scalarSource.contains("v = vRelu("), "scalar epilogues only");
        }
        if (sample.equals("convnet.net")) {
            for (String vectorOnly : new String[] {"VectorKernels.maxPool2(", "VectorKernels.maxPoolGrad2(",
                "mul(vStep("}) {
                assertTrue(c.javaSource().contains(vectorOnly), "the test exercises vector " + vectorOnly);
                assertFalse(scalarSource.contains(vectorOnly), "scalar elementwise code only: " + vectorOnly);
            }
        }
        Network scalar = Compilation.instantiate(
                JaninoLoader.compile(o.qualifiedName(), scalarSource, Network.class.getClassLoader()).type());
        SplittableRandom rng = new SplittableRandom(sample.hashCode() + 5);
        float[] y = randomTarget(spec, rng);
        float[] w = randomParams(spec, rng);
        float[] x = randomInput(spec, rng);
        Map<String, float[][]> cases = new java.util.LinkedHashMap<>();
        cases.put("random", new float[][] {w, x});
        cases.put("zero params", new float[][] {new float[w.length], x});
        float[] negZeros = new float[w.length];
        java.util.Arrays.fill(negZeros, -0f);
        cases.put("-0 params, signed-zero inputs", new float[][] {negZeros, signedZeros(x, rng)});
        cases.put("sparse params and inputs", new float[][] {sparse(w, rng), sparse(x, rng)});
        cases.put("random params, signed-zero inputs", new float[][] {w, signedZeros(x, rng)});
        float[] nonFinite = x.clone();
        float[] special = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (int s = 0; s < Math.min(BATCH, special.length); s++) {
            nonFinite[s * spec.inputSize() + rng.nextInt(spec.inputSize())] = special[s];
        }
        cases.put("NaN and infinite inputs", new float[][] {w, nonFinite});
        for (Map.Entry<String, float[][]> e : cases.entrySet()) {
            float[] cw = e.getValue()[0];
            float[] cx = e.getValue()[1];
            assertSameOnEveryEntry(scalar, vector, cw, cx, y, sample + ", " + e.getKey()
                    + ": vector vs scalar elementwise code");
        }
    }

    /**
     * A convolution's im2col and product, its kernel gradient (building the patches again, by column panels), and its
     * patch gradient and col2im, run as one kernel each a sample at a time (Kernel.Im2colGemm, Kernel.Im2colGemmTn,
     * Kernel.GemmCol2im), through arrays of one sample per thread: the class agrees bit for bit with the same class emitted with separate kernels over the whole batch, on
     * every entry point, in both styles, on one thread and on two (each thread with its own arrays, reused from call
     * to call), on random and non-finite inputs. A class without convolutions is unchanged.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void sampleLoopsAgreeWithSeparateKernelsBitwise(String sample) {
        for (boolean vectorStyle : new boolean[] {true, false}) {
            Compilation c = NetCompiler.compile(Samples.source(sample),
                    NetCompiler.Options.defaults().withVector(vectorStyle));
            Network fused = c.load();
            ModelSpec spec = fused.spec();
            EmitOptions o = c.emitOptions();
            String separateSource = ClassEmitter.emit(c.differentiated(), spec, o.withFuseSamples(false));
            boolean fuses = !separateSource.equals(c.javaSource());
            assertEquals(fuses, c.javaSource().contains("a sample at a time"), sample);
            assertEquals(fuses, Samples.source(sample).text().contains("conv2d("), sample);
            if (sample.equals("convnet.net") || sample.equals("resnet_small.net")) {
                for (String loop : new String[] {"private void col2im", "private void im2colGemm",
                        "private void im2colGemmTn", "PerThread.get()"}) {
                    assertTrue(c.javaSource().contains(loop), "the test exercises " + loop + ": " + sample);
                    assertFalse(separateSource.contains(loop), sample);
                }
            }
            if (!fuses) {
                continue;
            }
            Network separate = Compilation.instantiate(
                    JaninoLoader.compile(o.qualifiedName(), separateSource, Network.class.getClassLoader()).type());
            SplittableRandom rng = new SplittableRandom(sample.hashCode() + 11);
            float[] y = randomTarget(spec, rng);
            float[] w = randomParams(spec, rng);
            float[] x = randomInput(spec, rng);
            float[] nonFinite = x.clone();
            nonFinite[rng.nextInt(nonFinite.length)] = Float.NaN;
            nonFinite[rng.nextInt(nonFinite.length)] = Float.POSITIVE_INFINITY;
            try (Parallel two = Parallel.threads(2)) {
                for (Parallel parallel : List.of(Parallel.serial(), two)) {
                    fused.setParallel(parallel);
                    separate.setParallel(parallel);
                    for (float[] input : List.of(x, nonFinite, x)) {
                        String what = sample + (vectorStyle ? ", vector" : ", scalar") + ", "
                                + (parallel == two ? "2 threads" : "1 thread") + ": sample loops vs separate kernels";
                        assertSameOnEveryEntry(separate, fused, w, input, y, what);
                    }
                }
            }
        }
    }

    /**
     * {@code lossAndGradient} (loss, gradient, output), {@code forward} and {@code loss} of {@code actual} give bit for
     * bit what {@code expected} gives. Both update batch norms' running statistics in {@code w} alike, so the
     * inference calls after them see the same parameters.
     */
    private static void assertSameOnEveryEntry(Network expected, Network actual, float[] w, float[] x, float[] y,
            String what) {
        ModelSpec spec = expected.spec();
        Run.of(actual, w, x, y).assertSame(Run.of(expected, w, x, y), what);
        float[] outA = new float[BATCH * spec.outputSize()];
        float[] outE = new float[BATCH * spec.outputSize()];
        actual.forward(w, x, BATCH, outA);
        expected.forward(w, x, BATCH, outE);
        assertArrayEquals(outE, outA, what + ": forward");
        assertEquals(Double.doubleToLongBits(expected.loss(w, x, y, BATCH)),
                Double.doubleToLongBits(actual.loss(w, x, y, BATCH)), what + ": loss()");
    }

    /** About a third of the values replaced by +0 and a third by -0. */
    private static float[] sparse(float[] values, SplittableRandom rng) {
        float[] out = values.clone();
        for (int i = 0; i < out.length; i++) {
            int r = rng.nextInt(3);
            if (r < 2) {
                out[i] = r == 0 ? 0f : -0f;
            }
        }
        return out;
    }

    /** Values in [-1, 1) with about half of them replaced by +0 or -0. */
    private static float[] signedZeros(float[] values, SplittableRandom rng) {
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            int r = rng.nextInt(4);
            out[i] = r == 0 ? 0f : r == 1 ? -0f : (float) (rng.nextDouble() * 2 - 1);
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void callsDoNotLeakStateIntoEachOther(String sample) {
        Compilation c = NetCompiler.compile(Samples.source(sample), NetCompiler.Options.defaults());
        Class<?> type = c.loadClass().type();
        Network net = Compilation.instantiate(type);
        ModelSpec spec = net.spec();
        SplittableRandom rng = new SplittableRandom(23);
        float[] w = randomParams(spec, rng);
        float[] x = randomInput(spec, rng);
        float[] y = randomTarget(spec, rng);
        Run first = Run.of(net, w, x, y);
        // With dropout or batch norm, forward() and loss() run in inference mode and lossAndGradient() in training
        // mode: the references for them are then an inference call on the same instance.
        boolean modes = hasModes(c);
        float[] inferenceOut = first.out;
        double inferenceLoss = first.loss;
        if (modes) {
            inferenceOut = new float[BATCH * spec.outputSize()];
            net.forward(w, x, BATCH, inferenceOut);
            inferenceLoss = net.loss(w, x, y, BATCH);
        }
        // forward() and loss() as the first call of fresh instances: they must not rely on buffers that only
        // lossAndGradient() fills.
        float[] freshOut = new float[BATCH * spec.outputSize()];
        Compilation.instantiate(type).forward(w, x, BATCH, freshOut);
        assertArrayEquals(inferenceOut, freshOut, "forward() of a fresh instance");
        assertEquals(inferenceLoss, Compilation.instantiate(type).loss(w, x, y, BATCH), 0.0,
                "loss() of a fresh instance");
        // Batching must not mix samples: the mean of per-sample losses is the batch loss.
        double sum = 0;
        for (int s = 0; s < BATCH; s++) {
            sum += net.loss(w, java.util.Arrays.copyOfRange(x, s * spec.inputSize(), (s + 1) * spec.inputSize()),
                    java.util.Arrays.copyOfRange(y, s * spec.targetValues(), (s + 1) * spec.targetValues()), 1);
        }
        assertEquals(inferenceLoss, sum / BATCH, 1e-6 * Math.max(1, Math.abs(inferenceLoss)),
                "mean of per-sample losses");
        // Other calls in between: another batch size, other data, other weights, every entry point.
        float[] w2 = randomParams(spec, rng);
        float[] x2 = new float[3 * BATCH * spec.inputSize()];
        float[] y2 = new float[3 * BATCH * spec.targetValues()];
        System.arraycopy(randomInput(spec, rng), 0, x2, 0, BATCH * spec.inputSize());
        System.arraycopy(randomTarget(spec, rng), 0, y2, 0, BATCH * spec.targetValues());
        net.lossAndGradient(w2, x2, y2, 3 * BATCH, new float[spec.paramCount()], null);
        net.loss(w2, x2, y2, 2);
        net.forward(w2, x2, 1, new float[spec.outputSize()]);
        // lossAndGradient() updates batch norms' running statistics in the parameters it is given: a copy keeps
        // those of w as the inference reference saw them
        Run again = Run.of(net, modes ? w.clone() : w, x, y);
        first.assertSame(again, "the same call before and after other calls");
        assertEquals(inferenceLoss, net.loss(w, x, y, BATCH), 0.0, "loss() after lossAndGradient()");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void generatedGradientsMatchTheInterpreterAndFiniteDifferences(String sample) {
        Compilation c = NetCompiler.compile(Samples.source(sample), NetCompiler.Options.defaults());
        Network net = c.load();
        ModelSpec spec = net.spec();
        SplittableRandom rng = new SplittableRandom(17);
        float[] w = randomParams(spec, rng);
        float[] x = randomInput(spec, rng);
        float[] y = randomTarget(spec, rng);
        Run run = Run.of(net, w, x, y);

        Graph diff = c.differentiated();
        Interpreter in = new Interpreter(diff, BATCH);
        if (hasModes(c)) {
            in.training(0, 0); // lossAndGradient's mode, with the seed and step a fresh instance starts from
        }
        for (ParamSpec p : spec.params()) {
            in.bind(p.name(), toDouble(w, p.offset(), p.size()));
        }
        in.bind(spec.inputName(), toDouble(x, 0, x.length));
        in.bind(c.model().targetName(), toDouble(y, 0, y.length));
        in.run();
        assertClose(in.output(Graph.LOSS), new double[] {run.loss}, "loss");
        assertClose(in.output(Graph.OUTPUT), toDouble(run.out, 0, run.out.length), "output");
        for (ParamSpec p : spec.params()) {
            String role = Graph.gradName(p.name());
            double[] expected = diff.outputs().containsKey(role) ? in.output(role) : new double[p.size()];
            assertClose(expected, toDouble(run.grad, p.offset(), p.size()), "d loss / d " + p.name());
        }

        GradientCheck.Result check = GradientCheck.run(c.model().graph(), 5, 3, 24);
        assertTrue(check.passed(), sample + ": " + check.summary());
    }

    /** Whether the model has an op that differs between training and inference (dropout, batch norm). */
    static boolean hasModes(Compilation c) {
        return c.differentiated().hasModes();
    }

    private static void assertUnderLimit(String what, byte[] classFile) {
        int largest = ClassFileMethodSizes.largest(classFile);
        assertTrue(largest < ClassFileMethodSizes.HUGE_METHOD_LIMIT,
                what + ": largest method has " + largest + " bytes of bytecode: "
                        + ClassFileMethodSizes.of(classFile));
    }

    /** float32 kernels against the float64 reference: close relative to the values' scale. */
    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 1e-3;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 2e-4 * scale, what + "[" + i + "]");
        }
    }

    static float[] randomParams(ModelSpec spec, SplittableRandom rng) {
        float[] w = new float[spec.paramCount()];
        for (ParamSpec p : spec.params()) {
            double std = 1.0 / Math.sqrt(p.shape().length > 1 ? p.shape()[1] : 4);
            // a batch norm's running variance is never negative (a loaded weights file with one is refused): a
            // negative one made NaN outputs, which ReLU hid until relu(NaN) became NaN
            boolean variance = p.isState() && p.name().endsWith(".running_var");
            for (int i = 0; i < p.size(); i++) {
                double v = (rng.nextDouble() * 2 - 1) * std * 1.7;
                w[p.offset() + i] = (float) (variance ? Math.abs(v) + 0.1 : v);
            }
        }
        return w;
    }

    static float[] randomInput(ModelSpec spec, SplittableRandom rng) {
        return randomInput(spec, rng, BATCH);
    }

    static float[] randomInput(ModelSpec spec, SplittableRandom rng, int batch) {
        float[] x = new float[batch * spec.inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return x;
    }

    static float[] randomTarget(ModelSpec spec, SplittableRandom rng) {
        return randomTarget(spec, rng, BATCH);
    }

    static float[] randomTarget(ModelSpec spec, SplittableRandom rng, int batch) {
        float[] y = new float[batch * spec.targetValues()];
        for (int i = 0; i < y.length; i++) {
            y[i] = spec.targetKind() == TargetKind.CLASSES ? rng.nextInt(spec.targetSize()) : (float) rng.nextDouble();
        }
        return y;
    }

    private static double[] toDouble(float[] f, int from, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = f[from + i];
        }
        return d;
    }
}
