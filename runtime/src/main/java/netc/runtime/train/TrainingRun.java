package netc.runtime.train;

import java.util.List;

/**
 * The outcome of {@link Trainer#fit}.
 *
 * @param epochs      one report per completed epoch
 * @param bestEpoch   the 1-based epoch with the lowest validation loss; 0 without a validation set (or when no epoch
 *                    had a finite validation loss)
 * @param stoppedEarly whether the run ended before its last epoch: patience ran out or the listener asked
 * @param test        the test set's figures for the weights the run leaves in the parameters (the best epoch's
 *                    when they were restored); null without a test set
 */
public record TrainingRun(List<EpochReport> epochs, int bestEpoch, boolean stoppedEarly, Evaluation test) {

    /** Copies the list. */
    public TrainingRun {
        epochs = List.copyOf(epochs);
    }
}
