package netc.compiler.internal.interp;

import java.util.HashMap;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.InternalCompilerError;

/**
 * Evaluates a graph in double precision with naive loops: the reference every kernel and pass is checked against.
 *
 * <p>A batched value of per-sample size n is {@code batch * n} doubles (sample b at {@code b * n}); a shared value
 * is n doubles. Slow on purpose: each op is the textbook formula, so that it is easy to trust.
 */
public final class Interpreter {
    private final Graph graph;
    private final int batch;
    private final Map<String, double[]> leaves = new HashMap<>();
    private boolean roundToFloat;
    private boolean training;
    private long seed;
    private long step;
    /** For each sample of this batch, its position in the step's batch; null: sample r is at position r. */
    private int[] positions;

    /** An interpreter for {@code graph} over {@code batch} samples; bind every leaf before {@link #run()}. */
    public Interpreter(Graph graph, int batch) {
        this.graph = graph;
        this.batch = batch;
    }

    /** Binds an input, target, labels (class index per sample) or parameter by its user name. */
    public Interpreter bind(String name, double[] values) {
        leaves.put(name, values);
        return this;
    }

    /**
     * Rounds every node's value to float before later nodes use it, as the generated code stores it: then a value
     * beyond the float range is infinity and a probability that underflows is 0, where float training sees them.
     * Losses stay in double: generated code sums the per-sample losses in double too.
     */
    public Interpreter roundingToFloat() {
        this.roundToFloat = true;
        return this;
    }

    /**
     * Evaluates in training mode, as {@code lossAndGradient} does: dropout draws its masks from {@code seed} and
     * {@code step} (the generated class's {@code setTrainingStep}). Without this call the interpreter is in
     * inference mode, as {@code forward} and {@code loss} are.
     */
    public Interpreter training(long runSeed, long trainingStep) {
        return training(runSeed, trainingStep, null);
    }

    /**
     * As {@link #training(long, long)}, where sample {@code r} draws the dropout masks of sample
     * {@code batchPositions[r]} of the step's batch (the generated class's three-argument {@code setTrainingStep});
     * null means sample {@code r} is at position {@code r}.
     */
    public Interpreter training(long runSeed, long trainingStep, int[] batchPositions) {
        this.training = true;
        this.seed = runSeed;
        this.step = trainingStep;
        this.positions = batchPositions == null ? null : batchPositions.clone();
        return this;
    }

    /** Evaluates every node; the result is indexed by node id (null for ids not in the graph). */
    public double[][] run() {
        Node last = graph.nodes().get(graph.nodes().size() - 1);
        double[][] v = new double[last.id() + 1][];
        for (Node n : graph.nodes()) {
            v[n.id()] = evaluate(n, v);
            if (roundToFloat && n.op().kind() != Op.Kind.LOSS) {
                double[] r = v[n.id()].clone();
                for (int i = 0; i < r.length; i++) {
                    r[i] = (float) r[i];
                }
                v[n.id()] = r;
            }
        }
        return v;
    }

    /** Evaluates and returns the value of one output. */
    public double[] output(String role) {
        return run()[graph.output(role).id()];
    }

    private int rows(Node n) {
        return n.batched() ? batch : 1;
    }

    private double[] evaluate(Node n, double[][] v) {
        switch (n.op().kind()) {
            case LEAF:
                return leaf(n);
            case ELEMENTWISE:
                return elementwise(n, v);
            case MATRIX:
                return matrix(n, v);
            case REDUCE:
                return sumBatch(n, v[n.input(0).id()]);
            case ROW:
                return row(n, v);
            case LOSS:
                return new double[] {loss(n, v)};
            case LOSS_GRAD:
                return lossGrad(n, v);
            case SPATIAL:
                return SpatialReference.evaluate(n, v, batch);
            default:
                throw new AssertionError(n.op());
        }
    }

    private double[] leaf(Node n) {
        if (n.op() == Op.CONST) {
            return new double[] {n.attrs().value()};
        }
        double[] val = leaves.get(n.attrs().name());
        if (val == null) {
            throw new IllegalArgumentException("no value bound for " + n.op().printName() + " " + n.attrs().name());
        }
        int per = n.op() == Op.LABELS ? 1 : n.shape().size();
        int expected = rows(n) * per;
        if (val.length != expected) {
            throw new IllegalArgumentException(n.attrs().name() + " needs " + expected + " values, got " + val.length);
        }
        return val;
    }

