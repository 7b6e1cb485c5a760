package netc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import netc.compiler.internal.source.UserError;
import netc.runtime.train.MetricsLogReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code netc plot}: the loss and accuracy curves of a metrics log written by {@code netc train --log}. */
@Command(name = "plot", description = {"Draw the loss (train and test) and test accuracy per epoch of a metrics "
        + "log written by 'netc train --log' (JSON Lines or CSV) into a PNG.", ""})
final class PlotCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LOG", description = "The metrics log (.jsonl or .csv).")
    Path logFile;

    @Option(names = "--out", required = true, paramLabel = "FILE.png", description = "Where to write the PNG "
            + "(atomically: a temporary file, then a rename).")
    Path out;

    @Option(names = "--title", paramLabel = "TEXT", description = "Chart title (default: the log's file name).")
    String title;

    @Mixin
    CommonOptions common;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SaveTarget.requireNotDirectoryPaths(spec, "--out");
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new UserError("--out", "expected a file name ending in .png, found " + out);
        }
        WatchOptions.requireWritable("--out", out, "the plot", List.of(new SaveTarget.Input("log", logFile)));
        List<MetricsLogReader.Entry> entries = MetricsLogReader.epochs(logFile);
        List<LossPlot.Epoch> epochs = entries.stream().map(LossPlot.Epoch::of).toList();
        if (epochs.stream().noneMatch(e -> Double.isFinite(e.trainLoss()) || Double.isFinite(e.testLoss()))) {
            throw new UserError(logFile.toString(), "nothing to plot: none of the " + epochs.size() + " epoch line"
                    + (epochs.size() == 1 ? " has" : "s has") + " a finite train_loss or test_loss");
        }
        LossPlot.write(LossPlot.render(title != null ? title : logFile.getFileName().toString(), epochs), out);
        PrintWriter o = spec.commandLine().getOut();
        for (String key : List.of("train_loss", "test_loss", "test_accuracy", "val_loss", "val_accuracy")) {
            String where = notFinite(entries, key);
            if (!where.isEmpty()) {
                o.println("note: " + key + " is not a finite number at epoch " + where + "; the curve has a gap "
                        + "there");
            }
        }
        o.printf(Locale.ROOT, "saved plot of %d epoch%s to %s%n", epochs.size(), epochs.size() == 1 ? "" : "s", out);
        return Main.OK;
    }

    /**
     * {@code "3 (NaN), 4 (Infinity)"}: the epochs whose {@code key} the log gives as NaN or an infinity, where the plot
     * draws that key (the validation figures of an epoch that has them, else the test figures).
     */
    private static String notFinite(List<MetricsLogReader.Entry> entries, String key) {
        StringJoiner epochs = new StringJoiner(", ");
        int shown = 0;
        int more = 0;
        for (MetricsLogReader.Entry e : entries) {
            boolean drawn = key.equals("train_loss") || key.startsWith("val_") == e.hasValidationLoss();
            if (drawn && e.nonFinite().contains(key)) {
                if (shown++ < MAX_SHOWN) {
                    double v = switch (key) {
                        case "train_loss" -> e.trainLoss();
                        case "test_loss" -> e.testLoss();
                        case "test_accuracy" -> e.testAccuracy();
                        case "val_loss" -> e.validationLoss();
                        default -> e.validationAccuracy();
                    };
                    epochs.add(e.epoch() + " (" + v + ")");
                } else {
                    more++;
                }
            }
        }
        return more == 0 ? epochs.toString() : epochs + " and " + more + " more";
    }

    /** The most epochs a note lists. */
    private static final int MAX_SHOWN = 5;
}
