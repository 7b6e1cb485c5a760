package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.ir.Window;
import netc.compiler.internal.schedule.Buffer;
import netc.compiler.internal.schedule.Program;
import netc.compiler.internal.source.InternalCompilerError;

/**
 * The call of a {@code netc.runtime.SpatialOps} routine for an image op, over a range of rows that
 * {@link #rows(Node)} sizes: pixel rows for im2col (each builds its own patch), samples for the ops that scatter
 * into a whole image (col2im, pooling and its gradients), channels for the channel sum. Shapes and windows are
 * literals, so each call is as specific as an unrolled loop without being one.
 */
final class SpatialCalls {
    static final ClassName SPATIAL_OPS = ClassName.get("netc.runtime", "SpatialOps");

    private SpatialCalls() {
    }

    /**
     * col2im ({@code n}) of one sample, the first of its patches' array, into the image at {@code imageOffset}: the
     * call of a {@code Kernel.GemmCol2im}, whose patch gradient holds one sample; with {@code ownCol2im}, of the
     * class's own {@link VectorCol2im} method rather than {@code SpatialOps.col2imAdd}.
     */
    static CodeBlock col2imOfSample(Node n, Program p, CodeBlock imageOffset, boolean ownCol2im) {
        if (ownCol2im) {
            Buffer in = p.buffer(n.input(0));
            return CodeBlock.of("$L($L, $L, $L, $L)", VectorCol2im.methodName(n.id()),
                    ExpressionEmitter.ArrayNames.name(in), in.offset(), ExpressionEmitter.ArrayNames.name(p.buffer(n)),
                    imageOffset);
        }
        return col2im(n, p, imageOffset, CodeBlock.of("0, 1"));
    }

    /**
     * im2col ({@code n}) of the patch rows {@code range} into its array from {@code outOffset}: the call of a
     * {@code Kernel.Im2colGemm}, a sample's rows at a time.
     */
    static CodeBlock im2colRows(Node n, Program p, CodeBlock outOffset, CodeBlock range) {
        return im2col("im2col", n, p, outOffset, range);
    }

    /**
     * im2col ({@code n}) of the patch rows {@code range}, only the columns {@code columns} ({@code from, to}), into
     * its array from {@code outOffset}: the call of a {@code Kernel.Im2colGemmTn}, a sample's rows at a time.
     */
    static CodeBlock im2colColumns(Node n, Program p, CodeBlock outOffset, CodeBlock range, CodeBlock columns) {
        return im2col("im2colColumns", n, p, outOffset, CodeBlock.of("$L, $L", range, columns));
    }

    /** The call of {@code SpatialOps.<method>} for {@code n}: image and window, patches, then {@code tail}. */
    private static CodeBlock im2col(String method, Node n, Program p, CodeBlock outOffset, CodeBlock tail) {
        Node x = n.input(0);
        Buffer in = p.buffer(x);
        Shape s = x.shape();
        Window w = n.attrs().window();
        return CodeBlock.of("$T.$L($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", SPATIAL_OPS, method,
                ExpressionEmitter.ArrayNames.name(in), in.offset(), s.dim(0), s.dim(1), s.dim(2), w.size(),
                w.stride(), w.pad(), n.shape().dim(1), n.shape().dim(2), ExpressionEmitter.ArrayNames.name(p.buffer(n)),
                outOffset, tail);
    }

    private static CodeBlock col2im(Node n, Program p, CodeBlock outOffset, CodeBlock range) {
        Node x = n.input(0);
        Buffer in = p.buffer(x);
        Shape s = n.shape();
        Window w = n.attrs().window();
        return CodeBlock.of("$T.col2imAdd($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L)", SPATIAL_OPS,
                ExpressionEmitter.ArrayNames.name(in), in.offset(), s.dim(0), s.dim(1), s.dim(2), w.size(),
                w.stride(), w.pad(), x.shape().dim(1), x.shape().dim(2),
                ExpressionEmitter.ArrayNames.name(p.buffer(n)), outOffset, range);
    }

    /** The range a stage of {@code n} runs over. */
    static String rows(Node n) {
        switch (n.op()) {
            case IM2COL:
                return GemmCall.rows(n);
            case SUM_CHANNELS: case KERNEL_CHANNELS_LAST: case KERNEL_CHANNELS_FIRST:
                return String.valueOf(n.shape().dim(0));
            default:
                return "batch";
        }
    }

    /** The method a max pooling call (or its gradient's) names: the class's own, or {@code SpatialOps}'. */
    private static CodeBlock maxPool(boolean grad, Window w, boolean ownPooling) {
        return ownPooling && VectorPooling.covers(w.size())
                ? CodeBlock.of("$L", VectorPooling.methodName(grad, w.size()))
                : CodeBlock.of("$T.$L", SPATIAL_OPS, grad ? VectorPooling.MAX_POOL_GRAD : VectorPooling.MAX_POOL);
    }

