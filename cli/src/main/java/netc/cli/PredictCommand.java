package netc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.source.UserError;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.Predictor;
import netc.runtime.TargetKind;
import netc.runtime.data.CsvReader;
import netc.runtime.data.Dataset;
import netc.runtime.data.MnistFormat;
import netc.runtime.io.AtomicFiles;
import netc.runtime.io.Safetensors;
import netc.runtime.train.Evaluator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netc predict}: one CSV line per sample with the class and probabilities, or the output values. */
@Command(name = "predict", description = {"Run saved weights on every sample of --data and write one CSV line per "
        + "sample: a header line, then for a classifier 'index,class,p0,...' (class = the most probable one, the "
        + "lowest index on ties, -1 if every output is NaN), for a regression 'index,y0,...'.", ""})
final class PredictCommand implements Callable<Integer> {
    /** Which files of an IDX directory to predict. */
    enum Split {
        train, test
    }

    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Option(names = "--weights", required = true, paramLabel = "W.safetensors",
            description = "Weights written by 'netc train --save'.")
    Path weights;

    @Option(names = "--data", paramLabel = "DIR|CSV", description = "A CSV file (or pipe) of the features alone, "
            + "or in the layout of 'netc train' (targets first, then the features; the targets are skipped "
            + "unread): every row is predicted. Or a "
            + "directory of MNIST-format IDX files: the files of --split. Default for 784-input, 10-class networks: "
            + "Fashion-MNIST, as for 'netc train'.")
    Path data;

    @Option(names = "--split", paramLabel = "train|test", description = "Which files of an IDX directory (or of "
            + "the default Fashion-MNIST) to predict: test, the t10k-* files (the default), or train, the train-* "
            + "files.")
    Split split;

    @Option(names = "--csv-header", paramLabel = "yes|no|auto", description = "Whether the first row of a CSV "
            + "file is a header: auto (the default) takes it as one when none of its fields is a number, and "
            + "stops at a row of both numbers and text.")
    CsvReader.Header csvHeader;

    @Option(names = "--out", paramLabel = "F.csv", description = "Write the lines to this file (atomically: a "
            + "temporary file, then a rename) instead of standard output.")
    Path out;

    @Option(names = "--threads", paramLabel = "T", defaultValue = "2", description = "Threads for the kernels "
            + "(default: ${DEFAULT-VALUE}, capped at the number of cores).")
    int threads;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        CommonOptions.requireAtLeastOne("--threads", threads);
        checkOut();
        // Model, weights and data first, so that every input error comes before any output and any compile.
        CheckedModel checked = model.check(spec.commandLine().getErr());
        ModelSpec ms = checked.modelSpec();
        float[] params = Safetensors.load(weights, ms);
        Dataset samples = samples(ms);
        samples.requireInputsFit(ms); // the targets are not used: only the inputs must fit
        Network net = NetCompiler.compile(checked, model.options()).load();
        int cores = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        try (Parallel pool = Parallel.threads(cores)) {
            net.setParallel(pool);
            Predictor predictor = Predictor.of(net, params);
            if (out == null) {
                write(predictor, samples, stdout::print);
            } else {
                AtomicFiles.write(out, channel -> write(predictor, samples, text -> {
                    ByteBuffer buffer = StandardCharsets.UTF_8.encode(text);
                    while (buffer.hasRemaining()) {
                        channel.write(buffer);
                    }
                }));
            }
            net.setParallel(Parallel.serial());
        }
        if (out != null) {
            stdout.printf(Locale.ROOT, "wrote %,d predictions of %s to %s%n", samples.n(), samples.name(), out);
        }
        return Main.OK;
    }

    /** Where the CSV text goes, piece by piece. */
    @FunctionalInterface
    interface Sink {
        void write(String text) throws IOException;
    }

    /** The samples to predict: a whole CSV file, or one split of an IDX directory or of the default data. */
    private Dataset samples(ModelSpec ms) {
        return DataSource.loadForPredict(data, ms, csvHeader, split == null ? null : split.name()).test();
    }

    /** Refuses an --out that is a directory or one of the command's own inputs, before any work. */
    private void checkOut() {
        if (out == null) {
            return;
        }
        SaveTarget.requireNotDirectoryPaths(spec, "--out");
        SaveTarget.requireFileName("--out", out);
        SaveTarget.requireNotDescriptor("--out", out, "; without --out the predictions go to standard output");
        if (Files.isDirectory(out)) {
            throw new UserError(out.toString(), "is a directory; --out needs a file name");
        }
        List<Path> inputs = new ArrayList<>(List.of(model.file, weights));
        if (data != null && Files.isDirectory(data)) {
            for (String name : new String[] {MnistFormat.TRAIN_IMAGES, MnistFormat.TRAIN_LABELS,
                MnistFormat.TEST_IMAGES, MnistFormat.TEST_LABELS}) {
                inputs.add(data.resolve(name));
                inputs.add(data.resolve(name + ".gz"));
            }
        } else if (data != null) {
            inputs.add(data);
        }
        for (Path input : inputs) {
            try {
                if (Files.exists(out) && Files.exists(input) && Files.isSameFile(out, input)) {
                    throw new UserError(out.toString(), "--out would overwrite the input " + input
                            + "; write the predictions elsewhere");
                }
            } catch (IOException e) {
                // Unreadable either way: the write or the read reports it with its own message.
            }
        }
    }

    /**
     * Writes the CSV text: a header, then a line per sample, {@link Predictor#CHUNK} samples at a time so that only
     * one chunk's outputs and text are in memory. Floats print as {@link Float#toString}, the shortest decimal that
     * reads back to the same float, so the file holds exactly what the predictor computed.
     */
    static void write(Predictor predictor, Dataset samples, Sink sink) throws IOException {
        ModelSpec ms = predictor.spec();
        boolean classes = ms.targetKind() == TargetKind.CLASSES;
        int width = classes ? predictor.probabilityCount() : ms.outputSize();
        StringBuilder sb = new StringBuilder("index");
        if (classes) {
            sb.append(",class");
        }
        for (int k = 0; k < width; k++) {
            sb.append(classes ? ",p" : ",y").append(k);
        }
        sink.write(sb.append('\n').toString());
        int in = ms.inputSize();
        for (int start = 0; start < samples.n(); start += Predictor.CHUNK) {
            int n = Math.min(Predictor.CHUNK, samples.n() - start);
            float[] x = Arrays.copyOfRange(samples.x(), start * in, (start + n) * in);
            float[] values = classes ? predictor.probabilities(x, n) : predictor.predict(x, n);
            sb.setLength(0);
            for (int i = 0; i < n; i++) {
                sb.append(start + i);
                if (classes) {
                    // The arg-max of the probabilities is the class Evaluator counts for eval's accuracy: they are
                    // the outputs themselves, or [1 - p, p] for one sigmoid output, whose larger is class 1 iff
                    // p > 0.5.
                    sb.append(',').append(Evaluator.predictedClass(values, i * width, width));
                }
                for (int k = 0; k < width; k++) {
                    sb.append(',').append(values[i * width + k]);
                }
                sb.append('\n');
            }
            sink.write(sb.toString());
        }
    }
}
