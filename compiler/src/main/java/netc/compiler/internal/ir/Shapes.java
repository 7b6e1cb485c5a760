package netc.compiler.internal.ir;

import java.util.List;

/** Shape inference: the per-sample shape and batchedness of every op's result, from its inputs. */
public final class Shapes {
    private Shapes() {
    }

    /** Shape and batchedness of a result. */
    public record Result(Shape shape, boolean batched) {
    }

    /**
     * Infers the result of {@code op} on {@code inputs}, or throws {@link ShapeMismatch} naming both shapes. Leaves
     * are not handled here: their shape is declared.
     */
    public static Result infer(Op op, List<Node> inputs) {
        return infer(op, inputs, Attrs.NONE);
    }

    /** As {@link #infer(Op, List)}, for ops whose result depends on their attributes (windows, shapes). */
    public static Result infer(Op op, List<Node> inputs, Attrs attrs) {
        if (inputs.size() != op.arity()) {
            throw new ShapeMismatch(op.printName() + " takes " + op.arity() + " operand(s), got " + inputs.size());
        }
        switch (op.kind()) {
            case LEAF:
                throw new IllegalArgumentException("leaves have declared shapes: " + op);
            case ELEMENTWISE:
                if (op == Op.FLATTEN || op == Op.UNFLATTEN) {
                    return reshape(op, inputs.get(0), attrs);
                }
                if (op == Op.SLICE) {
                    return slice(inputs.get(0));
                }
                return inputs.size() == 1 ? new Result(inputs.get(0).shape(), inputs.get(0).batched())
                        : elementwise(op, inputs.get(0), inputs.get(1));
            case MATRIX:
                return matrix(op, inputs.get(0), inputs.get(1), attrs);
            case SPATIAL:
                return Spatial.infer(op, inputs, attrs);
            case REDUCE:
                return new Result(inputs.get(0).shape(), false);
            case ROW:
                return row(op, inputs);
            case LOSS:
                loss(op, inputs.get(0), inputs.get(1));
                return new Result(Shape.SCALAR, false);
            case LOSS_GRAD:
                loss(op, inputs.get(0), inputs.get(1));
                return new Result(inputs.get(0).shape(), true);
            default:
                throw new AssertionError(op);
        }
    }

    private static Result reshape(Op op, Node x, Attrs attrs) {
        if (op == Op.FLATTEN) {
            return new Result(Shape.of(x.shape().size()), x.batched());
        }
        if (attrs.shape() == null || attrs.shape().size() != x.shape().size()) {
            throw new ShapeMismatch("unflatten needs a shape of " + x.shape().size() + " elements, got "
                    + attrs.shape());
        }
        return new Result(attrs.shape(), x.batched());
    }

    /** A row of a {@code [T, D]} value; which row is an attribute, checked by the front end. */
    private static Result slice(Node a) {
        if (a.shape().rank() != 2) {
            throw new ShapeMismatch("slice needs a sequence of rows: {0} is " + a.shape());
        }
        return new Result(Shape.of(a.shape().dim(1)), a.batched());
    }

    private static Result elementwise(Op op, Node a, Node b) {
        boolean batched = a.batched() || b.batched();
        if (a.shape().isScalar()) {
            return new Result(b.shape(), batched);
        }
        if (b.shape().isScalar() || a.shape().equals(b.shape())) {
            if (a.shape().isImage() && a.batched() != b.batched() && !b.shape().isScalar()) {
                throw new ShapeMismatch("shape mismatch in elementwise " + op.printName() + ": an image and a"
                        + " value that is the same for every sample combine only per channel: {0} is " + a.shape()
                        + " and {1} is " + b.shape() + " (write [" + a.shape().dim(0) + "] for one value per channel)");
            }
            return new Result(a.shape(), batched);
        }
        // A per-channel value [C] broadcasts over the pixels of an image [C, H, W] (a convolution's bias).
        if (a.shape().isImage() && perChannel(b, a)) {
            return new Result(a.shape(), batched);
        }
        if (b.shape().isImage() && perChannel(a, b)) {
            return new Result(b.shape(), batched);
        }
        throw new ShapeMismatch("shape mismatch in elementwise " + op.printName() + ": {0} is " + a.shape()
                + " but {1} is " + b.shape());
    }

