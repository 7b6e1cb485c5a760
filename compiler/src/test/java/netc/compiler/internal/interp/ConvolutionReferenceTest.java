package netc.compiler.internal.interp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.source.SourceFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code conv2d} and {@code maxpool} as lowered (patches times kernel, window maxima) equal the textbook loops of a
 * cross-correlation with zero padding and of max pooling, on the channel-last layout of
 * docs/spatial-and-recurrent.md: so the gradient checks, which only test the chain rule, check the right function.
 */
class ConvolutionReferenceTest {

    private static int at(int c, int h, int w, int b, int height, int width, int channels) {
        return b * channels * height * width + (h * width + w) * channels + c;
    }

    @ParameterizedTest
    @CsvSource({"2, 5, 7, 3, 3, 1, 0", "3, 7, 5, 2, 3, 2, 1", "1, 6, 6, 4, 5, 1, 2", "2, 4, 4, 2, 1, 1, 0",
            "1, 9, 8, 2, 7, 3, 3"})
    void convolutionIsTheTextbookCrossCorrelation(int c, int h, int w, int o, int k, int stride, int pad) {
        int ho = (h + 2 * pad - k) / stride + 1;
        int wo = (w + 2 * pad - k) / stride + 1;
        String text = "network conv\ninput x[" + c + ", " + h + ", " + w + "]\ntarget y : class[2]\n"
                + "param K[" + o + ", " + c + ", " + k + ", " + k + "]\nparam bias[" + o + "]\nparam W[2, "
                + (o * ho * wo) + "]\nz = conv2d(x, K, bias, stride=" + stride + ", pad=" + pad + ")\n"
                + "p = softmax(W flatten(z))\nloss = cross_entropy(p, y)\n";
        Graph g = Frontend.analyze(new SourceFile("conv.net", text)).graph();
        Random rnd = new Random(c * 31 + h * 7 + k);
        int batch = 2;
        double[] x = random(rnd, batch * c * h * w);
        double[] kernel = random(rnd, o * c * k * k);
        double[] bias = random(rnd, o);
        Interpreter in = new Interpreter(g, batch).bind("x", x).bind("K", kernel).bind("bias", bias)
                .bind("W", random(rnd, 2 * o * ho * wo)).bind("y", new double[] {0, 1});
        double[][] values = in.run();
        double[] z = null;
        for (var n : g.nodes()) {
            if (n.op() == netc.compiler.internal.ir.Op.ADD && n.shape().isImage()) {
                z = values[n.id()];
            }
        }
        assertEquals(batch * o * ho * wo, z.length);
        double[] expected = new double[z.length];
        for (int b = 0; b < batch; b++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oh = 0; oh < ho; oh++) {
                    for (int ow = 0; ow < wo; ow++) {
                        double s = bias[oc];
                        for (int ic = 0; ic < c; ic++) {
                            for (int kh = 0; kh < k; kh++) {
                                for (int kw = 0; kw < k; kw++) {
                                    int ih = oh * stride - pad + kh;
                                    int iw = ow * stride - pad + kw;
                                    if (ih >= 0 && ih < h && iw >= 0 && iw < w) {
                                        s += kernel[((oc * c + ic) * k + kh) * k + kw] * x[at(ic, ih, iw, b, h, w, c)];
                                    }
                                }
                            }
                        }
                        expected[at(oc, oh, ow, b, ho, wo, o)] = s;
                    }
                }
            }
        }
        assertArrayEquals(expected, z, 1e-12);
    }

    @ParameterizedTest
    @CsvSource({"2, 5, 5, 2, 2", "1, 6, 7, 3, 2", "3, 4, 4, 2, 1"})
    void maxPoolingTakesTheMaximumOfEachWindow(int c, int h, int w, int size, int stride) {
        int ho = (h - size) / stride + 1;
        int wo = (w - size) / stride + 1;
        String text = "network pool\ninput x[" + c + ", " + h + ", " + w + "]\ntarget y : class[2]\n"
                + "param W[2, " + (c * ho * wo) + "]\nz = maxpool(x, " + size + ", stride=" + stride + ")\n"
                + "p = softmax(W flatten(z))\nloss = cross_entropy(p, y)\n";
        Graph g = Frontend.analyze(new SourceFile("pool.net", text)).graph();
        Random rnd = new Random(h * 13 + size);
        double[] x = random(rnd, c * h * w);
        double[][] values = new Interpreter(g, 1).bind("x", x).bind("W", random(rnd, 2 * c * ho * wo))
                .bind("y", new double[] {1}).run();
        double[] z = null;
        for (var n : g.nodes()) {
            if (n.op() == netc.compiler.internal.ir.Op.MAXPOOL) {
                z = values[n.id()];
            }
        }
        for (int ch = 0; ch < c; ch++) {
            for (int oh = 0; oh < ho; oh++) {
                for (int ow = 0; ow < wo; ow++) {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < size; i++) {
                        for (int j = 0; j < size; j++) {
                            m = Math.max(m, x[at(ch, oh * stride + i, ow * stride + j, 0, h, w, c)]);
                        }
                    }
                    assertEquals(m, z[at(ch, oh, ow, 0, ho, wo, c)], 0.0);
                }
            }
        }
    }

    private static double[] random(Random rnd, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        return v;
    }
}
