package netc.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spark-submit main class, run in process on the tests' {@code local[2,2]} session. */
class MainTest {
    private static SparkSession spark;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        spark = Spark.session(DistributedTrainingTest.MASTER);
        Files.writeString(dir.resolve("mlp.net"), """
                network mnist_mlp
                input  x[784]
                target y : class[10]
                param W1[64, 784] init he
                param b1[64]
                param W2[10, 64] init xavier
                param b2[10]
                p = softmax(W2 relu(W1 x + b1) + b2)
                loss = cross_entropy(p, y)
                """);
        Files.writeString(dir.resolve("tiny.net"), """
                network tiny
                input  x[4]
                target y : class[3]
                param W[3, 4] init xavier
                param b[3]
                p = softmax(W x + b)
                loss = cross_entropy(p, y)
                """);
        Files.writeString(dir.resolve("broken.net"), """
                network broken
                input  x[4]
                target y : class[3]
                param W[3, 4] init xavier
                p = softmax(V x)
                loss = cross_entropy(p, y)
                """);
        Result r = run("parquet", "--embedded", "--out", dir.resolve("fm").toString());
        assertEquals(0, r.code, r.err);
    }

    record Result(int code, String out, String err) {
    }

    static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String p(String name) {
        return dir.resolve(name).toString();
    }

    @Test
    void parquetThenTrainThenPredict() {
        assertEquals(6000, spark.read().parquet(p("fm/train.parquet")).count());
        Result train = run("train", p("mlp.net"), "--data", p("fm/train.parquet"), "--test", p("fm/test.parquet"),
                "--epochs", "1", "--batch-size", "32", "--local-steps", "20", "--save", p("w.safetensors"));
        assertEquals(0, train.code, train.err);
        assertTrue(train.out.startsWith("epoch 1: train loss "), train.out);
        assertTrue(train.out.contains("test accuracy 0.") && train.out.contains("saved 1 epochs' weights to "),
                train.out);
        Result predict = run("predict", p("mlp.net"), "--weights", p("w.safetensors"), "--data",
                p("fm/test.parquet"), "--out", p("predictions.parquet"));
        assertEquals(0, predict.code, predict.err);
        assertEquals("wrote 1000 predictions of " + p("fm/test.parquet") + " to " + p("predictions.parquet") + "\n",
                predict.out);
        Row first = spark.read().parquet(p("predictions.parquet")).first();
        assertEquals(3, first.size(), first.schema().simpleString()); // label, prediction, probability
    }

    @Test
    void aModelOfAnotherInputSizeIsOneMessageAndExit1() {
        Result r = run("train", p("tiny.net"), "--data", p("fm/train.parquet"));
        assertEquals(1, r.code, r.err);
        assertEquals("training data: error: column 'features' holds 784 values per row, the model's input x has 4\n",
                r.err);
    }

    @Test
    void aMistakeInTheModelNamesItsPlace() {
        Result r = run("train", p("broken.net"), "--data", p("fm/train.parquet"));
        assertEquals(1, r.code, r.err);
        assertTrue(r.err.startsWith(p("broken.net") + ":5:"), r.err);
        assertTrue(!r.err.contains("\tat "), r.err);
    }

    @Test
    void missingFilesAndBadSettingsAreUserErrors() {
        Result noModel = run("train", p("none.net"), "--data", p("fm/train.parquet"));
        assertEquals(1, noModel.code);
        assertEquals(p("none.net") + ": error: no such file\n", noModel.err);
        Result noData = run("train", p("mlp.net"), "--data", p("nothing.parquet"));
        assertEquals(1, noData.code);
        assertEquals(p("nothing.parquet") + ": error: no such file or directory\n", noData.err);
        Result optimizer = run("train", p("mlp.net"), "--data", p("fm/train.parquet"), "--optimizer", "rmsprop");
        assertEquals(1, optimizer.code);
        assertEquals("training: error: optimizer must be sgd, momentum or adam, got 'rmsprop'\n", optimizer.err);
        Result exists = run("parquet", "--embedded", "--out", p("fm"));
        assertEquals(1, exists.code);
        assertEquals(p("fm/train.parquet") + ": error: already exists; give a new directory\n", exists.err);
    }

    @Test
    void aCsvFileWithoutAHeaderRowIsRefusedRatherThanLosingItsFirstRow() throws IOException {
        // was: the first row taken as the header, and lost (predict wrote 2 of 3 rows)
        Files.writeString(dir.resolve("noheader.csv"), "0,0.5,0.25,0.125,1\n1,1,0,0,0\n2,0.5,0.5,0.5,0.5\n");
        Result r = run("train", p("tiny.net"), "--data", p("noheader.csv"));
        assertEquals(1, r.code, r.err);
        assertEquals(p("noheader.csv") + ": error: the first row holds only numbers, so it is data, not the header "
                + "row a CSV file needs here (the label column 'label', then a name per feature); add a header row, or "
                + "convert the data to Parquet\n", r.err);
    }

    @Test
    void aCsvCellThatIsNotANumberNamesItsRowColumnAndText() throws IOException {
        // was: exit 3, "internal error" and Spark's stack trace (the ANSI cast failed inside the job)
        Files.writeString(dir.resolve("abc.csv"), "label,a,b,c,d\n0,0.5,0.25,0.125,1\n1,1,abc,0,0\n2,0.5,0.5,0.5,0.5\n");
        Result train = run("train", p("tiny.net"), "--data", p("abc.csv"), "--epochs", "1");
        assertEquals(1, train.code, train.err);
        assertEquals(p("abc.csv") + ": error: row 2, column 'b': \"abc\" is not a number\n", train.err);
        Result predict = run("predict", p("tiny.net"), "--weights", initialWeights("tiny.net"), "--data", p("abc.csv"),
                "--out", p("abc-predictions.parquet"));
        assertEquals(1, predict.code, predict.err);
        assertEquals(p("abc.csv") + ": error: row 2, column 'b': \"abc\" is not a number\n", predict.err);

        Files.writeString(dir.resolve("quotes.csv"), "label,a,b,c,d\n0,0.5,0.25,0.125,1\n1,1,0,0,\"1\"\"2\"\n");
        Result quotes = run("train", p("tiny.net"), "--data", p("quotes.csv"), "--epochs", "1");
        assertEquals(1, quotes.code, quotes.err);
        assertTrue(quotes.err.startsWith(p("quotes.csv") + ": error: row 2, column 'd': \"")
                && quotes.err.endsWith("\" is not a number\n"), quotes.err);

        Files.writeString(dir.resolve("cat.csv"), "label,a,b,c,d\n0,0.5,0.25,0.125,1\n1,1,0,0,0\ncat,1,0,0,0\n");
        Result label = run("train", p("tiny.net"), "--data", p("cat.csv"), "--epochs", "1");
        assertEquals(1, label.code, label.err);
        assertEquals(p("cat.csv") + ": error: row 3, column 'label': \"cat\" is not a number\n", label.err);
    }

    @Test
    void aCsvValueBeyondTheFloatRangeIsReportedAsGivenInItsOwnColumn() throws IOException {
        // was: "row 1, column 'features': value 1 is Infinity" (the CSV columns were cast to float before decoding)
        Files.writeString(dir.resolve("big.csv"), "label,a,b,c,d\n0,0.5,1e39,0.125,1\n1,1,0,0,0\n");
        Result train = run("train", p("tiny.net"), "--data", p("big.csv"), "--epochs", "1");
        assertEquals(1, train.code, train.err);
        assertEquals("training data: error: row 1, column 'b': is 1.0E39, beyond the float range\n", train.err);
        Result predict = run("predict", p("tiny.net"), "--weights", initialWeights("tiny.net"), "--data", p("big.csv"),
                "--out", p("big-predictions.parquet"));
        assertEquals(1, predict.code, predict.err);
        assertTrue(predict.err.startsWith(p("big.csv") + ", partition ")
                && predict.err.endsWith(": error: row 1, column 'b': is 1.0E39, beyond the float range\n"),
                predict.err);

        Files.writeString(dir.resolve("gaps.csv"), "label,a,b,c,d\n0,0.5,1,0.125,1\n1,1,0,NaN,0\n2,1,0,0,\n");
        Result nan = run("train", p("tiny.net"), "--data", p("gaps.csv"), "--epochs", "1");
        assertEquals(1, nan.code, nan.err);
        assertEquals("training data: error: row 2, column 'c': is NaN, expected a finite number\n", nan.err);
        Files.writeString(dir.resolve("gaps.csv"), "label,a,b,c,d\n0,0.5,1,0.125,1\n1,1,0,0,0\n2,1,0,0,\n");
        Result empty = run("train", p("tiny.net"), "--data", p("gaps.csv"), "--epochs", "1");
        assertEquals(1, empty.code, empty.err);
        assertEquals("training data: error: row 3, column 'd': is empty\n", empty.err);
    }

    /** The initial weights of a model file, saved, for predict. */
    private static String initialWeights(String net) {
        String file = p(net + ".safetensors");
        netc.api.Model model = Main.readModel(dir.resolve(net)).model();
        model.saveWeights(Path.of(file), model.initialWeights(0));
        return file;
    }

    @Test
    void predictRefusesDataThatAlreadyHasAPredictionColumn() {
        // was: a second column 'prediction' in the output
        spark.read().parquet(p("fm/test.parquet")).limit(10)
                .withColumn("prediction", org.apache.spark.sql.functions.lit(3)).write().parquet(p("scored.parquet"));
        Result r = run("predict", p("mlp.net"), "--weights", initialWeights("mlp.net"), "--data",
                p("scored.parquet"), "--out", p("rescored.parquet"));
        assertEquals(1, r.code, r.err);
        assertEquals(p("scored.parquet") + ": error: there is already a column 'prediction', which scoring adds; "
                + "rename or drop it first\n", r.err);
    }

    @Test
    void predictTakesTheLabelColumnOfACsvFileAsTrainDoes() throws IOException {
        // was: predict had no --label, so a CSV file's target column 'y' was read as a fifth feature
        Files.writeString(dir.resolve("y.csv"), "y,a,b,c,d\n0,0.5,0.25,0.125,1\n1,1,0,0,0\n2,0.5,0.5,0.5,0.5\n");
        Result train = run("train", p("tiny.net"), "--data", p("y.csv"), "--label", "y", "--epochs", "1",
                "--batch-size", "3", "--save", p("tiny-y.safetensors"));
        assertEquals(0, train.code, train.err);
        Result predict = run("predict", p("tiny.net"), "--weights", p("tiny-y.safetensors"), "--data", p("y.csv"),
                "--label", "y", "--out", p("y-predictions.parquet"));
        assertEquals(0, predict.code, predict.err);
        assertEquals("wrote 3 predictions of " + p("y.csv") + " to " + p("y-predictions.parquet") + "\n",
                predict.out);
        assertEquals(java.util.List.of("y", "prediction", "probability"),
                java.util.List.of(spark.read().parquet(p("y-predictions.parquet")).columns()));
        Result noLabel = run("predict", p("tiny.net"), "--weights", p("tiny-y.safetensors"), "--data", p("y.csv"),
                "--out", p("y-none.parquet"));
        assertEquals(1, noLabel.code, noLabel.err);
        assertTrue(noLabel.err.endsWith("row 1, column 'features': has 5 values, the model's input needs 4\n"),
                noLabel.err);
    }

    @Test
    void numericOptionsAreAsciiDecimalsAndNotANumberIsTheOptionsOwnError() {
        // was: --lr=nan exit 2 but --lr=NaN exit 1; an Arabic-Indic digit in --epochs and a hex --lr were accepted
        for (String nan : new String[] {"nan", "NaN", "-NAN"}) {
            Result r = run("train", p("tiny.net"), "--data", p("fm/train.parquet"), "--lr=" + nan);
            assertEquals(1, r.code, r.err);
            assertEquals("training: error: learning rate must be finite and > 0, got NaN\n", r.err);
        }
        Result inf = run("train", p("tiny.net"), "--data", p("fm/train.parquet"), "--lr=inf");
        assertEquals(1, inf.code, inf.err);
        assertEquals("training: error: learning rate must be finite and > 0, got Infinity\n", inf.err);
        Result arabic = run("train", p("tiny.net"), "--data", p("fm/train.parquet"), "--epochs=\u0661");
        assertEquals(2, arabic.code, arabic.err);
        assertTrue(arabic.err.startsWith("netc-spark: error: Invalid value for option '--epochs': '\u0661' is not an "
                + "int (write its digits as 0-9)"), arabic.err);
        Result hex = run("train", p("tiny.net"), "--data", p("fm/train.parquet"), "--lr=0x1p-3");
        assertEquals(2, hex.code, hex.err);
        assertTrue(hex.err.startsWith("netc-spark: error: Invalid value for option '--lr': '0x1p-3' is not a double"),
                hex.err);
        Result big = run("train", p("tiny.net"), "--data", p("fm/train.parquet"), "--seed=99999999999999999999");
        assertEquals(2, big.code, big.err);
        assertTrue(big.err.contains("'99999999999999999999' is not a long (out of range)"), big.err);
    }

    @Test
    void aBadCommandLineIsExit2() {
        Result r = run("train", p("mlp.net"), "--data", p("fm/train.parquet"), "--no-such-option");
        assertEquals(2, r.code);
        assertTrue(r.err.startsWith("netc-spark: error: Unknown option: '--no-such-option'"), r.err);
    }
}
