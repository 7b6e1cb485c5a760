package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import netc.runtime.Parallel;
import org.junit.jupiter.api.Test;

/**
 * Training and inference modes (issue #11): {@code dropout(v, p)} masks in {@code lossAndGradient} with a mask that
 * is a function of (seed, step, site, position) only, and is the identity in {@code forward} and {@code loss};
 * {@code layernorm(v)} normalises each sample. Gradients against float64 central differences with a fixed mask;
 * the generated class against the reference interpreter in both modes, across thread counts and under javac.
 */
class ModesTest {

    /** Layer norm with a learnable scale, then dropout, on vectors. */
    static final String MLP = "network dmlp\n"
            + "input x[12]\n"
            + "target y : class[4]\n"
            + "param W1[40, 12] init he\n"
            + "param b1[40]\n"
            + "param s1[40] init normal(1)\n"
            + "param W2[4, 40] init xavier\n"
            + "param b2[4]\n"
            + "h = dropout(tanh(s1 * layernorm(W1 x + b1)), 0.4)\n"
            + "p = softmax(W2 dropout(h, 0.25) + b2)\n"
            + "loss = cross_entropy(p, y)\n";

    /** Layer norm and dropout of images (per sample over [C, H, W]). */
    static final String CONV = "network dconv\n"
            + "input x[2, 6, 6]\n"
            + "target y : class[3]\n"
            + "param K[3, 2, 3, 3] init he\n"
            + "param c[3]\n"
            + "param W[3, 12] init xavier\n"
            + "param b[3]\n"
            + "h = dropout(layernorm(relu(conv2d(x, K, c))), 0.3)\n"
            + "p = softmax(W flatten(maxpool(h, 2)) + b)\n"
            + "loss = cross_entropy(p, y)\n";

    private static CheckedModel analyze(String name, String text) {
        return Frontend.analyze(new SourceFile(name + ".net", text));
    }

    @Test
    void gradientsOfDropoutAndLayernormMatchCentralDifferencesWithAFixedMask() {
        for (String text : new String[] {MLP, CONV}) {
            GradientCheck.Result r = GradientCheck.run(analyze("g", text).graph(), 11, 4, 200);
            assertTrue(r.passed(), r.summary());
        }
    }

    @Test
    void eachStepOfAnUnrolledRecurrenceDrawsItsOwnMaskAndTheGradientReappliesIt() {
        String rnn = "network r\ninput xs[4, 3]\ntarget y : class[2]\nparam Wx[5, 3] init xavier\n"
                + "param Wh[5, 5] init xavier\nparam Wo[2, 5] init xavier\n"
                + "h[0] = tanh(Wx xs[0])\n"
                + "h[t] = tanh(Wx xs[t] + Wh dropout(h[t-1], 0.3)) for t in 1..3\n"
                + "p = softmax(Wo layernorm(h[3]))\nloss = cross_entropy(p, y)\n";
        Graph g = analyze("r", rnn).graph();
        java.util.Set<String> sites = new java.util.HashSet<>();
        for (netc.compiler.internal.ir.Node n : g.nodes()) {
            if (n.op() == netc.compiler.internal.ir.Op.DROPOUT) {
                sites.add(n.attrs().name());
            }
        }
        assertEquals(java.util.Set.of("0", "1", "2"), sites);
        GradientCheck.Result r = GradientCheck.run(g, 5, 4, 200);
        assertTrue(r.passed(), r.summary());
    }

    @Test
    void theTrainingMaskDropsAboutAFractionPAndScalesTheRest() {
        Graph g = analyze("m", MLP).graph();
        int batch = 50;
        double[][] inference = bind(new Interpreter(g, batch), g, batch).run();
        double[][] training = bind(new Interpreter(g, batch).training(3, 7), g, batch).run();
        int dropped = 0;
        int total = 0;
        for (netc.compiler.internal.ir.Node n : g.nodes()) {
            if (n.op() != netc.compiler.internal.ir.Op.DROPOUT || n.attrs().value() != 0.4) {
                continue;
            }
            double[] in = inference[n.input(0).id()];
            for (int i = 0; i < in.length; i++) {
                // inference: the identity; training: 0 or x / (1 - p)
                assertEquals(in[i], inference[n.id()][i]);
                double t = training[n.id()][i];
                assertTrue(t == 0 || Math.abs(t - in[i] / 0.6) < 1e-12, "element " + i);
                dropped += t == 0 ? 1 : 0;
                total++;
            }
        }
        assertEquals(2000, total);
        assertEquals(0.4, dropped / (double) total, 0.04, "dropped fraction");
    }

