package netc.compiler.internal.emit;

import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.schedule.Buffer;
import netc.compiler.internal.schedule.Kernel;
import netc.compiler.internal.schedule.Program;
import netc.compiler.internal.source.InternalCompilerError;

/**
 * How a matrix-product node maps onto a kernel form and its operands: {@code W x} is NT (A = x, B = W as declared),
 * {@code W^T g} is NN (A = g, B = W), and {@code sum_b g x^T} is TN (A = g read transposed, B = x). On images the
 * rows are pixels ({@code batch * H * W} of them, channel-last); a kernel [O, C, K, K] is the matrix [O, C*K*K] it is
 * stored as, and a convolution's forward product over its patches is NN on that matrix transposed
 * ({@link #onTransposedKernel}).
 */
record GemmCall(GemmSpec.Form form, int m, int n, int k, String a, int aOff, String b, int bOff, String c, int cOff,
                String batchArg) {

    static GemmCall of(Kernel.Gemm gemm, Program p) {
        Node product = gemm.product();
        Node left = product.input(0);
        Node right = product.input(1);
        Buffer out = p.buffer(gemm.result());
        String c = ExpressionEmitter.ArrayNames.name(out);
        switch (product.op()) {
            case MAT_VEC: {
                Buffer w = p.buffer(left);
                Buffer x = p.buffer(right);
                if (onTransposedKernel(product)) {
                    return new GemmCall(GemmSpec.Form.NN, 0, left.shape().dim(0), columns(left), name(x),
                            x.offset(), transposedKernel(left), 0, c, out.offset(), rows(right));
                }
                if (p.readsTransposed(left)) {
                    // W^T [in][out] laid out for inference (InferenceParams): NN, each element an fma chain in k
                    // order; B's offset is the one in the region of transposed weights
                    return new GemmCall(GemmSpec.Form.NN, 0, left.shape().dim(0), columns(left), name(x),
                            x.offset(), name(w), p.transposedOffset(left), c, out.offset(), rows(right));
                }
                return new GemmCall(GemmSpec.Form.NT, 0, left.shape().dim(0), columns(left),
                        name(x), x.offset(), name(w), w.offset(), c, out.offset(), rows(right));
            }
            case MAT_T_VEC: {
                Buffer w = p.buffer(left);
                Buffer g = p.buffer(right);
                return new GemmCall(GemmSpec.Form.NN, 0, columns(left), left.shape().dim(0),
                        name(g), g.offset(), name(w), w.offset(), c, out.offset(), rows(right));
            }
            case OUTER_SUM: {
                Buffer g = p.buffer(left);
                Buffer x = p.buffer(right);
                if (left.batched() != right.batched()) {
                    throw new InternalCompilerError("GemmCall", "outer product of a batched and a shared vector is"
                            + " not supported yet: " + product);
                }
                return new GemmCall(GemmSpec.Form.TN, left.shape().dim(0), right.shape().dim(0), 0,
                        name(g), g.offset(), name(x), x.offset(), c, out.offset(), rows(left));
            }
            default:
                throw new InternalCompilerError("GemmCall", "not a matrix product: " + product);
        }
    }

    /**
     * Whether {@code product} is a convolution's forward product, patches times the reordered kernel matrix, which
     * runs as NN on that matrix transposed ({@link #transposedKernel}, written with it by
     * {@code SpatialOps.kernelChannelsLastAndTransposed}). The NT kernel takes dot products, 16 partial sums per
     * element added in a tree; NN broadcasts a patch element and streams rows of the transposed kernel, without the
     * reductions: one sample's product of the convnet's second layer (196 x 64 x 800, KernelAB, 1 thread) ran at
     * 98.5 and 104.3 GFLOP/s as NN against 86.1 and 89.4 as NT (2026-12-03).
     */
    static boolean onTransposedKernel(Node product) {
        return product.op() == Op.MAT_VEC && product.input(1).op() == Op.IM2COL
                && product.input(0).op() == Op.KERNEL_CHANNELS_LAST && !product.input(0).batched();
    }

    /** The array holding the transpose of the reordered kernel matrix {@code kernelRows}, a field of the class. */
    static String transposedKernel(Node kernelRows) {
        return "t" + kernelRows.id() + "T";
    }

    /** The run-time row count of a batched operand: samples, or pixels of all samples for an image. */
    static String rows(Node operand) {
        int perSample = operand.shape().rowsPerSample();
        if (!operand.batched()) {
            return String.valueOf(perSample);
        }
        return perSample == 1 ? "batch" : "batch * " + perSample;
    }

    /** Columns of a matrix, or of the matrix a kernel [O, C, K, K] is stored as. */
    private static int columns(Node matrix) {
        return matrix.shape().size() / matrix.shape().dim(0);
    }

    private static String name(Buffer b) {
        return ExpressionEmitter.ArrayNames.name(b);
    }
}
