package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.ModelSpec;
import netc.runtime.io.Json;
import netc.runtime.io.Safetensors;
import netc.runtime.train.MetricsLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc train --log, --log-every, --plot}: the files a run leaves for watching it, and bad paths. */
class TrainLogCommandTest {
    private static final Path LOGISTIC = sample("logistic_regression.net");

    @TempDir
    Path dir;

    @Test
    void theLogMayBeAPipeWhichGetsEveryLine() throws Exception {
        Path fifo = dir.resolve("log.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        org.junit.jupiter.api.Assumptions.assumeTrue(mk.waitFor() == 0 && Files.exists(fifo), "mkfifo works here");
        java.util.concurrent.CompletableFuture<List<String>> read = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return Files.readAllLines(fifo);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
        Path csv = TestData.classesCsv(dir, "classes.csv");
        Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "2", "--batch", "2", "--log", fifo).assertSuccess();
        List<String> lines = read.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(1).startsWith("{\"kind\":\"epoch\",\"epoch\":2,"), lines.get(1));
        assertFalse(Files.isRegularFile(fifo), "still a pipe");
    }

    @Test
    void aLogToStandardOutputOrErrorGoesThroughTheCommandsOwnStreams() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(Path.of("/dev/fd/1")), "/dev/fd");
        Path csv = TestData.classesCsv(dir, "classes.csv");
        // this JVM's own descriptor 1 is not the command's stdout here; in netc it is, and a second opening of a
        // redirected file would truncate it or write over the console lines
        Cli r = Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "2", "--batch", "2", "--log", "/dev/stdout");
        r.assertSuccess();
        List<String> out = r.out().lines().toList();
        int first = out.indexOf(out.stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow());
        assertTrue(out.get(first - 1).startsWith("epoch 1/2 "), r.describe());
        assertTrue(out.get(first).startsWith("{\"kind\":\"epoch\",\"epoch\":1,"), r.describe());
        assertTrue(out.get(first + 2).startsWith("{\"kind\":\"epoch\",\"epoch\":2,"), r.describe());
        Cli e = Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "1", "--batch", "2", "--quiet", "--log",
                "/dev/stderr");
        assertEquals(Main.OK, e.code(), e::describe);
        assertTrue(e.err().startsWith("{\"kind\":\"epoch\",\"epoch\":1,"), e.describe());
        assertFalse(e.out().contains("{"), e.describe());
    }

    @Test
    void logHasAJsonObjectPerEpochMatchingThePrintedLines() throws Exception {
        Path csv = TestData.classesCsv(dir, "classes.csv");
        Path log = dir.resolve("run.jsonl");
        Cli r = Cli.run("train", LOGISTIC, "--data", csv, "--test", csv, "--epochs", "3", "--batch", "2",
                "--log", log).assertSuccess();
        List<String> lines = Files.readAllLines(log);
        assertEquals(3, lines.size(), String.join("\n", lines));
        List<String> printed = r.out().lines().filter(l -> l.startsWith("epoch ")).toList();
        for (int i = 0; i < 3; i++) {
            Map<?, ?> o = assertInstanceOf(Map.class, Json.parse(lines.get(i)));
            assertEquals("epoch", o.get("kind"));
            assertEquals((long) i + 1, o.get("epoch"));
            assertEquals(3L * (i + 1), o.get("step"), "6 samples in batches of 2: 3 steps per epoch");
            // The printed line rounds the same numbers the log holds exactly.
            String expected = String.format(Locale.ROOT, "epoch %d/3  train loss %.4f  test loss %.4f  test accuracy "
                    + "%.4f", i + 1, num(o, "train_loss"), num(o, "test_loss"), num(o, "test_accuracy"));
            assertTrue(printed.get(i).startsWith(expected), printed.get(i) + "\nvs\n" + expected);
            assertEquals(0.05 * netc.runtime.train.LearningRateSchedule.COSINE.factor(3L * (i + 1) - 1, 9),
                    num(o, "lr"), "momentum's default rate, cosine schedule, at the epoch's last step");
        }
    }

    @Test
    void aNaNTestLossIsLoggedAsNaNNotAsNoTestSetAndPlotsWithAGap() throws Exception {
        Path train = TestData.classesCsv(dir, "train.csv");
        // with every weight 1, the second test sample's logit 3e38 + 3e38 + 1 overflows the float range, and its loss
        // is NaN: the test loss of a run whose training loss stays finite
        Path test = Cli.write(dir.resolve("test.csv"), "1,0.5,1.0\n0,3e38,3e38\n");
        ModelSpec spec = NetCompiler.check(NetCompiler.read(LOGISTIC)).modelSpec();
        float[] ones = new float[spec.paramCount()];
        java.util.Arrays.fill(ones, 1f);
        Path init = dir.resolve("ones.safetensors");
        Safetensors.save(init, spec, ones);
        Path log = dir.resolve("run.jsonl");
        Cli.run("train", LOGISTIC, "--data", train, "--test", test, "--init", init, "--lr", "0.001", "--epochs", "2",
                "--log", log).assertSuccess().assertOutContains("  test loss NaN  test accuracy 0.5000");
        List<String> lines = Files.readAllLines(log);
        assertEquals(2, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            Map<?, ?> o = assertInstanceOf(Map.class, Json.parse(line));
            assertEquals("NaN", o.get("test_loss"), line);
            assertEquals(0.5, o.get("test_accuracy"), line);
            assertTrue(o.containsKey("val_loss") && o.get("val_loss") == null, "no validation set: null");
        }
        Path png = dir.resolve("run.png");
        Cli.run("plot", log, "--out", png).assertSuccess().assertOutContains("note: test_loss is not a finite number "
                + "at epoch 1 (NaN), 2 (NaN); the curve has a gap there\n");
    }

    @Test
    void csvLogWithStepLinesHasAHeaderAndEqualFieldCounts() throws Exception {
        Path csv = TestData.classesCsv(dir, "classes.csv");
        Path log = dir.resolve("run.csv");
        Cli.run("train", LOGISTIC, "--data", csv, "--test", csv, "--epochs", "2", "--batch", "2", "--log", log,
                "--log-every", "2").assertSuccess();
        List<String> lines = Files.readAllLines(log);
        assertEquals(String.join(",", MetricsLog.COLUMNS), lines.get(0));
        // 3 steps per epoch, 6 in all: step lines after steps 2, 4 and 6, epoch lines after steps 3 and 6.
        assertEquals(List.of("step,1,2", "epoch,1,3", "step,2,4", "step,2,6", "epoch,2,6"),
                lines.subList(1, lines.size()).stream().map(l -> l.split(",", 4)).map(f -> f[0] + "," + f[1] + ","
                        + f[2]).toList());
        for (String line : lines) {
            assertEquals(MetricsLog.COLUMNS.size(), line.split(",", -1).length, line);
        }
    }

    @Test
    void plotOfTheRunIsAPngWithItsCurves() throws Exception {
        Path csv = TestData.classesCsv(dir, "classes.csv");
        Path png = dir.resolve("run.png");
        Cli.run("train", LOGISTIC, "--data", csv, "--test", csv, "--epochs", "3", "--plot", png).assertSuccess()
                .assertOutContains("saved plot to " + png + "\n");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LossPlot.WIDTH, image.getWidth());
        assertEquals(LossPlot.HEIGHT, image.getHeight());
        assertTrue(PlotCommandTest.count(image, LossPlot.TRAIN_LOSS) > 100, "train loss curve");
        assertTrue(PlotCommandTest.count(image, LossPlot.TEST_ACCURACY) > 100, "accuracy curve");
        assertEquals(List.of("classes.csv", "run.png"), Cli.filesUnder(dir), "no temporary file is left");
    }

    @Test
    void aLogOrPlotPathThatCannotBeWrittenFailsBeforeAnythingRuns() {
        Path csv = TestData.classesCsv(dir, "classes.csv");
        Path missing = dir.resolve("no-such-dir").resolve("run.jsonl");
        Cli.run("train", LOGISTIC, "--data", csv, "--log", missing)
                .assertUserError(missing + ": error: cannot write the metrics log: no such directory\n")
                .assertOutEmpty();
        Cli.run("train", LOGISTIC, "--data", csv, "--log", dir)
                .assertUserError(dir + ": error: cannot write the metrics log: is a directory; --log needs a file "
                        + "name\n").assertOutEmpty();
        Cli.run("train", LOGISTIC, "--data", csv, "--log", csv)
                .assertUserError(csv + ": error: --log would overwrite the --data file " + csv + "\n")
                .assertOutEmpty();
        Cli.run("train", LOGISTIC, "--data", csv, "--plot", dir.resolve("run.jpg"))
                .assertUserError("--plot: error: expected a file name ending in .png, found " + dir.resolve("run.jpg")
                        + "\n").assertOutEmpty();
        Cli.run("train", LOGISTIC, "--data", csv, "--log-every", "5")
                .assertUserError("--log-every: error: needs --log\n").assertOutEmpty();
        Cli.run("train", LOGISTIC, "--data", csv, "--log", dir.resolve("a.jsonl"), "--log-every", "0")
                .assertUserError("--log-every: error: must be at least 1, got 0\n").assertOutEmpty();
        Path same = dir.resolve("same.png");
        Cli.run("train", LOGISTIC, "--data", csv, "--log", same, "--plot", same)
                .assertUserError(same + ": error: --log and --plot name the same file\n").assertOutEmpty();
        Cli.run("train", LOGISTIC, "--data", csv, "--log", same, "--save", same)
                .assertUserError(same + ": error: --log and --save name the same file\n").assertOutEmpty();
        assertFalse(Files.exists(dir.resolve("a.jsonl")), "a rejected run creates no log");
    }

    private static double num(Map<?, ?> o, String key) {
        return ((Number) o.get(key)).doubleValue();
    }
}