    @Test
    void generatedClassMatchesTheInterpreterInTrainingAndInferenceModes() throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("dmlp.net", MLP),
                NetCompiler.Options.defaults().withClassName("DropoutMlp"));
        Network net = Compilation.instantiate(c.loadClass().type());
        Fixture f = new Fixture(net, 5, 1);
        Graph diff = Differentiate.run(c.model().graph());
        Interpreter training = f.bindAll(new Interpreter(diff, f.batch).training(99, 12), c.model());
        net.setTrainingStep(99, 12);
        float[] grad = new float[f.w.length];
        double loss = net.lossAndGradient(f.w, f.x, f.y, f.batch, grad, null);
        double[][] v = training.run();
        double expected = v[diff.output(Graph.LOSS).id()][0];
        assertEquals(expected, loss, 1e-4 * Math.max(1, Math.abs(expected)));
        double[] dW1 = v[diff.output(Graph.gradName("W1")).id()];
        for (int i = 0; i < dW1.length; i++) {
            assertEquals(dW1[i], grad[i], 1e-4 + 1e-3 * Math.abs(dW1[i]), "dW1[" + i + "]");
        }
        // inference: forward is the interpreter without masks, and loss is the inference loss
        Interpreter inference = f.bindAll(new Interpreter(diff, f.batch), c.model());
        double[][] iv = inference.run();
        float[] out = new float[f.batch * 4];
        net.forward(f.w, f.x, f.batch, out);
        double[] p = iv[diff.output(Graph.OUTPUT).id()];
        for (int i = 0; i < out.length; i++) {
            assertEquals(p[i], out[i], 1e-5, "p[" + i + "]");
        }
        double inferenceLoss = iv[diff.output(Graph.LOSS).id()][0];
        assertEquals(inferenceLoss, net.loss(f.w, f.x, f.y, f.batch), 1e-4 * Math.max(1, inferenceLoss));
        assertNotEquals(inferenceLoss, expected, 1e-3, "training loss differs from inference loss");
    }

    @Test
    void forwardIsDeterministicAndTrainingDependsOnlyOnSeedAndStep() throws Exception {
        Compilation c = NetCompiler.compile(new SourceFile("dconv.net", CONV),
                NetCompiler.Options.defaults().withClassName("DropoutConv"));
        Network net = Compilation.instantiate(c.loadClass().type());
        Fixture f = new Fixture(net, 7, 2);
        float[] a = new float[f.batch * 3];
        float[] b = new float[f.batch * 3];
        net.setTrainingStep(1, 0);
        net.forward(f.w, f.x, f.batch, a);
        float[] grad = new float[f.w.length];
        net.lossAndGradient(f.w, f.x, f.y, f.batch, grad, null);
        net.setTrainingStep(1, 1);
        net.forward(f.w, f.x, f.batch, b);
        assertArrayEquals(a, b, "forward twice, a training step and another step between: the same output");

        float[] step0 = gradient(net, f, 1, 0);
        assertArrayEquals(step0, gradient(net, f, 1, 0), "same seed and step: the same gradient");
        assertFalse(java.util.Arrays.equals(step0, gradient(net, f, 1, 1)), "another step: another mask");
        assertFalse(java.util.Arrays.equals(step0, gradient(net, f, 2, 0)), "another seed: another mask");
    }

    @Test
    void sharesOfABatchWithTheirPositionsDrawTheWholeBatchsMasks() throws Exception {
        // a Spark partition's share of a step's batch (interleaved rows): the shares' gradients, weighted by their
        // sizes, add up to the whole batch's; without the positions each share drew the masks of rows 0, 1, ...
        Compilation c = NetCompiler.compile(new SourceFile("dmlp.net", MLP),
                NetCompiler.Options.defaults().withClassName("DropoutShares"));
        Network net = Compilation.instantiate(c.loadClass().type());
        Fixture f = new Fixture(net, 6, 4);
        float[] whole = gradient(net, f, 8, 5);
        int[][] shares = {{0, 2, 5}, {1, 3, 4}};
        double[] sum = new double[whole.length];
        double[] unpositioned = new double[whole.length];
        for (int[] share : shares) {
            Fixture part = f.rows(share);
            net.setTrainingStep(8, 5, share);
            float[] g = gradientAndLoss(net, part);
            net.setTrainingStep(8, 5);
            float[] old = gradientAndLoss(net, part);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += g[i] * share.length / (double) f.batch;
                unpositioned[i] += old[i] * share.length / (double) f.batch;
            }
            // the reference interpreter draws the same masks for the share
            Graph diff = Differentiate.run(c.model().graph());
            double[][] v = part.bindAll(new Interpreter(diff, part.batch).training(8, 5, share), c.model()).run();
            double expected = v[diff.output(Graph.LOSS).id()][0];
            assertEquals(expected, g[g.length - 1], 1e-4 * Math.max(1, Math.abs(expected)));
            double[] dW1 = v[diff.output(Graph.gradName("W1")).id()];
            for (int i = 0; i < dW1.length; i++) {
                assertEquals(dW1[i], g[i], 1e-4 + 1e-3 * Math.abs(dW1[i]), "dW1[" + i + "]");
            }
        }
        double worst = 0;
        double worstUnpositioned = 0;
        for (int i = 0; i < whole.length; i++) {
            double tolerance = 1e-5 * Math.max(1, Math.abs(whole[i]));
            assertEquals(whole[i], sum[i], tolerance, "gradient and loss [" + i + "]");
            worst = Math.max(worst, Math.abs(whole[i] - sum[i]));
            worstUnpositioned = Math.max(worstUnpositioned, Math.abs(whole[i] - unpositioned[i]));
        }
        assertTrue(worstUnpositioned > 1000 * Math.max(worst, 1e-7), "without positions the masks differ: "
                + worstUnpositioned + " against " + worst);
    }

    @Test
    void twoThreadCountsAndJavacGiveBitwiseTheSameTrainingStep() throws Exception {
        for (String text : new String[] {MLP, CONV}) {
            String name = text == MLP ? "ModesMlp" : "ModesConv";
            Compilation c = NetCompiler.compile(new SourceFile("m.net", text),
                    NetCompiler.Options.defaults().withClassName(name));
            Network janino = Compilation.instantiate(c.loadClass().type());
            Network javac = Compilation.instantiate(
                    JavacLoader.compile("netc.generated." + name, c.javaSource()).type());
            Fixture f = new Fixture(janino, 9, 3);
            float[] serial = gradient(janino, f, 5, 3);
            try (Parallel two = Parallel.threads(2)) {
                janino.setParallel(two);
                assertArrayEquals(serial, gradient(janino, f, 5, 3), name + ": 2 threads");
                janino.setParallel(Parallel.serial());
            }
            assertArrayEquals(serial, gradient(javac, f, 5, 3), name + ": javac");
        }
    }

    private static float[] gradient(Network net, Fixture f, long seed, long step) {
        net.setTrainingStep(seed, step);
        return gradientAndLoss(net, f);
    }

    /** The gradient and, last, the loss of a training call on {@code f} at the step set before. */
    private static float[] gradientAndLoss(Network net, Fixture f) {
        float[] grad = new float[f.w.length];
        double loss = net.lossAndGradient(f.w, f.x, f.y, f.batch, grad, null);
        float[] out = java.util.Arrays.copyOf(grad, grad.length + 1);
        out[grad.length] = (float) loss;
        return out;
    }

    private static Interpreter bind(Interpreter in, Graph g, int batch) {
        SplittableRandom rng = new SplittableRandom(4);
        for (netc.compiler.internal.ir.Node n : g.nodes()) {
            switch (n.op()) {
                case PARAM, INPUT -> {
                    double[] v = new double[(n.op() == netc.compiler.internal.ir.Op.INPUT ? batch : 1)
                            * n.shape().size()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = rng.nextDouble() - 0.5;
                    }
                    in.bind(n.attrs().name(), v);
                }
                case LABELS -> {
                    double[] y = new double[batch];
                    for (int i = 0; i < batch; i++) {
                        y[i] = rng.nextInt(n.shape().dim(0));
                    }
                    in.bind(n.attrs().name(), y);
                }
                default -> {
                }
            }
        }
        return in;
    }

    /** Random float weights, inputs and labels for a compiled network. */
    private static final class Fixture {
        final int batch;
        final float[] w;
        final float[] x;
        final float[] y;

        Fixture(Network net, int batch, long seed) {
            this.batch = batch;
            SplittableRandom rng = new SplittableRandom(seed);
            w = new float[net.spec().paramCount()];
            for (int i = 0; i < w.length; i++) {
                w[i] = (float) (rng.nextDouble() - 0.5);
            }
            x = new float[batch * net.spec().inputSize()];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) (rng.nextDouble() * 2 - 1);
            }
            y = new float[batch];
            for (int i = 0; i < batch; i++) {
                y[i] = rng.nextInt(net.spec().targetSize());
            }
        }

        private Fixture(int batch, float[] w, float[] x, float[] y) {
            this.batch = batch;
            this.w = w;
            this.x = x;
            this.y = y;
        }

        /** The same weights, and the samples {@code rows} of this batch, in that order. */
        Fixture rows(int[] rows) {
            int in = x.length / batch;
            float[] xs = new float[rows.length * in];
            float[] ys = new float[rows.length];
            for (int r = 0; r < rows.length; r++) {
                System.arraycopy(x, rows[r] * in, xs, r * in, in);
                ys[r] = y[rows[r]];
            }
            return new Fixture(rows.length, w, xs, ys);
        }

        Interpreter bindAll(Interpreter in, CheckedModel model) {
            return ModelInputs.bind(in, model, w, x, y);
        }
    }
}
