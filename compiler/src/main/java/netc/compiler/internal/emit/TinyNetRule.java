package netc.compiler.internal.emit;

import java.util.EnumSet;
import java.util.Set;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;

/**
 * Which networks {@link UnrolledEmitter} spells as straight-line per-sample code instead of tiled kernels.
 *
 * <p>The rule: every value is a scalar or a vector (no image, convolution, pooling or sequence), every op is a dense
 * one the unrolled form knows (matrix-vector products, elementwise functions, softmax, the losses and their
 * gradients: no dropout, normalisation or other mode-dependent op), the network has at most {@link #MAX_PARAMS}
 * parameters and {@link #MAX_NODES} values, and the unrolled methods are estimated to stay under {@link #MAX_METHOD_BYTES} bytes of bytecode
 * (see {@link UnrolledEmitter#estimatedBytes}), well below HotSpot's 8,000-byte limit for compiling a method.
 * Past that, tiles pay: a dot product of hundreds of terms spelt out is no faster than a loop, and the source stops
 * being readable. Everything else gets the tiled class.
 */
public final class TinyNetRule {
    /** The most parameters (weights and biases) of a network spelt out element by element. */
    public static final int MAX_PARAMS = 256;
    /**
     * The most bytecode the estimate allows for the largest unrolled method ({@code lossAndGradient}). The JIT does
     * not compile methods past 8,000 bytes; the estimate runs 1.4 to 1.5 times over what javac and Janino really
     * emit for methods of this size (measured on dense nets of 47 to 303 parameters: estimate 8,898, javac 6,181,
     * Janino 6,198 bytes), so a method at this limit is about 5,500 bytes.
     */
    public static final int MAX_METHOD_BYTES = 8_000;
    /**
     * The most values (nodes) of the differentiated graph. {@link UnrolledProgram} spells an expression by recursion
     * over its inputs, so a long chain of bindings needs a deep stack: a chain of 1,000 bindings of one-element
     * vectors (small enough for the byte estimate) overflowed a 1 MB thread stack. Tiny nets worth unrolling have a
     * few dozen values (xor, logistic regression); longer chains take the tiled class, which has no such recursion.
     */
    public static final int MAX_NODES = 256;

    private static final Set<Op> SUPPORTED = EnumSet.of(Op.INPUT, Op.LABELS, Op.TARGET, Op.PARAM, Op.CONST,
            Op.MAT_VEC, Op.MAT_T_VEC, Op.OUTER_SUM, Op.SUM_BATCH,
            Op.ADD, Op.SUB, Op.MUL, Op.DIV, Op.NEG, Op.STEP, Op.SOFTSIGN, Op.SIGMOID, Op.RELU, Op.LEAKY_RELU,
            Op.TANH, Op.EXP, Op.LOG, Op.SOFTSIGN_GRAD, Op.LEAKY_RELU_GRAD, Op.FLATTEN, Op.UNFLATTEN,
            Op.SOFTMAX, Op.SOFTMAX_GRAD,
            Op.SOFTMAX_CROSS_ENTROPY, Op.CROSS_ENTROPY, Op.SQUARED_ERROR, Op.SIGMOID_BINARY_CROSS_ENTROPY,
            Op.BINARY_CROSS_ENTROPY,
            Op.SOFTMAX_CROSS_ENTROPY_GRAD, Op.CROSS_ENTROPY_GRAD, Op.SQUARED_ERROR_GRAD,
            Op.SIGMOID_BINARY_CROSS_ENTROPY_GRAD, Op.BINARY_CROSS_ENTROPY_GRAD);

    private TinyNetRule() {
    }

    /**
     * Whether the ops and shapes of a differentiated graph allow the unrolled form (the size estimate is checked by
     * {@link UnrolledEmitter} once it has spelt the methods).
     */
    public static boolean shapeAllows(Graph differentiated) {
        if (differentiated.nodes().size() > MAX_NODES) {
            return false;
        }
        long params = 0;
        for (Node n : differentiated.nodes()) {
            if (!SUPPORTED.contains(n.op()) || n.shape().rank() > 2) {
                return false;
            }
            if (n.shape().rank() == 2 && n.op() != Op.PARAM && n.op() != Op.OUTER_SUM) {
                return false;
            }
            if (n.op() == Op.PARAM) {
                params += n.shape().size();
            }
            if (n.op() == Op.OUTER_SUM && !n.input(0).batched() && !n.input(1).batched()) {
                return false;
            }
        }
        Node output = differentiated.output(Graph.OUTPUT);
        return params <= MAX_PARAMS && output.batched();
    }
}
