package netc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netc plot}: a real PNG from a known log, checked by its pixels: size, the series colours where the curves
 * must run, and a rising loss drawn differently from a falling one. Then the errors.
 */
class PlotCommandTest {
    /** Above this row the loss panel holds only the title and the plot; below it are the axis labels and legend. */
    private static final int PLOT_BOTTOM = 345;

    @TempDir
    Path dir;

    /** Pixels of exactly {@code colour} in the whole image. */
    static int count(BufferedImage image, Color colour) {
        return count(image, colour, 0, image.getWidth(), 0, image.getHeight());
    }

    private static int count(BufferedImage image, Color colour, int x0, int x1, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) {
            for (int x = x0; x < x1; x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Mean row of the pixels of {@code colour} between columns x0 and x1, above the legend; NaN if none. */
    private static double meanRow(BufferedImage image, Color colour, int x0, int x1) {
        long sum = 0;
        int n = 0;
        for (int y = 0; y < PLOT_BOTTOM; y++) {
            for (int x = x0; x < x1; x++) {
                if ((image.getRGB(x, y) & 0xffffff) == (colour.getRGB() & 0xffffff)) {
                    sum += y;
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : (double) sum / n;
    }

    /** A JSON Lines log of {@code epochs} epochs whose train loss goes from {@code first} to {@code last}. */
    private Path log(String name, int epochs, double first, double last, boolean accuracy) {
        StringBuilder sb = new StringBuilder();
        for (int e = 1; e <= epochs; e++) {
            double t = (e - 1) / (double) (epochs - 1);
            double train = first + (last - first) * t;
            sb.append(String.format(Locale.ROOT, "{\"kind\":\"step\",\"epoch\":%d,\"step\":%d,\"loss\":9.5}%n", e,
                    e * 10 - 5));
            sb.append(String.format(Locale.ROOT, "{\"kind\":\"epoch\",\"epoch\":%d,\"step\":%d,\"train_loss\":%s,"
                    + "\"test_loss\":%s,\"test_accuracy\":%s,\"lr\":0.01,\"samples_per_s\":1000.0,\"epoch_s\":1.5,"
                    + "\"wall_s\":%s}%n", e, e * 10, train, train + 0.1, accuracy ? 0.5 + 0.4 * t : "null", 1.5 * e));
        }
        return Cli.write(dir.resolve(name), sb.toString());
    }

    private BufferedImage plot(Path log, String title) throws IOException {
        Path png = dir.resolve(log.getFileName() + ".png");
        Cli.run("plot", log, "--out", png, "--title", title).assertSuccess();
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LossPlot.WIDTH, image.getWidth());
        assertEquals(LossPlot.HEIGHT, image.getHeight());
        return image;
    }

    @Test
    void drawsTheLossAndAccuracyCurvesOfALog() throws IOException {
        Path log = log("run.jsonl", 5, 2.0, 0.5, true);
        Path png = dir.resolve("run.png");
        Cli.run("plot", log, "--out", png).assertSuccess().assertOutContains("saved plot of 5 epochs to " + png
                + "\n");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(LossPlot.WIDTH, image.getWidth());
        assertEquals(LossPlot.HEIGHT, image.getHeight());
        int lossWidth = LossPlot.WIDTH * 11 / 20;
        // Both loss curves in the left panel, the accuracy curve in the right one, each a line of many pixels.
        assertTrue(count(image, LossPlot.TRAIN_LOSS, 0, lossWidth, 0, PLOT_BOTTOM) > 300, "train loss curve");
        assertTrue(count(image, LossPlot.TEST_LOSS, 0, lossWidth, 0, PLOT_BOTTOM) > 300, "test loss curve");
        assertTrue(count(image, LossPlot.TEST_ACCURACY, lossWidth, LossPlot.WIDTH, 0, PLOT_BOTTOM) > 200,
                "accuracy curve");
        assertEquals(0, count(image, LossPlot.TEST_ACCURACY, 0, lossWidth, 0, PLOT_BOTTOM), "no accuracy in the "
                + "loss panel");
        // A falling loss starts high (a small row number) on the left and ends low on the right; accuracy rises.
        assertTrue(meanRow(image, LossPlot.TRAIN_LOSS, 60, 200) < meanRow(image, LossPlot.TRAIN_LOSS, 400, lossWidth),
                "falling loss");
        assertTrue(meanRow(image, LossPlot.TEST_ACCURACY, lossWidth, lossWidth + 150)
                > meanRow(image, LossPlot.TEST_ACCURACY, LossPlot.WIDTH - 150, LossPlot.WIDTH), "rising accuracy");
    }

    @Test
    void aRisingLossIsDrawnRisingAndDiffersFromAFallingOne() throws IOException {
        BufferedImage falling = plot(log("falling.jsonl", 6, 2.0, 0.5, true), "run");
        BufferedImage rising = plot(log("rising.jsonl", 6, 0.5, 2.0, true), "run");
        int lossWidth = LossPlot.WIDTH * 11 / 20;
        assertTrue(meanRow(rising, LossPlot.TRAIN_LOSS, 60, 200) > meanRow(rising, LossPlot.TRAIN_LOSS, 400,
                lossWidth), "rising loss ends higher than it starts");
        assertFalse(java.util.Arrays.equals(pixels(falling), pixels(rising)));
    }

    @Test
    void aCsvLogGivesTheSamePictureAsTheSameJsonLog() throws IOException {
        Path json = log("run.jsonl", 4, 1.0, 0.2, true);
        StringBuilder csv = new StringBuilder("kind,epoch,step,loss,train_loss,test_loss,test_accuracy,lr,"
                + "samples_per_s,epoch_s,wall_s\n");
        for (int e = 1; e <= 4; e++) {
            double t = (e - 1) / 3.0;
            double train = 1.0 + (0.2 - 1.0) * t;
            csv.append("epoch,").append(e).append(',').append(e * 10).append(",,").append(train).append(',')
                    .append(train + 0.1).append(',').append(0.5 + 0.4 * t).append(",0.01,1000.0,1.5,")
                    .append(1.5 * e).append('\n');
        }
        Path csvLog = Cli.write(dir.resolve("run.csv"), csv.toString());
        assertArrayEquals(pixels(plot(json, "run")), pixels(plot(csvLog, "run")));
    }

    @Test
    void aRegressionLogWithoutAccuracyGetsTheLossAcrossTheWholeWidth() throws IOException {
        BufferedImage image = plot(log("regression.jsonl", 5, 3.0, 1.0, false), "regression");
        assertEquals(0, count(image, LossPlot.TEST_ACCURACY));
        assertTrue(count(image, LossPlot.TRAIN_LOSS, LossPlot.WIDTH * 3 / 4, LossPlot.WIDTH, 0, PLOT_BOTTOM) > 50,
                "the loss curve reaches the right quarter");
    }

    @Test
    void aNaNOrInfiniteTestLossIsAGapInItsCurveAndANote() throws IOException {
        StringBuilder sb = new StringBuilder();
        String[] testLoss = {"1.0", "\"NaN\"", "0.8", "\"Infinity\"", "0.6", "0.5"};
        for (int e = 1; e <= 6; e++) {
            sb.append(String.format(Locale.ROOT, "{\"kind\":\"epoch\",\"epoch\":%d,\"step\":%d,\"train_loss\":%s,"
                    + "\"test_loss\":%s,\"test_accuracy\":0.5}%n", e, 10 * e, 1.5 - 0.1 * e, testLoss[e - 1]));
        }
        Path log = Cli.write(dir.resolve("diverged.jsonl"), sb.toString());
        Path png = dir.resolve("diverged.png");
        Cli.run("plot", log, "--out", png).assertSuccess()
                .assertOutContains("note: test_loss is not a finite number at epoch 2 (NaN), 4 (Infinity); the curve "
                        + "has a gap there\nsaved plot of 6 epochs to " + png + "\n");
        BufferedImage image = ImageIO.read(png.toFile());
        int lossWidth = LossPlot.WIDTH * 11 / 20;
        assertTrue(count(image, LossPlot.TEST_LOSS, 0, lossWidth, 0, PLOT_BOTTOM) > 50, "the finite test losses");
        assertTrue(count(image, LossPlot.TRAIN_LOSS, 0, lossWidth, 0, PLOT_BOTTOM) > 300, "train loss curve");
        // the same values in a CSV log: NaN and Infinity unquoted
        Path csv = Cli.write(dir.resolve("diverged.csv"), "kind,epoch,train_loss,test_loss\nepoch,1,1.0,Infinity\n"
                + "epoch,2,0.9,0.7\n");
        Cli.run("plot", csv, "--out", dir.resolve("csv.png")).assertSuccess()
                .assertOutContains("note: test_loss is not a finite number at epoch 1 (Infinity); the curve has a gap "
                        + "there\n");
    }

    @Test
    void errorsNameTheFileAndLine() {
        Path png = dir.resolve("p.png");
        Path empty = Cli.write(dir.resolve("empty.jsonl"), "");
        Cli.run("plot", empty, "--out", png).assertUserError(empty + ": error: the metrics log is empty\n")
                .assertOutEmpty();
        Path bad = Cli.write(dir.resolve("bad.jsonl"), "{\"kind\":\"epoch\",\"epoch\":1,\"train_loss\":0.5}\n"
                + "{\"kind\":\"epoch\",\"epoch\":2,\"train_loss\":0.4\n");
        Cli.run("plot", bad, "--out", png).assertUserError(bad + ":2:43: error: expected ',' or '}', found the end "
                + "of the text\n");
        Path steps = Cli.write(dir.resolve("steps.jsonl"), "{\"kind\":\"step\",\"epoch\":1,\"step\":5,\"loss\":1}\n");
        Cli.run("plot", steps, "--out", png).assertUserError(steps + ": error: the metrics log has no epoch lines (1 "
                + "step line)\n");
        Path bare = Cli.write(dir.resolve("bare.csv"), "kind,epoch,train_loss\nepoch,1,\nepoch,2,\n");
        Cli.run("plot", bare, "--out", png).assertUserError(bare + ": error: nothing to plot: none of the 2 epoch "
                + "lines has a finite train_loss or test_loss\n");
        Path twice = Cli.write(dir.resolve("twice.csv"), "kind,epoch,train_loss\nepoch,1,0.5\nepoch,2,0.4\n"
                + "epoch,2,0.3\n");
        Cli.run("plot", twice, "--out", png).assertUserError(twice + ":4: error: epoch 2 again (also on line 3): the "
                + "log of one run has each epoch once, in order; was it appended to, e.g. by a resumed run through a "
                + "pipe?\n").assertOutEmpty();
        Path back = Cli.write(dir.resolve("back.jsonl"), "{\"kind\":\"epoch\",\"epoch\":3,\"train_loss\":0.5}\n"
                + "{\"kind\":\"epoch\",\"epoch\":1,\"train_loss\":0.4}\n");
        Cli.run("plot", back, "--out", png).assertUserError(back + ":2: error: epoch 1 after epoch 3 (line 1): the "
                + "log of one run has each epoch once, in order; was it appended to, e.g. by a resumed run through a "
                + "pipe?\n");
        Path percent = Cli.write(dir.resolve("percent.jsonl"), "{\"kind\":\"epoch\",\"epoch\":1,\"train_loss\":"
                + "0.5,\"test_accuracy\":0.9}\n{\"kind\":\"epoch\",\"epoch\":2,\"train_loss\":0.4,"
                + "\"test_accuracy\":91.5}\n");
        Cli.run("plot", percent, "--out", png).assertUserError(percent + ":2: error: expected test_accuracy between 0 "
                + "and 1 (a fraction of the samples), found 91.5\n");
        Path missing = dir.resolve("missing.jsonl");
        Cli.run("plot", missing, "--out", png).assertUserError(missing + ": error: no such file\n");
        Path good = log("good.jsonl", 2, 1, 0.5, true);
        String typed = dir.resolve("p.png") + "/";
        Cli.run("plot", good, "--out", typed).assertUserError(typed + ": error: ends in '/', so it names a "
                + "directory; --out needs a file name\n");
        Cli.run("plot", good, "--out", dir.resolve("p.svg")).assertUserError("--out: error: expected a file name "
                + "ending in .png, found " + dir.resolve("p.svg") + "\n");
        assertEquals(List.of("back.jsonl", "bad.jsonl", "bare.csv", "empty.jsonl", "good.jsonl", "percent.jsonl",
                "steps.jsonl", "twice.csv"), Cli.filesUnder(dir),
                "no PNG and no temporary file after an error");
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
