package netc.compiler.internal.ir;

import java.util.List;

/** Shape rules of the image ops ({@link Op.Kind#SPATIAL}): windows over {@code [C, H, W]} values. */
final class Spatial {
    private Spatial() {
    }

    static Shapes.Result infer(Op op, List<Node> inputs, Attrs attrs) {
        Node x = inputs.get(0);
        switch (op) {
            case IM2COL: {
                Shape in = image(op, x);
                Window w = window(op, attrs);
                Shape out = windows(op, in, w);
                return new Shapes.Result(Shape.of(w.size() * w.size() * in.dim(0), out.dim(1), out.dim(2)),
                        x.batched());
            }
            case MAXPOOL: case AVGPOOL: {
                Shape in = image(op, x);
                return new Shapes.Result(windows(op, in, window(op, attrs)), x.batched());
            }
            case COL2IM: case AVGPOOL_GRAD: {
                Shape in = attrs.shape();
                if (in == null || !in.isImage()) {
                    throw new ShapeMismatch(op.printName() + " needs the image shape it undoes, got " + in);
                }
                Window w = window(op, attrs);
                Shape out = windows(op, in, w);
                Shape expected = op == Op.COL2IM
                        ? Shape.of(in.dim(0) * w.size() * w.size(), out.dim(1), out.dim(2)) : out;
                if (!x.shape().equals(expected)) {
                    throw new ShapeMismatch("shape mismatch in " + op.printName() + ": {0} is " + x.shape()
                            + " but the window over " + in + " gives " + expected);
                }
                return new Shapes.Result(in, x.batched());
            }
            case MAXPOOL_GRAD: {
                Shape in = image(op, x);
                Node g = inputs.get(1);
                Shape out = windows(op, in, window(op, attrs));
                if (!g.shape().equals(out)) {
                    throw new ShapeMismatch("shape mismatch in maxpool_grad: {1} is " + g.shape() + " but pooling "
                            + in + " gives " + out);
                }
                return new Shapes.Result(in, x.batched() || g.batched());
            }
            case KERNEL_CHANNELS_LAST: case KERNEL_CHANNELS_FIRST: {
                Shape k = x.shape();
                if (k.rank() != 4 || x.batched()) {
                    throw new ShapeMismatch(op.printName() + " needs a kernel, the same for every sample: {0} is " + k);
                }
                Shape out = op == Op.KERNEL_CHANNELS_LAST ? Shape.of(k.dim(0), k.dim(2), k.dim(3), k.dim(1))
                        : Shape.of(k.dim(0), k.dim(3), k.dim(1), k.dim(2));
                return new Shapes.Result(out, false);
            }
            case SUM_CHANNELS: {
                Shape in = image(op, x);
                return new Shapes.Result(Shape.of(in.dim(0)), false);
            }
            case GLOBAL_AVGPOOL: {
                Shape in = image(op, x);
                return new Shapes.Result(Shape.of(in.dim(0)), x.batched());
            }
            case GLOBAL_AVGPOOL_GRAD: {
                Shape in = attrs.shape();
                if (in == null || !in.isImage() || !x.shape().equals(Shape.of(in.dim(0)))) {
                    throw new ShapeMismatch("global_avgpool_grad needs a [C] gradient and the image [C, H, W] it"
                            + " undoes: {0} is " + x.shape() + ", the image " + in);
                }
                return new Shapes.Result(in, x.batched());
            }
            case CONCAT:
                return concat(inputs.get(0), inputs.get(1));
            case COLUMNS: {
                Shape out = attrs.shape();
                Shape in = x.shape();
                long from = (long) attrs.value();
                boolean rowsMatch = out != null && out.rank() == in.rank()
                        && (in.rank() == 1 || in.isImage() && in.dim(1) == out.dim(1) && in.dim(2) == out.dim(2));
                if (!rowsMatch || from < 0 || from + out.dim(0) > in.dim(0)) {
                    throw new ShapeMismatch("columns " + from + " to " + (out == null ? "?" : from + out.dim(0))
                            + " do not fit in {0}, which is " + in);
                }
                return new Shapes.Result(out, x.batched());
            }
            default:
                throw new AssertionError(op);
        }
    }

    /** Two vectors, or two images of one height and width: joined along their first axis. */
    private static Shapes.Result concat(Node a, Node b) {
        Shape sa = a.shape();
        Shape sb = b.shape();
        boolean vectors = sa.rank() == 1 && sb.rank() == 1;
        boolean images = sa.isImage() && sb.isImage() && sa.dim(1) == sb.dim(1) && sa.dim(2) == sb.dim(2);
        if (!vectors && !images) {
            throw new ShapeMismatch("shape mismatch in concat: {0} is " + sa + " but {1} is " + sb + "; concat joins"
                    + " two vectors, or two images [C, H, W] of the same height and width along their channels");
        }
        if ((long) sa.dim(0) + sb.dim(0) > Integer.MAX_VALUE / Math.max(1, sa.rowsPerSample())) {
            throw new ShapeMismatch("concat of {0} and {1} is too large: " + sa + " and " + sb);
        }
        if (!a.batched() || !b.batched()) {
            throw new ShapeMismatch("concat joins values that depend on the input: " + (a.batched() ? "{1}" : "{0}")
                    + " is the same for every sample");
        }
        int c = sa.dim(0) + sb.dim(0);
        return new Shapes.Result(vectors ? Shape.of(c) : Shape.of(c, sa.dim(1), sa.dim(2)), true);
    }

    private static Shape image(Op op, Node x) {
        if (!x.shape().isImage()) {
            throw new ShapeMismatch(op.printName() + " needs an image [channels, height, width]: {0} is "
                    + x.shape());
        }
        return x.shape();
    }

    private static Window window(Op op, Attrs attrs) {
        if (attrs.window() == null) {
            throw new ShapeMismatch(op.printName() + " needs a window");
        }
        return attrs.window();
    }

    /**
     * [C, H', W'], the window positions over {@code in}; throws if the window does not fit, or if the result (for a
     * convolution, its patch matrix of C*K*K values per position) would be larger than a value can be: at most
     * {@link Integer#MAX_VALUE} elements per sample, the limit on declared shapes too.
     */
    static Shape windows(Op op, Shape in, Window w) {
        long h = w.out(in.dim(1));
        long wd = w.out(in.dim(2));
        String name = op == Op.IM2COL || op == Op.COL2IM ? "conv2d" : op.printName();
        if (h < 1 || wd < 1) {
            throw new ShapeMismatch("the " + w.size() + "x" + w.size() + " window of " + name
                    + " does not fit in {0}, which is " + in + (w.pad() > 0 ? " padded by " + w.pad() : ""));
        }
        // Each factor is below 2^31, so with the cap no product of two of them overflows a long.
        long perPosition = op == Op.IM2COL || op == Op.COL2IM ? (long) in.dim(0) * w.size() * w.size() : in.dim(0);
        long elements = Math.min(perPosition * h, Integer.MAX_VALUE + 1L) * wd;
        if (elements > Integer.MAX_VALUE) {
            String what = (w.pad() > 0 ? "the pad " + w.pad() + " of " + name + " is too large for {0}, which is "
                    : name + " is too large for {0}, which is ") + in;
            throw new ShapeMismatch(what + ": it would give " + h + "x" + wd + " positions of " + perPosition
                    + " values each, more than the " + Integer.MAX_VALUE + " a value can hold per sample");
        }
        return Shape.of(in.dim(0), (int) h, (int) wd);
    }
}
