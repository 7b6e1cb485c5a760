package netc.compiler.ir;

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

    /** [C, H', W'], the window positions over {@code in}; throws if the window does not fit. */
    static Shape windows(Op op, Shape in, Window w) {
        int h = w.out(in.dim(1));
        int wd = w.out(in.dim(2));
        if (h < 1 || wd < 1) {
            String name = op == Op.IM2COL ? "conv2d" : op.printName();
            throw new ShapeMismatch("the " + w.size() + "x" + w.size() + " window of " + name
                    + " does not fit in {0}, which is " + in + (w.pad() > 0 ? " padded by " + w.pad() : ""));
        }
        return Shape.of(in.dim(0), h, wd);
    }
}
