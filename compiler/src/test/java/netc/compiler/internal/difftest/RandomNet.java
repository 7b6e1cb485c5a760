package netc.compiler.internal.difftest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

/**
 * A random well-typed {@code .net} model, described by a small {@link Plan} so that a failing model can be shrunk:
 * every layer draws its choices from its own generator (seeded by the plan's seed and the layer's position), so
 * dropping a layer or shrinking the input leaves the other layers' choices as they were, adapted to the shapes
 * they now see.
 *
 * <p>What it covers: vector, image ({@code [C, H, W]}) and sequence ({@code [T, D]}) inputs; dense layers with
 * and without bias under every activation; elementwise arithmetic with parameters, scalars, per-channel {@code [C]}
 * operands, shared values computed per channel; values used twice and residual sums; softmax in the middle of a network;
 * {@code exp} and {@code log} on safe domains; convolutions with strides and padding, 1x1 matrices on images,
 * max and average pooling (overlapping too); {@code flatten} with activations and per-channel operands before and
 * after it; recurrences over a sequence with one or two states and skips over two steps; and every loss, fused
 * (softmax and sigmoid heads) or not.
 */
final class RandomNet {

    enum InputKind { VECTOR, IMAGE, SEQUENCE }

    enum Head { SOFTMAX_CROSS_ENTROPY, SIGMOID_CROSS_ENTROPY, SQUARED_ERROR, SQUARED_ERROR_RAW, SIGMOID_BCE,
        SOFTMAX_BCE }

    /**
     * What to generate.
     *
     * @param seed    the choices of every layer derive from it
     * @param input   the input's kind
     * @param dims    the input's shape
     * @param layers  how many layers were drawn
     * @param dropped positions of drawn layers left out (by shrinking)
     * @param head    the output layer and loss
     * @param classes classes or target width
     * @param batch   samples per checked batch
     */
    record Plan(long seed, InputKind input, int[] dims, int layers, TreeSet<Integer> dropped, Head head,
                int classes, int batch) {

        static Plan random(long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            InputKind input = InputKind.values()[r.nextInt(3)];
            int[] dims = switch (input) {
                case VECTOR -> new int[] {1 + r.nextInt(9)};
                case IMAGE -> new int[] {1 + r.nextInt(3), 2 + r.nextInt(5), 2 + r.nextInt(5)};
                case SEQUENCE -> new int[] {2 + r.nextInt(5), 1 + r.nextInt(4)};
            };
            int layers = 1 + r.nextInt(5);
            Head head = Head.values()[r.nextInt(Head.values().length)];
            int classes = 2 + r.nextInt(4);
            int batch = r.nextInt(4) == 0 ? 9 + r.nextInt(12) : 1 + r.nextInt(5);
            return new Plan(seed, input, dims, layers, new TreeSet<>(), head, classes, batch);
        }

        Plan withDropped(int layer) {
            TreeSet<Integer> d = new TreeSet<>(dropped);
            d.add(layer);
            return new Plan(seed, input, dims, layers, d, head, classes, batch);
        }

        Plan withDims(int[] newDims) {
            return new Plan(seed, input, newDims, layers, dropped, head, classes, batch);
        }

        Plan withBatch(int b) {
            return new Plan(seed, input, dims, layers, dropped, head, classes, b);
        }

        Plan withHead(Head h, int c) {
            return new Plan(seed, input, dims, layers, dropped, h, c, batch);
        }

        /** Plans one step smaller than this one, most promising first. */
        List<Plan> smaller() {
            List<Plan> out = new ArrayList<>();
            for (int i = layers - 1; i >= 0; i--) {
                if (!dropped.contains(i)) {
                    out.add(withDropped(i));
                }
            }
            for (int i = 0; i < dims.length; i++) {
                int min = input == InputKind.IMAGE && i > 0 ? 2 : 1;
                if (dims[i] > min) {
                    int[] d = dims.clone();
                    d[i] = Math.max(min, d[i] / 2);
                    out.add(withDims(d));
                    if (d[i] != dims[i] - 1) {
                        int[] e = dims.clone();
                        e[i] = dims[i] - 1;
                        out.add(withDims(e));
                    }
                }
            }
            if (batch > 1) {
                out.add(withBatch(1));
                out.add(withBatch(batch / 2));
            }
            if (classes > 2) {
                out.add(withHead(head, 2));
            }
            if (head != Head.SQUARED_ERROR_RAW) {
                out.add(withHead(Head.SQUARED_ERROR_RAW, classes));
            }
            return out;
        }

        @Override
        public String toString() {
            return "seed " + seed + ", " + input.name().toLowerCase() + " " + Arrays.toString(dims) + ", layers "
                    + layers + (dropped.isEmpty() ? "" : " without " + dropped) + ", head " + head + ", classes "
                    + classes + ", batch " + batch;
        }
    }

