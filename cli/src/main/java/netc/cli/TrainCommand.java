package netc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.source.UserError;
import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.ParamSpec;
import netc.runtime.data.CsvReader;
import netc.runtime.io.Safetensors;
import netc.runtime.train.Adam;
import netc.runtime.train.Checkpoint;
import netc.runtime.train.EpochReport;
import netc.runtime.train.Initializer;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.MetricsLog;
import netc.runtime.train.Momentum;
import netc.runtime.train.Optimizer;
import netc.runtime.train.ProgressListener;
import netc.runtime.train.Sgd;
import netc.runtime.train.Trainer;
import netc.runtime.train.TrainingDefaults;
import netc.runtime.train.TrainingDivergedException;
import netc.runtime.train.TrainingRun;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netc train}: compile with Janino, then mini-batch training with a line per epoch. */
@Command(name = "train", defaultValueProvider = TrainCommand.Defaults.class, description = {"Compile a .net file "
        + "in process and train it with mini-batch gradient descent, printing loss, test accuracy and throughput "
        + "after every epoch.", ""})
final class TrainCommand implements Callable<Integer> {
    /** The optimizers and their default learning rates. */
    enum OptimizerKind {
        sgd(TrainingDefaults.SGD_LEARNING_RATE), momentum(TrainingDefaults.MOMENTUM_LEARNING_RATE),
        adam(TrainingDefaults.ADAM_LEARNING_RATE);

        final double defaultRate;

        OptimizerKind(double defaultRate) {
            this.defaultRate = defaultRate;
        }

        Optimizer create(double lr) {
            return switch (this) {
                case sgd -> new Sgd(lr);
                case momentum -> new Momentum(lr);
                case adam -> new Adam(lr);
            };
        }
    }

    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Mixin
    FitOptions fit;

    @Option(names = "--data", paramLabel = "DIR|CSV", description = "A directory of MNIST-format IDX files (train-* "
            + "and t10k-*, plain or .gz) or a CSV file (targets first, then features). Default for 784-input, "
            + "10-class networks: Fashion-MNIST from /usr/share/datasets/fashion-mnist, else the subset inside netc.")
    Path data;

    @Option(names = "--test", paramLabel = "CSV", description = "Test set for a CSV --data file (default: hold out "
            + "10%% of it at random).")
    Path test;

    @Option(names = "--csv-header", paramLabel = "yes|no|auto", description = "Whether the first row of a CSV "
            + "file is a header: auto (the default) takes it as one when none of its fields is a number, and "
            + "stops at a row of both numbers and text.")
    CsvReader.Header csvHeader;

    @Option(names = "--epochs", paramLabel = "N", description = "Passes over the training set "
            + "(default: ${DEFAULT-VALUE}).")
    int epochs;

    @Option(names = "--batch", paramLabel = "B", description = "Mini-batch size (default: "
            + "${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--optimizer", paramLabel = "NAME", description = "sgd, momentum "
            + "(0.9) or adam (default: ${DEFAULT-VALUE}).")
    OptimizerKind optimizer;

    @Option(names = "--lr", paramLabel = "X", description = "Learning rate (default: "
            + TrainingDefaults.SGD_LEARNING_RATE + " for sgd, " + TrainingDefaults.MOMENTUM_LEARNING_RATE
            + " for momentum, " + TrainingDefaults.ADAM_LEARNING_RATE + " for adam).")
    Double lr;

    @Option(names = "--schedule", paramLabel = "NAME", description = "Learning rate over "
            + "the run: constant, or cosine decay from --lr to zero at the last step (default: ${DEFAULT-VALUE}).")
    LearningRateSchedule schedule;

    @Option(names = "--seed", paramLabel = "S", description = "Seeds initialisation and "
            + "shuffling; the same seed, data and settings give the same weights (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--threads", paramLabel = "T", description = "Threads for the kernels (default: ${DEFAULT-VALUE}, "
            + "capped at the number of cores).")
    int threads;

    @Option(names = "--fixed-threads", description = "Run every step on all --threads, even while one thread runs "
            + "faster (by default the steps move to one thread while the others are slowed by other work on the "
            + "machine, and back; the weights are the same either way).")
    boolean fixedThreads;

