package netc.spark;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import netc.api.Model;
import netc.runtime.train.EpochReport;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.ProgressListener;
import netc.runtime.train.TrainingDefaults;

/** {@code train MODEL.net --data PATH}: data-parallel training; prints one line per epoch, saves the weights. */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = "Trains a model on a Parquet or CSV data set, data-parallel over its partitions.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.net", description = "the model")
    Path model;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "training data (Parquet or .csv)")
    String data;

    @Option(names = "--test", paramLabel = "PATH", description = "test data, evaluated after each epoch")
    String test;

    @Mixin
    ColumnOptions columnOptions;

    @Option(names = "--epochs", defaultValue = "" + TrainingDefaults.EPOCHS, description = "default: ${DEFAULT-VALUE}")
    int epochs;

    @Option(names = "--batch-size", defaultValue = "" + TrainingDefaults.BATCH_SIZE,
            description = "samples per step (per partition with --local-steps); default: ${DEFAULT-VALUE}")
    int batchSize;

    @Option(names = "--optimizer", defaultValue = "momentum", description = "sgd, momentum or adam (default: ${DEFAULT-VALUE})")
    String optimizer;

    @Option(names = "--lr", description = "learning rate (default: the optimizer's, as netc train)")
    Double lr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "constant, step or cosine (default: ${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--seed", defaultValue = "" + TrainingDefaults.SEED, description = "default: ${DEFAULT-VALUE}")
    long seed;

    @Option(names = "--local-steps", defaultValue = "0", paramLabel = "H",
            description = "local SGD: steps each partition takes between averagings; 0 (default) is synchronous")
    int localSteps;

    @Option(names = "--partitions", paramLabel = "N", description = "repartition the training data into N partitions")
    Integer partitions;

    @Option(names = "--save", paramLabel = "FILE", description = "write the trained weights (safetensors)")
    Path save;

    @Override
    public Integer call() {
        ShippedModel shipped = Main.readModel(model);
        Model compiled = shipped.model();
        OptimizerChoice choice = lr == null ? OptimizerChoice.of(optimizer) : new OptimizerChoice(optimizer, lr);
        LearningRateSchedule sched = schedule(schedule);
        Columns columns = columnOptions.columns();
        SparkTrainer trainer = SparkTrainer.builder(shipped).optimizer(choice).epochs(epochs).batchSize(batchSize)
                .seed(seed).schedule(sched).localSteps(localSteps).columns(columns)
                .listener(new ProgressListener() {
                    @Override
                    public void epochDone(EpochReport r) {
                        spec.commandLine().getOut().printf(Locale.ROOT, "epoch %d: train loss %.4f%s (%.1f s)%n",
                                r.epoch(), r.trainLoss(), !r.tested() ? ""
                                        : String.format(Locale.ROOT, ", test loss %.4f, test accuracy %.4f",
                                                r.testLoss(), r.testAccuracy()), r.seconds());
                        spec.commandLine().getOut().flush();
                    }
                }).build();
        DataFiles.requireExists(data);
        DataFiles.requireExists(test);
        try (Main.Session session = Main.session()) {
            Dataset<Row> train = DataFiles.read(session.spark(), data, columns);
            if (partitions != null) {
                if (partitions < 1) {
                    throw new netc.runtime.InputException("--partitions", "must be >= 1, got " + partitions);
                }
                train = train.repartition(partitions);
            }
            Dataset<Row> testData = test == null ? null : DataFiles.read(session.spark(), test, columns);
            float[] params = compiled.initialWeights(seed);
            List<EpochReport> reports = trainer.train(params, train, testData);
            if (save != null) {
                compiled.saveWeights(save, params);
                spec.commandLine().getOut().println("saved " + reports.size() + " epochs' weights to " + save);
            }
        }
        return Main.OK;
    }

    static LearningRateSchedule schedule(String name) {
        for (LearningRateSchedule s : LearningRateSchedule.values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new netc.runtime.InputException("--schedule", "expected one of "
                + java.util.Arrays.toString(LearningRateSchedule.values()).toLowerCase(Locale.ROOT) + ", got '"
                + name + "'");
    }
}
