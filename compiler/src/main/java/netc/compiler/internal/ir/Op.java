package netc.compiler.internal.ir;

import java.util.Locale;

/**
 * Every operation of the graph IR. Per-op knowledge lives in one switch per concern: shapes in {@link Shapes},
 * derivatives in {@code autodiff.GradRules}, reference semantics in {@code Interpreter}, code templates in the
 * emitter, so adding an op breaks every switch that forgot it.
 *
 * <p>Semantics are per sample unless said otherwise; {@code B} is the batch size, known only at run time.
 */
public enum Op {
    // Leaves
    /** The network input, one per sample. attrs.name = the user's name. */
    INPUT(0, Kind.LEAF),
    /** Class labels, one index per sample; shape {@code [classes]}. */
    LABELS(0, Kind.LEAF),
    /** A real-valued target vector per sample. */
    TARGET(0, Kind.LEAF),
    /** A trainable parameter, shared by all samples. attrs.name = the user's name. */
    PARAM(0, Kind.LEAF),
    /** A scalar constant, attrs.value. */
    CONST(0, Kind.LEAF),

    // Matrix products
    /**
     * {@code W x}: W [o, i] (shared), x [i] -> [o]. On an image x [i, H, W] it maps every pixel's channel vector
     * (a 1x1 convolution) -> [o, H, W]; then W may also be a kernel [o, C, K, K] with C*K*K = i.
     */
    MAT_VEC(2, Kind.MATRIX),
    /** {@code W^T g}: W [o, i] (shared), g [o] -> [i], per pixel for an image g [o, H, W]. Appears in gradients. */
    MAT_T_VEC(2, Kind.MATRIX),
    /**
     * {@code sum_b g_b x_b^T}: g [o], x [i] (both batched) -> [o, i] shared, summed over pixels too for images.
     * attrs.shape, if set, is the declared shape of the matrix (a kernel [o, C, K, K]). Appears in gradients.
     */
    OUTER_SUM(2, Kind.MATRIX),
    /** {@code sum_b v_b}: a batched value summed over the batch. Appears in gradients of shared values. */
    SUM_BATCH(1, Kind.REDUCE),

    // Images (per sample [C, H, W], stored channel-last: pixel rows of C values)
    /**
     * The patches of a convolution window: x [C, H, W] -> [K*K*C, H', W'], pixel (oh, ow) holding the window at
     * (oh*stride - pad, ow*stride - pad) in (kh, kw, c) order (channel-last, like the image), zeros outside it.
     * attrs.window. A convolution is {@code mat_vec (kernel_channels_last K) (im2col x)}: the kernel applied to
     * every patch.
     */
    IM2COL(1, Kind.SPATIAL),
    /** A kernel [O, C, K, K] (as declared) reordered to [O, K, K, C], the order of a patch. Shared. */
    KERNEL_CHANNELS_LAST(1, Kind.SPATIAL),
    /** The inverse reordering, [O, K, K, C] -> [O, C, K, K]: the adjoint of kernel_channels_last. Shared. */
    KERNEL_CHANNELS_FIRST(1, Kind.SPATIAL),
    /** The adjoint of im2col: every patch entry added back to its pixel. attrs.window, attrs.shape = x's shape. */
    COL2IM(1, Kind.SPATIAL),
    /** The maximum of each window: [C, H, W] -> [C, H', W']. attrs.window (pad 0). */
    MAXPOOL(1, Kind.SPATIAL),
    /** {@code maxpool_grad x g}: each window's g goes to the first maximal element of x in it. attrs.window. */
    MAXPOOL_GRAD(2, Kind.SPATIAL),
    /** The mean of each window: [C, H, W] -> [C, H', W']. attrs.window (pad 0). */
    AVGPOOL(1, Kind.SPATIAL),
    /** Each window's g / size^2 added to every element of it. attrs.window, attrs.shape = the input's shape. */
    AVGPOOL_GRAD(1, Kind.SPATIAL),
    /** {@code sum} over the batch and the pixels of an image: [C, H, W] -> [C], shared. Gradient of a channel bias. */
    SUM_CHANNELS(1, Kind.SPATIAL),
    /** The mean of each channel over the pixels: [C, H, W] -> [C] (torch's AdaptiveAvgPool2d(1) and a flatten). */
    GLOBAL_AVGPOOL(1, Kind.SPATIAL),
    /** g [C] / (H*W) written to every pixel: the adjoint of global_avgpool. attrs.shape = the image's shape. */
    GLOBAL_AVGPOOL_GRAD(1, Kind.SPATIAL),
    /**
     * {@code concat a b}: two vectors [n], [m] -> [n+m], or two images [C1, H, W], [C2, H, W] -> [C1+C2, H, W] along
     * the channels. Channel-last, both are the same operation: every row (a pixel's channels, or the vector) is a's
     * row followed by b's. Both operands batched.
     */
    CONCAT(2, Kind.SPATIAL),
    /**
     * Columns {@code [attrs.value, attrs.value + w)} of every row of x, where attrs.shape = the result's shape
     * [w] or [w, H, W]: a part of a concat, its adjoint.
     */
    COLUMNS(1, Kind.SPATIAL),

