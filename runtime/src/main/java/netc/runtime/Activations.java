package netc.runtime;

/**
 * Scalar activation functions and derivatives in float, called from generated elementwise loops.
 *
 * <p>They live here rather than inline in generated code so that an operand is evaluated once and each numerically
 * delicate formula is written once; HotSpot inlines these tiny static methods.
 */
public final class Activations {
    private Activations() {
    }

    /** {@code x > 0 ? 1 : 0}. */
    public static float step(float x) {
        return x > 0f ? 1f : 0f;
    }

    /**
     * {@code max(x, 0)}, and NaN for NaN, as PyTorch's {@code relu}: a NaN that arises before a ReLU (an overflow)
     * reaches the loss, where the trainer stops on it, instead of turning into a unit that is silently 0.
     */
    public static float relu(float x) {
        return x <= 0f ? 0f : x;
    }

    /** {@code x > 0 ? x : slope * x}. */
    public static float leakyRelu(float x, float slope) {
        return x > 0f ? x : slope * x;
    }

    /** {@code x > 0 ? 1 : slope}, the derivative of leaky ReLU. */
    public static float leakyReluGrad(float x, float slope) {
        return x > 0f ? 1f : slope;
    }

    /** {@code x / (1 + |x|)}. */
    public static float softsign(float x) {
        return x / (1f + Math.abs(x));
    }

    /** {@code 1 / (1 + |x|)^2}, the derivative of softsign. */
    public static float softsignGrad(float x) {
        float d = 1f + Math.abs(x);
        return 1f / (d * d);
    }

    /**
     * {@code 1 / (1 + exp(-x))}, written so that exp never overflows. This and the transcendental functions below are
     * {@link FloatMath}'s: the same bits on every JVM, so training is reproducible across JDKs (Math's may be JIT
     * intrinsics whose last bit differs between JDK versions).
     */
    public static float sigmoid(float x) {
        return FloatMath.sigmoid(x);
    }

    /** {@return the hyperbolic tangent of {@code x}} See {@link FloatMath#tanh}. */
    public static float tanh(float x) {
        return FloatMath.tanh(x);
    }

    /** {@return e to the power {@code x}} See {@link FloatMath#exp}. */
    public static float exp(float x) {
        return FloatMath.exp(x);
    }

    /** {@return the natural logarithm of {@code x}} See {@link FloatMath#log}. */
    public static float log(float x) {
        return FloatMath.log(x);
    }
}
