package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Network;
import netc.runtime.Predictor;
import netc.runtime.data.Dataset;
import netc.runtime.io.Safetensors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc predict}: a CSV line per sample, equal to the Predictor's values; every way the inputs can be wrong. */
class PredictCommandTest {
    private static final Path SOFTMAX = sample("softmax_regression.net");
    private static final Path LOGISTIC = sample("logistic_regression.net");
    private static final Path XOR = sample("xor.net");
    private static final Path LINEAR = sample("linear_regression.net");

    /** Weights trained once for the whole class. */
    @TempDir
    static Path trained;

    static Path softmaxWeights;
    static Path xorCsv;
    static Path xorWeights;
    static Path logisticCsv;
    static Path logisticWeights;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOnce() {
        softmaxWeights = trained.resolve("softmax.safetensors");
        Cli.run("train", SOFTMAX, "--epochs", "1", "--save", softmaxWeights).assertSuccess();
        xorCsv = TestData.xorCsv(trained);
        xorWeights = trained.resolve("xor.safetensors");
        Cli.run("train", XOR, "--data", xorCsv, "--epochs", "1", "--save", xorWeights).assertSuccess();
        logisticCsv = TestData.classesCsv(trained, "classes.csv");
        logisticWeights = trained.resolve("logistic.safetensors");
        Cli.run("train", LOGISTIC, "--data", logisticCsv, "--epochs", "1", "--save", logisticWeights)
                .assertSuccess();
    }

    private static Predictor predictor(Path model, Path weights) {
        Network net = NetCompiler.compile(NetCompiler.read(model),
                NetCompiler.Options.defaults().withVector(JaninoLoader.vectorApiAvailable())).load();
        return Predictor.of(net, Safetensors.load(weights, net.spec()));
    }

    /** The CSV lines after the header, each split at the commas. */
    private static String[][] rows(String csv) {
        List<String> lines = csv.lines().toList();
        String[][] rows = new String[lines.size() - 1][];
        for (int i = 1; i < lines.size(); i++) {
            rows[i - 1] = lines.get(i).split(",", -1);
        }
        return rows;
    }

    @Test
    void aClassifierOnFashionMnistWritesTheClassesAndProbabilitiesOfThePredictorAndEvalsAccuracy() {
        Cli r = Cli.run("predict", SOFTMAX, "--weights", softmaxWeights).assertSuccess();
        assertTrue(r.out().startsWith("index,class,p0,p1,p2,p3,p4,p5,p6,p7,p8,p9\n"), r::describe);
        // The default data: Fashion-MNIST's test split, the full one where Debian's package is installed.
        Predictor predictor = predictor(SOFTMAX, softmaxWeights);
        Dataset test = DataSource.loadForEval(null, predictor.spec(), null).test();
        String[][] rows = rows(r.out());
        assertEquals(test.n(), rows.length);

        float[] probabilities = predictor.probabilities(test.x(), test.n());
        int correct = 0;
        for (int i = 0; i < test.n(); i++) {
            assertEquals(Integer.toString(i), rows[i][0]);
            for (int k = 0; k < 10; k++) {
                assertEquals(probabilities[i * 10 + k], Float.parseFloat(rows[i][2 + k]), 0f, "sample " + i);
            }
            int predicted = Integer.parseInt(rows[i][1]);
            assertEquals(predictor.predictClass(java.util.Arrays.copyOfRange(test.x(), i * 784, (i + 1) * 784)),
                    predicted, "sample " + i);
            if (predicted == (int) test.y()[i]) {
                correct++;
            }
        }
        Cli eval = Cli.run("eval", SOFTMAX, "--weights", softmaxWeights).assertSuccess();
        Matcher m = Pattern.compile("accuracy (\\d\\.\\d{4})").matcher(eval.out());
        assertTrue(m.find(), eval::describe);
        assertEquals(m.group(1), String.format(Locale.ROOT, "%.4f", (double) correct / test.n()));
    }

