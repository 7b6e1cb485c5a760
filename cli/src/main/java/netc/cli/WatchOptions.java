package netc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import netc.compiler.internal.source.UserError;
import netc.runtime.io.AtomicFiles;
import netc.runtime.train.Checkpoint;
import netc.runtime.train.EpochReport;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.MetricsLog;
import netc.runtime.train.ProgressListener;
import picocli.CommandLine.Option;

/**
 * The options of {@code netc train} that record a run for later: {@code --log} (a {@link MetricsLog}),
 * {@code --log-every} and {@code --plot} (a {@link LossPlot} of the epochs).
 */
final class WatchOptions {
    @Option(names = "--log", paramLabel = "FILE", description = "Write the metrics of every epoch to FILE as they "
            + "happen (flushed per line, so 'tail -f' follows the run): JSON Lines, or CSV with a header for a .csv "
            + "name. Keys: kind, epoch, step, train_loss, test_loss, test_accuracy, val_loss, val_accuracy (with "
            + "--validation), lr, samples_per_s, epoch_s, wall_s; a loss that was computed and is not finite is "
            + "\"NaN\" or \"Infinity\", a figure not computed null; a line of kind \"threads\" (threads, "
            + "pool_step_s, one_thread_step_s) each time training moves between the threads and one thread (see "
            + "README, Watching training). With --resume the steps count over the whole run, and an earlier log in "
            + "FILE keeps its lines up to the checkpoint. A pipe, a device or /dev/stdout is appended to as it "
            + "stands.")
    Path log;

    @Option(names = "--log-every", paramLabel = "N", description = "Also log a line (kind \"step\": epoch, step, "
            + "loss, lr, wall_s) every N mini-batch steps.")
    Integer logEvery;

