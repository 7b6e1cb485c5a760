package netc.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
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
        if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
            throw new UserError("--out", "expected a file name ending in .png, found " + out);
        }
        WatchOptions.requireWritable("--out", out, "the plot", List.of(new SaveTarget.Input("log", logFile)));
        List<LossPlot.Epoch> epochs = MetricsLogReader.epochs(logFile).stream().map(LossPlot.Epoch::of).toList();
        if (epochs.stream().noneMatch(e -> Double.isFinite(e.trainLoss()) || Double.isFinite(e.testLoss()))) {
            throw new UserError(logFile.toString(), "nothing to plot: none of the " + epochs.size() + " epoch line"
                    + (epochs.size() == 1 ? " has" : "s has") + " a train_loss or test_loss");
        }
        LossPlot.write(LossPlot.render(title != null ? title : logFile.getFileName().toString(), epochs), out);
        spec.commandLine().getOut().printf(Locale.ROOT, "saved plot of %d epoch%s to %s%n", epochs.size(),
                epochs.size() == 1 ? "" : "s", out);
        return Main.OK;
    }
}