    /** A shared per-channel vector [C] for an image [C, H, W]. */
    private static boolean perChannel(Node v, Node image) {
        return v.shape().rank() == 1 && !v.batched() && v.shape().dim(0) == image.shape().dim(0);
    }

    private static Result matrix(Op op, Node w, Node x, Attrs attrs) {
        switch (op) {
            case MAT_VEC: {
                requireMatrixVector(w, x, "matrix product");
                int columns = w.shape().size() / w.shape().dim(0);
                if (columns != x.shape().dim(0) && x.shape().isImage()) {
                    int c = x.shape().dim(0);
                    throw new ShapeMismatch("shape mismatch in matrix product: {0} is " + w.shape() + " but {1} is "
                            + x.shape() + "; a matrix applied to an image maps each pixel's " + c + " channel"
                            + (c == 1 ? "" : "s") + (columns == x.shape().size()
                            ? " (write {0} flatten({1}) to apply it to the whole image)"
                            : ", so it needs " + c + " column" + (c == 1 ? "" : "s")));
                }
                if (columns != x.shape().dim(0)) {
                    throw new ShapeMismatch("shape mismatch in matrix product: {0} is " + w.shape() + " but {1} is "
                            + x.shape() + " (the matrix needs " + x.shape().dim(0) + " columns to match)");
                }
                return new Result(withRows(w.shape().dim(0), x.shape()), x.batched());
            }
            case MAT_T_VEC: {
                requireMatrixVector(w, x, "transposed matrix product");
                if (w.shape().dim(0) != x.shape().dim(0)) {
                    throw new ShapeMismatch("shape mismatch in transposed matrix product: {0} is " + w.shape()
                            + " but {1} is " + x.shape());
                }
                return new Result(withRows(w.shape().size() / w.shape().dim(0), x.shape()), x.batched());
            }
            case OUTER_SUM: {
                Shape g = w.shape();
                Shape v = x.shape();
                boolean vectors = g.rank() == 1 && v.rank() == 1;
                boolean images = g.isImage() && v.isImage() && g.dim(1) == v.dim(1) && g.dim(2) == v.dim(2);
                if (!vectors && !images) {
                    throw new ShapeMismatch("outer product needs two vectors or two images of one size: {0} is "
                            + g + ", {1} is " + v);
                }
                Shape result = Shape.of(g.dim(0), v.dim(0));
                if (attrs.shape() != null) {
                    if (attrs.shape().dim(0) != g.dim(0) || attrs.shape().size() != result.size()) {
                        throw new ShapeMismatch("outer product of " + g + " and " + v + " cannot have shape "
                                + attrs.shape());
                    }
                    result = attrs.shape();
                }
                return new Result(result, false);
            }
            default:
                throw new AssertionError(op);
        }
    }

    /** [rows] for a vector operand, [rows, H, W] for an image operand (the product runs per pixel). */
    private static Shape withRows(int rows, Shape operand) {
        return operand.isImage() ? Shape.of(rows, operand.dim(1), operand.dim(2)) : Shape.of(rows);
    }

    private static void requireMatrixVector(Node w, Node x, String what) {
        boolean kernel = w.shape().rank() == 4 && x.shape().isImage();
        if (w.shape().rank() != 2 && !kernel) {
            throw new ShapeMismatch(what + " needs a matrix on the left: {0} is " + w.shape());
        }
        if (w.batched()) {
            throw new ShapeMismatch(what + " needs a matrix that is the same for every sample: {0} depends on the"
                    + " input");
        }
        if (x.shape().rank() != 1 && !x.shape().isImage()) {
            throw new ShapeMismatch(what + " needs a vector or an image on the right: {1} is " + x.shape());
        }
    }

