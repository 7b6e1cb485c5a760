package netc.runtime.train;

import netc.runtime.InputException;

/**
 * Training produced a non-finite loss or gradient. The parameters are left at their last good values: the bad
 * step was not applied. Usually the learning rate is too high.
 */
public final class TrainingDivergedException extends InputException {
    private static final long serialVersionUID = 1L;

    /** @serial 1-based epoch of the bad step */
    private final int epoch;
    /** @serial 1-based batch of the bad step within its epoch */
    private final int batch;
    /** @serial the loss of the last finite step */
    private final double lastFiniteLoss;
    /** @serial what was not finite: the loss or the gradient */
    private final String what;
    private final transient float[] batchInputs;
    private final transient float[] batchTargets;
    /** @serial samples in the bad batch */
    private final int batchCount;

    TrainingDivergedException(String context, String detail, int epoch, int batch, double lastFiniteLoss,
                              String what, float[] batchInputs, float[] batchTargets, int batchCount) {
        super(context, detail);
        this.epoch = epoch;
        this.batch = batch;
        this.lastFiniteLoss = lastFiniteLoss;
        this.what = what;
        this.batchInputs = batchInputs;
        this.batchTargets = batchTargets;
        this.batchCount = batchCount;
    }

    /** What stopped being finite, e.g. {@code loss became NaN}, without the advice of the message. */
    public String what() {
        return what;
    }

    /**
     * The inputs of the batch that diverged, {@link #batchCount()} samples (a copy), so that a caller can re-run it
     * to find the operation that produced the first non-finite value.
     */
    public float[] batchInputs() {
        return batchInputs;
    }

    /** The targets of that batch: a class index per sample, or the real-valued targets. */
    public float[] batchTargets() {
        return batchTargets;
    }

    /** The number of samples in that batch. */
    public int batchCount() {
        return batchCount;
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
