package netc.compiler.emit;

import netc.compiler.ir.Node;
import netc.compiler.schedule.Buffer;
import netc.compiler.schedule.Kernel;
import netc.compiler.schedule.Program;
import netc.compiler.source.InternalCompilerError;

/**
 * How a matrix-product node maps onto a kernel form and its operands: {@code W x} is NT (A = x, B = W as declared),
 * {@code W^T g} is NN (A = g, B = W), and {@code sum_b g x^T} is TN (A = g read transposed, B = x).
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
                return new GemmCall(GemmSpec.Form.NT, 0, left.shape().dim(0), left.shape().dim(1),
                        name(x), x.offset(), name(w), w.offset(), c, out.offset(), right.batched() ? "batch" : "1");
            }
            case MAT_T_VEC: {
                Buffer w = p.buffer(left);
                Buffer g = p.buffer(right);
                return new GemmCall(GemmSpec.Form.NN, 0, left.shape().dim(1), left.shape().dim(0),
                        name(g), g.offset(), name(w), w.offset(), c, out.offset(), right.batched() ? "batch" : "1");
            }
            case OUTER_SUM: {
                Buffer g = p.buffer(left);
                Buffer x = p.buffer(right);
                if (left.batched() != right.batched()) {
                    throw new InternalCompilerError("GemmCall", "outer product of a batched and a shared vector is"
                            + " not supported yet: " + product);
                }
                return new GemmCall(GemmSpec.Form.TN, left.shape().dim(0), right.shape().dim(0), 0,
                        name(g), g.offset(), name(x), x.offset(), c, out.offset(), left.batched() ? "batch" : "1");
            }
            default:
                throw new InternalCompilerError("GemmCall", "not a matrix product: " + product);
        }
    }

    private static String name(Buffer b) {
        return ExpressionEmitter.ArrayNames.name(b);
    }
}
