package netc.runtime.train;

/**
 * Weight decay, the way PyTorch's optimizers apply their {@code weight_decay}: decoupled for {@link Adam} (as
 * {@code torch.optim.AdamW}: before the Adam update, {@code w -= lr_t * wd * w} with {@code lr_t} the scheduled
 * rate of the step), and an L2 penalty for every other optimizer (as {@code torch.optim.SGD(weight_decay=)}:
 * {@code g += wd * w} before the step, which momentum then accumulates). Every parameter is decayed, biases
 * included, as PyTorch does by default.
 *
 * <p>Decoupled for Adam because L2 inside Adam is divided by the root of the second moment, so weights with large
 * gradients would be decayed less; AdamW (Loshchilov and Hutter) decays every weight at the same rate.
 */
final class WeightDecay {

    private WeightDecay() {
    }

    /**
     * Applies decay {@code wd} before {@code optimizer} steps with rate factor {@code factor} (already set on it) to
     * the parameters before {@code end}. Changes {@code params} (Adam) or {@code grad} (others) in place.
     *
     * @param end where the trained parameters end: the state after them (a batch norm's running statistics, see
     *            {@link netc.runtime.ParamSpec#isState()}) is not a weight and never decays
     */
    static void apply(Optimizer optimizer, float[] params, float[] grad, double wd, double factor, int end) {
        if (optimizer instanceof Adam adam) {
            // The rate as Adam computes it (float lr times float factor), then 1 - rate * wd as PyTorch's mul_.
            float rate = adam.learningRate() * (float) factor;
            float keep = (float) (1 - (double) rate * wd);
            for (int i = 0; i < end; i++) {
                params[i] *= keep;
            }
        } else {
            float w = (float) wd;
            for (int i = 0; i < end; i++) {
                grad[i] += w * params[i];
            }
        }
    }
}
