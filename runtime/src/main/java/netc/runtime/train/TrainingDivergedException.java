package netc.runtime.train;

import netc.runtime.InputException;

/**
 * Training produced a non-finite loss or gradient. The parameters are left at their last good values: the bad
 * step was not applied. Usually the learning rate is too high.
 */
public final class TrainingDivergedException extends InputException {
    private static final long serialVersionUID = 1L;

    private final int epoch;
    private final int batch;
    private final double lastFiniteLoss;

    TrainingDivergedException(String context, String detail, int epoch, int batch, double lastFiniteLoss) {
        super(context, detail);
        this.epoch = epoch;
        this.batch = batch;
        this.lastFiniteLoss = lastFiniteLoss;
    }

    /** 1-based epoch in which it happened. */
    public int epoch() {
        return epoch;
    }

    /** 1-based batch within the epoch. */
    public int batch() {
        return batch;
    }

    /** The loss of the last good batch, NaN if there was none. */
    public double lastFiniteLoss() {
        return lastFiniteLoss;
    }
}