    private static Result row(Op op, List<Node> inputs) {
        Node a = inputs.get(0);
        if (op == Op.DROPOUT || op == Op.LAYERNORM || op == Op.LAYERNORM_GRAD || op == Op.BATCHNORM
                || op == Op.BATCHNORM_GRAD) {
            return perSample(op, inputs);
        }
        if (a.shape().rank() != 1) {
            throw new ShapeMismatch(op.printName() + " needs a vector: {0} is " + a.shape());
        }
        if (op == Op.SOFTMAX_GRAD && !inputs.get(1).shape().equals(a.shape())) {
            throw new ShapeMismatch("shape mismatch in softmax_grad: {0} is " + a.shape() + " but {1} is "
                    + inputs.get(1).shape());
        }
        return new Result(a.shape(), a.batched() || (inputs.size() > 1 && inputs.get(1).batched()));
    }

    /** Dropout and layer normalisation: any per-sample shape (vector or image), of a value that has samples. */
    private static Result perSample(Op op, List<Node> inputs) {
        Node a = inputs.get(0);
        if (!a.batched()) {
            throw new ShapeMismatch(op.printName() + " needs a value computed from the input (it works per sample):"
                    + " {0} is the same for every sample");
        }
        if ((op == Op.LAYERNORM_GRAD || op == Op.BATCHNORM_GRAD) && !inputs.get(1).shape().equals(a.shape())) {
            throw new ShapeMismatch("shape mismatch in " + op.printName() + ": {0} is " + a.shape() + " but {1} is "
                    + inputs.get(1).shape());
        }
        if (op == Op.BATCHNORM) {
            int features = a.shape().rowWidth();
            for (Node stat : inputs.subList(1, 3)) {
                if (stat.batched() || !stat.shape().equals(Shape.of(features))) {
                    throw new ShapeMismatch("batchnorm statistics must be [" + features + "] and shared");
                }
            }
        }
        return new Result(a.shape(), true);
    }

    private static void loss(Op op, Node p, Node t) {
        if (p.shape().rank() != 1) {
            throw new ShapeMismatch("the loss needs a vector prediction: {0} is " + p.shape());
        }
        boolean labels = t.op() == Op.LABELS;
        switch (op) {
            case SOFTMAX_CROSS_ENTROPY, CROSS_ENTROPY, SOFTMAX_CROSS_ENTROPY_GRAD, CROSS_ENTROPY_GRAD -> {
                if (!labels) {
                    throw new ShapeMismatch("cross_entropy needs class labels: {1} is not declared as class[n]");
                }
                if (p.shape().dim(0) != t.shape().dim(0)) {
                    throw new ShapeMismatch("shape mismatch in cross_entropy: {0} is " + p.shape() + " but {1} has "
                            + t.shape().dim(0) + " classes");
                }
            }
            case SQUARED_ERROR, SQUARED_ERROR_GRAD -> {
                if (labels || !p.shape().equals(t.shape())) {
                    throw new ShapeMismatch("shape mismatch in squared_error: {0} is " + p.shape() + " but {1} is "
                            + (labels ? "class" : "real") + t.shape());
                }
            }
            default -> {
                // Binary cross-entropy: a real target of the prediction's shape, or 0/1 labels for one output.
                boolean ok = labels ? p.shape().dim(0) == 1 && t.shape().dim(0) == 2 : p.shape().equals(t.shape());
                if (!ok) {
                    throw new ShapeMismatch("shape mismatch in binary_cross_entropy: {0} is " + p.shape()
                            + " but {1} is " + (labels ? "class" : "real") + t.shape()
                            + " (expected real" + p.shape() + ", or class[2] for one output)");
                }
            }
        }
    }
}
