package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.load.JavacLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.ParamSpec;
import netc.runtime.Parallel;
import netc.runtime.io.Safetensors;
import netc.runtime.train.Initializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchnorm(v)} (issue #11): per channel of an image and per feature of a vector, batch statistics and
 * exact gradients in training, running statistics (momentum 0.1, unbiased variance) updated in the parameter
 * vector and used in inference, saved with the weights.
 */
class BatchNormTest {

    /** Batch norm of a convolution (per channel) with a learnable affine, then of a vector (per feature). */
    static final String NET = "network bn\n"
            + "input x[2, 6, 6]\n"
            + "target y : class[3]\n"
            + "param K[4, 2, 3, 3] init he\n"
            + "param c[4]\n"
            + "param gam[4]\n"
            + "param bet[4]\n"
            + "param W1[8, 16] init he\n"
            + "param s1[8]\n"
            + "param W[3, 8] init xavier\n"
            + "param b[3]\n"
            + "h = relu((1 + gam) * batchnorm(conv2d(x, K, c)) + bet)\n"
            + "v = tanh((1 + s1) * batchnorm(W1 flatten(maxpool(h, 2))))\n"
            + "p = softmax(W v + b)\n"
            + "loss = cross_entropy(p, y)\n";

    private static CheckedModel analyze() {
        return Frontend.analyze(new SourceFile("bn.net", NET));
    }

    @Test
    void runningStatisticsAreNonTrainableParametersAfterTheDeclaredOnes() {
        ModelSpec spec = analyze().modelSpec();
        ParamSpec mean = spec.param("batchnorm0.running_mean");
        ParamSpec var = spec.param("batchnorm1.running_var");
        assertEquals(4, mean.size());
        assertEquals(8, var.size());
        assertTrue(mean.isState() && var.isState() && !spec.param("b").isState());
        assertEquals(spec.param("b").offset() + 3, mean.offset(), "state follows every declared parameter");
        float[] w = Initializer.initialize(spec, 1);
        assertEquals(1f, w[var.offset()], "running variance starts at 1");
        assertEquals(0f, w[mean.offset()], "running mean starts at 0");
        assertTrue(analyze().summary().contains("+ 24 running statistics"), analyze().summary());
    }

    @Test
    void aScaleDeclaredInitOnesStartsAtOneAsPyTorchsAffineWeight() {
        String text = NET.replace("param gam[4]\n", "param gam[4] init ones\n").replace("(1 + gam) *", "gam *");
        ModelSpec spec = Frontend.analyze(new SourceFile("bn.net", text)).modelSpec();
        assertEquals(netc.runtime.Init.ONES, spec.param("gam").init());
        float[] w = Initializer.initialize(spec, 1);
        ParamSpec gam = spec.param("gam");
        for (int i = 0; i < gam.size(); i++) {
            assertEquals(1f, w[gam.offset() + i]);
        }
        assertTrue(GradientCheck.run(Frontend.analyze(new SourceFile("bn.net", text)).graph(), 1, 3, 50).passed());
    }

    @Test
    void gradientsIncludingTheBatchStatisticsTermsMatchCentralDifferences() {
        for (int batch : new int[] {2, 5}) {
            GradientCheck.Result r = GradientCheck.run(analyze().graph(), 3 + batch, batch, 200);
            assertTrue(r.passed(), r.summary());
        }
    }

    @Test
    void trainingUsesBatchStatisticsAndUpdatesTheRunningOnesInferenceUsesThem() throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("bn.net", NET),
                NetCompiler.Options.defaults().withClassName("BatchNormNet"));
        Network net = Compilation.instantiate(c.loadClass().type());
        ModelSpec spec = net.spec();
        int batch = 6;
        float[] w = Initializer.initialize(spec, 5);
        float[] x = random(batch * spec.inputSize(), 6);
        float[] y = {0, 1, 2, 2, 1, 0};
        Graph diff = Differentiate.run(c.model().graph());
        double[][] before = bind(new Interpreter(diff, batch).training(0, 0), c.model(), w, x, y).run();

        float[] grad = new float[w.length];
        float[] w0 = w.clone();
        double loss = net.lossAndGradient(w, x, y, batch, grad, null);
        assertEquals(before[diff.output(Graph.LOSS).id()][0], loss, 1e-4);
        double[] dK = before[diff.output(Graph.gradName("K")).id()];
        for (int i = 0; i < dK.length; i++) {
            assertEquals(dK[i], grad[i], 1e-4 + 1e-3 * Math.abs(dK[i]), "dK[" + i + "]");
        }
        // running statistics: 0.9 old + 0.1 batch mean, 0.9 old + 0.1 unbiased batch variance
        Node bn0 = firstBatchNorm(diff);
        double[] in = before[bn0.input(0).id()];
        int rows = batch * 16;
        ParamSpec mean = spec.param("batchnorm0.running_mean");
        ParamSpec var = spec.param("batchnorm0.running_var");
        for (int f = 0; f < 4; f++) {
            double m = 0;
            for (int r = 0; r < rows; r++) {
                m += in[r * 4 + f];
            }
            m /= rows;
            double sq = 0;
            for (int r = 0; r < rows; r++) {
                sq += (in[r * 4 + f] - m) * (in[r * 4 + f] - m);
            }
            assertEquals(0.1 * m, w[mean.offset() + f], 1e-5, "running mean " + f);
            assertEquals(0.9 + 0.1 * sq / (rows - 1), w[var.offset() + f], 1e-5, "running var " + f);
            assertEquals(0f, grad[mean.offset() + f], "no gradient for state");
        }
        for (int i = 0; i < mean.offset(); i++) {
            assertEquals(w0[i], w[i], "lossAndGradient changes no trainable parameter");
        }

        // inference: the running statistics, deterministic, and the parameter vector untouched
        float[] out = new float[batch * 3];
        float[] again = new float[batch * 3];
        float[] wAfter = w.clone();
        net.forward(w, x, batch, out);
        net.forward(w, x, batch, again);
        assertArrayEquals(out, again);
        assertArrayEquals(wAfter, w, "forward updates no statistic");
        double[][] inference = bind(new Interpreter(diff, batch), c.model(), w, x, y).run();
        double[] p = inference[diff.output(Graph.OUTPUT).id()];
        for (int i = 0; i < out.length; i++) {
            assertEquals(p[i], out[i], 1e-5, "p[" + i + "]");
        }
        assertEquals(inference[diff.output(Graph.LOSS).id()][0], net.loss(w, x, y, batch), 1e-4);
        // and one sample alone gets the same prediction as in the batch: inference does not look at the batch
        float[] one = new float[3];
        net.forward(w, Arrays.copyOfRange(x, 0, spec.inputSize()), 1, one);
        assertArrayEquals(Arrays.copyOfRange(out, 0, 3), one, 1e-6f);
    }

    @Test
    void aBatchOfOneInTrainingIsAClearError() throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("bn.net", NET),
                NetCompiler.Options.defaults().withClassName("BatchNormOne"));
        Network net = Compilation.instantiate(c.loadClass().type());
        float[] w = Initializer.initialize(net.spec(), 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> net.lossAndGradient(w,
                random(net.spec().inputSize(), 1), new float[] {1}, 1, new float[w.length], null));
        assertEquals("batchnorm needs at least 2 samples per batch in training (the batch statistics of 1 sample"
                + " are meaningless), got a batch of 1", e.getMessage());
    }

    @Test
    void twoThreadCountsAndJavacGiveBitwiseTheSameStepAndStatistics() throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("bn.net", NET),
                NetCompiler.Options.defaults().withClassName("BatchNormBits"));
        Network janino = Compilation.instantiate(c.loadClass().type());
        Network javac = Compilation.instantiate(JavacLoader.compile("netc.generated.BatchNormBits",
                c.javaSource()).type());
        float[] x = random(7 * janino.spec().inputSize(), 2);
        float[] y = {0, 1, 2, 0, 1, 2, 0};
        float[] serial = step(janino, x, y);
        try (Parallel two = Parallel.threads(2)) {
            janino.setParallel(two);
            assertArrayEquals(serial, step(janino, x, y), "2 threads");
            janino.setParallel(Parallel.serial());
        }
        assertArrayEquals(serial, step(javac, x, y), "javac");
    }

    @Test
    void savingAndLoadingKeepsTheRunningStatistics(@TempDir Path dir) throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("bn.net", NET),
                NetCompiler.Options.defaults().withClassName("BatchNormSave"));
        Network net = Compilation.instantiate(c.loadClass().type());
        float[] w = Initializer.initialize(net.spec(), 3);
        net.lossAndGradient(w, random(4 * net.spec().inputSize(), 3), new float[] {0, 1, 2, 1}, 4,
                new float[w.length], null);
        Path file = dir.resolve("bn.safetensors");
        Safetensors.save(file, net.spec(), w);
        assertTrue(new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1)
                .contains("\"batchnorm0.running_mean\""));
        float[] loaded = Safetensors.load(file, net.spec());
        assertArrayEquals(w, loaded);
        ParamSpec var = net.spec().param("batchnorm1.running_var");
        assertTrue(loaded[var.offset()] != 1f, "the saved variance is the updated one");
    }

    private static float[] step(Network net, float[] x, float[] y) {
        float[] w = Initializer.initialize(net.spec(), 9);
        float[] grad = new float[w.length];
        double loss = net.lossAndGradient(w, x, y, y.length, grad, null);
        float[] all = Arrays.copyOf(grad, 2 * grad.length + 1);
        System.arraycopy(w, 0, all, grad.length, w.length);
        all[all.length - 1] = (float) loss;
        return all;
    }

    private static Node firstBatchNorm(Graph g) {
        for (Node n : g.nodes()) {
            if (n.op() == Op.BATCHNORM) {
                return n;
            }
        }
        throw new AssertionError("no batchnorm");
    }

    private static float[] random(int n, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rng.nextDouble() * 2 - 1);
        }
        return v;
    }

    private static Interpreter bind(Interpreter in, CheckedModel model, float[] w, float[] x, float[] y) {
        return ModelInputs.bind(in, model, w, x, y);
    }
}
