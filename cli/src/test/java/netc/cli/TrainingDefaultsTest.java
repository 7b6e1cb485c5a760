package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Locale;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.data.CsvReader;
import netc.runtime.data.Dataset;
import netc.runtime.io.Safetensors;
import netc.runtime.train.Initializer;
import netc.runtime.train.Trainer;
import netc.runtime.train.TrainingDefaults;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code netc train} and {@link Trainer#builder} share one set of defaults, {@link TrainingDefaults}. */
class TrainingDefaultsTest {
    private static final Path LOGISTIC = sample("logistic_regression.net");

    @TempDir
    Path dir;

    private static Network compile(Path file) {
        // The options ModelArgs gives a command without --scalar, so both sides run the same kernels.
        return NetCompiler.compile(NetCompiler.read(file),
                NetCompiler.Options.defaults().withVector(JaninoLoader.vectorApiAvailable())).load();
    }

    /** What picocli fills into {@code netc train FILE} when no option is given. */
    private static TrainCommand parsedDefaults() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        CommandLine.ParseResult parsed = cmd.parseArgs("train", LOGISTIC.toString());
        return (TrainCommand) parsed.subcommand().commandSpec().userObject();
    }

    @Test
    void theCommandLineAndTheBuilderHaveTheSameDefaults() {
        TrainCommand cli = parsedDefaults();
        Trainer builder = Trainer.builder(compile(LOGISTIC)).build();
        assertEquals(builder.epochs(), cli.epochs);
        assertEquals(builder.batchSize(), cli.batch);
        assertEquals(builder.seed(), cli.seed);
        assertEquals(builder.schedule(), cli.schedule);
        assertEquals(builder.threads(), Math.min(cli.threads, Runtime.getRuntime().availableProcessors()));
        assertEquals(builder.optimizer().getClass(), cli.optimizer.create(cli.optimizer.defaultRate).getClass());
        // toString names the learning rate and the optimizer's other settings (momentum 0.9).
        assertEquals(builder.optimizer().toString(), cli.optimizer.create(cli.optimizer.defaultRate).toString());
        assertEquals(null, cli.lr);
    }

    @Test
    void theHelpShowsTheSharedDefaults() {
        // The help wraps its lines: compare with the whitespace folded.
        String help = Cli.run("train", "--help").assertSuccess().out().replaceAll("\\s+", " ");
        for (String expected : new String[] {"--epochs=N Passes over the training set (default: "
                + TrainingDefaults.EPOCHS + ")", "Mini-batch size (default: " + TrainingDefaults.BATCH_SIZE + ")",
            "(default: " + TrainingDefaults.optimizer().name() + ")",
            "zero at the last step (default: " + TrainingDefaults.SCHEDULE.name().toLowerCase(Locale.ROOT) + ")",
            "same weights (default: " + TrainingDefaults.SEED + ")",
            "(default: " + TrainingDefaults.THREADS + ", capped at the number of cores)",
            TrainingDefaults.MOMENTUM_LEARNING_RATE + " for momentum"}) {
            assertTrue(help.contains(expected), () -> "help should contain " + expected + "\n" + help);
        }
    }

    /** 300 samples of two classes, so that the batch size (128 of 300) and the schedule change the weights. */
    private Path twoClasses() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            double a = Math.sin(i * 0.7) * 2;
            double b = Math.cos(i * 1.3) * 2;
            sb.append(a + b > 0.3 ? 1 : 0).append(',').append(a).append(',').append(b).append('\n');
        }
        return Cli.write(dir.resolve("two.csv"), sb.toString());
    }

    @Test
    void aCommandLineRunAndABuilderRunWithDefaultsGiveBitwiseTheSameWeights() {
        Path csv = twoClasses();
        Path saved = dir.resolve("cli.safetensors");
        Cli.run("train", LOGISTIC, "--data", csv, "--test", csv, "--save", saved).assertSuccess();

        Network net = compile(LOGISTIC);
        ModelSpec spec = net.spec();
        Dataset data = CsvReader.classes(spec.targetSize()).parse(csv).dataset();
        float[] params = Initializer.initialize(spec, TrainingDefaults.SEED);
        float[] start = params.clone();
        Trainer.builder(net).build().train(params, data, data);

        float[] fromCli = Safetensors.load(saved, spec);
        assertNotEquals(java.util.Arrays.toString(start), java.util.Arrays.toString(params), "training moved");
        assertArrayEquals(fromCli, params);
    }
}
