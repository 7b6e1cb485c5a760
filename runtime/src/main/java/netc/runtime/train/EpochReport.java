package netc.runtime.train;

/**
 * What one training epoch achieved.
 *
 * @param epoch              1-based epoch number
 * @param trainLoss          mean training loss over the epoch's samples (each mini-batch weighted by its size), as
 *                           measured while the weights were changing
 * @param testLoss           mean loss on the test set after the epoch; NaN when it was not evaluated (see
 *                           {@code tested}), and NaN or an infinity when the evaluation gave one
 * @param testAccuracy       fraction of test samples classified correctly; NaN for real-valued targets or when
 *                           {@code testLoss} is NaN
 * @param samplesPerSecond   training samples processed per second, counting the training part only
 * @param seconds            wall-clock duration of the whole epoch, evaluation included
 * @param validationLoss     mean loss on the validation set held out of the training data after the epoch; NaN
 *                           without one (see {@link Trainer.Builder#validation})
 * @param validationAccuracy fraction of validation samples classified correctly; NaN for real-valued targets or
 *                           without a validation set
 * @param tested             whether the test set was evaluated after this epoch: false without a test set, and when
 *                           the run holds out a validation set, unless the trainer was asked to test every epoch. A
 *                           NaN {@code testLoss} with {@code tested} true is an evaluation that gave NaN, not a
 *                           missing one
 * @param validated          whether a validation set was evaluated after this epoch, likewise for
 *                           {@code validationLoss}
 */
public record EpochReport(int epoch, double trainLoss, double testLoss, double testAccuracy,
                          double samplesPerSecond, double seconds, double validationLoss, double validationAccuracy,
                          boolean tested, boolean validated) {

    /**
     * A report that does not say which sets were evaluated: a NaN loss counts as a set not evaluated. A trainer that
     * knows should say so with the canonical constructor, so that a NaN from an evaluation is not taken for none.
     */
    public EpochReport(int epoch, double trainLoss, double testLoss, double testAccuracy, double samplesPerSecond,
                       double seconds, double validationLoss, double validationAccuracy) {
        this(epoch, trainLoss, testLoss, testAccuracy, samplesPerSecond, seconds, validationLoss, validationAccuracy,
                !Double.isNaN(testLoss), !Double.isNaN(validationLoss));
    }

    /** A report of an epoch without a validation set, tested unless {@code testLoss} is NaN. */
    public EpochReport(int epoch, double trainLoss, double testLoss, double testAccuracy, double samplesPerSecond,
                       double seconds) {
        this(epoch, trainLoss, testLoss, testAccuracy, samplesPerSecond, seconds, Double.NaN, Double.NaN);
    }
}
