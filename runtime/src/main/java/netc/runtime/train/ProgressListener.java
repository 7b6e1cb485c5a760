package netc.runtime.train;

import java.util.function.Predicate;

/**
 * Receives a trainer's progress, and may end the run early; called on the training thread, so keep it quick (print,
 * store, draw a bar).
 *
 * <p>To stop early, override {@link #stopRequested()}: the trainer asks it after every batch and after every epoch,
 * and when it answers {@code true}, {@link Trainer#train} returns the reports of the epochs completed so far, with
 * the parameters as the last step left them. For the common case, stopping after an epoch whose report meets a
 * condition, use {@link #stopWhen}:
 *
 * <pre>{@code
 * trainer = Trainer.builder(network).listener(ProgressListener.stopWhen(r -> r.testAccuracy() >= 0.9)).build();
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = report -> { };

    /** Called after each epoch, once the test set has been evaluated. */
    void epochDone(EpochReport report);

    /**
     * Called once, just before the run's first step: after the trainer's own preparation (for {@link Trainer}, the
     * kernels' warm-up of {@link Trainer.Builder#warmKernels}, a few seconds on a large network), which is not
     * training. A listener that times the run (samples per second, time left, seconds in a log) starts its clock
     * here rather than when it was made. The default does nothing.
     */
    default void trainingStarted() {
    }

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

    /**
     * Called when the trainer moves its steps between all its threads and the calling thread alone, because the
     * other way had become faster ({@link Trainer.Builder#adaptiveThreads}); the results are bitwise the same
     * either way. The default does nothing.
     *
     * @param threads            the threads the next steps run on
     * @param poolStepNanos      the mean step on all the threads in the probe that decided (its first steps,
     *                           while the threads settle, left out), nanoseconds
     * @param oneThreadStepNanos the mean step on the calling thread alone in that probe, likewise
     */
    default void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
    }

    /**
     * Whether training should end now; asked right after every {@link #batchDone} and every {@link #epochDone}.
     * The default never stops.
     *
     * <p>Answering {@code true} after a batch ends the run in the middle of an epoch: that epoch's steps stay in the
     * parameters, but it gets no report (its test set is not evaluated). The answer may come from a flag another
     * thread sets (make it {@code volatile}), for a cancel button.
     */
    default boolean stopRequested() {
        return false;
    }

    /**
     * A listener that ends the run after the first epoch whose report satisfies {@code condition}; that epoch's
     * report is the last one {@link Trainer#train} returns.
     */
    static ProgressListener stopWhen(Predicate<EpochReport> condition) {
        if (condition == null) {
            throw new IllegalArgumentException("condition must not be null");
        }
        return new ProgressListener() {
            private boolean met;

            @Override
            public void epochDone(EpochReport report) {
                met |= condition.test(report);
            }

            @Override
            public boolean stopRequested() {
                return met;
            }
        };
    }

    /**
     * One listener that tells each of {@code listeners} everything, in order, and stops when any of them asks to.
     *
     * @param listeners the listeners; null entries are left out
     * @return the combined listener ({@link #NONE} for none, the listener itself for one)
     */
    static ProgressListener all(ProgressListener... listeners) {
        java.util.List<ProgressListener> list = new java.util.ArrayList<>();
        for (ProgressListener l : listeners) {
            if (l != null) {
                list.add(l);
            }
        }
        if (list.size() <= 1) {
            return list.isEmpty() ? NONE : list.get(0);
        }
        return forwardingTo(list.toArray(new ProgressListener[0]));
    }

    /**
     * A listener that passes every call on to the listeners in {@code targets} at the time of the call, in order
     * (null entries left out), and stops when any of them asks to: for a caller that must hand a trainer its listener
     * before it can make the real one (the command line's progress line and log open once the trainer is built), and
     * then puts it in {@code targets}. The array is read, never copied.
     */
    static ProgressListener forwardingTo(ProgressListener[] targets) {
        return new ProgressListener() {
            @Override
            public void epochDone(EpochReport report) {
                for (ProgressListener l : targets) {
                    if (l != null) {
                        l.epochDone(report);
                    }
                }
            }

            @Override
            public void trainingStarted() {
                for (ProgressListener l : targets) {
                    if (l != null) {
                        l.trainingStarted();
                    }
                }
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double loss) {
                for (ProgressListener l : targets) {
                    if (l != null) {
                        l.batchDone(epoch, batch, batches, loss);
                    }
                }
            }

            @Override
            public void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
                for (ProgressListener l : targets) {
                    if (l != null) {
                        l.threadsChanged(threads, poolStepNanos, oneThreadStepNanos);
                    }
                }
            }

            @Override
            public boolean stopRequested() {
                for (ProgressListener l : targets) {
                    if (l != null && l.stopRequested()) {
                        return true;
                    }
                }
                return false;
            }
        };
    }
}
