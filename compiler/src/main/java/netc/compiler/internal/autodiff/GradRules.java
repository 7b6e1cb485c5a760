package netc.compiler.internal.autodiff;

import java.util.List;
import netc.compiler.internal.ir.Attrs;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.InternalCompilerError;
import netc.compiler.internal.source.Span;

/**
 * Every op's derivative rule, in one place. Given a node {@code y = op(a, b)} and its adjoint {@code g = dL/dy},
 * {@link #adjoints} returns {@code dL/da, dL/db} as new graph nodes (null where an input gets no gradient).
 * Contributions may be batched where the input is shared; {@link Differentiate} sums those over the batch.
 */
final class GradRules {
    private GradRules() {
    }

    static Node[] adjoints(Algebra al, Node y, Node g) {
        List<Node> in = y.inputs();
        Node a = in.isEmpty() ? null : in.get(0);
        Node b = in.size() > 1 ? in.get(1) : null;
        switch (y.op()) {
            case INPUT: case LABELS: case TARGET: case PARAM: case CONST:
                return new Node[0];
            case MAT_VEC: // y = W x: dW = sum_b g x^T, dx = W^T g
                return of(outerSum(al, g, b, a), al.op(Op.MAT_T_VEC, a, g));
            case MAT_T_VEC: // y = W^T h: dW = sum_b h g^T, dh = W g
                return of(outerSum(al, b, g, a), al.op(Op.MAT_VEC, a, g));
            case OUTER_SUM: // Y = sum_b u v^T: du = Y' v, dv = Y'^T u
                return of(al.op(Op.MAT_VEC, g, b), al.op(Op.MAT_T_VEC, g, a));
            case SUM_BATCH: // y = sum_b v_b: dv_b = g
                return of(g);
            case ADD: // d(a + b) = da + db
                return of(g, g);
            case SUB: // d(a - b) = da - db
                return of(g, al.neg(g));
            case MUL: // d(a b) = b da + a db
                return of(al.mul(g, b), al.mul(g, a));
            case DIV: // d(a / b) = da / b - a db / b^2
                return of(al.div(g, b), al.neg(al.div(al.mul(g, a), al.mul(b, b))));
            case NEG: // d(-a) = -da
                return of(al.neg(g));
            case STEP: // step is flat wherever it is differentiable
                return of((Node) null);
            case SLICE: // a row of the input, which needs no gradient
                return of((Node) null);
            case SOFTSIGN: // softsign'(a) = 1 / (1 + |a|)^2
                return of(al.mul(g, al.op(Op.SOFTSIGN_GRAD, a)));
            case SIGMOID: // sigmoid'(a) = y (1 - y)
                return of(al.mul(g, al.mul(y, al.sub(al.constant(1), y))));
            case RELU: // relu'(a) = step(a) = step(y): using y keeps a out of memory
                return of(al.mul(g, al.op(Op.STEP, y)));
            case LEAKY_RELU: { // leaky'(a) = a > 0 ? 1 : slope; y has a's sign when slope >= 0
                Node arg = y.attrs().value() >= 0 ? y : a;
                Node d = al.builder().add(Op.LEAKY_RELU_GRAD, List.of(arg), Attrs.value(y.attrs().value()),
                        Span.NONE);
                return of(al.mul(g, d));
            }
            case TANH: // tanh'(a) = 1 - y^2
                return of(al.mul(g, al.sub(al.constant(1), al.mul(y, y))));
            case EXP: // exp'(a) = y
                return of(al.mul(g, y));
            case LOG: // log'(a) = 1 / a
                return of(al.div(g, a));
            case FLATTEN: // a reshape: the same values flow back in the input's shape
                return of(al.builder().add(Op.UNFLATTEN, List.of(g), Attrs.shape(a.shape()), Span.NONE));
            case IM2COL: // every patch entry came from one pixel (or the zero padding): add it back there
                return of(al.builder().add(Op.COL2IM, List.of(g), Attrs.window(y.attrs().window(), a.shape()),
                        Span.NONE));
            case KERNEL_CHANNELS_LAST: // a permutation: its adjoint is the inverse permutation
                return of(al.op(Op.KERNEL_CHANNELS_FIRST, g));
            case MAXPOOL: // the window's maximum passes its gradient to the element it came from
                return of(al.builder().add(Op.MAXPOOL_GRAD, List.of(a, g), y.attrs(), Span.NONE));
            case AVGPOOL: // every element of a window contributes 1 / size^2
                return of(al.builder().add(Op.AVGPOOL_GRAD, List.of(g), Attrs.window(y.attrs().window(),
                        a.shape()), Span.NONE));
            case GLOBAL_AVGPOOL: // every pixel of a channel contributes 1 / (H*W) to its mean
                return of(al.builder().add(Op.GLOBAL_AVGPOOL_GRAD, List.of(g), Attrs.shape(a.shape()), Span.NONE));
            case CONCAT: // each operand gets back its own columns of every row
                return of(columns(al, g, 0, a), columns(al, g, a.shape().dim(0), b));
            case SOFTMAX: // da = y * (g - sum(g * y))
                return of(al.op(Op.SOFTMAX_GRAD, y, g));
            case DROPOUT: // linear in a once the mask is fixed: the same attrs (site, p) give the same mask
                return of(al.builder().add(Op.DROPOUT, List.of(g), y.attrs(), Span.NONE));
            case LAYERNORM: // da = s (g - mean(g) - y mean(g y)), recomputed from a per sample
                return of(al.op(Op.LAYERNORM_GRAD, a, g));
            case BATCHNORM: // training mode: the batch statistics depend on a; the running statistics get no gradient
                return of(al.op(Op.BATCHNORM_GRAD, a, g), null, null);
            case SOFTMAX_CROSS_ENTROPY: // d/dz = (softmax(z) - onehot(t)) / B
                return of(al.mul(g, al.op(Op.SOFTMAX_CROSS_ENTROPY_GRAD, a, b)), null);
            case CROSS_ENTROPY: // d/dp = -onehot(t) / (p B)
                return of(al.mul(g, al.op(Op.CROSS_ENTROPY_GRAD, a, b)), null);
            case SQUARED_ERROR: // d/dp = (p - t) / B
                return of(al.mul(g, al.op(Op.SQUARED_ERROR_GRAD, a, b)), null);
            case SIGMOID_BINARY_CROSS_ENTROPY: // d/dz = (sigmoid(z) - t) / B
                return of(al.mul(g, al.op(Op.SIGMOID_BINARY_CROSS_ENTROPY_GRAD, a, b)), null);
            case BINARY_CROSS_ENTROPY: // d/dp = (p - t) / (p (1 - p) B)
                return of(al.mul(g, al.op(Op.BINARY_CROSS_ENTROPY_GRAD, a, b)), null);
            case LAYERNORM_GRAD: case BATCHNORM_GRAD:
            case SOFTSIGN_GRAD: case LEAKY_RELU_GRAD: case SOFTMAX_GRAD: case UNFLATTEN: case COL2IM:
            case MAXPOOL_GRAD: case AVGPOOL_GRAD: case SUM_CHANNELS: case KERNEL_CHANNELS_FIRST:
            case GLOBAL_AVGPOOL_GRAD: case COLUMNS:
            case SOFTMAX_CROSS_ENTROPY_GRAD: case CROSS_ENTROPY_GRAD: case SQUARED_ERROR_GRAD:
            case SIGMOID_BINARY_CROSS_ENTROPY_GRAD: case BINARY_CROSS_ENTROPY_GRAD:
                throw new InternalCompilerError("Differentiate",
                        "second derivatives are not supported yet (" + y.op().printName() + " at " + y.ref() + ")");
            default:
                throw new AssertionError(y.op());
        }
    }

    /** {@code sum g x^T} in the shape of the matrix {@code w} it is the gradient of (a kernel [O, C, K, K]). */
    private static Node outerSum(Algebra al, Node g, Node x, Node w) {
        Attrs attrs = w.shape().rank() == 2 ? Attrs.NONE : Attrs.shape(w.shape());
        return al.builder().add(Op.OUTER_SUM, List.of(g, x), attrs, Span.NONE);
    }

    private static Node[] of(Node... adjoints) {
        return adjoints;
    }

    /** The columns of {@code g} that came from {@code part}, starting at column {@code from}. */
    private static Node columns(Algebra al, Node g, int from, Node part) {
        return al.builder().add(Op.COLUMNS, List.of(g), new Attrs("", from, null, part.shape()), Span.NONE);
    }
}
