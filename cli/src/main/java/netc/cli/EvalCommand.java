package netc.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.source.UserError;
import netc.runtime.ModelSpec;
import netc.runtime.data.CsvReader;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.io.Safetensors;
import netc.runtime.data.Dataset;
import netc.runtime.train.ClassReport;
import netc.runtime.train.Evaluation;
import netc.runtime.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netc eval}: loss and accuracy of saved weights on a test set. */
@Command(name = "eval", description = {"Evaluate saved weights: mean loss and accuracy on the test set of --data "
        + "(the t10k files of an IDX directory, or a whole CSV file).", ""})
final class EvalCommand implements Callable<Integer> {
    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors",
            description = "Weights written by 'netc train --save'.")
    Path weights;

    @Option(names = "--data", paramLabel = "DIR|CSV", description = "As for 'netc train'; a CSV file is evaluated "
            + "whole.")
    Path data;

    @Option(names = "--csv-header", paramLabel = "yes|no|auto", description = "Whether the first row of a CSV "
            + "file is a header: auto (the default) takes it as one when none of its fields is a number, and "
            + "stops at a row of both numbers and text.")
    CsvReader.Header csvHeader;

    @Option(names = "--batch", defaultValue = "1000", paramLabel = "B", description = "Samples per forward pass "
            + "(default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "2", description = "Threads for the kernels "
            + "(default: ${DEFAULT-VALUE}, capped at the number of cores).")
    int threads;

    @Option(names = "--labels", paramLabel = "FILE", description = "Class names, one per line, for the per-class "
            + "table (default: Fashion-MNIST's names for Fashion-MNIST data, else the class numbers).")
    Path labels;

    @Option(names = "--json", description = "Print one JSON object (loss, accuracy, per-class precision and recall, "
            + "confusion matrix; null for 0/0) instead of the text.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        CommonOptions.requireAtLeastOne("--batch", batch);
        CommonOptions.requireAtLeastOne("--threads", threads);
        // Model, weights and data first, so that every input error comes before any output and any compile.
        CheckedModel checked = model.check(spec.commandLine().getErr());
        BatchLimit.require("--batch", batch, checked);
        ModelSpec ms = checked.modelSpec();
        float[] params = Safetensors.load(weights, ms);
        List<String> names = ClassNames.resolve(labels, data, ms);
        DataSource.Loaded d = DataSource.loadForEval(data, ms, csvHeader);
        d.test().requireFits(ms);
        Network net = NetCompiler.compile(checked, model.options()).load();
        if (!json) {
            out.println("data: " + d.description());
        }
        int cores = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        Evaluation e;
        ClassReport report = null;
        try (Parallel pool = Parallel.threads(cores)) {
            net.setParallel(pool);
            Evaluator evaluator = new Evaluator(net, batch);
            e = evaluator.evaluate(params, d.test());
            if (names != null) {
                int[] predicted = evaluator.predict(params, d.test());
                requireClassified(weights, d.test().name(), predicted);
                report = ClassReport.of(names.size(), labelsOf(d.test()), predicted);
            }
            net.setParallel(Parallel.serial());
        }
        if (json) {
            out.println(ClassTable.json(weights.getFileName().toString(), d.description(), e, report, names));
            return Main.OK;
        }
        out.printf(Locale.ROOT, "%s on %,d samples: loss %.4f", weights.getFileName(), e.samples(), e.loss());
        if (!Double.isNaN(e.accuracy())) {
            out.printf(Locale.ROOT, "  accuracy %.4f", e.accuracy());
        }
        out.println();
        if (report != null) {
            out.print(ClassTable.render(report, names));
        }
        return Main.OK;
    }

    /**
     * Fails with one user error when some sample has no class: every output NaN (Evaluator's -1), from weights or
     * inputs too large for float. The confusion matrix has no column for it.
     */
    static void requireClassified(Path weights, String data, int[] predicted) {
        int count = 0;
        int first = -1;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] < 0) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        if (count > 0) {
            throw new UserError(weights.toString(), String.format(Locale.ROOT, "the network's outputs are NaN for "
                    + "%,d of the %,d samples of %s (the first: sample %d), so they have no class; the weights or "
                    + "the inputs hold values too large for float", count, predicted.length, data, first));
        }
    }

    private static int[] labelsOf(Dataset data) {
        int[] labels = new int[data.n()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = data.label(i);
        }
        return labels;
    }
}
