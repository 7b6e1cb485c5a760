package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import netc.compiler.internal.source.UserError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc eval}: saved weights on a whole CSV or an IDX test set, and every way the weights can be wrong. */
class EvalCommandTest {
    private static final Path XOR = sample("xor.net");
    private static final Path LOGISTIC = sample("logistic_regression.net");
    private static final Path LINEAR = sample("linear_regression.net");

    /** Weights trained once for the whole class: one epoch of xor.net and of logistic_regression.net. */
    @TempDir
    static Path trained;

    static Path xorCsv;
    static Path xorWeights;
    static Path logisticCsv;
    static Path logisticWeights;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOnce() {
        xorCsv = TestData.xorCsv(trained);
        xorWeights = trained.resolve("xor.safetensors");
        Cli.run("train", XOR, "--data", xorCsv, "--epochs", "1", "--save", xorWeights).assertSuccess();
        logisticCsv = TestData.classesCsv(trained, "classes.csv");
        logisticWeights = trained.resolve("logistic.safetensors");
        Cli.run("train", LOGISTIC, "--data", logisticCsv, "--epochs", "1", "--save", logisticWeights)
                .assertSuccess();
    }

    @Test
    void evaluatesARegressionOnTheWholeCsv() {
        Cli r = Cli.run("eval", XOR, "--weights", xorWeights, "--data", xorCsv).assertSuccess();
        assertTrue(r.out().matches("data: CSV \\Q" + xorCsv + "\\E \\(header row skipped: t, a, b\\): 10 samples\n"
                + "xor\\.safetensors on 10 samples: loss \\d+\\.\\d{4}\n"), r::describe);
    }

    @Test
    void evaluatesAClassifierWithAccuracy() {
        Cli r = Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", logisticCsv, "--batch", "4")
                .assertSuccess();
        // The summary, then the per-class table and the confusion matrix (EvalClassesTest).
        assertTrue(r.out().matches("data: CSV \\Q" + logisticCsv + "\\E \\(no header row\\): 6 samples\n"
                + "logistic\\.safetensors on 6 samples: loss \\d+\\.\\d{4}  accuracy \\d\\.\\d{4}\n"
                + "\nclass +samples +predicted +precision +recall\n(?s).*"), r::describe);
    }

    @Test
    void aPipeIsEvaluatedWholeAsTheFileIs() throws Exception {
        Path fifo = TestData.fifo(dir, "rows.csv");
        org.junit.jupiter.api.Assumptions.assumeTrue(fifo != null, "mkfifo is available");
        String file = Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", logisticCsv).assertSuccess()
                .out();
        Thread writer = TestData.feed(fifo, Cli.read(logisticCsv));
        String pipe = Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", fifo).assertSuccess().out();
        writer.join();
        // was: 10% of the rows, held out at random as train does with a single CSV file
        assertEquals(file.replace(logisticCsv.toString(), fifo.toString()), pipe);
    }

    @Test
    void evaluatesOnTheTestFilesOfAnIdxDirectory() {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", idx).assertSuccess()
                .assertOutContains("data: IDX files in " + idx + ": 4 test samples\n")
                .assertOutContains("logistic.safetensors on 4 samples: loss ");
    }

    @Test
    void evaluatesADirectoryHoldingOnlyTheTestFiles() throws Exception {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Cli full = Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", idx).assertSuccess();
        Files.delete(idx.resolve("train-images-idx3-ubyte"));
        Files.delete(idx.resolve("train-labels-idx1-ubyte"));
        Cli testOnly = Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", idx).assertSuccess();
        assertEquals(full.out(), testOnly.out());
    }

    @Test
    void aDirectoryWithoutTheTestFilesNamesThem() throws Exception {
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Files.delete(idx.resolve("t10k-labels-idx1-ubyte"));
        Cli.run("eval", LOGISTIC, "--weights", logisticWeights, "--data", idx).assertUserError(idx + ": error: "
                + "missing t10k-labels-idx1-ubyte[.gz]; the test set is t10k-images-idx3-ubyte and "
                + "t10k-labels-idx1-ubyte, each plain or .gz\n");
    }

    @Test
    void samplesWhoseOutputsAreAllNanAreOneUserErrorNotACrash() {
        // Evaluator.predict gives -1 for a sample whose every output is NaN; ClassReport has no column for it.
        Path w = dir.resolve("w.safetensors");
        UserError e = assertThrows(UserError.class,
                () -> EvalCommand.requireClassified(w, "CSV big.csv", new int[] {0, -1, 1, -1}));
        assertEquals(w + ": error: the network's outputs are NaN for 2 of the 4 samples of CSV big.csv (the first: "
                + "sample 1), so they have no class; the weights or the inputs hold values too large for float",
                e.getMessage());
        EvalCommand.requireClassified(w, "CSV ok.csv", new int[] {0, 1, 1});
    }

