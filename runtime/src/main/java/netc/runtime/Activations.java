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

    /** {@code max(x, 0)}. */
    public static float relu(float x) {
        return x > 0f ? x : 0f;
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
     * {@code 1 / (1 + exp(-x))}, written so that exp never overflows: for x < 0 it uses {@code exp(x) / (1 + exp(x))}
     * (exp(-x) would overflow float below about -88).
     */
    public static float sigmoid(float x) {
        if (x >= 0f) {
            return (float) (1.0 / (1.0 + Math.exp(-x)));
        }
        double e = Math.exp(x);
        return (float) (e / (1.0 + e));
    }

    public static float tanh(float x) {
        return (float) Math.tanh(x);
    }

    public static float exp(float x) {
        return (float) Math.exp(x);
    }

    public static float log(float x) {
        return (float) Math.log(x);
    }
}
