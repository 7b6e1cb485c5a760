package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

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
