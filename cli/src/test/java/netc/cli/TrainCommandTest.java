package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.Network;
import netc.runtime.train.Trainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code netc train} on tiny CSV files, one epoch each: what it prints, bad settings, where it saves, and a run that
 * diverges. Data set errors are in {@link DataSourceTest}.
 */
class TrainCommandTest {
    private static final Path XOR = sample("xor.net");
    private static final Path LINEAR = sample("linear_regression.net");

    @TempDir
    Path dir;

    /** The command picocli fills in from {@code args}. */
    private static TrainCommand parse(String... args) {
        CommandLine cmd = new CommandLine(new Main());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        return (TrainCommand) cmd.parseArgs(args).subcommand().commandSpec().userObject();
    }

    @Test
    void fixedThreadsTurnsOffTheMoveToOneThreadAndIsInTheHelp() {
        Network xor = NetCompiler.compile(NetCompiler.read(XOR), NetCompiler.Options.defaults()).load();
        assertTrue(parse("train", XOR.toString()).threadSettings(Trainer.builder(xor)).build().adaptiveThreads(),
                "on by default");
        assertFalse(parse("train", XOR.toString(), "--fixed-threads").threadSettings(Trainer.builder(xor)).build()
                .adaptiveThreads());
        Cli.run("train", "--help").assertSuccess().assertOutContains("--fixed-threads");
    }

    @Test
    void trainsXorAndSavesTheWeights() {
        Path csv = TestData.xorCsv(dir);
        Path weights = dir.resolve("xor.safetensors");
        Cli r = Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--threads", "1", "--save", weights)
                .assertSuccess();
        String[] lines = r.out().split("\n");
        assertEquals(5, lines.length, r::describe);
        assertTrue(lines[0].startsWith("network xor: 17 parameters (12 weights + 5 biases), compiled in "),
                r::describe);
        // the kernels the class reports it runs: xor is tiny, so straight-line code (TinyNetRule)
        assertTrue(lines[0].matches(".* s \\(Janino, unrolled kernels\\)"), r::describe);
        assertEquals("data: CSV " + csv + " (header row skipped: t, a, b): 9 training, 1 test samples (10% held out at "
                + "random)", lines[1]);
        assertEquals("training: momentum(lr 0.05, momentum 0.9), cosine schedule, batch 128, 1 epoch, 1 thread, seed 0", lines[2]);
        assertTrue(lines[3].matches("epoch 1/1  train loss \\d+\\.\\d{4}  test loss \\d+\\.\\d{4}  .* samples/s  .* s"),
                r::describe);
        assertEquals("saved weights to " + weights, lines[4]);
        assertEquals(List.of("xor.csv", "xor.safetensors"), Cli.filesUnder(dir), "no temporary file is left");
    }

