package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code --data} and {@code --test} accept, through {@code netc train}: every bad data set is a user error
 * naming the file (and line) with exit 1 and no stack trace. Each run trains at most one epoch on a few rows.
 */
class DataSourceTest {
    private static final Path XOR = sample("xor.net");
    private static final Path LOGISTIC = sample("logistic_regression.net");
    private static final Path LINEAR = sample("linear_regression.net");

    @TempDir
    Path dir;

    private static Cli train(Object... args) {
        Object[] all = new Object[args.length + 3];
        all[0] = "train";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--epochs";
        all[args.length + 2] = "1";
        return Cli.run(all);
    }

    @Test
    void csvWithAHeaderIsSplitIntoTrainingAndHeldOutSamples() {
        Path csv = TestData.xorCsv(dir);
        train(XOR, "--data", csv).assertSuccess()
                .assertOutContains("\ndata: CSV " + csv + " (header row skipped: t, a, b): 9 training, 1 test samples "
                        + "(10% held out at random)\n")
                .assertOutContains("\nepoch 1/1  train loss ");
    }

    @Test
    void csvWithATestFileUsesBoth() {
        Path csv = TestData.classesCsv(dir, "train.csv");
        Path test = TestData.classesCsv(dir, "test.csv");
        train(LOGISTIC, "--data", csv, "--test", test).assertSuccess()
                .assertOutContains("\ndata: CSV " + csv + " (no header row) and " + test + " (no header row): 6 training, "
                        + "6 test samples\n")
                .assertOutContains("  test accuracy ");
    }

