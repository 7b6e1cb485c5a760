package netc.cli;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import netc.runtime.io.AtomicFiles;
import netc.runtime.train.EpochReport;
import netc.runtime.train.MetricsLogReader;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The picture of a training run: loss per epoch (train and test) on the left, test accuracy per epoch on the right,
 * drawn with XChart into one PNG of {@value #WIDTH} x {@value #HEIGHT} pixels. A run without accuracy (real-valued
 * targets) gets the loss chart across the whole width; a run without a test set gets the train loss only.
 *
 * <p>Rendering needs no display: {@link #render} sets {@code java.awt.headless=true} before it touches AWT.
 */
final class LossPlot {
    static final int WIDTH = 1000;
    static final int HEIGHT = 420;
    /** Series colours (matplotlib's first three), fixed so that a test can find the curves by colour. */
    static final Color TRAIN_LOSS = new Color(0x1f77b4);
    static final Color TEST_LOSS = new Color(0xff7f0e);
    static final Color TEST_ACCURACY = new Color(0x2ca02c);

    /**
     * One epoch's figures; NaN where there is none. The held-out figures are the validation set's when the run held
     * one out ({@code validation} true), else the test set's. A NaN or infinite figure (an evaluation that diverged)
     * is left out of the curve, which has a gap there.
     */
    record Epoch(int epoch, double trainLoss, double testLoss, double testAccuracy, boolean validation) {
        Epoch(int epoch, double trainLoss, double testLoss, double testAccuracy) {
            this(epoch, trainLoss, testLoss, testAccuracy, false);
        }

        static Epoch of(EpochReport r) {
            return !r.validated() ? new Epoch(r.epoch(), r.trainLoss(), r.testLoss(), r.testAccuracy())
                    : new Epoch(r.epoch(), r.trainLoss(), r.validationLoss(), r.validationAccuracy(), true);
        }

        static Epoch of(MetricsLogReader.Entry e) {
            return !e.hasValidationLoss() ? new Epoch(e.epoch(), e.trainLoss(), e.testLoss(), e.testAccuracy())
                    : new Epoch(e.epoch(), e.trainLoss(), e.validationLoss(), e.validationAccuracy(), true);
        }
    }

    private LossPlot() {
    }

    /** The plot of {@code epochs} (at least one). */
    static BufferedImage render(String title, List<Epoch> epochs) {
        System.setProperty("java.awt.headless", "true");
        double[] x = new double[epochs.size()];
        double[] train = new double[x.length];
        double[] test = new double[x.length];
        double[] accuracy = new double[x.length];
        boolean hasTest = false;
        String heldOut = epochs.stream().anyMatch(Epoch::validation) ? "validation" : "test";
        boolean hasAccuracy = false;
        for (int i = 0; i < x.length; i++) {
            Epoch e = epochs.get(i);
            x[i] = e.epoch();
            // XChart would scale its axis to an infinity; NaN is a gap in the line
            train[i] = finiteOrNaN(e.trainLoss());
            test[i] = finiteOrNaN(e.testLoss());
            accuracy[i] = finiteOrNaN(e.testAccuracy());
            hasTest |= Double.isFinite(e.testLoss());
            hasAccuracy |= Double.isFinite(e.testAccuracy());
        }
        int lossWidth = hasAccuracy ? WIDTH * 11 / 20 : WIDTH;
        XYChart loss = chart(title + ": loss", "loss", lossWidth);
        series(loss, "train loss", x, train, TRAIN_LOSS);
        if (hasTest) {
            series(loss, heldOut + " loss", x, test, TEST_LOSS);
        }
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.drawImage(BitmapEncoder.getBufferedImage(loss), 0, 0, null);
            if (hasAccuracy) {
                XYChart acc = chart(title + ": " + heldOut + " accuracy", "accuracy", WIDTH - lossWidth);
                series(acc, heldOut + " accuracy", x, accuracy, TEST_ACCURACY);
                g.drawImage(BitmapEncoder.getBufferedImage(acc), lossWidth, 0, null);
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static double finiteOrNaN(double v) {
        return Double.isFinite(v) ? v : Double.NaN;
    }

    /** Writes {@code image} to {@code file} as PNG, atomically (a temporary file, then a rename). */
    static void write(BufferedImage image, Path file) {
        AtomicFiles.write(file, channel -> {
            OutputStream out = Channels.newOutputStream(channel);
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException("no PNG writer in this Java runtime");
            }
            out.flush();
        });
    }

    private static XYChart chart(String title, String yTitle, int width) {
        XYChart chart = new XYChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle("epoch")
                .yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setLegendBorderColor(Color.WHITE);
        s.setMarkerSize(6);
        chart.getStyler().setXAxisDecimalPattern("0");
        chart.getStyler().setPlotGridLinesColor(new Color(0xe0e0e0));
        return chart;
    }

    private static void series(XYChart chart, String name, double[] x, double[] y, Color colour) {
        XYSeries s = chart.addSeries(name, x, y);
        s.setLineColor(colour);
        s.setMarkerColor(colour);
        s.setMarker(SeriesMarkers.CIRCLE);
    }
}