    @Test
    void missingWeightsFileIsAUserError() {
        Path none = dir.resolve("none.safetensors");
        Cli.run("eval", XOR, "--weights", none, "--data", xorCsv).assertUserError(none + ": error: file not found\n")
                .assertOutEmpty();
    }

    @Test
    void directoryAsWeightsIsAUserError() {
        Cli.run("eval", XOR, "--weights", dir, "--data", xorCsv)
                .assertUserError(dir + ": error: cannot read: Is a directory\n").assertOutEmpty();
    }

    @Test
    void weightsOfAnotherNetworkNameTheMissingTensor() {
        Cli.run("eval", LINEAR, "--weights", xorWeights, "--data", TestData.linearCsv(dir, "lin.csv", 4, 1, 1))
                .assertUserError(xorWeights + ": error: missing tensor w: network 'linear_regression' declares w "
                        + "[1, 13]\n").assertOutEmpty();
    }

    @Test
    void weightsWithTheRightNamesButWrongShapesAreAUserError() {
        Cli.run("eval", LINEAR, "--weights", logisticWeights, "--data", TestData.linearCsv(dir, "lin.csv", 4, 1, 1))
                .assertUserError(logisticWeights + ": error: tensor w has shape [1, 2] but network "
                        + "'linear_regression' declares [1, 13]\n").assertOutEmpty();
    }

    @Test
    void truncatedHeaderIsAUserError() throws Exception {
        Path cut = Files.copy(xorWeights, dir.resolve("cut.safetensors"));
        TestData.truncate(cut, 100);
        Cli.run("eval", XOR, "--weights", cut, "--data", xorCsv)
                .assertUserErrorStartingWith(cut + ": error: truncated file: the header length is ")
                .assertErrContains(" bytes but only 92 follow it\n").assertOutEmpty();
    }

    @Test
    void truncatedDataIsAUserError() throws Exception {
        Path cut = Files.copy(xorWeights, dir.resolve("cut.safetensors"));
        TestData.truncate(cut, TestData.size(cut) - 4);
        Cli.run("eval", XOR, "--weights", cut, "--data", xorCsv).assertUserError(cut + ": error: tensor b2: "
                + "data_offsets [64, 68] go beyond the data section of 64 bytes\n").assertOutEmpty();
    }

    @Test
    void tooShortFileIsAUserError() {
        Path junk = Cli.write(dir.resolve("junk.safetensors"), "garbage");
        Cli.run("eval", XOR, "--weights", junk, "--data", xorCsv).assertUserError(junk + ": error: truncated file: 7 "
                + "bytes, too short for the 8-byte header length of a safetensors file\n").assertOutEmpty();
    }

    @Test
    void flippedDataByteFailsTheChecksum() throws Exception {
        Path bad = Files.copy(xorWeights, dir.resolve("bad.safetensors"));
        byte[] bytes = Files.readAllBytes(bad);
        bytes[bytes.length - 1] ^= 0x01;
        Files.write(bad, bytes);
        Cli.run("eval", XOR, "--weights", bad, "--data", xorCsv)
                .assertUserErrorStartingWith(bad + ": error: checksum mismatch: the data has crc32c ").assertOutEmpty();
    }

    @Test
    void zeroBatchIsAUserError() {
        Cli.run("eval", XOR, "--weights", xorWeights, "--data", xorCsv, "--batch", "0")
                .assertUserError("--batch: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void zeroThreadsIsAUserError() {
        Cli.run("eval", XOR, "--weights", xorWeights, "--data", xorCsv, "--threads", "0")
                .assertUserError("--threads: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void missingDataIsAUserError() {
        Path none = dir.resolve("none.csv");
        Cli.run("eval", XOR, "--weights", xorWeights, "--data", none)
                .assertUserError(none + ": error: no such file or directory\n").assertOutEmpty();
    }

    @Test
    void networkThatIsNotFashionMnistShapedNeedsData() {
        Cli.run("eval", XOR, "--weights", xorWeights).assertUserError("xor.net: error: network 'xor' needs --data: "
                + "the built-in data set is Fashion-MNIST (784 inputs, 10 classes), but this network takes 2 inputs "
                + "and predicts 1 real value\n").assertOutEmpty();
    }
}
