package netc.runtime.train;

/**
 * What one training epoch achieved.
 *
 * @param epoch            1-based epoch number
 * @param trainLoss        mean training loss over the epoch's samples (each mini-batch weighted by its size), as
 *                         measured while the weights were changing
 * @param testLoss         mean loss on the test set after the epoch; NaN without a test set
 * @param testAccuracy     fraction of test samples classified correctly; NaN for real-valued targets or without a
 *                         test set
 * @param samplesPerSecond training samples processed per second, counting the training part only
 * @param seconds          wall-clock duration of the whole epoch, evaluation included
 */
public record EpochReport(int epoch, double trainLoss, double testLoss, double testAccuracy,
                          double samplesPerSecond, double seconds) {
}
