package netc.runtime.train;

/**
 * Receives a trainer's progress; called on the training thread, so keep it quick (print, store, draw a bar).
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = report -> { };

    /** Called after each epoch, once the test set has been evaluated. */
    void epochDone(EpochReport report);

    /**
     * Called after each mini-batch step.
     *
     * @param epoch   1-based epoch number
     * @param batch   1-based batch number within the epoch
     * @param batches number of batches per epoch
     * @param loss    the batch's mean loss (finite)
     */
    default void batchDone(int epoch, int batch, int batches, double loss) {
    }
}