    // Elementwise (a scalar operand broadcasts; a shared operand broadcasts over the batch; a shared [C] operand
    // broadcasts over the pixels of a [C, H, W] image)
    /** The same values as a vector: [C, H, W] -> [C*H*W] in memory order (h, w, c). */
    FLATTEN(1, Kind.ELEMENTWISE),
    /** The same values in attrs.shape: the adjoint of flatten. */
    UNFLATTEN(1, Kind.ELEMENTWISE),
    ADD(2, Kind.ELEMENTWISE),
    SUB(2, Kind.ELEMENTWISE),
    MUL(2, Kind.ELEMENTWISE),
    DIV(2, Kind.ELEMENTWISE),
    NEG(1, Kind.ELEMENTWISE),
    /** {@code x > 0 ? 1 : 0}. */
    STEP(1, Kind.ELEMENTWISE),
    /** {@code x / (1 + |x|)}. */
    SOFTSIGN(1, Kind.ELEMENTWISE),
    SIGMOID(1, Kind.ELEMENTWISE),
    RELU(1, Kind.ELEMENTWISE),
    /** {@code x > 0 ? x : slope * x}, slope = attrs.value. */
    LEAKY_RELU(1, Kind.ELEMENTWISE),
    TANH(1, Kind.ELEMENTWISE),
    EXP(1, Kind.ELEMENTWISE),
    LOG(1, Kind.ELEMENTWISE),
    /** {@code 1 / (1 + |x|)^2}, the derivative of softsign. */
    SOFTSIGN_GRAD(1, Kind.ELEMENTWISE),
    /** {@code x > 0 ? 1 : slope}, the derivative of leaky ReLU, slope = attrs.value. */
    LEAKY_RELU_GRAD(1, Kind.ELEMENTWISE),

    // Row operations (over the elements of one sample)
    /** {@code exp(z_j - max z) / sum_k exp(z_k - max z)} over a vector. */
    SOFTMAX(1, Kind.ROW),
    /** {@code y * (g - sum(g * y))}, the gradient through softmax given its output y and upstream g. */
    SOFTMAX_GRAD(2, Kind.ROW),
    /**
     * Inverted dropout of any per-sample value: in training mode {@code x * mask / (1 - p)}, the mask drawn by
     * {@code netc.runtime.Dropout} from (seed, step, site, sample, element); in inference mode the identity.
     * attrs.value = p, attrs.name = the site (which dropout of the file, in decimal). Its gradient is the same op
     * (same attrs, so the same mask) applied to the upstream gradient.
     */
    DROPOUT(1, Kind.ROW),
    /** {@code (x - mean) / sqrt(var + 1e-5)} over all the values of one sample (biased variance). */
    LAYERNORM(1, Kind.ROW),
    /** {@code layernorm_grad x g = s (g - mean(g) - y mean(g y))}, y = layernorm(x), s = 1 / sqrt(var + eps). */
    LAYERNORM_GRAD(2, Kind.ROW),
    /**
     * {@code batchnorm x mean var}: x normalised per feature (a vector's element, an image's channel) over the
     * batch (and pixels): with the batch statistics in training mode, which also updates the running statistics
     * mean and var (non-trainable PARAM leaves [features]) in place; with mean and var in inference mode.
     */
    BATCHNORM(3, Kind.ROW),
    /** {@code batchnorm_grad x g = s (g - mean_B(g) - y mean_B(g y))} per feature, the training-mode gradient. */
    BATCHNORM_GRAD(2, Kind.ROW),

    // Recurrence
    /**
     * {@code xs[t]}: row t (attrs.value) of a sequence input {@code [T, D]} -> {@code [D]}. Elementwise in that
     * element j of the result is one element of the operand (j + t D); the input gets no gradient.
     */
    SLICE(1, Kind.ELEMENTWISE),

    // Losses: scalar results, the mean over the batch of a per-sample loss
    /** Fused softmax + cross-entropy on logits z: {@code logsumexp(z) - z[y]}. */
    SOFTMAX_CROSS_ENTROPY(2, Kind.LOSS),
    /** {@code -log p[y]} for probabilities p not produced by a softmax. */
    CROSS_ENTROPY(2, Kind.LOSS),
    /** {@code 0.5 * sum_j (p_j - t_j)^2}. */
    SQUARED_ERROR(2, Kind.LOSS),
    /** Fused sigmoid + binary cross-entropy on logits z: {@code sum_j max(z,0) - z t + log(1 + exp(-|z|))}. */
    SIGMOID_BINARY_CROSS_ENTROPY(2, Kind.LOSS),
    /** {@code -sum_j t log p + (1 - t) log(1 - p)} for probabilities p not produced by a sigmoid. */
    BINARY_CROSS_ENTROPY(2, Kind.LOSS),

    // Loss gradients: per sample, shape of the first operand, with the 1/B of the batch mean folded in
    /** {@code (softmax(z) - onehot(y)) / B}. */
    SOFTMAX_CROSS_ENTROPY_GRAD(2, Kind.LOSS_GRAD),
    /** {@code -onehot(y) / (p B)}. */
    CROSS_ENTROPY_GRAD(2, Kind.LOSS_GRAD),
    /** {@code (p - t) / B}. */
    SQUARED_ERROR_GRAD(2, Kind.LOSS_GRAD),
    /** {@code (sigmoid(z) - t) / B}. */
    SIGMOID_BINARY_CROSS_ENTROPY_GRAD(2, Kind.LOSS_GRAD),
    /** {@code (p - t) / (p (1 - p) B)}. */
    BINARY_CROSS_ENTROPY_GRAD(2, Kind.LOSS_GRAD);

    /** What sort of loop nest an op needs; fusion and the emitter group ops by kind. */
    public enum Kind { LEAF, MATRIX, REDUCE, ELEMENTWISE, ROW, LOSS, LOSS_GRAD, SPATIAL }

    private final int arity;
    private final Kind kind;

    Op(int arity, Kind kind) {
        this.arity = arity;
        this.kind = kind;
    }

    public int arity() {
        return arity;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isElementwise() {
        return kind == Kind.ELEMENTWISE;
    }

    /** Lower snake case, as dumps and gradient formulas print it: {@code mat_vec}, {@code relu}. */
    public String printName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