    @Test
    void aSingleSigmoidOutputGetsTheProbabilitiesOfBothClasses() {
        Cli r = Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", logisticCsv).assertSuccess();
        assertTrue(r.out().startsWith("index,class,p0,p1\n"), r::describe);
        String[][] rows = rows(r.out());
        assertEquals(6, rows.length);
        Predictor predictor = predictor(LOGISTIC, logisticWeights);
        Dataset data = netc.runtime.data.CsvReader.classes(2).parse(logisticCsv).dataset();
        for (int i = 0; i < 6; i++) {
            float[] x = java.util.Arrays.copyOfRange(data.x(), 2 * i, 2 * i + 2);
            float p = predictor.predict(x)[0];
            assertEquals(1 - p, Float.parseFloat(rows[i][2]), 0f);
            assertEquals(p, Float.parseFloat(rows[i][3]), 0f);
            assertEquals(p > 0.5f ? 1 : 0, Integer.parseInt(rows[i][1]));
        }
    }

    @Test
    void aRegressionWritesItsOutputValues() {
        Cli r = Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv).assertSuccess();
        assertTrue(r.out().startsWith("index,y0\n"), r::describe);
        String[][] rows = rows(r.out());
        assertEquals(10, rows.length);
        Predictor predictor = predictor(XOR, xorWeights);
        float[] expected = predictor.predict(new float[] {0, 1});
        assertEquals(expected[0], Float.parseFloat(rows[1][1]), 0f, "row 1 is the sample (0, 1)");
    }

    @Test
    void moreSamplesThanOneChunkAreNumberedAndPredictedAcrossTheChunks() {
        int n = 2 * Predictor.CHUNK + 52;
        StringBuilder sb = new StringBuilder();
        float[] x = new float[2 * n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = (i % 97) / 97f;
            x[2 * i + 1] = (i % 13) / 13f;
            sb.append(i % 2).append(',').append(x[2 * i]).append(',').append(x[2 * i + 1]).append('\n');
        }
        Path csv = Cli.write(dir.resolve("many.csv"), sb.toString());
        String[][] rows = rows(Cli.run("predict", XOR, "--weights", xorWeights, "--data", csv).assertSuccess().out());
        assertEquals(n, rows.length);
        float[] expected = predictor(XOR, xorWeights).predict(x, n);
        for (int i = 0; i < n; i++) {
            assertEquals(Integer.toString(i), rows[i][0]);
            assertEquals(expected[i], Float.parseFloat(rows[i][1]), 0f, "sample " + i);
        }
    }

    @Test
    void outWritesTheSameLinesToAFile() {
        String toStdout = Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv).assertSuccess().out();
        Path file = dir.resolve("p.csv");
        Cli r = Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv, "--out", file).assertSuccess();
        assertEquals("wrote 10 predictions of " + xorCsv + " to " + file + "\n", r.out());
        assertEquals(toStdout, Cli.read(file));
        assertEquals(List.of("p.csv"), Cli.filesUnder(dir), "no temporary file left");
    }

    @Test
    void anIdxDirectoryIsPredictedOnItsTestFilesUnlessSplitSaysTrain() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        assertEquals(4, rows(Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", idx)
                .assertSuccess().out()).length);
        assertEquals(8, rows(Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", idx, "--split",
                "train").assertSuccess().out()).length);
    }

    @Test
    void theHelpSaysWhichSplitIsPredicted() {
        String help = Cli.run("predict", "--help").assertSuccess().out().replaceAll("\\s+", " ");
        assertTrue(help.contains("--split=train|test Which files of an IDX directory (or of the default "
                + "Fashion-MNIST) to predict: test, the t10k-* files (the default), or train, the train-* files."),
                help);
        assertTrue(help.contains("for a classifier 'index,class,p0,...'"), help);
    }

    @Test
    void splitWithACsvFileIsAUserError() {
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv, "--split", "train")
                .assertUserError("--split: error: only goes with IDX data; " + xorCsv + " is a CSV file, predicted "
                        + "whole\n").assertOutEmpty();
    }

    @Test
    void missingWeightsAreAUserError() {
        Path none = dir.resolve("none.safetensors");
        Cli.run("predict", XOR, "--weights", none, "--data", xorCsv)
                .assertUserError(none + ": error: file not found\n").assertOutEmpty();
    }

    @Test
    void weightsOfAnotherModelNameTheParameter() {
        Path lin = TestData.linearCsv(dir, "lin.csv", 4, 1, 1);
        Cli.run("predict", LINEAR, "--weights", logisticWeights, "--data", lin)
                .assertUserError(logisticWeights + ": error: tensor w has shape [1, 2] but network "
                        + "'linear_regression' declares [1, 13]\n").assertOutEmpty();
        Cli.run("predict", LINEAR, "--weights", xorWeights, "--data", lin)
                .assertUserError(xorWeights + ": error: missing tensor w: network 'linear_regression' declares w "
                        + "[1, 13]\n").assertOutEmpty();
    }

    @Test
    void dataOfAnotherWidthIsAUserError() {
        Path wide = Cli.write(dir.resolve("wide.csv"), "0,1,2,3\n1,4,5,6\n");
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", wide).assertUserError(wide
                + ":1: error: expected 2 columns (the features) or 3 (the target column, then the features), found "
                + "4\n").assertOutEmpty();
    }

    @Test
    void rowsWithoutTargetsOrWithUnknownOnesArePredictedAsLabelledOnes() {
        String labelled = Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", logisticCsv)
                .assertSuccess().out();
        // the same rows: features alone; labels "?" and out of range; a header naming the columns
        StringBuilder features = new StringBuilder();
        StringBuilder unknown = new StringBuilder("label,a,b\n");
        for (String line : Cli.read(logisticCsv).lines().toList()) {
            String rest = line.substring(line.indexOf(',') + 1);
            features.append(rest).append('\n');
            unknown.append(unknown.length() % 2 == 0 ? "?," : "7,").append(rest).append('\n');
        }
        Path bare = Cli.write(dir.resolve("bare.csv"), features.toString());
        Path odd = Cli.write(dir.resolve("odd.csv"), unknown.toString());
        assertEquals(labelled, Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", bare)
                .assertSuccess().out());
        assertEquals(labelled, Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", odd)
                .assertSuccess().out());
    }

    @Test
    void aPipeIsPredictedWhole() throws Exception {
        Path fifo = TestData.fifo(dir, "rows.csv");
        org.junit.jupiter.api.Assumptions.assumeTrue(fifo != null, "mkfifo is available");
        String expected = Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", logisticCsv)
                .assertSuccess().out();
        Thread writer = TestData.feed(fifo, Cli.read(logisticCsv));
        Cli r = Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", fifo).assertSuccess();
        writer.join();
        assertEquals(expected, r.out());
    }

    @Test
    void unreadableDataIsAUserError() throws Exception {
        Path none = dir.resolve("none.csv");
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", none)
                .assertUserError(none + ": error: no such file or directory\n").assertOutEmpty();
        Path text = Cli.write(dir.resolve("text.csv"), "0,1,2\n1,a,b\n");
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", text).assertUserErrorStartingWith(text + ":2:")
                .assertOutEmpty();
        Path noIdx = Files.createDirectory(dir.resolve("no-idx"));
        Cli.run("predict", LOGISTIC, "--weights", logisticWeights, "--data", noIdx)
                .assertUserErrorStartingWith(noIdx.toString()).assertOutEmpty();
    }

    @Test
    void outThatIsADirectoryOrAnInputIsAUserErrorAndWritesNothing() throws Exception {
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv, "--out", dir)
                .assertUserError(dir + ": error: is a directory; --out needs a file name\n").assertOutEmpty();
        Path copy = Files.copy(xorWeights, dir.resolve("w.safetensors"));
        byte[] before = Files.readAllBytes(copy);
        Cli.run("predict", XOR, "--weights", copy, "--data", xorCsv, "--out", copy)
                .assertUserError(copy + ": error: --out would overwrite the input " + copy + "; write the "
                        + "predictions elsewhere\n").assertOutEmpty();
        assertEquals(java.util.Arrays.toString(before), java.util.Arrays.toString(Files.readAllBytes(copy)));
    }

    @Test
    void outTypedAsADirectoryPathIsAUserErrorAndWritesNothing() {
        String typed = dir.resolve("predictions.csv") + "/";
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv, "--out", typed)
                .assertUserError(typed + ": error: ends in '/', so it names a directory; --out needs a file name\n")
                .assertOutEmpty();
        assertEquals(List.of(), Cli.filesUnder(dir));
    }

    @Test
    void outThatNamesAnOpenDescriptorIsAUserErrorPointingToStandardOutput() {
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv, "--out", "/dev/stdout")
                .assertUserError("/dev/stdout: error: --out names an open file descriptor; netc writes that file whole "
                        + "(a temporary file, then a rename), so give the name of a file; without --out the "
                        + "predictions go to standard output\n").assertOutEmpty();
    }

    @Test
    void zeroThreadsIsAUserError() {
        Cli.run("predict", XOR, "--weights", xorWeights, "--data", xorCsv, "--threads", "0")
                .assertUserError("--threads: error: must be at least 1, got 0\n").assertOutEmpty();
    }
}