    private double[] elementwise(Node n, double[][] v) {
        int size = n.shape().size();
        double[] out = new double[rows(n) * size];
        Node a = n.input(0);
        Node b = n.inputs().size() > 1 ? n.input(1) : null;
        double[] av = v[a.id()];
        double[] bv = b == null ? null : v[b.id()];
        if (n.op() == Op.SLICE) {
            int from = (int) n.attrs().value() * size;
            for (int r = 0; r < rows(n); r++) {
                System.arraycopy(av, r * a.shape().size() + from, out, r * size, size);
            }
            return out;
        }
        for (int r = 0; r < rows(n); r++) {
            for (int j = 0; j < size; j++) {
                double x = at(a, av, r, j, n);
                double y = b == null ? 0 : at(b, bv, r, j, n);
                out[r * size + j] = scalar(n, x, y);
            }
        }
        return out;
    }

    /**
     * Element j of sample r, broadcasting shared values over the batch, scalars over elements, and a per-channel
     * vector over the pixels of an image (channel-last: element j of an image is in channel j % C).
     */
    private static double at(Node n, double[] val, int r, int j, Node result) {
        int size = n.shape().size();
        int row = n.batched() ? r : 0;
        if (n.shape().isScalar()) {
            return val[row * size];
        }
        if (result.shape().isImage() && size == result.shape().dim(0) && size != result.shape().size()) {
            return val[row * size + j % size];
        }
        return val[row * size + j];
    }

