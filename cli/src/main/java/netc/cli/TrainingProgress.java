package netc.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import netc.runtime.train.EpochReport;
import netc.runtime.train.ProgressListener;

/**
 * What {@code netc train} prints while it trains: a line per epoch with its results, and between them the batch
 * counter {@code batch n/N}, the epoch's running loss, samples per second and the time left in the epoch and in the
 * run.
 *
 * <p>On a terminal the counter is one line that rewrites itself ({@code \r}, then erase to the end of the line) at
 * most five times a second. Anywhere else (a file, a pipe, CI) it is a plain line every {@code interval}, without any
 * control character, so that a log of a long run shows it is alive and when it will end.
 *
 * <p>Samples per second is a moving average over the last few seconds (a 3 s time
 * constant), not the mean since the start: the first batches run while the JIT compiler warms up and can be a hundred
 * times slower, and an average since the start would keep the time left too high for most of the first epoch. The
 * time left in the epoch is the samples still to go at that rate; the time left in the run adds the remaining epochs,
 * each that long plus the mean evaluation time of the finished epochs. The clock is a parameter so that tests need
 * no sleeping.
 */
final class TrainingProgress implements ProgressListener {
    /** A terminal line is redrawn at most this often: more is flicker, and costs time on slow terminals. */
    static final long REDRAW_NANOS = 200_000_000L;
    /** The erase-to-end-of-line escape, after a redrawn line that may be shorter than the one before. */
    private static final String ERASE_LINE = "\u001b[K";
    /** Time constant of the samples-per-second average: long enough to smooth batches, short to forget warm-up. */
    static final double SMOOTHING_SECONDS = 3;

    private final PrintWriter out;
    private final int epochs;
    private final int samplesPerEpoch;
    private final int batchSize;
    private final boolean live;
    private final long intervalNanos;
    private final LongSupplier clock;

    private int epoch;
    private long epochStart;
    private long lastLine;
    private double lossSum;
    private double finishedEvalSeconds;
    private int finishedEpochs;
    /** The moving average of samples per second; NaN until the clock has moved during a batch. */
    private double rate = Double.NaN;
    /** When the last batch ended, and samples done since then that the clock did not see time pass for. */
    private long lastBatch;
    private int unclockedSamples;
    private boolean drawn;

    /**
     * @param samplesPerEpoch training samples per epoch
     * @param batchSize       the mini-batch size (the last batch of an epoch may be shorter)
     * @param live            whether {@code out} is a terminal
     * @param intervalNanos   time between two plain progress lines when not live
     * @param clock           nanoseconds, as {@link System#nanoTime}
     */
    TrainingProgress(PrintWriter out, int epochs, int samplesPerEpoch, int batchSize, boolean live,
                     long intervalNanos, LongSupplier clock) {
        this.out = out;
        this.epochs = epochs;
        this.samplesPerEpoch = samplesPerEpoch;
        this.batchSize = Math.min(batchSize, samplesPerEpoch);
        this.live = live;
        this.intervalNanos = intervalNanos;
        this.clock = clock;
        this.epochStart = clock.getAsLong();
        this.lastLine = epochStart;
        this.lastBatch = epochStart;
    }

    /** The clock starts here, not when the progress was made: compiling, loading and warming up are not training. */
    @Override
    public void trainingStarted() {
        restartClock();
    }

    @Override
    public void batchDone(int epoch, int batch, int batches, double loss) {
        long now = clock.getAsLong();
        if (epoch != this.epoch) {
            // The first batch of an epoch: the epoch began when the previous one was reported (or at the start).
            this.epoch = epoch;
            lossSum = 0;
        }
        int done = Math.min(batch * batchSize, samplesPerEpoch);
        int thisBatch = done - Math.min((batch - 1) * batchSize, samplesPerEpoch);
        lossSum += loss * thisBatch;
        updateRate(thisBatch, now);
        if (batch == batches) {
            return; // the epoch line follows at once
        }
        if (now - lastLine < (live ? REDRAW_NANOS : intervalNanos)) {
            return;
        }
        lastLine = now;
        String line = line(epoch, batch, batches, done);
        if (live) {
            out.print("\r" + line + ERASE_LINE);
            drawn = true;
        } else {
            out.println(line);
        }
        out.flush();
    }