    /** A value the next layer can use: its expression (a name) and its per-sample shape. */
    private record Value(String name, int[] shape) {
        boolean isImage() {
            return shape.length == 3;
        }

        int size() {
            int s = 1;
            for (int d : shape) {
                s *= d;
            }
            return s;
        }
    }

    private final Plan plan;
    private final List<String> params = new ArrayList<>();
    private final List<String> bindings = new ArrayList<>();
    private final List<Value> earlier = new ArrayList<>();
    private int paramCount;
    private int bindingCount;

    private RandomNet(Plan plan) {
        this.plan = plan;
    }

    /** The {@code .net} source of a plan. */
    static String render(Plan plan) {
        return new RandomNet(plan).build();
    }

    private String build() {
        StringBuilder sb = new StringBuilder();
        sb.append("network rnd_").append(Long.toUnsignedString(plan.seed)).append('\n');
        String shape = Arrays.toString(plan.dims);
        Value v;
        if (plan.input == InputKind.SEQUENCE) {
            sb.append("input xs").append(shape).append('\n');
            v = recurrence(new SplittableRandom(plan.seed * 31 + 7));
        } else {
            sb.append("input x").append(shape).append('\n');
            v = new Value("x", plan.dims.clone());
            earlier.add(v);
        }
        boolean classes = plan.head == Head.SOFTMAX_CROSS_ENTROPY || plan.head == Head.SIGMOID_CROSS_ENTROPY;
        sb.append("target ").append(classes ? "y : class[" : "t : real[").append(plan.classes).append("]\n");
        for (int i = 0; i < plan.layers; i++) {
            if (!plan.dropped.contains(i)) {
                v = layer(v, new SplittableRandom(plan.seed * 1_000_003L + i));
            }
        }
        if (v.isImage()) {
            v = bind("flatten(" + v.name + ")", new int[] {v.size()});
        }
        head(v);
        for (String p : params) {
            sb.append(p).append('\n');
        }
        for (String b : bindings) {
            sb.append(b).append('\n');
        }
        return sb.toString();
    }

    private void head(Value v) {
        int k = plan.classes;
        String dense = dense(v, k, true);
        switch (plan.head) {
            case SOFTMAX_CROSS_ENTROPY -> {
                bindings.add("p = softmax(" + dense + ")");
                bindings.add("loss = cross_entropy(p, y)");
            }
            case SIGMOID_CROSS_ENTROPY -> {
                bindings.add("p = sigmoid(" + dense + ")");
                bindings.add("loss = cross_entropy(p, y)");
            }
            case SQUARED_ERROR -> {
                bindings.add("out = " + dense);
                bindings.add("loss = squared_error(out, t)");
            }
            case SQUARED_ERROR_RAW -> {
                // the last layer's value itself, resized by a matrix only when its width differs
                String o = v.size() == k && v.shape.length == 1 ? v.name : dense;
                bindings.add("out = " + o);
                bindings.add("loss = squared_error(out, t)");
            }
            case SIGMOID_BCE -> {
                bindings.add("p = sigmoid(" + dense + ")");
                bindings.add("loss = binary_cross_entropy(p, t)");
            }
            case SOFTMAX_BCE -> {
                bindings.add("p = softmax(" + dense + ")");
                bindings.add("loss = binary_cross_entropy(p, t)");
            }
            default -> throw new AssertionError(plan.head);
        }
    }

    // ---- layers -------------------------------------------------------------------------------------------------

    private Value layer(Value v, SplittableRandom r) {
        return v.isImage() ? imageLayer(v, r) : vectorLayer(v, r);
    }

