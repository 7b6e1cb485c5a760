package netc.compiler.internal.interp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.runtime.ParamSpec;

/**
 * Compares the symbolic gradient of every parameter with central finite differences, in double precision.
 *
 * <p>Tolerances are PyTorch gradcheck's: step {@code 1e-6}, pass if {@code |analytic - numeric| <= 1e-5 + 1e-3 *
 * |numeric|}. Random points are redrawn while any ReLU, step or leaky ReLU input lies within {@code 1e-4} of its
 * kink, where finite differences are meaningless. A big network has too many kinked inputs (and max-pooling windows
 * whose largest values nearly tie) for any point to keep them all away, so a coordinate whose two one-sided
 * differences disagree lies at a kink within the step: there the central difference mixes two slopes, and the
 * analytic gradient passes if it matches one of the one-sided differences (the slope on the point's own side) within
 * the same tolerance. A wrong gradient of a smooth function still fails: both one-sided differences then agree with
 * the central one. Large parameters are sampled ({@code maxPerParam} coordinates,
 * chosen by the seed) so that the 535,818-weight MLP checks in seconds.
 */
public final class GradientCheck {
    public static final double EPS = 1e-6;
    public static final double ATOL = 1e-5;
    public static final double RTOL = 1e-3;
    private static final double KINK_MARGIN = 1e-4;

    private GradientCheck() {
    }

    /**
     * One compared coordinate: the analytic gradient, the central difference {@code numeric}, and the one-sided
     * differences {@code forward = (f(x+h) - f(x)) / h} and {@code backward = (f(x) - f(x-h)) / h}.
     */
    public record Entry(String param, int index, double analytic, double numeric, double forward, double backward) {
        public double absoluteError() {
            return Math.abs(analytic - numeric);
        }

        /**
         * {@code |analytic - numeric| / max(|analytic|, |numeric|, ATOL)}: relative for gradients of a useful size,
         * absolute (in units of ATOL) for those near zero, where a relative error says nothing (1e-9 against an
         * exact 0 would read 100%).
         */
        public double relativeError() {
            double scale = Math.max(ATOL, Math.max(Math.abs(analytic), Math.abs(numeric)));
            return absoluteError() / scale;
        }

        public boolean passes() {
            return close(analytic, numeric) || (atKink() && (close(analytic, forward) || close(analytic, backward)));
        }

        /** Whether the one-sided differences disagree, so that a kink lies within the step of this point. */
        public boolean atKink() {
            return !close(forward, backward);
        }

        /** Whether this coordinate passes only as the one-sided difference at a kink. */
        public boolean passesAtKinkOnly() {
            return passes() && !close(analytic, numeric);
        }

        private static boolean close(double value, double reference) {
            return Math.abs(value - reference) <= ATOL + RTOL * Math.abs(reference);
        }
    }

    /** The outcome: every compared coordinate, the worst one, and whether all passed. */
    public record Result(List<Entry> entries, long seed) {
        public boolean passed() {
            return entries.stream().allMatch(Entry::passes);
        }

        public Entry worst() {
            Entry w = null;
            for (Entry e : entries) {
                if (e.passesAtKinkOnly()) {
                    continue; // its central difference mixes two slopes: not an error to rank
                }
                if (w == null || (!e.passes() && w.passes())
                        || (e.passes() == w.passes() && e.relativeError() > w.relativeError())) {
                    w = e;
                }
            }
            return w;
        }

        /** One line: {@code gradient check passed: 1234 coordinates, worst relative error 2.1e-7 (W1[17])}. */
        public String summary() {
            Entry w = worst();
            String where = w == null ? "" : String.format(" (%s[%d]: analytic %.9g, numeric %.9g)", w.param(),
                    w.index(), w.analytic(), w.numeric());
            long kinks = entries.stream().filter(Entry::passesAtKinkOnly).count();
            return String.format("gradient check %s: %d coordinates, worst relative error %.3g%s%s",
                    passed() ? "passed" : "FAILED", entries.size(), w == null ? 0.0 : w.relativeError(), where,
                    kinks == 0 ? "" : "; " + kinks + " at a kink, matching a one-sided difference");
        }
    }

