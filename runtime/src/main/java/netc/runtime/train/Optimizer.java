package netc.runtime.train;

import netc.runtime.InputException;
import netc.runtime.Parallel;

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
     * Applies one update like {@link #step(float[], float[])}, with the work split over {@code pool}'s threads; the
     * result is bitwise the same for every pool. The default runs {@link #step(float[], float[])} on the calling
     * thread; the built-in optimizers update each element from its own gradient and state, and split the vector.
     *
     * @param grad the gradient of the mean mini-batch loss, same length as {@code params}
     * @param pool the threads to use (not used concurrently by anything else during the call)
     */
    default void step(float[] params, float[] grad, Parallel pool) {
        step(params, grad);
    }

    /**
     * Scales the learning rate of the following steps by {@code factor} (relative to the rate given at
     * construction, not cumulative); a {@link LearningRateSchedule} calls it before every step.
     */
    void setRateFactor(double factor);

    /** A short name for logs and messages, e.g. {@code adam}. */
    String name();

    /**
     * A copy of the state accumulated by the steps so far, for a checkpoint; {@link OptimizerState#NONE} for an
     * optimizer that keeps none. Together with the settings ({@link Object#toString}, which names every
     * hyper-parameter) and the schedule's position it determines every later step.
     */
    default OptimizerState exportState() {
        return OptimizerState.NONE;
    }

    /**
     * Continues from a state {@link #exportState} returned (by an optimizer of the same kind and settings): the
     * following steps are those the exporting optimizer would have taken.
     *
     * @throws netc.runtime.InputException if the state does not belong to this kind of optimizer
     */
    default void importState(OptimizerState state) {
        if (!state.vectors().isEmpty() || state.steps() != 0) {
            throw new InputException(name(), "this optimizer keeps no state, but the checkpoint holds "
                    + state.vectors().keySet() + " and " + state.steps() + " steps");
        }
    }
}
