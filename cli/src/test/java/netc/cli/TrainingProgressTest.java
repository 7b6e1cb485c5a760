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
        // 3 epochs of 10 samples in batches of 4, 4 and 2 at 8 samples/s; a line at most every second.
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 3, 10, 4, false, 1000 * MS, () -> clock.now);
        clock.now = 500 * MS;
        p.batchDone(1, 1, 3, 1.0);
        clock.now = 1000 * MS;
        p.batchDone(1, 2, 3, 0.5);
        clock.now = 1250 * MS;
        p.batchDone(1, 3, 3, 0.25);
        clock.now = 2000 * MS; // 0.75 s of evaluation
        p.epochDone(new EpochReport(1, 0.65, 0.6, 0.7, 8, 2.0));
        clock.now = 2500 * MS;
        p.batchDone(2, 1, 3, 0.4);
        clock.now = 3000 * MS;
        p.batchDone(2, 2, 3, 0.2);
        clock.now = 3250 * MS;
        p.batchDone(2, 3, 3, 0.1);
        p.epochDone(new EpochReport(2, 0.26, 0.3, 0.9, 8, 2.0));
        // Epoch 1 at 1 s: 8 samples done, 2 left = 0.25 s; then 2 epochs of 1.25 s training (no evaluation seen yet).
        // Epoch 2 at 1 s into it: 0.25 s left, then one epoch of 1.25 s training and 0.75 s evaluation.
        assertEquals("""
                epoch 1/3  batch 2/3  loss 0.7500  8 samples/s  left: epoch 0:01, run 0:03
                epoch 1/3  train loss 0.6500  test loss 0.6000  test accuracy 0.7000  8 samples/s  2.0 s
                epoch 2/3  batch 2/3  loss 0.3000  8 samples/s  left: epoch 0:01, run 0:03
                epoch 2/3  train loss 0.2600  test loss 0.3000  test accuracy 0.9000  8 samples/s  2.0 s
                """, text.toString());
        assertTrue(!hasControlCharacterOtherThanNewline(text.toString()));
    }

    @Test
    void theRunEstimateAddsTheEvaluationTimeOfFinishedEpochs() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 10, 100, 10, false, 1, () -> clock.now);
        for (int b = 1; b <= 10; b++) {
            clock.now += 100 * MS;
            p.batchDone(1, b, 10, 1.0);
        }
        clock.now += 89_000 * MS;
        p.epochDone(new EpochReport(1, 1, 1, 0.5, 100, 90.0)); // 1 s of training, 89 s of evaluation
        clock.now += 100 * MS;
        p.batchDone(2, 1, 10, 1.0);
        // Epoch 2: 90 samples to go at 100/s = 0.9 s; then 8 more epochs of 1 + 89 s: 12:00.9 in all.
        assertTrue(text.toString().endsWith("epoch  2/10  batch 1/10  loss 1.0000  100 samples/s  left: epoch 0:01, "
                + "run 12:01\n"), text.toString());
    }

    @Test
    void theRateForgetsASlowStartWithinSeconds() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        // One epoch of 100,000 samples in batches of 100: the first takes 5 s (warm-up), the others 10 ms each.
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 1, 100_000, 100, false, 60_000 * MS,
                () -> clock.now);
        clock.now = 5000 * MS;
        p.batchDone(1, 1, 1000, 1.0);
        for (int b = 2; b < 1000; b++) {
            clock.now += 10 * MS;
            p.batchDone(1, b, 1000, 1.0);
        }
        // At batch 999 (15 s): the true rate is 10,000/s; the mean since the start would say 99,900 / 14.98 s = 6,669.
        String line = p.line(1, 999, 1000, 99_900);
        double shown = Double.parseDouble(line.replaceAll(".*loss 1\\.0000  ([\\d,]+) samples/s.*", "$1")
                .replace(",", ""));
        assertTrue(shown > 9_500 && shown <= 10_000, line);
    }

    @Test
    void theClockStartsWhenTrainingDoesNotWhenTheProgressWasMade() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        // Made before compiling and the kernels' warm-up (20 s), then batches of 10 samples every 100 ms.
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 1, 1000, 10, false, 1000 * MS,
                () -> clock.now);
        clock.now = 20_000 * MS;
        p.trainingStarted();
        for (int b = 1; b <= 11; b++) {
            clock.now += 100 * MS;
            p.batchDone(1, b, 100, 1.0);
        }
        // One line, 1 s into training (not at once for the 20 s before it), at 100 samples/s (not 10 / 20.1 s).
        assertEquals("epoch 1/1  batch 10/100  loss 1.0000  100 samples/s  left: epoch 0:09, run 0:09\n",
                text.toString());
    }

    @Test
    void onATerminalOneLineRewritesItselfAtMostFiveTimesASecond() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 1, 50, 10, true, 1000 * MS, () -> clock.now);
        for (int b = 1; b <= 5; b++) {
            clock.now += 150 * MS; // 10 samples every 150 ms: drawn after batches 2 and 4 only
            p.batchDone(1, b, 5, 1.0);
        }
        p.epochDone(new EpochReport(1, 1, 1, Double.NaN, 66.7, 0.75));
        assertEquals("\repoch 1/1  batch 2/5  loss 1.0000  67 samples/s  left: epoch 0:01, run 0:01\u001b[K"
                + "\repoch 1/1  batch 4/5  loss 1.0000  67 samples/s  left: epoch 0:01, run 0:01\u001b[K"
                + "\repoch 1/1  train loss 1.0000  test loss 1.0000  67 samples/s  0.8 s\u001b[K\n", text.toString());
    }

    @Test
    void aMoveBetweenThreadsAndOneThreadIsALineOfItsOwnThatClearsTheLiveCounter() {
        StringWriter text = new StringWriter();
        Clock clock = new Clock();
        TrainingProgress p = new TrainingProgress(new PrintWriter(text), 1, 50, 10, true, 1000 * MS, () -> clock.now);
        clock.now += 300 * MS;
        p.batchDone(1, 1, 5, 1.0);
        p.threadsChanged(1, 4_120_000, 1_930_000);
        p.threadsChanged(2, 1_400_000, 1_950_000);
        assertEquals("\repoch 1/1  batch 1/5  loss 1.0000  33 samples/s  left: epoch 0:02, run 0:02\u001b[K"
                + "\rnote: all threads took 4.12 ms a step, 1 thread 1.93 ms: training on 1 thread (both are timed "
                + "again every few seconds)\u001b[K\n"
                + "note: 2 threads took 1.40 ms a step again, 1 thread 1.95 ms: training on 2 threads\n",
                text.toString());
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
