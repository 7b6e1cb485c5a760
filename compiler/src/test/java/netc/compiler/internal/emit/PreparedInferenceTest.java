package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.Golden;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.TargetKind;
import netc.runtime.train.Initializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inference on parameters laid out by {@code prepareForInference}: one sample's outputs are bitwise the same alone and
 * at any place in a batch of any size (below and above the batches where a dense product switches between its column
 * and row entries), on 1 and 2 threads; {@code lossAndOutputPrepared} gives bitwise {@code forwardPrepared}'s output;
 * both give bitwise what {@code forward} and {@code loss} give on the parameters as declared; the parameters given
 * are not changed. For every sample network, vector and scalar kernels.
 */
class PreparedInferenceTest {

    @ParameterizedTest(name = "{0}, vector {1}, transposes {2}")
    @CsvSource({"mnist_mlp, true, true", "mnist_mlp, false, false", "mnist_mlp_dropout, true, true",
            "residual_mlp, true, true", "resnet_small, true, true", "convnet, true, true", "convnet, false, false", "lstm_rows, true, true",
            "gru_rows, true, true", "rnn_rows, true, true", "branches_gap, true, true", "activations, true, true",
            "linear_regression, true, false", "logistic_regression, true, false",
            "logistic_regression_softmax, true, false", "softmax_regression, true, false", "xor, true, false"})
    void oneSampleGivesTheSameBitsAtEveryBatch(String name, boolean vector, boolean transposes) throws Exception {
        Compilation c = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(name + ".net")),
                NetCompiler.Options.defaults().withVector(vector));
        assertEquals(transposes, c.javaSource().contains(InferenceWeights.LAYOUT_FIELD),
                name + ": whether some weight is stored transposed for inference");
        Network net = Compilation.instantiate(c.loadClass().type());
        ModelSpec spec = net.spec();
        SplittableRandom rng = new SplittableRandom(23);
        float[] params = Initializer.initialize(spec, 23);
        float[] declared = params.clone();
        float[] prepared = net.prepareForInference(params);
        assertNotSame(params, prepared);
        assertArrayEquals(declared, params, name + ": prepareForInference changed its argument");
        if (transposes) {
            // the parameters as declared, then the transposed weights with padded rows (InferenceParams)
            assertTrue(prepared.length > params.length, name + ": the transposed weights follow the parameters");
            assertArrayEquals(declared, Arrays.copyOf(prepared, params.length), name + ": the declared part");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> net.forwardPrepared(declared, new float[spec.inputSize()], 1, new float[spec.outputSize()]));
            assertEquals("expected " + prepared.length + " prepared parameters (prepareForInference), got "
                    + params.length, e.getMessage());
        } else {
            assertEquals(params.length, prepared.length);
        }

        // vector kernels up to past the inference table's batch of 1,024 (several of a long reduction's blocks of
        // rows); the scalar convnet at 1,100 would take most of a minute
        int most = vector ? 1100 : 600;
        int[] batches = vector ? new int[] {1, 3, 13, 64, 257, 600, most} : new int[] {1, 3, 13, 64, 257, most};
        int in = spec.inputSize();
        int size = spec.outputSize();
        float[] x = new float[most * in];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        float[] y = new float[most * spec.targetValues()];
        for (int i = 0; i < y.length; i++) {
            y[i] = spec.targetKind() == TargetKind.CLASSES ? rng.nextInt(Math.max(2, size)) : (float) rng.nextDouble();
        }
        // each sample alone, on one thread
        float[] alone = new float[most * size];
        float[] one = new float[size];
        for (int s = 0; s < most; s++) {
            net.forwardPrepared(prepared, Arrays.copyOfRange(x, s * in, (s + 1) * in), 1, one);
            System.arraycopy(one, 0, alone, s * size, size);
        }
        for (int threads : new int[] {1, 2}) {
            try (Parallel pool = Parallel.threads(threads)) {
                net.setParallel(pool);
                for (int batch : batches) {
                    int from = (most - batch) / 2;
                    float[] xs = Arrays.copyOfRange(x, from * in, (from + batch) * in);
                    float[] ys = Arrays.copyOfRange(y, from * spec.targetValues(),
                            (from + batch) * spec.targetValues());
                    float[] out = new float[batch * size];
                    net.forwardPrepared(prepared, xs, batch, out);
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(Float.floatToRawIntBits(alone[from * size + i]), Float.floatToRawIntBits(out[i]),
                                name + ", " + threads + " threads, batch " + batch + ": sample " + (from + i / size)
                                        + ", output " + i % size);
                    }
                    float[] both = new float[out.length];
                    double preparedLoss = net.lossAndOutputPrepared(prepared, xs, ys, batch, both);
                    assertArrayEquals(out, both, name + ": lossAndOutputPrepared's output");

                    // forward's products on W as declared are fma chains in k order too (dense layers of at
                    // least 64 outputs as NN on A transposed, short reductions as NN on W transposed; the others
                    // take dot products on both paths): the same bits
                    float[] asDeclared = new float[out.length];
                    net.forward(params, xs, batch, asDeclared);
                    for (int i = 0; i < out.length; i++) {
                        assertEquals(Float.floatToRawIntBits(asDeclared[i]), Float.floatToRawIntBits(out[i]),
                                name + ", " + threads + " threads, batch " + batch + ": output " + i
                                        + " against forward");
                    }
                    double loss = net.loss(params, xs, ys, batch);
                    assertTrue(Double.isFinite(preparedLoss), name + ": loss " + preparedLoss);
                    assertEquals(loss, preparedLoss, name + ": loss against loss");
                }
            } finally {
                net.setParallel(Parallel.serial());
            }
        }
        assertArrayEquals(declared, params, name + ": the calls changed the parameters");
    }
}