    private Value vectorLayer(Value v, SplittableRandom r) {
        int n = v.size();
        String h = v.name;
        switch (r.nextInt(11)) {
            case 0, 1, 2: {
                // now and then wider than a 512-bit vector, so kernels run whole vectors and a tail
                int m = r.nextInt(6) == 0 ? 9 + r.nextInt(32) : 1 + r.nextInt(8);
                return bind(activation(dense(v, m, r.nextInt(5) != 0), r), new int[] {m});
            }
            case 3:
                return bind(activation(h, r), v.shape);
            case 4: {
                String g = param(new int[] {n}, "");
                String[] forms = {h + " + " + g, g + " - " + h, h + " * " + g, "(" + h + " - " + g + ") * " + h};
                return bind(forms[r.nextInt(forms.length)], v.shape);
            }
            case 5: {
                String[] forms = {h + " * 0.5", "2 - " + h, h + " / 3", "0.25 + " + h, "-" + h, "-(" + h + ") * 1.5"};
                return bind(forms[r.nextInt(forms.length)], v.shape);
            }
            case 6: {
                Value same = sameShape(v, r);
                if (same == null) {
                    return bind(h + " * " + h, v.shape);
                }
                return bind(r.nextBoolean() ? h + " + " + same.name : activation(h, r) + " * " + same.name, v.shape);
            }
            case 7: {
                String[] forms = {"tanh(" + h + ") * " + h, h + " + relu(" + h + ")", h + " / (1.5 + " + h + " * " + h + ")",
                    "sigmoid(" + h + ") * (1 - sigmoid(" + h + "))"};
                return bind(forms[r.nextInt(forms.length)], v.shape);
            }
            case 8: {
                String[] forms = {"log(sigmoid(" + h + "))", "exp(-(" + h + " * " + h + "))", "log(1 + exp(tanh(" + h
                        + ")))", "exp(softsign(" + h + ")) - 1"};
                return bind(forms[r.nextInt(forms.length)], v.shape);
            }
            case 9:
                return n >= 2 ? bind("softmax(" + h + ")", v.shape) : bind(activation(h, r), v.shape);
            default: {
                // two dense layers in one expression: fusion across a product inside a binding
                int m = 1 + r.nextInt(6);
                int l = 1 + r.nextInt(6);
                String inner = activation(dense(v, m, true), r);
                Value tmp = new Value("(" + inner + ")", new int[] {m});
                String wName = param(new int[] {l, m}, " init he");
                String b = param(new int[] {l}, "");
                return bind(activation(wName + " " + activationCall(tmp.name, r) + " + " + b, r), new int[] {l});
            }
        }
    }

    private Value imageLayer(Value v, SplittableRandom r) {
        int c = v.shape[0];
        int hh = v.shape[1];
        int ww = v.shape[2];
        String h = v.name;
        switch (r.nextInt(12)) {
            case 0, 1: {
                int o = r.nextInt(5) == 0 ? 9 + r.nextInt(12) : 1 + r.nextInt(4);
                int k = 1 + r.nextInt(Math.min(3, Math.min(hh, ww)));
                int stride = 1 + (r.nextInt(3) == 0 ? 1 : 0);
                int pad = r.nextInt(k);
                int oh = (hh + 2 * pad - k) / stride + 1;
                int ow = (ww + 2 * pad - k) / stride + 1;
                String kern = param(new int[] {o, c, k, k}, " init he");
                String args = h + ", " + kern;
                if (r.nextInt(4) != 0) {
                    args += ", " + param(new int[] {o}, "");
                }
                if (stride != 1 || r.nextBoolean()) {
                    args += ", stride=" + stride;
                }
                if (pad != 0 || r.nextBoolean()) {
                    args += ", pad=" + pad;
                }
                String conv = "conv2d(" + args + ")";
                return bind(r.nextBoolean() ? activationCall(conv, r) : conv, new int[] {o, oh, ow});
            }
            case 2:
                return bind(activation(h, r), v.shape);
            case 3: {
                String ch = param(new int[] {c}, "");
                String[] forms = {h + " + " + ch, h + " * " + ch, ch + " - " + h, activationCall(h + " + " + ch, r)};
                return bind(forms[r.nextInt(forms.length)], v.shape);
            }
            case 4: {
                // a per-channel value computed from parameters (shared, elementwise), then broadcast
                String ch = param(new int[] {c}, "");
                return bind(r.nextBoolean() ? h + " * (" + ch + " * " + ch + " + 1)"
                        : activationCall(h + " - " + ch + " * 2", r), v.shape);
            }
            case 5: {
                int k = 1 + r.nextInt(Math.min(3, Math.min(hh, ww)));
                int stride = 1 + r.nextInt(k);
                int oh = (hh - k) / stride + 1;
                int ow = (ww - k) / stride + 1;
                String fn = r.nextBoolean() ? "maxpool" : "avgpool";
                String s = stride == k && r.nextBoolean() ? "" : ", stride=" + stride;
                return bind(fn + "(" + h + ", " + k + s + ")", new int[] {c, oh, ow});
            }
            case 6: {
                int o = 1 + r.nextInt(4);
                String m = param(new int[] {o, c}, "");
                String e = r.nextBoolean() ? " + " + param(new int[] {o}, "") : "";
                return bind(activation(m + " " + h + e, r), new int[] {o, hh, ww});
            }
            case 7: {
                Value same = sameShape(v, r);
                String other = same == null ? h : same.name;
                return bind(r.nextBoolean() ? h + " + " + other : activation(h, r) + " * " + other, v.shape);
            }
            case 8: {
                String[] forms = {h + " * 0.5", "1 - " + h, "tanh(" + h + ") * " + h, "log(1 + exp(" + "tanh(" + h
                        + ")))"};
                return bind(forms[r.nextInt(forms.length)], v.shape);
            }
            default: {
                // flatten, with elementwise work (per-channel operands included) before or after it
                int size = v.size();
                String ch = param(new int[] {c}, "");
                String[] forms = {"flatten(" + h + ")", "flatten(" + activationCall(h + " + " + ch, r) + ")",
                    activationCall("flatten(" + h + ")", r), "flatten(" + h + " * " + ch + ")",
                    activationCall("flatten(" + activationCall(h, r) + ")", r)};
                Value flat = bind(forms[r.nextInt(forms.length)], new int[] {size});
                if (r.nextBoolean()) {
                    int m = 1 + r.nextInt(6);
                    return bind(activation(dense(flat, m, true), r), new int[] {m});
                }
                return flat;
            }
        }
    }

