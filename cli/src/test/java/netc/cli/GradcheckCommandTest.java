package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc gradcheck}: symbolic gradients against central differences on the samples, and its settings. */
class GradcheckCommandTest {
    @Test
    void gradcheckPassesOnXor() {
        Cli r = Cli.run("gradcheck", sample("xor.net")).assertSuccess();
        String[] lines = r.out().split("\n");
        assertEquals(6, lines.length, r::describe);
        assertEquals("param  checked  worst rel   ", lines[0]);
        assertTrue(lines[1].matches("W1 +8  \\S+ +ok"), r::describe);
        assertTrue(lines[4].matches("b2 +1  \\S+ +ok"), r::describe);
        assertTrue(lines[5].startsWith("gradient check passed: 17 coordinates, worst relative error "),
                r::describe);
    }

    @Test
    void gradcheckPassesOnEveryActivation() {
        Cli.run("gradcheck", sample("activations.net"), "--per-param", "4", "--seed", "3").assertSuccess()
                .assertOutContains("\ngradient check passed: ");
    }

    @Test
    void gradcheckPassesOnTheLstmAndGruSamples() {
        // loops over one range that use each other's previous step: gradients flow back through both states
        for (String sample : new String[] {"lstm_rows.net", "gru_rows.net"}) {
            Cli r = Cli.run("gradcheck", sample(sample), "--per-param", "4", "--batch", "2").assertSuccess();
            r.assertOutContains("\ngradient check passed: ");
            assertTrue(r.out().contains("\nUg ") || r.out().contains("\nUn "), r::describe);
        }
    }

    @Test
    void gradcheckPassesOnGlobalAvgpoolConcatAndAStrideTwoSkip() {
        Cli.run("gradcheck", sample("branches_gap.net"), "--per-param", "4", "--batch", "2").assertSuccess()
                .assertOutContains("\ngradient check passed: ");
    }

    @Test
    void gradcheckChecksBatchNormParametersButNotItsRunningStatistics(@TempDir Path dir) {
        // running statistics are state, not trained: listing them as passing rows would claim a check never made
        Path net = Cli.write(dir.resolve("bn.net"), """
                network bn
                input x[4]
                target y : class[3]
                param W[5, 4] init he
                param g[5] init ones
                param e[5]
                param V[3, 5]
                h = relu(g * batchnorm(W x) + e)
                p = softmax(V h)
                loss = cross_entropy(p, y)
                """);
        Cli r = Cli.run("gradcheck", net).assertSuccess();
        String[] lines = r.out().split("\n");
        assertEquals(6, lines.length, r::describe);
        for (String p : new String[] {"W ", "g ", "e ", "V "}) {
            assertTrue(r.out().contains("\n" + p), r::describe);
        }
        assertFalse(r.out().contains("running"), r::describe);
        assertTrue(lines[5].startsWith("gradient check passed: 45 coordinates, "), r::describe);
    }

    @Test
    void gradcheckRejectsAnEmptyBatch() {
        Cli.run("gradcheck", sample("xor.net"), "--batch", "0")
                .assertUserError("--batch: error: must be at least 1, got 0\n").assertOutEmpty();
    }

    @Test
    void gradcheckRejectsZeroCoordinatesPerParameter() {
        Cli.run("gradcheck", sample("xor.net"), "--per-param", "0")
                .assertUserError("--per-param: error: must be at least 1, got 0\n").assertOutEmpty();
    }
}
