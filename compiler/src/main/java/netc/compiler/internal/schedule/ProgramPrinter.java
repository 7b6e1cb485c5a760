package netc.compiler.internal.schedule;

import netc.compiler.internal.ir.IrPrinter;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;

/**
 * The text form of a scheduled program ({@code --dump=fused}): one kernel per line with the IR formula it computes,
 * inlined operands expanded, and where its result is stored.
 *
 * <pre>
 *   gemm         %7 = relu(add(mat_vec(%1, %0), %2))         -> scratch t7 [512]xB
 *   row          %10 = softmax(%9)                            -> scratch t10 [10]xB
 *   gemm+col2im  %26 = col2im(%24)                            -> scratch [2, 6, 6]xB, a sample at a time from
 *                %24 = mat_t_vec(%9, %22) -> per_thread [18, 6, 6]         (one line)
 * </pre>
 */
public final class ProgramPrinter {
    private ProgramPrinter() {
    }

    public static String print(String title, Program p) {
        StringBuilder sb = new StringBuilder("program ").append(title).append('\n');
        for (Kernel k : p.kernels()) {
            String kind = k instanceof Kernel.Gemm ? "gemm" : k instanceof Kernel.Elementwise ? "elementwise"
                    : k instanceof Kernel.Row ? "row" : k instanceof Kernel.GemmCol2im ? "gemm+col2im"
                    : k instanceof Kernel.Im2colGemm ? "im2col+gemm"
                    : k instanceof Kernel.Im2colGemmTn ? "im2col+gemm-tn" : "copy";
            StringBuilder line = new StringBuilder("  ").append(kind);
            pad(line, 15);
            Node r = k.result();
            if (k instanceof Kernel.Copy c) {
                line.append("grad slice of ").append(r.ref()).append(" -> grads@").append(c.gradOffset());
            } else {
                line.append(r.ref()).append(" = ").append(formula(r, p, true));
                pad(line, 60);
                Buffer b = p.buffer(r);
                line.append("-> ").append(b.home().name().toLowerCase(java.util.Locale.ROOT));
                if (b.home() == Buffer.Home.PARAMS || b.home() == Buffer.Home.GRADS) {
                    line.append('@').append(b.offset());
                }
                line.append(' ').append(r.shape()).append(r.batched() ? "xB" : "");
                Node perSample = perSampleOperand(k);
                if (perSample != null) {
                    line.append(", a sample at a time from ").append(perSample.ref()).append(" = ")
                            .append(formula(perSample, p, true)).append(" -> per_thread ").append(perSample.shape());
                }
            }
            sb.append(line).append('\n');
        }
        return sb.toString();
    }

    /**
     * The value a kernel that runs a sample at a time keeps one sample of per thread: the product of a
     * {@link Kernel.GemmCol2im}, the patches of a {@link Kernel.Im2colGemm} or {@link Kernel.Im2colGemmTn}; null for
     * other kernels.
     */
    public static Node perSampleOperand(Kernel k) {
        if (k instanceof Kernel.GemmCol2im f) {
            return f.gemm().product();
        }
        if (k instanceof Kernel.Im2colGemmTn f) {
            return f.im2col().result();
        }
        return k instanceof Kernel.Im2colGemm f ? f.im2col().result() : null;
    }

    /** The formula of {@code n} with inlined operands expanded; stored ones are written as {@code %id}. */
    public static String formula(Node n, Program p, boolean top) {
        if (!top && (!p.isInlined(n) || n.op().kind() == Op.Kind.LEAF)) {
            return n.op() == Op.CONST ? IrPrinter.formatNumber(n.attrs().value()) : n.ref();
        }
        if (n.op() == Op.SLICE) {
            return formula(n.input(0), p, false) + "[" + IrPrinter.formatNumber(n.attrs().value()) + "]";
        }
        StringBuilder sb = new StringBuilder(n.op().printName()).append('(');
        for (int i = 0; i < n.inputs().size(); i++) {
            sb.append(i > 0 ? ", " : "").append(formula(n.input(i), p, false));
        }
        return sb.append(')').toString();
    }

    private static void pad(StringBuilder sb, int column) {
        do {
            sb.append(' ');
        } while (sb.length() < column);
    }
}
