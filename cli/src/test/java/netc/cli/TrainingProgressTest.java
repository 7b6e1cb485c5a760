package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import netc.runtime.train.EpochReport;

/**
 * {@link TrainingProgress} against a clock the test moves by hand, and {@code netc train --quiet} and
 * {@code --progress-every} from the command line.
 */
class TrainingProgressTest {
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    /** A clock that reads {@link #now}, in nanoseconds. */
    private static final class Clock {
        long now;
    }

    private static boolean hasControlCharacterOtherThanNewline(String s) {
        return s.chars().anyMatch(c -> (c < 0x20 && c != '\n') || c == 0x7f);
    }

    @Test
    void offATerminalPrintsAPlainLineEveryIntervalWithRunningLossRateAndTimeLeft() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        // 2 epochs of 10 samples in batches of 4, 4 and 2; a line at most every second.
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 2, 10, 4, false, 1000 * MS, () -> clock.now);
        clock.now = 500 * MS;
        p.batchDone(1, 1, 3, 1.0);
        clock.now = 1200 * MS;
        p.batchDone(1, 2, 3, 0.5);
        clock.now = 1900 * MS;
        p.batchDone(1, 3, 3, 0.25);
        p.epochDone(new EpochReport(1, 0.65, 0.6, 0.7, 5.26, 2.0));
        clock.now = 2200 * MS;
        p.batchDone(2, 1, 3, 0.4);
        clock.now = 3500 * MS;
        p.batchDone(2, 2, 3, 0.2);
        clock.now = 4000 * MS;
        p.batchDone(2, 3, 3, 0.1);
        p.epochDone(new EpochReport(2, 0.26, 0.3, 0.9, 5.0, 2.0));
        // Epoch 1 at 1.2 s: 8 samples done, 6.7/s; 2 left = 0.3 s; the run adds one epoch of 10/6.7 = 1.5 s.
        // Epoch 2 at 1.5 s into it: 8 samples, 5.3/s; 0.375 s left, no epoch after it.
        assertEquals("""
                epoch 1/2  batch 2/3  loss 0.7500  7 samples/s  left: epoch 0:01, run 0:02
                epoch 1/2  train loss 0.6500  test loss 0.6000  test accuracy 0.7000  5 samples/s  2.0 s
                epoch 2/2  batch 2/3  loss 0.3000  5 samples/s  left: epoch 0:01, run 0:01
                epoch 2/2  train loss 0.2600  test loss 0.3000  test accuracy 0.9000  5 samples/s  2.0 s
                """, text.toString());
        assertTrue(!hasControlCharacterOtherThanNewline(text.toString()));
    }

    @Test
    void theRunEstimateUsesTheLengthOfFinishedEpochs() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 10, 100, 10, false, 1, () -> clock.now);
        for (int b = 1; b <= 10; b++) {
            clock.now += 100 * MS;
            p.batchDone(1, b, 10, 1.0);
        }
        p.epochDone(new EpochReport(1, 1, 1, 0.5, 100, 90.0)); // a slow evaluation: 90 s in all
        clock.now += 1000 * MS;
        p.batchDone(2, 1, 10, 1.0);
        // Epoch 2: 10 samples in 1 s, 90 to go = 0:09; then 8 more epochs of 90 s = 12:00, 12:09 in all.
        assertTrue(text.toString().endsWith("epoch  2/10  batch 1/10  loss 1.0000  10 samples/s  left: epoch 0:09, "
                + "run 12:09\n"), text.toString());
    }

    @Test
    void onATerminalOneLineRewritesItselfAtMostFiveTimesASecond() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 1, 50, 10, true, 1000 * MS, () -> clock.now);
        clock.now = 250 * MS;
        p.batchDone(1, 1, 5, 1.0);
        clock.now = 300 * MS;
        p.batchDone(1, 2, 5, 1.0); // 50 ms after the last draw: skipped
        clock.now = 500 * MS;
        p.batchDone(1, 3, 5, 1.0);
        clock.now = 600 * MS;
        p.batchDone(1, 4, 5, 1.0);
        p.batchDone(1, 5, 5, 1.0);
        p.epochDone(new EpochReport(1, 1, 1, Double.NaN, 100, 0.6));
        assertEquals("\repoch 1/1  batch 1/5  loss 1.0000  40 samples/s  left: epoch 0:01, run 0:01\u001b[K"
                + "\repoch 1/1  batch 3/5  loss 1.0000  60 samples/s  left: epoch 0:01, run 0:01\u001b[K"
                + "\repoch 1/1  train loss 1.0000  test loss 1.0000  100 samples/s  0.6 s\u001b[K\n", text.toString());
    }

    @Test
    void durationsRoundUpToTheSecond() {
        assertEquals("0:00", TrainingProgress.duration(0));
        assertEquals("0:01", TrainingProgress.duration(0.2));
        assertEquals("1:00", TrainingProgress.duration(59.5));
        assertEquals("59:59", TrainingProgress.duration(3599));
        assertEquals("1:02:05", TrainingProgress.duration(3725));
    }

    @Test
    void quietPrintsOnlyTheSummaryAndWhatWasSaved() {
        Path csv = TestData.xorCsv(dir);
        Path weights = dir.resolve("w.safetensors");
        Cli r = Cli.run("train", sample("xor.net"), "--data", csv, "--epochs", "3", "--quiet", "--save", weights)
                .assertSuccess();
        assertTrue(r.out().matches("xor: 3 epochs in \\d+\\.\\d s  train loss \\d+\\.\\d{4}  test loss \\d+\\.\\d{4}\n"
                + "saved weights to \\Q" + weights + "\\E\n"), r::describe);
    }

    @Test
    void progressEveryGivesPlainProgressLinesOffATerminal() {
        Path csv = TestData.xorCsv(dir);
        // 9 training samples in batches of 2: 5 batches, a line after each of the first 4 (1 ns apart at least).
        Cli r = Cli.run("train", sample("xor.net"), "--data", csv, "--epochs", "2", "--batch", "2",
                "--progress-every", "1e-9").assertSuccess();
        assertTrue(!hasControlCharacterOtherThanNewline(r.out()), r::describe);
        List<String> progress = r.out().lines().filter(l -> l.startsWith("epoch ") && l.contains(" batch ")).toList();
        assertEquals(8, progress.size(), r::describe);
        for (String line : progress) {
            assertTrue(line.matches("epoch [12]/2  batch [1-4]/5  loss \\d+\\.\\d{4}  [\\d,]+ samples/s  left: epoch "
                    + "\\d+:\\d\\d, run \\d+:\\d\\d"), line);
        }
    }

    @Test
    void progressEveryMustBePositive() {
        Path csv = TestData.xorCsv(dir);
        Cli.run("train", sample("xor.net"), "--data", csv, "--progress-every", "0")
                .assertUserError("--progress-every: error: must be a positive number of seconds, got 0.0\n")
                .assertOutEmpty();
    }
}