    @Option(names = "--init", paramLabel = "W.safetensors", description = "Start from these weights instead of "
            + "the .net file's initialisers.")
    Path init;

    @Option(names = "--save", paramLabel = "W.safetensors", description = "Write the trained weights here "
            + "(atomically: a temporary file, then a rename). Never one of the run's inputs; through a symbolic "
            + "link, the linked file is replaced and the link kept.")
    Path save;

    @Mixin
    WatchOptions watch;

    @Mixin
    CheckpointOptions checkpoints;

    @Spec
    CommandSpec spec;

    /**
     * The defaults of --epochs, --batch, --optimizer, --schedule, --seed and --threads come from
     * {@link TrainingDefaults}, which {@link Trainer#builder} starts from too: one definition for both.
     */
    static final class Defaults implements CommandLine.IDefaultValueProvider {
        @Override
        public String defaultValue(ArgSpec arg) {
            if (!(arg instanceof OptionSpec option)) {
                return null;
            }
            return switch (option.longestName()) {
                case "--epochs" -> Integer.toString(TrainingDefaults.EPOCHS);
                case "--batch" -> Integer.toString(TrainingDefaults.BATCH_SIZE);
                case "--optimizer" -> TrainingDefaults.optimizer().name();
                case "--schedule" -> TrainingDefaults.SCHEDULE.name().toLowerCase(Locale.ROOT);
                case "--seed" -> Long.toString(TrainingDefaults.SEED);
                case "--threads" -> Integer.toString(TrainingDefaults.THREADS);
                default -> null;
            };
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        // Settings first: a typo should cost neither a compile nor a data load.
        CommonOptions.requireAtLeastOne("--epochs", epochs);
        CommonOptions.requireAtLeastOne("--batch", batch);
        CommonOptions.requireAtLeastOne("--threads", threads);
        fit.check();
        double rate = lr != null ? lr : optimizer.defaultRate;
        Optimizer opt;
        try {
            opt = optimizer.create(rate);
        } catch (InputException e) {
            throw new UserError("--lr", e.detail());
        }
        SaveTarget.requireNotDirectoryPaths(spec, "--save", "--log", "--plot");
        List<SaveTarget.Input> inputs = new ArrayList<>(SaveTarget.inputs(model.file, data, test, init));
        inputs.addAll(checkpoints.inputs());
        SaveTarget.check(save, inputs);
        watch.check(inputs, save);
        checkpoints.requireValid(init);
        checkpoints.requireWritable();
        checkpoints.requireNotACheckpoint("--save", save);
        checkpoints.requireNotACheckpoint("--log", watch.log);
        // Then the model, the data and the initial weights, so that every input error comes before any output.
        CheckedModel checked = model.check(err);
        BatchLimit.require("--batch", batch, checked);
        ModelSpec ms = checked.modelSpec();
        fit.check(ms);
        Checkpoint resumed = checkpoints.load(checked.source(), ms, err);
        DataSource.Loaded d = DataSource.load(data, test, ms, seed, csvHeader);
        d.train().requireFits(ms);
        d.test().requireFits(ms);
        float[] params = resumed != null ? resumed.params()
                : init != null ? Safetensors.load(init, ms) : Initializer.initialize(ms, seed);
        if (init == null && resumed == null) {
            Divergence.requireFiniteStart(checked, ms, params);
        }
        long t0 = System.nanoTime();
        Compilation c = NetCompiler.compile(checked, model.options());
        Network net = c.load();
        double compileSeconds = (System.nanoTime() - t0) / 1e9;
        // Built before the first line of output and before the log is opened: a checkpoint whose settings differ is
        // an error before anything runs or is written. The listeners are attached once the trainer exists.
        ProgressListener[] listeners = {ProgressListener.NONE};
        Trainer.Builder builder = threadSettings(fit.apply(Trainer.builder(net))).optimizer(opt).epochs(epochs)
                .batchSize(batch).seed(seed).schedule(schedule).listener(ProgressListener.forwardingTo(listeners))
                .warmKernels(TrainingDefaults.WARM_KERNELS_SECONDS);
        String checkpointing = checkpoints.configure(builder, checked.source(), resumed);
        Trainer trainer = builder.build();
        model.noteScalarFallback(Compilation.kernels(net.getClass()), err);
        if (!watch.quiet) {
            out.printf(Locale.ROOT, "network %s: %,d parameters (%s), compiled in %.2f s (Janino, %s kernels)%n",
                    ms.name(), ms.paramCount(), checked.weightsAndBiases(), compileSeconds,
                    Compilation.kernels(net.getClass()));
            out.println("data: " + d.description());
            out.printf(Locale.ROOT, "training: %s, %s schedule, batch %d, %d epoch%s, %d thread%s, seed %d%s%s%n",
                    opt, schedule.name().toLowerCase(Locale.ROOT), batch, epochs, epochs == 1 ? "" : "s",
                    trainer.threads(), trainer.threads() == 1 ? "" : "s", seed,
                    init != null ? ", from " + init : "", fit.describe(opt));
            if (checkpointing != null) {
                out.println(checkpointing);
            }
            out.flush();
        }
        MetricsLog log = watch.openLog(rate, schedule, epochs, fit.warmupSteps(), resumed, out, err);
        ProgressListener both = WatchOptions.both(
                watch.progress(out, epochs, d.train().n(), batch, System.console() != null), log);
        listeners[0] = both == null ? ProgressListener.NONE : both;
        double startMax = Divergence.maxAbs(params);
        TrainingRun run;
        try {
            run = trainer.fit(params, d.train(), d.test());
        } catch (TrainingDivergedException e) {
            throw Divergence.explain(e, c, params, startMax);
        } finally {
            if (log != null) {
                log.close();
            }
        }
        requireFinite(ms, params, epochs);
        List<EpochReport> reports = run.epochs();
        if (fit.validating() && !watch.quiet) {
            out.print(fit.summary(run, epochs));
            out.flush();
        }
        if (watch.quiet) {
            out.println(TrainingProgress.summary(ms.name(), reports));
        }
        watch.plot(ms.name(), reports, out);
        if (save != null) {
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("netc.network", ms.name());
            meta.put("netc.epochs", Integer.toString(epochs));
            meta.put("netc.optimizer", opt.toString());
            meta.put("netc.schedule", schedule.name().toLowerCase(Locale.ROOT));
            if (run.bestEpoch() > 0) {
                meta.put("netc.validation_loss", Double.toString(reports.get(run.bestEpoch() - 1).validationLoss()));
            }
            meta.put("netc.test_loss", Double.toString(run.test().loss()));
            if (!Double.isNaN(run.test().accuracy())) {
                meta.put("netc.test_accuracy", Double.toString(run.test().accuracy()));
            }
            Safetensors.save(save, ms, params, meta);
            out.println("saved weights to " + save);
        }
        return Main.OK;
    }

    /** --threads (capped at the cores) and --fixed-threads on {@code builder}. */
    Trainer.Builder threadSettings(Trainer.Builder builder) {
        int cores = Math.max(1, Math.min(threads, Runtime.getRuntime().availableProcessors()));
        return builder.threads(cores).adaptiveThreads(!fixedThreads);
    }

    /**
     * The trainer stops when a loss or gradient stops being finite, before applying that step; but the very last step
     * of a run can still overflow a weight, and nothing evaluates the loss after it. Such a run diverged too.
     */
    static void requireFinite(ModelSpec spec, float[] params, int lastEpoch) {
        for (ParamSpec p : spec.params()) {
            for (int i = 0; i < p.size(); i++) {
                float v = params[p.offset() + i];
                if (!Float.isFinite(v)) {
                    String where = spec.sourceFile() == null || spec.sourceFile().isEmpty() ? spec.name()
                            : spec.sourceFile();
                    throw new UserError(where, "training diverged: parameter " + p.name() + " became " + v
                            + " at element " + i + " in the last step of epoch " + lastEpoch
                            + "; try a lower learning rate");
                }
            }
        }
    }
}
