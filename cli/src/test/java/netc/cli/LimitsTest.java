package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import netc.compiler.internal.driver.SmallStack;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sizes at and past netc's limits (README, "Limits"): a model that is merely big compiles, one past a limit gets one
 * message naming the limit, never a crash.
 */
class LimitsTest {
    @TempDir
    Path dir;

    /** {@code h1 = relu(h0)}, ..., {@code hN = relu(hN-1)} after a 4 x 4 matrix, and a softmax loss over 4 classes. */
    static String chain(int bindings) {
        StringBuilder sb = new StringBuilder("network chain\ninput x[4]\ntarget y : class[4]\nparam W[4, 4] init he\n"
                + "h0 = W x\n");
        for (int i = 1; i <= bindings; i++) {
            sb.append('h').append(i).append(" = relu(h").append(i - 1).append(")\n");
        }
        return sb.append("p = softmax(h").append(bindings).append(")\nloss = cross_entropy(p, y)\n").toString();
    }

    private Path write(String name, String text) {
        try {
            return Files.writeString(dir.resolve(name), text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void gradientsOfATenThousandBindingChainArePrinted() {
        // was a StackOverflowError (exit 3) in the passes that walked the graph recursively
        Path net = write("chain.net", chain(10_000));
        Cli r = SmallStack.run(() -> Cli.run("grad", net)).assertSuccess();
        assertTrue(r.out().contains("\ndW = sum_batch("), r::describe);
        // the backward chain is written in lines of bounded nesting, not as one formula 10,000 levels deep
        for (String line : r.out().split("\n")) {
            assertTrue(line.length() < 2_000, () -> "line of " + line.length() + " characters");
        }
    }

    @Test
    void aGraphPastTheNodeLimitIsRejectedAtTheStatementThatPassesIt() {
        // 160 loops of 128 steps (the most a loop unrolls to) make about 20,500 nodes; the 156th passes 20,000
        StringBuilder sb = new StringBuilder("network long\ninput x[4]\ntarget y : class[4]\nparam W[4, 4]\n"
                + "h0[0] = relu(W x)\n");
        for (int k = 0; k < 160; k++) {
            if (k > 0) {
                sb.append('h').append(k).append("[0] = relu(h").append(k - 1).append("[128])\n");
            }
            sb.append('h').append(k).append("[t] = relu(h").append(k).append("[t-1]) for t in 1..128\n");
        }
        sb.append("p = softmax(h159[128])\nloss = cross_entropy(p, y)\n");
        Path net = write("long.net", sb.toString());
        Cli.run("check", net).assertUserErrorStartingWith(net + ":316:1: error: network too large: its graph passes"
                + " 20,000 values and operations here (loops unrolled), the most netc compiles\n");
    }

    @Test
    void aFlatSumOfThousandsOfTermsIsRejectedWhereItBecomesTooLong() {
        // was "the file is nested too deeply to compile" at 1:1
        StringBuilder sum = new StringBuilder("a");
        for (int i = 1; i < 3000; i++) {
            sum.append(" + a");
        }
        Path net = write("sum.net", "network s\ninput x[4]\ntarget y : class[4]\nparam a[4]\np = softmax(x + " + sum
                + ")\nloss = cross_entropy(p, y)\n");
        int column = "p = softmax(x + ".length() + 1000 * " + a".length() - 1;
        Cli.run("check", net).assertUserErrorStartingWith(net + ":5:" + column + ": error: statement too long: more"
                + " than 1000 operators in one expression; split it into several bindings\n");
    }

    @Test
    void aSumOfAThousandTermsNestedTwoHundredDeepStillCompiles() {
        StringBuilder sum = new StringBuilder("(".repeat(199)).append("a");
        for (int i = 1; i < 1000; i++) {
            sum.append(" + a");
        }
        sum.append(")".repeat(199));
        Path net = write("sum.net", "network s\ninput x[4]\ntarget y : class[4]\nparam a[4]\np = softmax(x + " + sum
                + ")\nloss = cross_entropy(p, y)\n");
        SmallStack.run(() -> Cli.run("check", net)).assertSuccess();
        SmallStack.run(() -> Cli.run("grad", net)).assertSuccess();
    }

    @Test
    void batchTimesTheWidestValueBeyondOneArrayIsAUserError() {
        // was a NegativeArraySizeException (exit 3) from the generated class
        Path net = write("wide.net", "network wide\ninput x[4]\ntarget y : class[4]\nparam W1[50000, 4]\n"
                + "param W2[4, 50000]\np = softmax(W2 relu(W1 x))\nloss = cross_entropy(p, y)\n");
        Cli.run("train", net, "--batch", "100000").assertUserError("--batch: error: 100,000 samples of the widest"
                + " value per sample (50,000 floats at " + net + ":6:21) make 5,000,000,000 floats, more than one"
                + " Java array holds; at most 42,949 samples fit\n");
    }

    @Test
    void moreThan256ClassesTrainOnIdxData() throws IOException {
        // was an IllegalArgumentException (exit 3): IDX labels are bytes, so 300 classes simply never all occur
        Path net = write("many.net", "network many\ninput x[2]\ntarget y : class[300]\nparam W[300, 2]\n"
                + "param b[300]\np = softmax(W x + b)\nloss = cross_entropy(p, y)\n");
        Path idx = TestData.idxDir(dir, "idx", 1, 2, false);
        Files.write(idx.resolve("train-labels-idx1-ubyte"), TestData.labels(8, 255));
        Cli r = Cli.run("train", net, "--data", idx, "--epochs", "1", "--threads", "1").assertSuccess();
        assertTrue(r.out().contains("\ndata: IDX files in " + idx + ": 8 training, 4 test samples\n"), r::describe);
    }

    @Test
    void thousandsOfParametersFitTheGeneratedSpec() {
        // was "code too large" for the generated class's SPEC initializer (exit 3); the 2,500 biases are declared
        // and never used (a warning each) to keep the test fast: the spec lists every declared parameter all the same
        StringBuilder sb = new StringBuilder("network many\ninput x[2]\ntarget y : class[2]\nparam W[2, 2]\n");
        for (int i = 0; i < 2500; i++) {
            sb.append("param b").append(i).append("[2]\n");
        }
        sb.append("p = softmax(W x)\nloss = cross_entropy(p, y)\n");
        Path net = write("many.net", sb.toString());
        Path csv = TestData.classesCsv(dir, "data.csv");
        Cli r = Cli.run("train", net, "--data", csv, "--epochs", "1", "--threads", "1");
        assertEquals(Main.OK, r.code(), r::describe);
        assertTrue(r.out().startsWith("network many: 5,004 parameters (4 weights + 5,000 biases)"), r::describe);
        assertEquals(4, r.out().split("\n").length, r::describe);
        assertTrue(r.err().startsWith(net + ":5:7: warning: parameter 'b0' is never used\n"), r::describe);
        assertFalse(r.err().contains("error"), r::describe);
    }
}
