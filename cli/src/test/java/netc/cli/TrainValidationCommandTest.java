package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.ModelSpec;
import netc.runtime.io.Safetensors;
import netc.runtime.train.EpochReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc train --validation/--patience/--keep/--test-every-epoch} and the regularisation options. */
class TrainValidationCommandTest {
    private static final Path XOR = sample("xor.net");
    private static final Path LOGISTIC = sample("logistic_regression.net");

    @TempDir
    Path dir;

    /** 40 rows of two classes for {@code logistic_regression.net}: a label, then two features. */
    private Path forty() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            int label = i % 2;
            double sign = label == 1 ? 1 : -1;
            sb.append(label).append(',').append(sign * (0.5 + (i % 7) * 0.1)).append(',')
                    .append(sign * (1.0 - (i % 5) * 0.1)).append('\n');
        }
        return Cli.write(dir.resolve("forty.csv"), sb.toString());
    }

    /** 40 rows whose labels do not follow the features: the validation loss gets worse from the first epoch. */
    private Path noisy() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            sb.append((i * 7 / 3) % 2).append(',').append(((i * 37) % 11 - 5) / 5.0).append(',')
                    .append(((i * 13) % 7 - 3) / 3.0).append('\n');
        }
        return Cli.write(dir.resolve("noisy.csv"), sb.toString());
    }

    private static List<String> epochLines(Cli r) {
        return Arrays.stream(r.out().split("\n")).filter(l -> l.startsWith("epoch ")).toList();
    }

    @Test
    void validationReplacesTheTestFiguresOfEachEpochAndTheTestSetIsReportedAtTheEnd() {
        Cli r = Cli.run("train", LOGISTIC, "--data", forty(), "--epochs", "3", "--threads", "1", "--validation",
                "0.25", "--patience", "5", "--lr", "0.5").assertSuccess();
        r.assertOutContains(", 25% validation, patience 5, keep best\n");
        List<String> epochs = epochLines(r);
        assertEquals(3, epochs.size(), r::describe);
        for (String line : epochs) {
            assertTrue(line.matches("epoch \\d/3  train loss [0-9.]+  val loss [0-9.]+  val accuracy [0-9.]+  .*"),
                    line);
            assertFalse(line.contains("test"), line);
        }
        assertTrue(r.out().matches("(?s).*\nbest epoch \\d of 3 \\(validation loss [0-9.]+\\); kept the best "
                + "epoch's weights\ntest loss [0-9.]+  test accuracy [0-9.]+  \\(4 samples\\)\n.*"), r::describe);
    }

    @Test
    void patienceStopsTheRunAndSaveWritesTheBestEpochsWeights() {
        Path csv = noisy();
        Path best = dir.resolve("best.safetensors");
        Cli r = Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "30", "--threads", "1", "--validation", "0.25",
                "--patience", "2", "--optimizer", "sgd", "--lr", "2", "--schedule", "constant", "--save", best)
                .assertSuccess();
        assertEquals(3, epochLines(r).size(), r::describe);
        r.assertOutContains("\nstopped after epoch 3: validation loss not improved for 2 epochs\nbest epoch 1 of 3 "
                + "(validation loss ");
        // A one-epoch run holds out the same validation set and trains epoch 1 the same way.
        Path one = dir.resolve("one.safetensors");
        Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "1", "--threads", "1", "--validation", "0.25",
                "--optimizer", "sgd", "--lr", "2", "--schedule", "constant", "--save", one).assertSuccess();
        Path last = dir.resolve("last.safetensors");
        Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "30", "--threads", "1", "--validation", "0.25",
                "--patience", "2", "--optimizer", "sgd", "--lr", "2", "--schedule", "constant", "--keep", "last",
                "--save", last).assertSuccess();
        ModelSpec spec = NetCompiler.check(NetCompiler.read(LOGISTIC)).modelSpec();
        assertArrayEquals(Safetensors.load(one, spec), Safetensors.load(best, spec));
        assertFalse(Arrays.equals(Safetensors.load(best, spec), Safetensors.load(last, spec)), "--keep last differs");
        assertTrue(Safetensors.readMetadata(best).containsKey("netc.validation_loss"));
    }

    @Test
    void testEveryEpochAddsTheTestFiguresToEachEpoch() {
        Cli r = Cli.run("train", LOGISTIC, "--data", forty(), "--epochs", "2", "--threads", "1", "--validation",
                "0.25", "--test-every-epoch", "--keep", "last").assertSuccess();
        r.assertOutContains(", 25% validation, keep last\n");
        for (String line : epochLines(r)) {
            assertTrue(line.matches("epoch \\d/2  train loss [0-9.]+  val loss [0-9.]+  val accuracy [0-9.]+  test "
                    + "loss [0-9.]+  test accuracy [0-9.]+  .*"), line);
        }
        r.assertOutContains("; kept the last weights\n");
    }

    @Test
    void theRegularisationSettingsAreShownWithWhichDecay() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--epochs", "1", "--threads", "1", "--optimizer",
                "adam", "--weight-decay", "0.01", "--clip-norm", "1", "--warmup", "3").assertSuccess()
                .assertOutContains(", seed 0, weight decay 0.01 (decoupled), gradient norm clipped to 1.0, 3 warm-up "
                        + "steps\n");
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--epochs", "1", "--threads", "1", "--weight-decay",
                "0.01").assertSuccess().assertOutContains(", seed 0, weight decay 0.01 (L2)\n");
    }

    @Test
    void clippedDecayedWarmedUpValidatedRunsGiveTheSameWeightsWithOneOrTwoThreads() {
        // Large targets: the gradient norm is far above 0.5, so every step is clipped.
        Path csv = TestData.linearCsv(dir, "lin.csv", 300, 10, 0.01);
        Path[] saved = {dir.resolve("t1.safetensors"), dir.resolve("t2.safetensors")};
        for (int t = 0; t < 2; t++) {
            Cli.run("train", sample("linear_regression.net"), "--data", csv, "--epochs", "3", "--batch", "64",
                    "--threads", Integer.toString(t + 1), "--optimizer", "adam", "--lr", "0.05", "--weight-decay",
                    "0.1", "--clip-norm", "0.5", "--warmup", "4", "--validation", "0.2", "--save", saved[t])
                    .assertSuccess();
        }
        ModelSpec spec = NetCompiler.check(NetCompiler.read(sample("linear_regression.net"))).modelSpec();
        assertArrayEquals(Safetensors.load(saved[0], spec), Safetensors.load(saved[1], spec));
    }

    @Test
    void aValidationFractionOutsideZeroToOneIsAUserError() {
        for (String f : new String[] {"0", "1", "1.5", "-0.1", "NaN"}) {
            Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--validation", f)
                    .assertUserError("--validation: error: must be a fraction > 0 and < 1, got "
                            + Double.parseDouble(f) + "\n").assertOutEmpty();
        }
    }

    @Test
    void patienceKeepAndTestEveryEpochNeedValidation() {
        for (String[] option : new String[][] {{"--patience", "3"}, {"--keep", "best"}, {"--test-every-epoch"}}) {
            Cli.run(concat(new Object[] {"train", XOR, "--data", TestData.xorCsv(dir)}, option))
                    .assertUserError(option[0] + ": error: needs --validation: it works on the validation set held "
                            + "out of the training data\n").assertOutEmpty();
        }
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--validation", "0.2", "--patience", "0")
                .assertUserError("--patience: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void badRegularisationValuesAreUserErrors() {
        Path csv = TestData.xorCsv(dir);
        Cli.run("train", XOR, "--data", csv, "--weight-decay", "-0.1")
                .assertUserError("--weight-decay: error: must be a finite number >= 0, got -0.1\n").assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--weight-decay", "NaN")
                .assertUserError("--weight-decay: error: must be a finite number >= 0, got NaN\n").assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--clip-norm", "0")
                .assertUserError("--clip-norm: error: must be a finite number > 0, got 0.0\n").assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--clip-norm", "Infinity")
                .assertUserError("--clip-norm: error: must be a finite number > 0, got Infinity\n").assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--warmup", "-5")
                .assertUserError("--warmup: error: must be at least 0 steps, got -5\n").assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--augment", "flip,blur")
                .assertUserError("--augment: error: augmentation must be 'none' or a comma-separated list of 'flip'"
                        + " and 'shift=N', each at most once; got 'blur' in 'flip,blur'\n").assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--augment", "shift=-2")
                .assertUserError("--augment: error: augmentation shift must be >= 0 and <= 64 pixels, got -2\n")
                .assertOutEmpty();
        Cli.run("train", XOR, "--data", csv, "--augment", "flip")
                .assertUserError("--augment: error: augmentation needs an image input (its last two dimensions are"
                        + " height and width); input 'x' of xor is [2]\n").assertOutEmpty();
    }

    @Test
    void helpSaysWhatIsHeldOutAndWhichDecay() {
        String help = Cli.run("train", "--help").assertSuccess().out().replaceAll("\\s+", " ");
        assertTrue(help.contains("of the 90% left after its test hold-out"), help);
        assertTrue(help.contains("decoupled for adam (AdamW"), help);
        assertTrue(help.contains("an L2 term W * w added to the gradient for sgd and momentum"), help);
        assertTrue(help.contains("biases included"), help);
    }

    private static Object[] concat(Object[] a, String[] b) {
        Object[] all = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void aNaNValidationLossIsShownAsNaNNotTakenForNoValidationSet() {
        EpochReport nan = new EpochReport(3, 0.5, Double.NaN, Double.NaN, 100, 1, Double.NaN, 0.5, false, true);
        assertEquals("  val loss NaN  val accuracy 0.5000", FitOptions.evaluated(nan));
        EpochReport both = new EpochReport(3, 0.5, Double.NaN, 0.75, 100, 1, 0.25, 0.5, true, true);
        assertEquals("  val loss 0.2500  val accuracy 0.5000  test loss NaN  test accuracy 0.7500",
                FitOptions.evaluated(both));
    }
}
