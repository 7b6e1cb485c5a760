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
            default:
                throw new AssertionError(op);
        }
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