    @Test
    void idxDirectoryGivesTrainingAndTestSets() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        train(LOGISTIC, "--data", idx).assertSuccess()
                .assertOutContains("\ndata: IDX files in " + idx + ": 8 training, 4 test samples\n");
    }

    @Test
    void oneIdxFileAsDataSaysToGiveItsDirectory() {
        Path idx = TestData.idxDir(dir, "one", 1, 2, true);
        Path file = idx.resolve("train-images-idx3-ubyte.gz");
        train(LOGISTIC, "--data", file).assertUserError(file + ": error: this is an IDX file, not CSV; IDX data is "
                + "read from a directory that holds all four files (train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                + "t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte, each plain or .gz): --data DIR\n").assertOutEmpty();
    }

    @Test
    void gzippedIdxDirectoryIsReadToo() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, true);
        train(LOGISTIC, "--data", idx).assertSuccess()
                .assertOutContains("\ndata: IDX files in " + idx + ": 8 training, 4 test samples\n");
    }

    @Test
    void missingDataPathIsAUserError() {
        Path none = dir.resolve("none.csv");
        train(XOR, "--data", none).assertUserError(none + ": error: no such file or directory\n");
    }

    @Test
    void directoryWithoutIdxFilesListsWhatIsMissing() {
        train(LOGISTIC, "--data", dir).assertUserError(dir + ": error: missing train-images-idx3-ubyte[.gz], "
                + "train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz], t10k-labels-idx1-ubyte[.gz]; a data "
                + "directory needs train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte and "
                + "t10k-labels-idx1-ubyte, each plain or .gz\n");
    }

    @Test
    void truncatedGzipIdxFileIsAUserError() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, true);
        Path images = idx.resolve("train-images-idx3-ubyte.gz");
        TestData.truncate(images, TestData.size(images) / 2);
        train(LOGISTIC, "--data", idx).assertUserError(images
                + ": error: truncated gzip data: the compressed stream ends early\n");
    }

    @Test
    void truncatedPlainIdxFileSaysHowManyBytesAreMissing() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Path images = idx.resolve("train-images-idx3-ubyte");
        TestData.truncate(images, 20);
        train(LOGISTIC, "--data", idx).assertUserError(images
                + ": error: truncated file: 8 images of 1 x 2 need 16 bytes of data, found 4\n");
    }

    @Test
    void labelsFileInPlaceOfImagesIsRecognised() throws Exception {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Path images = idx.resolve("train-images-idx3-ubyte");
        Files.copy(idx.resolve("train-labels-idx1-ubyte"), images, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        train(LOGISTIC, "--data", idx).assertUserErrorStartingWith(images + ": error: expected magic 0x00000803");
    }

    @Test
    void idxLabelBeyondTheNetworksClassesIsAUserError() throws Exception {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Path labels = Files.write(idx.resolve("t10k-labels-idx1-ubyte"), TestData.labels(4, 7));
        train(LOGISTIC, "--data", idx).assertUserError(labels
                + ": error: label 7 at index 0 is out of range: expected 0 to 1 for 2 classes\n");
    }

    @Test
    void idxLabelCountThatDiffersFromTheImagesIsAUserError() throws Exception {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Path labels = Files.write(idx.resolve("train-labels-idx1-ubyte"), TestData.labels(5));
        train(LOGISTIC, "--data", idx).assertUserError(labels + ": error: 5 labels but "
                + idx.resolve("train-images-idx3-ubyte") + " holds 8 images; the two files must have the same count\n");
    }

    @Test
    void idxImagesOfTheWrongSizeForTheNetworkAreAUserError() {
        Path idx = TestData.idxDir(dir, "idx", 2, 2, false);
        train(LOGISTIC, "--data", idx).assertUserError(idx.resolve("train-images-idx3-ubyte") + ": error: samples "
                + "have 4 input values but network 'logistic_regression' expects 2 (input x of shape [2])\n");
    }

    @Test
    void realValuedNetworkCannotTrainOnIdxLabels() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        train(XOR, "--data", idx).assertUserError(idx + ": error: IDX files hold class labels, but network 'xor' "
                + "predicts real values; use a CSV file\n");
    }

    @Test
    void endlessDeviceAsCsvFailsFastNamingTheFileAndLine() {
        Path zero = Path.of("/dev/zero");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(zero), "a system with /dev/zero");
        train(XOR, "--data", zero).assertUserError("/dev/zero:1: error: line is longer than 16777216 characters;"
                + " is this a CSV file?\n").assertOutEmpty();
    }

    @Test
    void csvRowWithTheWrongColumnCountIsAUserErrorWithItsLine() {
        Path csv = Cli.write(dir.resolve("cols.csv"), "0,1,2\n1,3\n");
        Cli run = train(XOR, "--data", csv)
                .assertUserError(csv + ":2: error: expected 3 columns as on line 1, found 2\n");
        org.junit.jupiter.api.Assertions.assertEquals("", run.out(), "data errors come before any output");
    }

    @Test
    void csvLabelOutOfRangeIsAUserError() {
        Path csv = Cli.write(dir.resolve("labels.csv"), "0,1,2\n2,3,4\n");
        train(LOGISTIC, "--data", csv).assertUserError(csv
                + ":2:1: error: label 2 is out of range: expected 0 to 1 for 2 classes\n");
    }

    @Test
    void csvFractionalLabelIsAUserError() {
        Path csv = Cli.write(dir.resolve("labels.csv"), "0,1,2\n0.5,3,4\n");
        train(LOGISTIC, "--data", csv).assertUserError(csv
                + ":2:1: error: label \"0.5\" is not a non-negative integer\n");
    }

    @Test
    void csvFromAPipeIsReadAsItStreams() throws Exception {
        // What bash's <(cmd) gives: a pipe. It used to fail with "cannot read: Illegal seek" (the JDK asked the
        // channel for its size to answer available()).
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/mkfifo")) || Files.isExecutable(Path.of("/bin/mkfifo")),
                "mkfifo");
        Path fifo = dir.resolve("pipe.csv");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor(), "mkfifo");
        byte[] rows = Files.readAllBytes(TestData.xorCsv(dir));
        Thread writer = new Thread(() -> {
            try (var out = Files.newOutputStream(fifo)) { // blocks until the reader opens the pipe
                out.write(rows);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.setDaemon(true); // never keeps the JVM alive if the reader never comes
        writer.start();
        train(XOR, "--data", fifo).assertSuccess()
                .assertOutContains("data: CSV " + fifo + " (header row skipped: t, a, b): 9 training, 1 test");
    }

    @Test
    void nonNumericCsvCellIsAUserErrorNamingTheColumn() {
        Path csv = Cli.write(dir.resolve("cells.csv"), "0,1,2\n1,abc,4\n");
        train(XOR, "--data", csv).assertUserError(csv + ":2:3: error: column 2 is not a number: \"abc\"\n");
    }

    @Test
    void anUnclosedQuoteIsReportedAtItsLineAndColumnNotAsAColumnCount() {
        // "1, 2 without its closing quote would make the rest of the line one cell: 2 columns where line 1 has 3
        Path csv = Cli.write(dir.resolve("quote.csv"), "0,1,2\n1,\"1, 2\n0,3,4\n");
        train(XOR, "--data", csv).assertUserError(csv + ":2:3: error: unclosed double quote: the quoted cell that "
                + "starts here runs to the end of the line (a quote inside a quoted cell is written \"\", and a "
                + "cell cannot span lines)\n").assertOutEmpty();
    }

    @Test
    void csvWithTooFewFeaturesForTheNetworkIsAUserError() {
        Path csv = TestData.xorCsv(dir);
        train(LINEAR, "--data", csv).assertUserError(csv + ": error: samples have 2 input values but network "
                + "'linear_regression' expects 13 (input x of shape [13])\n");
    }

    @Test
    void headerOnlyCsvIsAUserError() {
        Path csv = Cli.write(dir.resolve("header.csv"), "t,a,b\n");
        train(XOR, "--data", csv).assertUserError(csv + ": error: no data rows after the header line\n");
    }

    @Test
    void singleRowCsvCannotBeSplit() {
        Path csv = Cli.write(dir.resolve("one.csv"), "1,0,1\n");
        train(XOR, "--data", csv).assertUserError(csv + ": error: needs at least 2 samples to hold some out for "
                + "testing, has 1; or give a --test file\n");
    }

    @Test
    void testFileWithoutDataIsAUserError() {
        train(XOR, "--test", TestData.xorCsv(dir)).assertUserError("--test: error: needs --data\n");
    }

    @Test
    void testFileWithAnIdxDirectoryIsAUserError() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        train(LOGISTIC, "--data", idx, "--test", TestData.classesCsv(dir, "t.csv")).assertUserError("--test: error: "
                + "only goes with a CSV --data file; " + idx + " is a directory of IDX files, which has its own "
                + "test set\n");
    }

    @Test
    void missingTestFileIsAUserError() {
        Path none = dir.resolve("none.csv");
        train(XOR, "--data", TestData.xorCsv(dir), "--test", none).assertUserError(none + ": error: no such file\n");
        train(XOR, "--data", TestData.xorCsv(dir), "--test", dir).assertUserError(dir + ": error: is a directory; "
                + "--test needs a CSV file\n");
    }

    @Test
    void networkThatIsNotFashionMnistShapedNeedsData() {
        train(LINEAR).assertUserError("linear_regression.net: error: network 'linear_regression' needs --data: the "
                + "built-in data set is Fashion-MNIST (784 inputs, 10 classes), but this network takes 13 inputs and "
                + "predicts 1 real value\n");
    }

    @Test
    void classifierWithTheWrongClassCountNeedsData() {
        train(LOGISTIC).assertUserError("logistic_regression.net: error: network 'logistic_regression' needs --data: "
                + "the built-in data set is Fashion-MNIST (784 inputs, 10 classes), but this network takes 2 inputs "
                + "and predicts 2 classes\n");
    }

    @Test
    void aLongHeaderIsShortenedInTheSummary() {
        StringBuilder csv = new StringBuilder("target");
        for (int i = 1; i <= 13; i++) {
            csv.append(",feature").append(i);
        }
        csv.append('\n').append(Cli.read(TestData.linearCsv(dir, "rows.csv", 10, 1, 1)));
        Path file = Cli.write(dir.resolve("named.csv"), csv.toString());
        train(LINEAR, "--data", file).assertSuccess().assertOutContains("\ndata: CSV " + file + " (header row "
                + "skipped: target, feature1, feature2, ... 14 names): 9 training, 1 test samples");
    }

    @Test
    void aByteOrderMarkedCsvKeepsItsFirstRow() {
        Path csv = Cli.write(dir.resolve("bom.csv"), "\uFEFF" + Cli.read(TestData.classesCsv(dir, "plain.csv")));
        train(LOGISTIC, "--data", csv, "--test", csv).assertSuccess()
                .assertOutContains("\ndata: CSV " + csv + " (no header row) and " + csv + " (no header row): "
                        + "6 training, 6 test samples\n");
    }

    @Test
    void aFirstRowOfNumbersAndTextIsAnError() {
        Path csv = Cli.write(dir.resolve("typo.csv"), "1,0.5,l.0\n0,-0.5,-1.0\n1,1.5,0.2\n");
        train(LOGISTIC, "--data", csv).assertUserError(csv + ":1:7: error: the first row is neither a header nor "
                + "data: field 3 \"l.0\" is not a number but field 1 \"1\" is; a header has only names, a data row "
                + "only numbers (--csv-header yes|no says which this is)\n").assertOutEmpty();
    }

    @Test
    void csvHeaderNoReadsTheFirstRowAsData() {
        Path csv = TestData.xorCsv(dir);
        train(XOR, "--data", csv, "--csv-header", "no").assertUserError(csv
                + ":1:1: error: column 1 is not a number: \"t\"\n");
    }

    @Test
    void csvHeaderYesSkipsANumericFirstRow() {
        Path csv = TestData.classesCsv(dir, "train.csv");
        train(LOGISTIC, "--data", csv, "--test", csv, "--csv-header", "yes").assertSuccess()
                .assertOutContains("\ndata: CSV " + csv + " (header row skipped: 1, 0.5, 1.0) and " + csv
                        + " (header row skipped: 1, 0.5, 1.0): 5 training, 5 test samples\n");
    }

    @Test
    void csvHeaderGoesOnlyWithCsvData() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        train(LOGISTIC, "--data", idx, "--csv-header", "yes").assertUserError("--csv-header: error: only goes "
                + "with CSV data; " + idx + " is a directory of IDX files\n");
    }

    @Test
    void evalSaysWhetherItSkippedAHeader() {
        Path csv = TestData.xorCsv(dir);
        Path weights = dir.resolve("w.safetensors");
        train(XOR, "--data", csv, "--save", weights).assertSuccess();
        Cli.run("eval", XOR, "--weights", weights, "--data", csv).assertSuccess()
                .assertOutContains("data: CSV " + csv + " (header row skipped: t, a, b): 10 samples\n");
        Cli.run("eval", XOR, "--weights", weights, "--data", csv, "--csv-header", "no")
                .assertUserError(csv + ":1:1: error: column 1 is not a number: \"t\"\n");
    }
}
