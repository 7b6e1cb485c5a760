package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.schedule.Buffer;
import netc.compiler.internal.schedule.Program;
import netc.compiler.internal.source.InternalCompilerError;

/** The call of a {@code netc.runtime.RowOps} routine that computes one row, reduce or loss node over rows lo..hi. */
final class RowCalls {
    private static final ClassName DROPOUT_OPS = ClassName.get("netc.runtime", "Dropout");
    private static final ClassName LAYER_NORM = ClassName.get("netc.runtime", "LayerNorm");
    private static final ClassName BATCH_NORM = ClassName.get("netc.runtime", "BatchNorm");

    /** Batch norm and its gradient: their range is features (an image's channels), each over the whole batch. */
    static boolean perFeature(Op op) {
        return op == Op.BATCHNORM || op == Op.BATCHNORM_GRAD;
    }

    /** Ops that work sample by sample over any per-sample shape: their range is samples, also for an image. */
    static boolean perSample(Op op) {
        return op == Op.DROPOUT || op == Op.LAYERNORM || op == Op.LAYERNORM_GRAD;
    }

    private RowCalls() {
    }

    static CodeBlock call(Node n, Program p) {
        Node a = n.input(0);
        Buffer in = p.buffer(a);
        Buffer out = p.buffer(n);
        int size = a.shape().size();
        String inName = ExpressionEmitter.ArrayNames.name(in);
        String outName = ExpressionEmitter.ArrayNames.name(out);
        if (n.inputs().size() > 0 && !a.batched() && n.op() != Op.SUM_BATCH) {
            throw new InternalCompilerError("RowCalls", n.op().printName() + " of a shared value is not supported yet");
        }
        switch (n.op()) {
            case SUM_BATCH:
                if (!a.batched()) {
                    throw new InternalCompilerError("RowCalls", "sum over the batch of a shared value: " + n);
                }
                return CodeBlock.of("$T.sumBatch($L, $L, $L, $L, $L, batch, lo, hi)", ClassEmitter.ROW_OPS, inName,
                        in.offset(), outName, out.offset(), size);
            case SOFTMAX:
                return CodeBlock.of("$T.softmax($L, $L, $L, $L, $L, lo, hi)", ClassEmitter.ROW_OPS, inName,
                        in.offset(), outName, out.offset(), size);
            case SOFTMAX_GRAD: {
                Buffer g = p.buffer(n.input(1));
                return CodeBlock.of("$T.softmaxGrad($L, $L, $L, $L, $L, $L, $L, lo, hi)", ClassEmitter.ROW_OPS,
                        inName, in.offset(), ExpressionEmitter.ArrayNames.name(g), g.offset(), outName, out.offset(),
                        size);
            }
            case DROPOUT:
                // "training", "seed", "step" and "positions" are fields of a class with dropout
                // (ClassEmitter.addModeFields)
                return CodeBlock.of("$T.apply($L, $L, $L, $L, $L, $L, training, $T.key(seed, step, $L), positions, "
                        + "lo, hi)",
                        DROPOUT_OPS, inName, in.offset(), outName, out.offset(), size,
                        JavaLiterals.doubleLiteral(n.attrs().value()), DROPOUT_OPS,
                        Integer.parseInt(n.attrs().name()));
            case BATCHNORM: {
                Buffer mean = p.buffer(n.input(1));
                Buffer var = p.buffer(n.input(2));
                String rows = GemmCall.rows(a);
                int features = a.shape().rowWidth();
                if (!ExpressionEmitter.ArrayNames.name(mean).equals(ExpressionEmitter.ArrayNames.name(var))) {
                    throw new InternalCompilerError("RowCalls", "batchnorm statistics in two arrays: " + n);
                }
                // "training" is a field of a class with modes (ClassEmitter.addModeFields)
                return CodeBlock.of("if (training) $T.train($L, $L, $L, $L, batch, $L, $L, $L, $L, $L, lo, hi); "
                        + "else $T.infer($L, $L, $L, $L, $L, $L, $L, $L, $L, lo, hi)",
                        BATCH_NORM, inName, in.offset(), outName, out.offset(), rows, features,
                        ExpressionEmitter.ArrayNames.name(mean), mean.offset(), var.offset(),
                        BATCH_NORM, inName, in.offset(), outName, out.offset(), rows, features,
                        ExpressionEmitter.ArrayNames.name(mean), mean.offset(), var.offset());
            }
            case BATCHNORM_GRAD: {
                Buffer g = p.buffer(n.input(1));
                return CodeBlock.of("$T.backward($L, $L, $L, $L, $L, $L, $L, $L, lo, hi)", BATCH_NORM, inName,
                        in.offset(), ExpressionEmitter.ArrayNames.name(g), g.offset(), outName, out.offset(),
                        GemmCall.rows(a), a.shape().rowWidth());
            }
            case LAYERNORM:
                return CodeBlock.of("$T.forward($L, $L, $L, $L, $L, lo, hi)", LAYER_NORM, inName, in.offset(), outName,
                        out.offset(), size);
            case LAYERNORM_GRAD: {
                Buffer g = p.buffer(n.input(1));
                return CodeBlock.of("$T.backward($L, $L, $L, $L, $L, $L, $L, lo, hi)", LAYER_NORM, inName,
                        in.offset(), ExpressionEmitter.ArrayNames.name(g), g.offset(), outName, out.offset(), size);
            }
            case SOFTMAX_CROSS_ENTROPY:
                return CodeBlock.of("$T.softmaxCrossEntropy($L, $L, y, $L, lossRows, lo, hi)", ClassEmitter.ROW_OPS,
                        inName, in.offset(), size);
            case CROSS_ENTROPY:
                return CodeBlock.of("$T.crossEntropy($L, $L, y, $L, lossRows, lo, hi)", ClassEmitter.ROW_OPS,
                        inName, in.offset(), size);
            case SQUARED_ERROR:
                return CodeBlock.of("$T.squaredError($L, $L, y, $L, lossRows, lo, hi)", ClassEmitter.ROW_OPS,
                        inName, in.offset(), size);
            case SIGMOID_BINARY_CROSS_ENTROPY:
                return CodeBlock.of("$T.sigmoidBinaryCrossEntropy($L, $L, y, $L, $L, lossRows, lo, hi)",
                        ClassEmitter.ROW_OPS, inName, in.offset(), labels(n), size);
            case BINARY_CROSS_ENTROPY:
                return CodeBlock.of("$T.binaryCrossEntropy($L, $L, y, $L, $L, lossRows, lo, hi)",
                        ClassEmitter.ROW_OPS, inName, in.offset(), labels(n), size);
            case SOFTMAX_CROSS_ENTROPY_GRAD:
                return gradCall("softmaxCrossEntropyGrad", "", inName, in, outName, out, size);
            case CROSS_ENTROPY_GRAD:
                return gradCall("crossEntropyGrad", "", inName, in, outName, out, size);
            case SQUARED_ERROR_GRAD:
                return gradCall("squaredErrorGrad", "", inName, in, outName, out, size);
            case SIGMOID_BINARY_CROSS_ENTROPY_GRAD:
                return gradCall("sigmoidBinaryCrossEntropyGrad", labels(n) + ", ", inName, in, outName, out, size);
            case BINARY_CROSS_ENTROPY_GRAD:
                return gradCall("binaryCrossEntropyGrad", labels(n) + ", ", inName, in, outName, out, size);
            default:
                throw new InternalCompilerError("RowCalls", "not a row op: " + n);
        }
    }

    private static String labels(Node loss) {
        return String.valueOf(loss.input(1).op() == Op.LABELS);
    }

    private static CodeBlock gradCall(String method, String flag, String inName, Buffer in, String outName, Buffer out,
                                      int size) {
        return CodeBlock.of("$T.$L($L, $L, y, $L$L, $L, $L, batch, lo, hi)", ClassEmitter.ROW_OPS, method, inName,
                in.offset(), flag, outName, out.offset(), size);
    }
}
