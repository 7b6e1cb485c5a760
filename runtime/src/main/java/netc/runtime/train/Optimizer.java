package netc.runtime.train;

/**
 * Updates a parameter vector from its gradient, one mini-batch at a time.
 *
 * <p>State (momentum, Adam moments) lives in arrays at the same offsets as the parameters, created on the first
 * step; an instance therefore serves one parameter vector for its whole life and is not thread-safe.
 */
public interface Optimizer {

    /**
     * Applies one update to {@code params} in place.
     *
     * @param grad the gradient of the mean mini-batch loss, same length as {@code params}
     */
    void step(float[] params, float[] grad);

    /**
     * Scales the learning rate of the following steps by {@code factor} (relative to the rate given at
     * construction, not cumulative); a {@link LearningRateSchedule} calls it before every step.
     */
    void setRateFactor(double factor);

    /** A short name for logs and messages, e.g. {@code adam}. */
    String name();
}
