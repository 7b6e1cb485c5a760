package netc.compiler.internal.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.source.SourceFile;
import org.junit.jupiter.api.Test;

/**
 * The interpreter's meaning of {@code global_avgpool} and {@code concat}, on values worked out by hand. Images are
 * channel-last: sample data lists pixels row by row, each pixel's channels together.
 */
class GlobalPoolAndConcatTest {

    private static double[] output(String input, int outputs, String body, double[] x, int batch) {
        String text = "network t\ninput x" + input + "\ntarget y : real[" + outputs + "]\nparam W[1, 1]\n" + body
                + "\nloss = squared_error(p, y)\n";
        Interpreter in = new Interpreter(Frontend.analyze(new SourceFile("t.net", text)).graph(), batch);
        in.bind("x", x);
        in.bind("W", new double[] {1});
        in.bind("y", new double[batch * outputs]);
        return in.output(Graph.OUTPUT);
    }

    @Test
    void globalAvgpoolIsTheMeanOfEachChannelOverTheSamplesPixels() {
        // [2, 2, 3]: channel 0 is 1..6, channel 1 is 10 * (1..6); the second sample is the first negated
        double[] x = new double[24];
        for (int p = 0; p < 6; p++) {
            x[2 * p] = p + 1;
            x[2 * p + 1] = 10 * (p + 1);
            x[12 + 2 * p] = -(p + 1);
            x[12 + 2 * p + 1] = -10 * (p + 1);
        }
        assertArrayEquals(new double[] {3.5, 35, -3.5, -35}, output("[2, 2, 3]", 2, "p = global_avgpool(x)", x, 2),
                1e-12);
    }

    @Test
    void concatOfImagesPutsTheFirstImagesChannelsFirstInEveryPixel() {
        // x is [1, 1, 2]: pixels 5 and 7; concat(x, 2 * x) is [2, 1, 2], flattened pixel by pixel: 5 10 7 14
        assertArrayEquals(new double[] {5, 10, 7, 14}, output("[1, 1, 2]", 4, "p = flatten(concat(x, x * 2))",
                new double[] {5, 7}, 1), 0);
    }

    @Test
    void concatOfVectorsAppendsTheSecond() {
        assertArrayEquals(new double[] {1, 2, 3, -1, -2, -3, 4, 5, 6, -4, -5, -6},
                output("[3]", 6, "p = concat(x, -x)", new double[] {1, 2, 3, 4, 5, 6}, 2), 0);
    }
}