    /**
     * The call for {@code n}; with {@code ownPooling}, max pooling and its gradient call the class's own
     * {@link VectorPooling} methods rather than {@code SpatialOps}'; with {@code transposed}, a kernel reordered for
     * a forward product is also written transposed ({@link GemmCall#onTransposedKernel}).
     */
    static CodeBlock call(Node n, Program p, boolean ownPooling, boolean transposed) {
        Node x = n.input(0);
        if (n.op() == Op.KERNEL_CHANNELS_LAST && transposed) {
            Buffer in = p.buffer(x);
            Buffer out = p.buffer(n);
            Shape s = x.shape(); // [O, C, K, K]
            return CodeBlock.of("$T.kernelChannelsLastAndTransposed($L, $L, $L, $L, $L, $L, $L, $L, 0, lo, hi)",
                    SPATIAL_OPS, ExpressionEmitter.ArrayNames.name(in), in.offset(), s.dim(1), s.dim(2), s.dim(0),
                    ExpressionEmitter.ArrayNames.name(out), out.offset(), GemmCall.transposedKernel(n));
        }
        if (n.op() == Op.KERNEL_CHANNELS_LAST || n.op() == Op.KERNEL_CHANNELS_FIRST) {
            Buffer in = p.buffer(x);
            Buffer out = p.buffer(n);
            Shape s = n.op() == Op.KERNEL_CHANNELS_LAST ? x.shape() : n.shape(); // [O, C, K, K]
            return CodeBlock.of("$T.$L($L, $L, $L, $L, $L, $L, lo, hi)", SPATIAL_OPS,
                    n.op() == Op.KERNEL_CHANNELS_LAST ? "kernelChannelsLast" : "kernelChannelsFirst",
                    ExpressionEmitter.ArrayNames.name(in), in.offset(), s.dim(1), s.dim(2),
                    ExpressionEmitter.ArrayNames.name(out), out.offset());
        }
        if (!x.batched() && n.op() != Op.SUM_CHANNELS) {
            throw new InternalCompilerError("SpatialCalls", n.op().printName() + " of a shared value is not supported"
                    + " yet: " + n);
        }
        Buffer in = p.buffer(x);
        Buffer out = p.buffer(n);
        String inName = ExpressionEmitter.ArrayNames.name(in);
        String outName = ExpressionEmitter.ArrayNames.name(out);
        Window w = n.attrs().window();
        switch (n.op()) {
            case IM2COL:
                return im2colRows(n, p, CodeBlock.of("$L", out.offset()), CodeBlock.of("lo, hi"));
            case COL2IM:
                return col2im(n, p, CodeBlock.of("$L", out.offset()), CodeBlock.of("lo, hi"));
            case MAXPOOL: case AVGPOOL: {
                Shape s = x.shape();
                return CodeBlock.of("$L($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, lo, hi)",
                        n.op() == Op.MAXPOOL ? maxPool(false, w, ownPooling) : CodeBlock.of("$T.avgPool", SPATIAL_OPS),
                        inName, in.offset(), s.dim(0), s.dim(1), s.dim(2), w.size(), w.stride(), n.shape().dim(1),
                        n.shape().dim(2), outName, out.offset());
            }
            case MAXPOOL_GRAD: {
                Shape s = x.shape();
                Node g = n.input(1);
                Buffer gb = p.buffer(g);
                return CodeBlock.of("$L($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, lo, hi)",
                        maxPool(true, w, ownPooling), inName, in.offset(), ExpressionEmitter.ArrayNames.name(gb),
                        gb.offset(), s.dim(0), s.dim(1), s.dim(2), w.size(), w.stride(), g.shape().dim(1),
                        g.shape().dim(2), outName, out.offset());
            }
            case AVGPOOL_GRAD: {
                Shape s = n.shape();
                return CodeBlock.of("$T.avgPoolGrad($L, $L, $L, $L, $L, $L, $L, $L, $L, $L, $L, lo, hi)",
                        SPATIAL_OPS, inName, in.offset(), s.dim(0), s.dim(1), s.dim(2), w.size(), w.stride(),
                        x.shape().dim(1), x.shape().dim(2), outName, out.offset());
            }
            case SUM_CHANNELS: {
                Shape s = x.shape();
                // A shared image (a shared [C] times a shared [C, H, W]) is one sample, whatever the batch.
                return CodeBlock.of("$T.sumChannels($L, $L, $L, $L, $L, $L, $L, lo, hi)", SPATIAL_OPS, inName,
                        in.offset(), s.dim(0), s.rowsPerSample(), x.batched() ? "batch" : "1", outName,
                        out.offset());
            }
            case GLOBAL_AVGPOOL: {
                Shape s = x.shape();
                return CodeBlock.of("$T.globalAvgPool($L, $L, $L, $L, $L, $L, lo, hi)", SPATIAL_OPS, inName,
                        in.offset(), s.dim(0), s.rowsPerSample(), outName, out.offset());
            }
            case GLOBAL_AVGPOOL_GRAD: {
                Shape s = n.shape();
                return CodeBlock.of("$T.globalAvgPoolGrad($L, $L, $L, $L, $L, $L, lo, hi)", SPATIAL_OPS, inName,
                        in.offset(), s.dim(0), s.rowsPerSample(), outName, out.offset());
            }
            case CONCAT: {
                Node b = n.input(1);
                Buffer bb = p.buffer(b);
                if (!b.batched()) {
                    throw new InternalCompilerError("SpatialCalls", "concat of a shared value: " + n);
                }
                return CodeBlock.of("$T.concatColumns($L, $L, $L, $L, $L, $L, $L, $L, $L, lo, hi)", SPATIAL_OPS,
                        inName, in.offset(), x.shape().dim(0), ExpressionEmitter.ArrayNames.name(bb), bb.offset(),
                        b.shape().dim(0), n.shape().rowsPerSample(), outName, out.offset());
            }
            case COLUMNS: {
                return CodeBlock.of("$T.columns($L, $L, $L, $L, $L, $L, $L, $L, lo, hi)", SPATIAL_OPS, inName,
                        in.offset(), x.shape().dim(0), (int) n.attrs().value(), n.shape().dim(0),
                        n.shape().rowsPerSample(), outName, out.offset());
            }
            default:
                throw new InternalCompilerError("SpatialCalls", "not an image op: " + n);
        }
    }
}
