package netc.compiler.internal.difftest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.interp.GradientCheck;
import netc.compiler.internal.interp.Interpreter;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.ParamSpec;

/**
 * Checks one model the way a user depends on it: the float64 interpreter against central differences (the
 * symbolic gradients are right), then every way of running the generated class against the interpreter at the
 * same float32 point (the kernels compute those gradients): Vector API and scalar kernels, tiles for 256- and
 * 512-bit vectors, Janino and (when asked) javac, on 1 and 2 threads. {@code forward}, {@code loss} and
 * {@code lossAndGradient} must agree with each other, and the thread count must not change a bit.
 *
 * <p>Tolerance: float32 kernels against the float64 reference, per tensor,
 * {@code |a - r| <= 1e-3 * |r| + 1e-4 * max|r| + 1e-6}: a few hundred float32 roundings of slack, orders of
 * magnitude below what a wrong index or a wrong rule gives (the value of another element).
 */
final class DifferentialCheck {

    /**
     * What {@link #check} returns when no point clear of kinks was found in 30 draws: nothing was compared. Not a
     * pass; the test counts these and fails when there are many.
     */
    static final String SKIPPED = "skipped: no point clear of kinks, ties and saturated probabilities";

    /** A problem found in one model, {@link #SKIPPED}, or null when everything agreed. */
    static String check(String source, RandomNet.Plan plan, boolean javac) {
        try {
            return checkOrThrow(source, plan, javac);
        } catch (RuntimeException | Error e) {
            java.io.StringWriter w = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(w));
            String trace = w.toString();
            return "exception: " + (trace.length() > 3000 ? trace.substring(0, 3000) + "..." : trace);
        }
    }

    private static String checkOrThrow(String source, RandomNet.Plan plan, boolean javac) {
        CheckedModel model = NetCompiler.check(new SourceFile("random.net", source));
        int batch = plan.batch();
        GradientCheck.Result fd = GradientCheck.run(model.graph(), plan.seed(), Math.min(batch, 3), 6);
        if (!fd.passed()) {
            return "interpreter against central differences: " + fd.summary();
        }
        Compilation vector = NetCompiler.compile(model, NetCompiler.Options.defaults().withVector(true));
        Graph diff = vector.differentiated();
        ModelSpec spec = model.modelSpec();
        Point point = Point.random(model, diff, spec, batch, new SplittableRandom(plan.seed() ^ 0x5DEECE66DL));
        if (point == null) {
            return SKIPPED;
        }
        Reference ref = Reference.of(diff, spec, model.targetName(), point, batch);

        Map<String, Network> variants = new LinkedHashMap<>();
        variants.put("janino vector 256-bit tiles", vector.load());
        Compilation scalar = NetCompiler.compile(model, NetCompiler.Options.defaults().withVector(false));
        variants.put("janino scalar", scalar.load());
        if (scalar.unrolled()) {
            // a tiny net compiles to the unrolled class by default: check the tiled class on it too, in both styles
            variants.put("janino tiled vector", tiled(vector, spec));
            variants.put("janino tiled scalar", tiled(scalar, spec));
        }
        variants.put("janino vector 512-bit tiles", NetCompiler.compile(model,
                NetCompiler.Options.defaults().withVector(true).withVectorBits(512)).load());
        if (javac) {
            variants.put("javac vector", Compilation.instantiate(
                    JavacLoader.compile(vector.emitOptions().qualifiedName(), vector.javaSource()).type()));
        }
        List<String> problems = new ArrayList<>();
        try (Parallel two = Parallel.threads(2)) {
            for (Map.Entry<String, Network> e : variants.entrySet()) {
                Network net = e.getValue();
                Run one = Run.of(net, Parallel.serial(), point, batch);
                String p = ref.compare(one, spec);
                if (p != null) {
                    problems.add(e.getKey() + ", 1 thread: " + p);
                    continue;
                }
                Run both = Run.of(net, two, point, batch);
                String d = one.bitwiseDifference(both);
                if (d != null) {
                    problems.add(e.getKey() + ": 2 threads differ from 1 thread: " + d);
                }
            }
        }
        if (scalar.unrolled() && problems.isEmpty()) {
            // the unrolled class computes bitwise what the SCALAR-style tiled class computes (UnrolledProgram)
            String d = Run.of(variants.get("janino scalar"), Parallel.serial(), point, batch)
                    .bitwiseDifference(Run.of(variants.get("janino tiled scalar"), Parallel.serial(), point, batch));
            if (d != null) {
                problems.add("unrolled and tiled scalar classes differ: " + d);
            }
        }
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    private static Network tiled(Compilation c, ModelSpec spec) {
        String source = ClassEmitter.emitTiled(c.differentiated(), spec, c.emitOptions());
        return Compilation.instantiate(JaninoLoader.compile(c.emitOptions().qualifiedName(), source,
                Network.class.getClassLoader()).type());
    }

    /** The float32 values the comparison runs at. */
    record Point(float[] w, float[] x, float[] y) {

        /**
         * Parameters, inputs and targets as {@link GradientCheck} draws them, rounded to float; redrawn while a
         * ReLU, step or leaky ReLU input lies within 1e-3 of its kink or two candidates of a max-pool window lie
         * within 1e-4 of each other, or a probability under a cross-entropy that is not fused with its softmax or
         * sigmoid lies within 1e-5 of 0 or 1, where float32 and float64 may rightly disagree. Null when no draw is
         * clear.
         */
        static Point random(CheckedModel model, Graph diff, ModelSpec spec, int batch, SplittableRandom rng) {
            for (int attempt = 0; attempt < 30; attempt++) {
                float[] w = new float[spec.paramCount()];
                for (ParamSpec p : spec.params()) {
                    double std = p.shape().length == 2 ? Math.min(0.5, 1 / Math.sqrt(p.shape()[1]))
                            : p.shape().length == 4 ? Math.min(0.5, 1 / Math.sqrt(p.shape()[1] * p.shape()[2]
                            * p.shape()[3])) : 0.5;
                    for (int i = 0; i < p.size(); i++) {
                        w[p.offset() + i] = (float) (std * gaussian(rng));
                    }
                }
                float[] x = new float[batch * spec.inputSize()];
                for (int i = 0; i < x.length; i++) {
                    x[i] = (float) gaussian(rng);
                }
                float[] y = new float[batch * spec.targetValues()];
                for (int i = 0; i < y.length; i++) {
                    y[i] = spec.targetKind() == netc.runtime.TargetKind.CLASSES ? rng.nextInt(spec.targetSize())
                            : (float) (0.05 + 0.9 * rng.nextDouble());
                }
                Point pt = new Point(w, x, y);
                if (clearOfKinks(diff, Reference.interpreter(diff, spec, model.targetName(), pt, batch).run(), batch)) {
                    return pt;
                }
            }
            return null;
        }

        private static double gaussian(SplittableRandom rng) {
            double u = 1 - rng.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
        }

        private static boolean clearOfKinks(Graph g, double[][] v, int batch) {
            for (Node n : g.nodes()) {
                Op op = n.op();
                if (op == Op.RELU || op == Op.STEP || op == Op.LEAKY_RELU || op == Op.LEAKY_RELU_GRAD) {
                    for (double a : v[n.input(0).id()]) {
                        // an exact 0 (a ReLU's output fed to step) is exactly 0 in float32 too: no kink
                        if (a != 0 && Math.abs(a) < 1e-3) {
                            return false;
                        }
                    }
                }
                if (op == Op.MAXPOOL && !clearOfTies(n, v[n.input(0).id()], v[n.id()], batch)) {
                    return false;
                }
                if (op == Op.CROSS_ENTROPY || op == Op.BINARY_CROSS_ENTROPY) {
                    // log p and log(1 - p) of a probability within float32 rounding of 0 or 1: float32 rightly
                    // gives infinity where float64 still has a (huge) finite value
                    for (double p : v[n.input(0).id()]) {
                        if (p < 1e-5 || p > 1 - 1e-5) {
                            return false;
                        }
                    }
                }
            }
            return true;
        }

        /** No window has a runner-up within 1e-4 of its maximum (unless both are exactly equal, as ReLU zeros). */
        private static boolean clearOfTies(Node pool, double[] in, double[] out, int batch) {
            int[] s = pool.input(0).shape().dims();
            int c = s[0];
            int h = s[1];
            int wd = s[2];
            netc.compiler.internal.ir.Window win = pool.attrs().window();
            int oh = pool.shape().dim(1);
            int ow = pool.shape().dim(2);
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        for (int ch = 0; ch < c; ch++) {
                            double max = out[((b * oh + i) * ow + j) * c + ch];
                            for (int ki = 0; ki < win.size(); ki++) {
                                for (int kj = 0; kj < win.size(); kj++) {
                                    int r = i * win.stride() + ki;
                                    int q = j * win.stride() + kj;
                                    double a = in[((b * h + r) * wd + q) * c + ch];
                                    if (a != max && max - a < 1e-4) {
                                        return false;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return true;
        }
    }

    /** What one variant computed at the point. */
    record Run(float[] out, float[] grad, double lossWithGrad, float[] forwardOut, double loss) {

        static Run of(Network net, Parallel parallel, Point pt, int batch) {
            net.setParallel(parallel);
            ModelSpec spec = net.spec();
            float[] grad = new float[spec.paramCount()];
            Arrays.fill(grad, Float.NaN); // must be overwritten
            float[] out = new float[batch * spec.outputSize()];
            double lossWithGrad = net.lossAndGradient(pt.w.clone(), pt.x.clone(), pt.y.clone(), batch, grad, out);
            float[] fwd = new float[batch * spec.outputSize()];
            net.forward(pt.w.clone(), pt.x.clone(), batch, fwd);
            double loss = net.loss(pt.w.clone(), pt.x.clone(), pt.y.clone(), batch);
            net.setParallel(Parallel.serial());
            return new Run(out, grad, lossWithGrad, fwd, loss);
        }

        String bitwiseDifference(Run o) {
            if (!Arrays.equals(out, o.out)) {
                return "output";
            }
            if (!Arrays.equals(grad, o.grad)) {
                return "gradient";
            }
            if (Double.doubleToLongBits(lossWithGrad) != Double.doubleToLongBits(o.lossWithGrad)) {
                return "loss " + lossWithGrad + " vs " + o.lossWithGrad;
            }
            if (!Arrays.equals(forwardOut, o.forwardOut)) {
                return "forward";
            }
            return null;
        }
    }

    /** The interpreter's values at the point. */
    record Reference(double[] out, double loss, Map<String, double[]> grads) {

        static Interpreter interpreter(Graph diff, ModelSpec spec, String targetName, Point pt, int batch) {
            Interpreter in = new Interpreter(diff, batch);
            for (ParamSpec p : spec.params()) {
                in.bind(p.name(), toDouble(pt.w, p.offset(), p.size()));
            }
            in.bind(spec.inputName(), toDouble(pt.x, 0, pt.x.length));
            if (targetName != null) {
                in.bind(targetName, toDouble(pt.y, 0, pt.y.length));
            }
            return in;
        }

        static Reference of(Graph diff, ModelSpec spec, String targetName, Point pt, int batch) {
            double[][] v = interpreter(diff, spec, targetName, pt, batch).run();
            Map<String, double[]> grads = new LinkedHashMap<>();
            for (ParamSpec p : spec.params()) {
                Node g = diff.outputs().get(Graph.gradName(p.name()));
                grads.put(p.name(), g == null ? new double[p.size()] : v[g.id()]);
            }
            return new Reference(v[diff.output(Graph.OUTPUT).id()], v[diff.output(Graph.LOSS).id()][0], grads);
        }

        String compare(Run run, ModelSpec spec) {
            String p = close("output of lossAndGradient", run.out, 0, out);
            if (p == null) {
                p = close("output of forward", run.forwardOut, 0, out);
            }
            if (p == null && !Arrays.equals(run.out, run.forwardOut)) {
                p = "forward and lossAndGradient give different outputs";
            }
            if (p == null) {
                p = close("loss of lossAndGradient", new float[] {(float) run.lossWithGrad}, 0, new double[] {loss});
            }
            if (p == null && run.loss != run.lossWithGrad) {
                p = "loss " + run.loss + " differs from lossAndGradient's " + run.lossWithGrad;
            }
            for (ParamSpec ps : spec.params()) {
                if (p != null) {
                    break;
                }
                float[] g = Arrays.copyOfRange(run.grad, ps.offset(), ps.offset() + ps.size());
                p = close("gradient of " + ps.name() + Arrays.toString(ps.shape()), g, 0, grads.get(ps.name()));
            }
            return p;
        }

        private static String close(String what, float[] a, int off, double[] r) {
            double scale = 0;
            for (double d : r) {
                scale = Math.max(scale, Math.abs(d));
            }
            for (int i = 0; i < r.length; i++) {
                double ai = a[off + i];
                double tol = 1e-3 * Math.abs(r[i]) + 1e-4 * scale + 1e-6;
                if (!(Math.abs(ai - r[i]) <= tol) && !(Double.isNaN(r[i]) && Double.isNaN(ai))) {
                    return String.format("%s [%d]: generated %.9g, reference %.9g (largest reference value %.3g)",
                            what, i, ai, r[i], scale);
                }
            }
            return null;
        }

        private static double[] toDouble(float[] f, int off, int n) {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = f[off + i];
            }
            return d;
        }
    }
}