    /** Checks the graph's parameters at a random point drawn from {@code seed}, over {@code batch} samples. */
    public static Result run(Graph graph, long seed, int batch, int maxPerParam) {
        Graph diff = Differentiate.run(graph);
        SplittableRandom rng = new SplittableRandom(seed);
        Map<String, double[]> point = null;
        for (int attempt = 0; attempt < 50; attempt++) {
            point = randomPoint(graph, rng, batch);
            if (kinkDistance(graph, point, batch) > KINK_MARGIN) {
                break;
            }
        }
        double[][] values = interpreter(diff, point, batch).run();
        double center = interpreter(graph, point, batch).output(Graph.LOSS)[0];
        List<Entry> entries = new ArrayList<>();
        for (Node p : graph.leaves(Op.PARAM)) {
            String name = p.attrs().name();
            if (ParamSpec.isStateName(name)) {
                // running statistics are not trained: the loss in training mode does not read them, and their
                // reported gradient is 0 by design, so a check would only list a trivially passing row
                continue;
            }
            Node gradNode = diff.outputs().get(Graph.gradName(name));
            double[] analytic = gradNode == null ? new double[p.shape().size()] : values[gradNode.id()];
            double[] w = point.get(name);
            for (int idx : coordinates(w.length, maxPerParam, rng)) {
                double saved = w[idx];
                w[idx] = saved + EPS;
                double plus = interpreter(graph, point, batch).output(Graph.LOSS)[0];
                w[idx] = saved - EPS;
                double minus = interpreter(graph, point, batch).output(Graph.LOSS)[0];
                w[idx] = saved;
                entries.add(new Entry(name, idx, analytic[idx], (plus - minus) / (2 * EPS), (plus - center) / EPS,
                        (center - minus) / EPS));
            }
        }
        return new Result(entries, seed);
    }

    private static Interpreter interpreter(Graph g, Map<String, double[]> point, int batch) {
        // training mode with one fixed dropout mask (seed 0, step 0): the loss is then a smooth function of the
        // parameters, and the analytic gradient must reapply that same mask
        Interpreter in = new Interpreter(g, batch).training(0, 0);
        point.forEach(in::bind);
        return in;
    }

    /**
     * Parameters ~ N(0, 0.5^2), matrices with at most the standard deviation {@code 1 / sqrt(columns)} (so that
     * {@code W x} stays of the order of x: a recurrent state multiplied by the same matrix 27 times neither explodes
     * nor turns chaotic, where finite differences would mean nothing), inputs ~ N(0, 1), labels uniform, real targets
     * uniform in (0, 1).
     */
    static Map<String, double[]> randomPoint(Graph g, SplittableRandom rng, int batch) {
        Map<String, double[]> point = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            switch (n.op()) {
                case PARAM -> point.put(n.attrs().name(), gaussian(rng, n.shape().size(), n.shape().rank() == 2
                        ? Math.min(0.5, 1 / Math.sqrt(n.shape().dim(1))) : 0.5));
                case INPUT -> point.put(n.attrs().name(), gaussian(rng, batch * n.shape().size(), 1.0));
                case LABELS -> {
                    double[] y = new double[batch];
                    for (int i = 0; i < batch; i++) {
                        y[i] = rng.nextInt(n.shape().dim(0));
                    }
                    point.put(n.attrs().name(), y);
                }
                case TARGET -> {
                    double[] t = new double[batch * n.shape().size()];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = 0.05 + 0.9 * rng.nextDouble();
                    }
                    point.put(n.attrs().name(), t);
                }
                default -> {
                }
            }
        }
        return point;
    }

    private static double[] gaussian(SplittableRandom rng, int n, double std) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // Box-Muller; 1 - u keeps the log argument in (0, 1].
            double u = 1 - rng.nextDouble();
            v[i] = std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextDouble());
        }
        return v;
    }

    /** The smallest distance of any kinked op's input from its kink at 0. */
    private static double kinkDistance(Graph g, Map<String, double[]> point, int batch) {
        double[][] v = interpreter(g, point, batch).run();
        double min = Double.POSITIVE_INFINITY;
        for (Node n : g.nodes()) {
            if (n.op() == Op.RELU || n.op() == Op.STEP || n.op() == Op.LEAKY_RELU) {
                for (double x : v[n.input(0).id()]) {
                    min = Math.min(min, Math.abs(x));
                }
            }
        }
        return min;
    }

    private static int[] coordinates(int size, int max, SplittableRandom rng) {
        if (size <= max) {
            int[] all = new int[size];
            for (int i = 0; i < size; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] some = new int[max];
        for (int i = 0; i < max; i++) {
            some[i] = rng.nextInt(size);
        }
        return some;
    }
}