    @Option(names = "--progress-every", paramLabel = "SECONDS", defaultValue = "10", description = "When the "
            + "output is not a terminal, print a progress line (batch, running loss, samples/s, time left) this "
            + "often (default: ${DEFAULT-VALUE}); a terminal gets one line that updates itself.")
    double progressEvery;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress and no line per epoch: only a summary "
            + "line at the end (and what was saved).")
    boolean quiet;

    @Option(names = "--plot", paramLabel = "FILE.png", description = "After training, draw the loss (train and "
            + "test) and test accuracy per epoch into this PNG (atomically).")
    Path plot;

    /**
     * The checks that need no model or data: a bad path must not cost a compile, a data load or a training run.
     *
     * @param inputs the run's input files, which neither output may overwrite
     * @param save   the {@code --save} file, or null: the log and the plot must be other files
     */
    void check(List<SaveTarget.Input> inputs, Path save) {
        if (!(progressEvery > 0) || Double.isInfinite(progressEvery)) {
            throw new UserError("--progress-every", "must be a positive number of seconds, got " + progressEvery);
        }
        if (logEvery != null) {
            if (log == null) {
                throw new UserError("--log-every", "needs --log");
            }
            CommonOptions.requireAtLeastOne("--log-every", logEvery);
        }
        if (log != null) {
            requireWritable("--log", log, "the metrics log", inputs);
        }
        if (plot != null) {
            if (!plot.toString().isEmpty()
                    && !plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
                throw new UserError("--plot", "expected a file name ending in .png, found " + plot);
            }
            requireWritable("--plot", plot, "the plot", inputs);
        }
        String[] names = {"--log", "--plot", "--save"};
        Path[] outputs = {log, plot, save};
        for (int i = 0; i < outputs.length; i++) {
            for (int j = i + 1; j < outputs.length; j++) {
                if (outputs[i] != null && outputs[j] != null
                        && outputs[i].toAbsolutePath().normalize().equals(outputs[j].toAbsolutePath().normalize())) {
                    throw new UserError(outputs[j].toString(), names[i] + " and " + names[j] + " name the same file");
                }
            }
        }
    }

    /**
     * Opens the {@code --log} file, or returns null without one; call it just before training. A run {@code resumed}
     * from a checkpoint numbers its steps over the whole run and keeps an earlier log's lines up to the checkpoint.
     * A log to where this process's standard output or error goes ({@code /dev/stdout}, or the file it is redirected
     * to) is written through {@code out} or {@code err}, the command's own writers for them.
     */
    MetricsLog openLog(double rate, LearningRateSchedule schedule, int epochs, long warmupSteps,
                       Checkpoint resumed, PrintWriter out, PrintWriter err) {
        if (log == null) {
            return null;
        }
        PrintWriter standard = standardStream(log, out, err);
        MetricsLog opened = (standard != null ? MetricsLog.open(log, standard) : MetricsLog.open(log))
                .everySteps(logEvery == null ? 0 : logEvery).learningRate(rate, schedule, epochs, warmupSteps);
        return resumed == null ? opened : opened.resumedAfter(resumed.step());
    }

    /**
     * {@code out} when {@code file} is where this process's descriptor 1 writes, {@code err} for descriptor 2, else
     * null. Opening {@code /dev/stdout} again would give a second offset into a redirected file: the log and the
     * console lines would write over each other (and a plain open would truncate it).
     */
    static PrintWriter standardStream(Path file, PrintWriter out, PrintWriter err) {
        for (int fd = 1; fd <= 2; fd++) {
            try {
                Path descriptor = Path.of("/dev/fd/" + fd);
                if (Files.exists(file) && Files.exists(descriptor) && Files.isSameFile(file, descriptor)) {
                    return fd == 1 ? out : err;
                }
            } catch (IOException | RuntimeException e) {
                // no such descriptor, or no /dev/fd here: then the file is not one of them as far as we can tell
            }
        }
        return null;
    }

    /** Draws {@code --plot}, if given, and says so on {@code out}. */
    void plot(String network, List<EpochReport> reports, PrintWriter out) {
        if (plot == null) {
            return;
        }
        LossPlot.write(LossPlot.render(network, reports.stream().map(LossPlot.Epoch::of).toList()), plot);
        out.println("saved plot to " + plot);
    }

    /**
     * The progress printer, or null with {@code --quiet}; its clock starts when training does ({@link
     * ProgressListener#trainingStarted}).
     */
    ProgressListener progress(PrintWriter out, int epochs, int samplesPerEpoch, int batchSize, boolean terminal) {
        if (quiet) {
            return null;
        }
        return new TrainingProgress(out, epochs, samplesPerEpoch, batchSize, terminal,
                (long) (progressEvery * 1e9), System::nanoTime);
    }

    /** Both listeners, in order; either may be null (then the other, or null for neither). */
    static ProgressListener both(ProgressListener first, ProgressListener second) {
        return first == null && second == null ? null : ProgressListener.all(first, second);
    }

    /** {@code file} can be created or replaced, and is none of the run's inputs. */
    static void requireWritable(String option, Path file, String what, List<SaveTarget.Input> inputs) {
        SaveTarget.requireFileName(option, file);
        if (Files.isDirectory(file)) {
            throw new UserError(file.toString(), "cannot write " + what + ": is a directory; " + option
                    + " needs a file name");
        }
        for (SaveTarget.Input input : inputs) {
            if (input.path() != null && Files.exists(file) && Files.exists(input.path())) {
                try {
                    if (Files.isSameFile(file, input.path())) {
                        throw new UserError(file.toString(), option + " would overwrite the " + input.role() + " "
                                + input.path());
                    }
                } catch (IOException e) {
                    // Cannot tell: the write itself will report any real problem.
                }
            }
        }
        if (option.equals("--log") && MetricsLog.isStream(file)) {
            // the log is streamed line by line, not replaced whole: a pipe, a device or /dev/stdout takes it as it is
            MetricsLog.requireAppendable(file);
            return;
        }
        SaveTarget.requireNotDescriptor(option, file, "");
        try {
            AtomicFiles.probe(file);
        } catch (IOException e) {
            throw new UserError(file.toString(), "cannot write " + what + ": " + AtomicFiles.reason(e));
        }
    }
}
