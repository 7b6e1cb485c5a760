package netc.runtime.train;

/**
 * What one training epoch achieved.
 *
 * @param epoch              1-based epoch number
 * @param trainLoss          mean training loss over the epoch's samples (each mini-batch weighted by its size), as
 *                           measured while the weights were changing
 * @param testLoss           mean loss on the test set after the epoch; NaN without a test set, and NaN when the run
 *                           holds out a validation set, unless the trainer was asked to test every epoch
 * @param testAccuracy       fraction of test samples classified correctly; NaN for real-valued targets or when
 *                           {@code testLoss} is NaN
 * @param samplesPerSecond   training samples processed per second, counting the training part only
 * @param seconds            wall-clock duration of the whole epoch, evaluation included
 * @param validationLoss     mean loss on the validation set held out of the training data after the epoch; NaN
 *                           without one (see {@link Trainer.Builder#validation})
 * @param validationAccuracy fraction of validation samples classified correctly; NaN for real-valued targets or
 *                           without a validation set
 */
public record EpochReport(int epoch, double trainLoss, double testLoss, double testAccuracy,
                          double samplesPerSecond, double seconds, double validationLoss, double validationAccuracy) {

    /** A report of an epoch without a validation set. */
    public EpochReport(int epoch, double trainLoss, double testLoss, double testAccuracy, double samplesPerSecond,
                       double seconds) {
        this(epoch, trainLoss, testLoss, testAccuracy, samplesPerSecond, seconds, Double.NaN, Double.NaN);
    }
}