    @Override
    public void epochDone(EpochReport r) {
        StringBuilder line = new StringBuilder();
        line.append(String.format(Locale.ROOT, "epoch %" + width() + "d/%d  train loss %.4f", r.epoch(), epochs,
                r.trainLoss()));
        line.append(FitOptions.evaluated(r));
        line.append(String.format(Locale.ROOT, "  %,.0f samples/s  %.1f s", r.samplesPerSecond(), r.seconds()));
        out.print(drawn ? "\r" + line + ERASE_LINE + "\n" : line + "\n");
        out.flush();
        drawn = false;
        // The epoch's time beyond its training samples is the evaluation of the test set.
        finishedEvalSeconds += Math.max(0, r.seconds() - samplesPerEpoch / r.samplesPerSecond());
        finishedEpochs++;
        restartClock();
    }

    private void restartClock() {
        epochStart = clock.getAsLong();
        lastLine = epochStart;
        lastBatch = epochStart;
        unclockedSamples = 0;
    }

    /**
     * A line of its own when the trainer moves its steps between its threads and one thread, e.g. {@code note: all
     * threads took 4.12 ms a step, 1 thread 1.93 ms: training on 1 thread (both are timed again every few seconds)}:
     * the samples per second change with it, and a user who asked for threads should hear why they are not used.
     */
    @Override
    public void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
        String line = threads == 1
                ? String.format(Locale.ROOT, "note: all threads took %.2f ms a step, 1 thread %.2f ms: training on 1 "
                        + "thread (both are timed again every few seconds)", poolStepNanos / 1e6,
                        oneThreadStepNanos / 1e6)
                : String.format(Locale.ROOT, "note: %d threads took %.2f ms a step again, 1 thread %.2f ms: training "
                        + "on %d threads", threads, poolStepNanos / 1e6, oneThreadStepNanos / 1e6, threads);
        out.print(drawn ? "\r" + line + ERASE_LINE + "\n" : line + "\n");
        out.flush();
        drawn = false;
    }

    /** Folds a batch into the moving average: weight {@code 1 - exp(-dt / tau)}, so that it is per time, not batch. */
    private void updateRate(int samples, long now) {
        unclockedSamples += samples;
        double dt = (now - lastBatch) / 1e9;
        if (dt <= 0) {
            return;
        }
        double current = unclockedSamples / dt;
        rate = Double.isNaN(rate) ? current : rate + (1 - Math.exp(-dt / SMOOTHING_SECONDS)) * (current - rate);
        lastBatch = now;
        unclockedSamples = 0;
    }

    /** {@code epoch 2/5  batch 120/469  loss 0.3521  15,368 samples/s  left: epoch 0:23, run 1:35}. */
    String line(int epoch, int batch, int batches, int done) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "epoch %" + width() + "d/%d  batch %d/%d  "
                + "loss %.4f", epoch, epochs, batch, batches, lossSum / done));
        if (rate > 0) {
            double epochLeft = (samplesPerEpoch - done) / rate;
            double evalSeconds = finishedEpochs > 0 ? finishedEvalSeconds / finishedEpochs : 0;
            double runLeft = epochLeft + (epochs - epoch) * (samplesPerEpoch / rate + evalSeconds);
            sb.append(String.format(Locale.ROOT, "  %,.0f samples/s  left: epoch %s, run %s", rate,
                    duration(epochLeft), duration(runLeft)));
        }
        return sb.toString();
    }

    /**
     * The one line {@code --quiet} prints after training, e.g. {@code mnist_mlp: 5 epochs in 42.2 s  train loss 0.2566
     * test loss 0.3214  test accuracy 0.8833}.
     */
    static String summary(String network, List<EpochReport> reports) {
        EpochReport last = reports.get(reports.size() - 1);
        double seconds = reports.stream().mapToDouble(EpochReport::seconds).sum();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: %d epoch%s in %.1f s  train loss %.4f",
                network, reports.size(), reports.size() == 1 ? "" : "s", seconds, last.trainLoss()));
        sb.append(FitOptions.evaluated(last));
        return sb.toString();
    }

    /** {@code 0:07}, {@code 12:30}, {@code 1:02:03}: rounded up, so that "0:00" means done. */
    static String duration(double seconds) {
        long s = (long) Math.ceil(Math.max(0, seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private int width() {
        return Integer.toString(epochs).length();
    }
}