    @Test
    void sameSeedGivesTheSameWeights() throws Exception {
        Path csv = TestData.xorCsv(dir);
        Path a = dir.resolve("a.safetensors");
        Path b = dir.resolve("b.safetensors");
        Cli.run("train", XOR, "--data", csv, "--epochs", "2", "--seed", "7", "--optimizer", "adam", "--save", a)
                .assertSuccess().assertOutContains("training: adam(");
        Cli.run("train", XOR, "--data", csv, "--epochs", "2", "--seed", "7", "--optimizer", "ADAM", "--save", b)
                .assertSuccess();
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    @Test
    void startsFromSavedWeights() {
        Path csv = TestData.xorCsv(dir);
        Path weights = dir.resolve("w.safetensors");
        Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--save", weights).assertSuccess();
        Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--optimizer", "sgd", "--init", weights).assertSuccess()
                .assertOutContains("training: sgd(lr 0.1), cosine schedule, batch 128, 1 epoch, ")
                .assertOutContains(", seed 0, from " + weights + "\n");
    }

    @Test
    void constantScheduleIsNamedAndGivesOtherWeightsThanCosine() throws Exception {
        Path csv = TestData.xorCsv(dir);
        Path cosine = dir.resolve("cosine.safetensors");
        Path constant = dir.resolve("constant.safetensors");
        Cli.run("train", XOR, "--data", csv, "--epochs", "2", "--batch", "8", "--save", cosine).assertSuccess();
        Cli.run("train", XOR, "--data", csv, "--epochs", "2", "--batch", "8", "--schedule", "constant", "--save",
                constant).assertSuccess().assertOutContains("training: momentum(lr 0.05, momentum 0.9), constant "
                        + "schedule, batch 8, ");
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(cosine), Files.readAllBytes(constant)),
                "the schedule changes the steps");
    }

    @Test
    void zeroEpochsIsAUserErrorBeforeCompiling() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--epochs", "0")
                .assertUserError("--epochs: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void zeroBatchIsAUserErrorBeforeCompiling() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--batch", "0")
                .assertUserError("--batch: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void zeroThreadsIsAUserErrorBeforeCompiling() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--threads", "0")
                .assertUserError("--threads: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void negativeThreadsIsAUserError() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--threads", "-4")
                .assertUserError("--threads: error: must be at least 1, got -4\n").assertOutEmpty();
    }

    @Test
    void negativeLearningRateIsAUserErrorBeforeCompiling() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--lr", "-1")
                .assertUserError("--lr: error: learning rate must be > 0, got -1.0\n").assertOutEmpty();
    }

    @Test
    void learningRateBeyondTheLargestFloatIsRefusedLikeInfinity() {
        // 1e39 is a finite double but an infinite float, the type the optimizers step in.
        for (String lr : new String[] {"1e39", "Infinity"}) {
            Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--optimizer", "sgd", "--lr", lr)
                    .assertUserError("--lr: error: learning rate must be at most 3.4028235E38 (the largest float), "
                            + "got " + Double.parseDouble(lr) + "\n").assertOutEmpty();
        }
    }

    @Test
    void learningRateBelowTheSmallestFloatIsRefusedLikeZero() {
        // 1e-50 is a positive double but 0 as a float: the run would train at 0 and change nothing.
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--lr", "1e-50")
                .assertUserError("--lr: error: learning rate must be at least 1.4E-45 (the smallest float), got "
                        + "1.0E-50\n").assertOutEmpty();
    }

    @Test
    void notANumberLearningRateIsAUserError() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--optimizer", "adam", "--lr", "NaN")
                .assertUserError("--lr: error: learning rate must be > 0, got NaN\n").assertOutEmpty();
    }

    @Test
    void nanAndInfinityAreTheSameUserErrorHoweverTheyAreSpelt() {
        // Java's parser takes NaN and Infinity only so, and then 'nan' was a malformed command line (exit 2)
        Path csv = TestData.xorCsv(dir);
        for (String nan : new String[] {"NaN", "nan", "NAN", "-nan", "+NaN"}) {
            Cli.run("train", XOR, "--data", csv, "--lr", nan)
                    .assertUserError("--lr: error: learning rate must be > 0, got NaN\n").assertOutEmpty();
        }
        for (String inf : new String[] {"Infinity", "infinity", "inf", "+INF"}) {
            Cli.run("train", XOR, "--data", csv, "--lr", inf).assertUserError("--lr: error: learning rate must be at "
                    + "most 3.4028235E38 (the largest float), got Infinity\n").assertOutEmpty();
        }
        for (String negative : new String[] {"-inf", "-Infinity", "-1", "0"}) {
            Cli.run("train", XOR, "--data", csv, "--lr", negative).assertUserError("--lr: error: learning rate must be "
                    + "> 0, got " + Numbers.decimal(negative) + "\n").assertOutEmpty();
        }
        Cli.run("train", XOR, "--data", csv, "--weight-decay", "inf").assertUserError("--weight-decay: error: must be a "
                + "finite number >= 0, got Infinity\n");
        Cli.run("train", XOR, "--data", csv, "--clip-norm", "nan").assertUserError("--clip-norm: error: must be a "
                + "finite number > 0, got NaN\n");
        Cli.run("train", XOR, "--data", csv, "--validation", "nan").assertUserError("--validation: error: must be a "
                + "fraction > 0 and < 1, got NaN\n");
        Cli.run("train", XOR, "--data", csv, "--progress-every", "inf").assertUserError("--progress-every: error: "
                + "must be a positive number of seconds, got Infinity\n");
    }

    @Test
    void aFileOptionTypedAsADirectoryPathIsRefusedNotWrittenAsAFile() {
        Path csv = TestData.xorCsv(dir);
        for (String option : new String[] {"--save", "--log", "--plot"}) {
            String typed = dir.resolve("out") + "/";
            Cli.run("train", XOR, "--data", csv, option, typed).assertUserError(typed + ": error: ends in '/', so it "
                    + "names a directory; " + option + " needs a file name\n").assertOutEmpty();
            Cli.run("train", XOR, "--data", csv, option + "=" + typed).assertUserError(typed + ": error: ends in '/', "
                    + "so it names a directory; " + option + " needs a file name\n");
        }
        assertEquals(List.of("xor.csv"), Cli.filesUnder(dir), "no file named out");
    }

    @Test
    void anOutputFileThatNamesAnOpenDescriptorIsRefused() throws Exception {
        // written whole (a temporary file, then a rename): through /dev/stdout that replaced a redirected standard
        // output's file, or failed on the link of a pipe; a link to it is the same
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
        Path csv = TestData.xorCsv(dir);
        Path link = Files.createSymbolicLink(dir.resolve("w.safetensors"), Path.of("/dev/stdout"));
        for (String target : new String[] {"/dev/stdout", "/dev/fd/1", link.toString()}) {
            Cli.run("train", XOR, "--data", csv, "--save", target).assertUserError(target + ": error: --save names an "
                    + "open file descriptor; netc writes that file whole (a temporary file, then a rename), so give "
                    + "the name of a file\n").assertOutEmpty();
        }
        Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--plot", link.resolveSibling("p.png")).assertSuccess();
        assertTrue(Files.isSymbolicLink(link), "the link is left alone");
    }

    @Test
    void badSettingIsReportedBeforeAMissingDataSet() {
        Cli.run("train", XOR, "--data", dir.resolve("none.csv"), "--epochs", "0")
                .assertUserError("--epochs: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void saveIntoAMissingDirectoryFailsBeforeCompiling() {
        Path target = dir.resolve("no-such-dir").resolve("w.safetensors");
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--save", target).assertUserError(target
                + ": error: cannot save here: directory " + target.toAbsolutePath().getParent() + " does not exist\n")
                .assertOutEmpty();
    }

    @Test
    void saveOntoADirectoryFailsBeforeCompiling() {
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--save", dir)
                .assertUserError(dir + ": error: is a directory; --save needs a file name\n").assertOutEmpty();
    }

    @Test
    void saveIntoAReadOnlyDirectoryFailsBeforeCompiling() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        assumeFalse(Files.isWritable(readOnly), "root can write anywhere");
        Path target = readOnly.resolve("w.safetensors");
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--save", target).assertUserError(target
                + ": error: cannot save here: directory " + readOnly.toAbsolutePath() + " is not writable\n")
                .assertOutEmpty();
    }

    @Test
    void saveIntoADirectoryThatTakesNoNewFilesFailsBeforeCompiling() {
        // /proc passes the permission check for root but takes no new files; the run used to train in full and
        // only then fail to write.
        Path proc = Path.of("/proc");
        assumeTrue(Files.isDirectory(proc) && Files.isWritable(proc), "/proc looks writable (running as root)");
        Path target = proc.resolve("w.safetensors");
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--save", target).assertUserError(target
                + ": error: cannot save here: cannot create a file in directory /proc\n").assertOutEmpty();
    }

    @Test
    void missingInitialWeightsAreAUserError() {
        Path none = dir.resolve("none.safetensors");
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--init", none)
                .assertUserError(none + ": error: file not found\n");
    }

    @Test
    void overflowOnTheFirstBatchNamesTheGradientNotTheLearningRate() {
        // Targets of 1e30 times features of 1e18: the gradient of w overflows float on the very first batch,
        // whatever the learning rate.
        Path csv = TestData.linearCsv(dir, "huge.csv", 10, 1e30, 1e18);
        Path weights = dir.resolve("w.safetensors");
        Cli r = Cli.run("train", LINEAR, "--data", csv, "--lr", "1e10", "--epochs", "1", "--save", weights);
        r.assertUserError(LINEAR + ":10:5: error: the gradient of parameter 'w' in 'y' produced -infinity at epoch 1,"
                + " batch 1 (its inputs were finite, up to 1.111E+30 in magnitude, but the result is beyond the float"
                + " range)\n"
                + "    y = w x + b\n"
                + "        ^~~\n");
        assertFalse(r.out().contains("saved weights"), r::describe);
        assertEquals(List.of("huge.csv"), Cli.filesUnder(dir), "nothing is saved after a diverged run");
    }

    @Test
    void runWhoseWeightsGrowUntilTheLossOverflowsBlamesTheLearningRate() {
        // Modest data, but steps of lr 1e10 multiply the weights by about 1e10 each batch until the loss overflows.
        Path csv = TestData.linearCsv(dir, "plain.csv", 10, 1, 1);
        Cli r = Cli.run("train", LINEAR, "--data", csv, "--lr", "1e3", "--optimizer", "sgd", "--batch", "2",
                "--epochs", "3", "--schedule", "constant");
        r.assertUserErrorStartingWith(LINEAR + ":10:5: error: a matrix product in 'y' produced -infinity at epoch 2,"
                + " batch 2 (its inputs were finite, up to ");
        assertTrue(r.err().endsWith(" since the start: try a lower learning rate\n    y = w x + b\n        ^~~\n"),
                r::describe);
        assertTrue(r.err().contains("; the largest weight grew from 0.02204 to "), r::describe);
    }

    @Test
    void stepThatOverflowsAWeightNamesTheParameterAndTheLearningRate() {
        Path csv = TestData.linearCsv(dir, "plain.csv", 10, 1, 1);
        Cli.run("train", LINEAR, "--data", csv, "--lr", "1e10", "--optimizer", "sgd", "--batch", "2", "--epochs", "3",
                "--schedule", "constant").assertUserError(LINEAR + ":7:7: error: parameter 'w' became infinity in the"
                + " step before epoch 1, batch 4; the largest weight was 0.02204 at the start: try a lower learning"
                + " rate\n"
                + "    param w[1, 13] init normal(0.01)\n"
                + "          ^\n");
    }

    @Test
    void logOfANegativeInputIsNamedWithItsPosition() {
        Path net = Cli.write(dir.resolve("logneg.net"), "network logneg\ninput x[2]\ntarget y : real[1]\n"
                + "param W[1, 2] init normal(0.1)\nparam b[1]\n\nh = log(x)\np = W h + b\n"
                + "loss = squared_error(p, y)\n");
        Path csv = Cli.write(dir.resolve("neg.csv"), "1,0.5,2\n0,1,-2\n1,2,3\n0,4,5\n");
        Cli.run("train", net, "--data", csv, "--test", csv, "--epochs", "1").assertUserError(net
                + ":7:5: error: log in 'h' produced NaN at epoch 1, batch 1 (its input had negative values, e.g. -2)\n"
                + "    h = log(x)\n"
                + "        ^~~~~~\n");
    }

    @Test
    void divisionByZeroIsNamedWithItsPosition() {
        Path net = Cli.write(dir.resolve("div.net"), "network div\ninput x[2]\ntarget y : real[1]\n"
                + "param W[1, 2] init normal(0.1)\nparam b[1]\n\nh = x / 0\np = W h + b\n"
                + "loss = squared_error(p, y)\n");
        Path csv = Cli.write(dir.resolve("d.csv"), "1,0.5,2\n0,1,-2\n1,2,3\n0,4,5\n");
        Cli.run("train", net, "--data", csv, "--test", csv, "--epochs", "1").assertUserError(net
                + ":7:7: error: '/' in 'h' produced infinity at epoch 1, batch 1 (it divided by zero)\n"
                + "    h = x / 0\n"
                + "          ^\n");
    }

    @Test
    void initialiserBeyondTheFloatRangeIsNamedAtTheParameter() {
        Path net = Cli.write(dir.resolve("big.net"), "network big\ninput x[2]\ntarget y : real[1]\n"
                + "param W[1, 8] init he\nparam V[8, 2] init normal(3e38)\nparam b[1]\n\n"
                + "p = W V x + b\nloss = squared_error(p, y)\n");
        Path csv = Cli.write(dir.resolve("b.csv"), "1,0.5,2\n0,1,-2\n1,2,3\n0,4,5\n");
        Cli r = Cli.run("train", net, "--data", csv, "--test", csv, "--epochs", "1");
        r.assertUserErrorStartingWith(net + ":5:7: error: the initialiser normal(3.0E38) of parameter 'V' produced ");
        assertTrue(r.err().contains(", beyond the float range; use a smaller standard deviation\n"
                + "    param V[8, 2] init normal(3e38)\n"
                + "          ^\n"), r::describe);
        r.assertOutEmpty();
    }

    @Test
    void initialWeightsHoldingNaNAreRejectedNamingTheTensor() throws Exception {
        netc.runtime.ModelSpec spec = netc.compiler.internal.driver.NetCompiler.check(netc.compiler.internal.driver.NetCompiler.read(XOR))
                .modelSpec();
        netc.runtime.ParamSpec second = spec.params().get(1);
        Path bad = writeWeightsWithoutChecksum(dir.resolve("nan.safetensors"), spec, second.offset() + 2);
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--epochs", "1", "--init", bad).assertUserError(bad
                + ": error: tensor " + second.name() + " holds NaN at element 2\n");
    }

    /** A safetensors file as another tool writes it (no checksum), all weights 0.5 but a NaN at {@code nanAt}. */
    private static Path writeWeightsWithoutChecksum(Path file, netc.runtime.ModelSpec spec, int nanAt)
            throws java.io.IOException {
        StringBuilder json = new StringBuilder("{");
        for (netc.runtime.ParamSpec p : spec.params()) {
            json.append(json.length() > 1 ? "," : "").append('"').append(p.name()).append("\":{\"dtype\":\"F32\","
                    + "\"shape\":").append(java.util.Arrays.toString(p.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(4L * p.offset()).append(',')
                    .append(4L * (p.offset() + p.size())).append("]}");
        }
        byte[] header = json.append('}').toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(8 + header.length + 4 * spec.paramCount())
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        buf.putLong(header.length).put(header);
        for (int i = 0; i < spec.paramCount(); i++) {
            buf.putFloat(i == nanAt ? Float.NaN : 0.5f);
        }
        return Files.write(file, buf.array());
    }

    @Test
    void runWhoseLastStepOverflowsTheWeightsDivergedEvenWithoutSave() {
        // Loss and gradient stay finite (targets 0, features 1e18), but one step of lr 1e10 takes w past Float.MAX.
        Path csv = TestData.linearCsv(dir, "steep.csv", 10, 0, 1e18);
        Cli r = Cli.run("train", LINEAR, "--data", csv, "--lr", "1e10", "--epochs", "1");
        r.assertUserErrorStartingWith("linear_regression.net: error: training diverged: parameter w became ");
        assertTrue(r.err().endsWith(" in the last step of epoch 1; try a lower learning rate\n"), r::describe);
        assertFalse(r.out().contains("saved weights"), r::describe);
    }

    @Test
    void anEmptyOutputNameIsRefusedBeforeTraining() {
        Path csv = TestData.xorCsv(dir);
        for (String option : new String[] {"--save", "--log", "--plot"}) {
            Cli.run("train", XOR, "--data", csv, option, "").assertUserError(option + ": error: needs a file name, "
                    + "got an empty one\n").assertOutEmpty();
        }
    }

    @Test
    void saveOntoTheModelFileIsRefusedBeforeTraining() throws Exception {
        Path model = Files.copy(XOR, dir.resolve("xor.net"));
        byte[] before = Files.readAllBytes(model);
        Cli.run("train", model, "--data", TestData.xorCsv(dir), "--save", model)
                .assertUserError(model + ": error: --save would overwrite the model file " + model
                        + "; save the weights elsewhere\n").assertOutEmpty();
        assertArrayEquals(before, Files.readAllBytes(model));
    }

    @Test
    void saveOntoTheCsvDataIsRefused() throws Exception {
        Path csv = TestData.xorCsv(dir);
        byte[] before = Files.readAllBytes(csv);
        Cli.run("train", XOR, "--data", csv, "--save", csv).assertUserError(csv + ": error: --save would overwrite "
                + "the --data file " + csv + "; save the weights elsewhere\n").assertOutEmpty();
        assertArrayEquals(before, Files.readAllBytes(csv));
    }

    @Test
    void saveOntoTheTestCsvIsRefusedEvenWhenSpeltDifferently() throws Exception {
        Path csv = TestData.xorCsv(dir);
        Path test = Files.copy(csv, dir.resolve("test.csv"));
        Path spelt = dir.resolve(".").resolve("test.csv");
        Cli.run("train", XOR, "--data", csv, "--test", test, "--save", spelt).assertUserError(spelt + ": error: "
                + "--save would overwrite the --test file " + test + "; save the weights elsewhere\n");
        assertArrayEquals(Files.readAllBytes(csv), Files.readAllBytes(test));
    }

    @Test
    void saveOntoTheInitialWeightsIsRefused() throws Exception {
        Path csv = TestData.xorCsv(dir);
        Path weights = dir.resolve("w.safetensors");
        Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--save", weights).assertSuccess();
        Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--init", weights, "--save", weights)
                .assertUserError(weights + ": error: --save would overwrite the --init file " + weights
                        + "; save the weights elsewhere\n").assertOutEmpty();
    }

    @Test
    void saveOntoAnIdxFileOfTheDataDirectoryIsRefused() throws Exception {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Path labels = idx.resolve("t10k-labels-idx1-ubyte");
        byte[] before = Files.readAllBytes(labels);
        Cli.run("train", sample("logistic_regression.net"), "--data", idx, "--save", labels).assertUserError(labels
                + ": error: --save would overwrite the --data file " + labels + "; save the weights elsewhere\n");
        assertArrayEquals(before, Files.readAllBytes(labels));
    }

    @Test
    void saveThroughALinkToTheDataIsRefused() throws Exception {
        Path csv = TestData.xorCsv(dir);
        Path link = Files.createSymbolicLink(dir.resolve("w.safetensors"), csv.getFileName());
        Cli.run("train", XOR, "--data", csv, "--save", link).assertUserError(link + ": error: --save would overwrite "
                + "the --data file " + csv + "; save the weights elsewhere\n");
        assertTrue(Files.isSymbolicLink(link));
    }

    /** As README says: the link's target gets the weights, the link stays. */
    @Test
    void saveThroughASymbolicLinkWritesTheLinkedFile() throws Exception {
        Path csv = TestData.xorCsv(dir);
        Path real = Files.createDirectory(dir.resolve("runs")).resolve("w.safetensors");
        Files.writeString(real, "old");
        Path link = Files.createSymbolicLink(dir.resolve("latest.safetensors"), real);
        Cli.run("train", XOR, "--data", csv, "--epochs", "1", "--save", link).assertSuccess()
                .assertOutContains("saved weights to " + link + "\n");
        assertTrue(Files.isSymbolicLink(link));
        assertEquals(real, Files.readSymbolicLink(link));
        Cli.run("eval", XOR, "--weights", real, "--data", csv).assertSuccess();
    }

    @Test
    void saveBelowARegularFileSaysItIsNotADirectory() {
        Path csv = TestData.xorCsv(dir);
        Path target = csv.resolve("w.safetensors");
        Cli.run("train", XOR, "--data", csv, "--save", target).assertUserError(target + ": error: cannot save here: '"
                + csv + "' is not a directory\n").assertOutEmpty();
    }

    @Test
    void saveBelowARegularFileDeeperDownNamesTheFile() {
        Path csv = TestData.xorCsv(dir);
        Path target = csv.resolve("sub").resolve("w.safetensors");
        Cli.run("train", XOR, "--data", csv, "--save", target).assertUserError(target + ": error: cannot save here: '"
                + csv + "' is not a directory\n").assertOutEmpty();
    }

    @Test
    void saveThroughALinkToNothingIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("w.safetensors"), dir.resolve("gone.safetensors"));
        Cli.run("train", XOR, "--data", TestData.xorCsv(dir), "--save", link).assertUserError(link + ": error: "
                + "cannot save here: it is a symbolic link to " + dir.resolve("gone.safetensors")
                + ", which does not exist\n").assertOutEmpty();
    }

    @Test
    void batchNormWithALastBatchOfOneSampleIsAUserErrorBeforeTraining() {
        Path net = Cli.write(dir.resolve("xor_bn.net"), "network xor_bn\ninput x[2]\ntarget t : real[1]\n"
                + "param W1[4, 2] init xavier\nparam W2[1, 4] init xavier\nparam b2[1]\n"
                + "h = tanh(batchnorm(W1 x))\np = sigmoid(W2 dropout(h, 0.1) + b2)\n"
                + "loss = binary_cross_entropy(p, t)\n");
        Path csv = TestData.xorCsv(dir);
        Cli.run("train", net, "--data", csv, "--epochs", "1", "--batch", "8").assertUserError(csv
                + ": error: batchnorm needs at least 2 samples per batch in training, but the last batch of each"
                + " epoch has 1 sample (9 samples in batches of 8); choose another batch size\n");
        Cli.run("train", net, "--data", csv, "--epochs", "1", "--batch", "3").assertSuccess();
        // one training sample: no batch size helps, so the message names the data
        Path two = Cli.write(dir.resolve("two.csv"), "0,0,0\n1,0,1\n");
        Cli.run("train", net, "--data", two, "--epochs", "1").assertUserErrorStartingWith(two + ": "
                + "error: batchnorm needs at least 2 samples per batch in training, but the training set has 1 "
                + "sample\n");
    }
}