    /** One or two recurrent states over the sequence input; the value of the last state's last step. */
    private Value recurrence(SplittableRandom r) {
        int t = plan.dims[0];
        int d = plan.dims[1];
        int m = 1 + r.nextInt(5);
        String wx = param(new int[] {m, d}, " init xavier");
        String wh = param(new int[] {m, m}, " init xavier");
        String b = r.nextBoolean() ? " + " + param(new int[] {m}, "") : "";
        String act = new String[] {"tanh", "relu", "sigmoid", "softsign"}[r.nextInt(4)];
        boolean skip = t >= 3 && r.nextInt(3) == 0;
        bindings.add("h[0] = " + act + "(" + wx + " xs[0]" + b + ")");
        if (skip) {
            String wg = param(new int[] {m, m}, " init xavier");
            bindings.add("h[1] = " + act + "(" + wx + " xs[1] + " + wh + " h[0]" + b + ")");
            bindings.add("h[t] = " + act + "(" + wx + " xs[t] + " + wh + " h[t-1] + " + wg + " h[t-2]" + b
                    + ") for t in 2.." + (t - 1));
        } else if (t > 1) {
            bindings.add("h[t] = " + act + "(" + wx + " xs[t] + " + wh + " h[t-1]" + b + ") for t in 1.." + (t - 1));
        }
        if (r.nextBoolean()) {
            // a second state reading the first one's steps
            int n = 1 + r.nextInt(4);
            String ug = param(new int[] {n, m}, "");
            String vg = param(new int[] {n, n}, "");
            bindings.add("g[0] = tanh(" + ug + " h[0])");
            if (t > 1) {
                bindings.add("g[t] = tanh(" + ug + " h[t] + " + vg + " g[t-1]) * sigmoid(" + ug + " h[t])"
                        + " for t in 1.." + (t - 1));
            }
            return new Value("g[" + (t - 1) + "]", new int[] {n});
        }
        return new Value("h[" + (t - 1) + "]", new int[] {m});
    }

    // ---- pieces -------------------------------------------------------------------------------------------------

    private String dense(Value v, int m, boolean bias) {
        int n = v.size();
        String w = param(new int[] {m, n}, paramCount % 2 == 0 ? " init he" : "");
        String in = v.isImage() ? "flatten(" + v.name + ")" : v.name;
        return w + " " + in + (bias ? " + " + param(new int[] {m}, "") : "");
    }

    private static final String[] ACTIVATIONS = {"relu", "tanh", "sigmoid", "softsign", "identity", "leaky_relu",
        "leaky_relu_slope", "step", "relu", "tanh"};

    /** An activation applied to an expression, or (one time in five) the expression as it is. */
    private String activation(String expr, SplittableRandom r) {
        return r.nextInt(5) == 0 ? expr : activationCall(expr, r);
    }

    private String activationCall(String expr, SplittableRandom r) {
        String a = ACTIVATIONS[r.nextInt(ACTIVATIONS.length)];
        if (a.equals("leaky_relu_slope")) {
            return "leaky_relu(" + expr + ", slope=0.2)";
        }
        return a + "(" + expr + ")";
    }

    private String param(int[] shape, String init) {
        String name = (shape.length == 1 ? "b" : shape.length == 2 ? "W" : shape.length == 3 ? "P" : "K")
                + paramCount++;
        params.add("param " + name + Arrays.toString(shape) + init);
        return name;
    }

    private Value bind(String expr, int[] shape) {
        Value v = new Value("h" + bindingCount++, shape);
        bindings.add(v.name + " = " + expr);
        earlier.add(v);
        return v;
    }

    /** An earlier binding of the same shape (for a residual sum or a value used twice), or null. */
    private Value sameShape(Value v, SplittableRandom r) {
        List<Value> same = new ArrayList<>();
        for (Value e : earlier) {
            if (e != v && Arrays.equals(e.shape, v.shape)) {
                same.add(e);
            }
        }
        return same.isEmpty() ? null : same.get(r.nextInt(same.size()));
    }
}