    /** The scalar function of every elementwise op: its textbook definition. */
    static double scalar(Node n, double x, double y) {
        double slope = n.attrs().value();
        switch (n.op()) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case NEG: return -x;
            case STEP: return x > 0 ? 1 : 0;
            case SOFTSIGN: return x / (1 + Math.abs(x));
            case SIGMOID: return 1 / (1 + Math.exp(-x));
            case RELU: return x <= 0 ? 0 : x; // NaN stays NaN, as in Activations.relu
            case LEAKY_RELU: return x > 0 ? x : slope * x;
            case TANH: return Math.tanh(x);
            case EXP: return Math.exp(x);
            case LOG: return Math.log(x);
            case SOFTSIGN_GRAD: return 1 / ((1 + Math.abs(x)) * (1 + Math.abs(x)));
            case LEAKY_RELU_GRAD: return x > 0 ? 1 : slope;
            case FLATTEN: case UNFLATTEN: return x;
            default: throw new InternalCompilerError("Interpreter", "not elementwise: " + n);
        }
    }

    /**
     * Matrix products; an image operand is {@code H * W} pixel rows per sample, each a vector the matrix applies to,
     * and a kernel [O, C, K, K] is the matrix [O, C*K*K].
     */
    private double[] matrix(Node n, double[][] v) {
        Node w = n.input(0);
        Node x = n.input(1);
        double[] wv = v[w.id()];
        double[] xv = v[x.id()];
        switch (n.op()) {
            case MAT_VEC: {
                int o = w.shape().dim(0);
                int in = w.shape().size() / o;
                int rows = rows(n) * n.shape().rowsPerSample();
                double[] out = new double[rows * o];
                for (int r = 0; r < rows; r++) {
                    for (int i = 0; i < o; i++) {
                        double s = 0;
                        for (int k = 0; k < in; k++) {
                            s += wv[i * in + k] * xv[r * in + k];
                        }
                        out[r * o + i] = s;
                    }
                }
                return out;
            }
            case MAT_T_VEC: {
                int o = w.shape().dim(0);
                int in = w.shape().size() / o;
                int rows = rows(n) * n.shape().rowsPerSample();
                double[] out = new double[rows * in];
                for (int r = 0; r < rows; r++) {
                    for (int k = 0; k < in; k++) {
                        double s = 0;
                        for (int i = 0; i < o; i++) {
                            s += wv[i * in + k] * xv[r * o + i];
                        }
                        out[r * in + k] = s;
                    }
                }
                return out;
            }
            case OUTER_SUM: {
                int o = w.shape().dim(0);
                int in = x.shape().dim(0);
                double[] out = new double[o * in];
                int rowsG = rows(w) * w.shape().rowsPerSample();
                int rowsX = rows(x) * x.shape().rowsPerSample();
                for (int r = 0; r < Math.max(rowsG, rowsX); r++) {
                    int rg = rowsG == 1 ? 0 : r;
                    int rx = rowsX == 1 ? 0 : r;
                    for (int i = 0; i < o; i++) {
                        for (int k = 0; k < in; k++) {
                            out[i * in + k] += wv[rg * o + i] * xv[rx * in + k];
                        }
                    }
                }
                return out;
            }
            default:
                throw new AssertionError(n.op());
        }
    }

    private double[] sumBatch(Node n, double[] in) {
        int size = n.shape().size();
        double[] out = new double[size];
        int rowsIn = n.input(0).batched() ? batch : 1;
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < size; j++) {
                out[j] += in[(rowsIn == 1 ? 0 : r) * size + j];
            }
        }
        return out;
    }

    private double[] row(Node n, double[][] v) {
        int size = n.shape().size();
        double[] out = new double[rows(n) * size];
        double[] a = v[n.input(0).id()];
        if (n.op() == Op.DROPOUT || n.op() == Op.LAYERNORM || n.op() == Op.LAYERNORM_GRAD) {
            return perSample(n, v, out);
        }
        if (n.op() == Op.BATCHNORM || n.op() == Op.BATCHNORM_GRAD) {
            return perFeature(n, v, out);
        }
        for (int r = 0; r < rows(n); r++) {
            int ra = n.input(0).batched() ? r : 0;
            if (n.op() == Op.SOFTMAX) {
                softmax(a, ra * size, size, out, r * size);
            } else {
                // softmax_grad(y, g) = y * (g - sum(g * y))
                double[] g = v[n.input(1).id()];
                int rg = n.input(1).batched() ? r : 0;
                double dot = 0;
                for (int j = 0; j < size; j++) {
                    dot += g[rg * size + j] * a[ra * size + j];
                }
                for (int j = 0; j < size; j++) {
                    out[r * size + j] = a[ra * size + j] * (g[rg * size + j] - dot);
                }
            }
        }
        return out;
    }

    /**
     * Batch normalisation and its gradient, feature by feature over the batch and pixels: a value is {@code batch *
     * rowsPerSample} rows of {@code rowWidth} features (an image is stored channel-last). Training mode uses the
     * batch statistics (and does not update the bound running statistics: that is the generated code's side
     * effect); inference mode the running statistics bound as parameters.
     */
    private double[] perFeature(Node n, double[][] v, double[] out) {
        double[] a = v[n.input(0).id()];
        int features = n.shape().rowWidth();
        int rows = batch * n.shape().rowsPerSample();
        for (int f = 0; f < features; f++) {
            double mean = 0;
            double var = 0;
            if (n.op() == Op.BATCHNORM && !training) {
                mean = v[n.input(1).id()][f];
                var = v[n.input(2).id()][f];
            } else {
                for (int r = 0; r < rows; r++) {
                    mean += a[r * features + f];
                }
                mean /= rows;
                for (int r = 0; r < rows; r++) {
                    var += (a[r * features + f] - mean) * (a[r * features + f] - mean);
                }
                var /= rows;
            }
            double s = 1 / Math.sqrt(var + netc.runtime.BatchNorm.EPS);
            if (n.op() == Op.BATCHNORM) {
                for (int r = 0; r < rows; r++) {
                    out[r * features + f] = (a[r * features + f] - mean) * s;
                }
                continue;
            }
            // batchnorm_grad(x, g) = s (g - mean(g) - y mean(g y))
            double[] g = v[n.input(1).id()];
            double gMean = 0;
            double gyMean = 0;
            for (int r = 0; r < rows; r++) {
                gMean += g[r * features + f];
                gyMean += g[r * features + f] * (a[r * features + f] - mean) * s;
            }
            gMean /= rows;
            gyMean /= rows;
            for (int r = 0; r < rows; r++) {
                int i = r * features + f;
                out[i] = s * (g[i] - gMean - (a[i] - mean) * s * gyMean);
            }
        }
        return out;
    }

    /** Dropout and layer normalisation (and its gradient), sample by sample; both operands are batched. */
    private double[] perSample(Node n, double[][] v, double[] out) {
        int size = n.shape().size();
        double[] a = v[n.input(0).id()];
        if (n.op() == Op.DROPOUT) {
            double p = n.attrs().value();
            long key = netc.runtime.Dropout.key(seed, step, Integer.parseInt(n.attrs().name()));
            for (int i = 0; i < out.length; i++) {
                long index = positions == null ? i : (long) positions[i / size] * size + i % size;
                out[i] = !training ? a[i] : netc.runtime.Dropout.keeps(key, index, p) ? a[i] / (1 - p) : 0;
            }
            return out;
        }
        for (int r = 0; r < batch; r++) {
            int o = r * size;
            double mean = 0;
            for (int j = 0; j < size; j++) {
                mean += a[o + j];
            }
            mean /= size;
            double var = 0;
            for (int j = 0; j < size; j++) {
                var += (a[o + j] - mean) * (a[o + j] - mean);
            }
            double s = 1 / Math.sqrt(var / size + netc.runtime.LayerNorm.EPS);
            if (n.op() == Op.LAYERNORM) {
                for (int j = 0; j < size; j++) {
                    out[o + j] = (a[o + j] - mean) * s;
                }
                continue;
            }
            // layernorm_grad(x, g) = s (g - mean(g) - y mean(g y))
            double[] g = v[n.input(1).id()];
            double gMean = 0;
            double gyMean = 0;
            for (int j = 0; j < size; j++) {
                gMean += g[o + j];
                gyMean += g[o + j] * (a[o + j] - mean) * s;
            }
            gMean /= size;
            gyMean /= size;
            for (int j = 0; j < size; j++) {
                out[o + j] = s * (g[o + j] - gMean - (a[o + j] - mean) * s * gyMean);
            }
        }
        return out;
    }

    static void softmax(double[] z, int zOff, int size, double[] out, int outOff) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < size; j++) {
            max = Math.max(max, z[zOff + j]);
        }
        double sum = 0;
        for (int j = 0; j < size; j++) {
            out[outOff + j] = Math.exp(z[zOff + j] - max);
            sum += out[outOff + j];
        }
        for (int j = 0; j < size; j++) {
            out[outOff + j] /= sum;
        }
    }

    private double loss(Node n, double[][] v) {
        Node p = n.input(0);
        double[] pv = v[p.id()];
        double[] t = v[n.input(1).id()];
        int size = p.shape().size();
        boolean labels = n.input(1).op() == Op.LABELS;
        double total = 0;
        double[] soft = new double[size];
        for (int r = 0; r < batch; r++) {
            int po = (p.batched() ? r : 0) * size;
            switch (n.op()) {
                case SOFTMAX_CROSS_ENTROPY: {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < size; j++) {
                        max = Math.max(max, pv[po + j]);
                    }
                    double sum = 0;
                    for (int j = 0; j < size; j++) {
                        sum += Math.exp(pv[po + j] - max);
                    }
                    total += max + Math.log(sum) - pv[po + (int) t[r]];
                    break;
                }
                case CROSS_ENTROPY:
                    total += -Math.log(pv[po + (int) t[r]]);
                    break;
                case SQUARED_ERROR:
                    for (int j = 0; j < size; j++) {
                        double d = pv[po + j] - t[r * size + j];
                        total += 0.5 * d * d;
                    }
                    break;
                case SIGMOID_BINARY_CROSS_ENTROPY:
                    for (int j = 0; j < size; j++) {
                        double z = pv[po + j];
                        double y = labels ? t[r] : t[r * size + j];
                        total += Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z)));
                    }
                    break;
                case BINARY_CROSS_ENTROPY:
                    for (int j = 0; j < size; j++) {
                        double q = pv[po + j];
                        double y = labels ? t[r] : t[r * size + j];
                        total += -(y * Math.log(q) + (1 - y) * Math.log(1 - q));
                    }
                    break;
                default:
                    throw new AssertionError(n.op());
            }
        }
        return total / batch;
    }

    private double[] lossGrad(Node n, double[][] v) {
        Node p = n.input(0);
        double[] pv = v[p.id()];
        double[] t = v[n.input(1).id()];
        int size = p.shape().size();
        boolean labels = n.input(1).op() == Op.LABELS;
        double[] out = new double[batch * size];
        for (int r = 0; r < batch; r++) {
            int po = (p.batched() ? r : 0) * size;
            int o = r * size;
            switch (n.op()) {
                case SOFTMAX_CROSS_ENTROPY_GRAD:
                    softmax(pv, po, size, out, o);
                    out[o + (int) t[r]] -= 1;
                    for (int j = 0; j < size; j++) {
                        out[o + j] /= batch;
                    }
                    break;
                case CROSS_ENTROPY_GRAD:
                    out[o + (int) t[r]] = -1 / (pv[po + (int) t[r]] * batch);
                    break;
                case SQUARED_ERROR_GRAD:
                    for (int j = 0; j < size; j++) {
                        out[o + j] = (pv[po + j] - t[r * size + j]) / batch;
                    }
                    break;
                case SIGMOID_BINARY_CROSS_ENTROPY_GRAD:
                    for (int j = 0; j < size; j++) {
                        double y = labels ? t[r] : t[r * size + j];
                        out[o + j] = (1 / (1 + Math.exp(-pv[po + j])) - y) / batch;
                    }
                    break;
                case BINARY_CROSS_ENTROPY_GRAD:
                    for (int j = 0; j < size; j++) {
                        double q = pv[po + j];
                        double y = labels ? t[r] : t[r * size + j];
                        out[o + j] = (q - y) / (q * (1 - q) * batch);
                    }
                    break;
                default:
                    throw new AssertionError(n.op());
            }
        }
        return out;
    }
}
