package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.train.Initializer;
import org.junit.jupiter.api.Test;

/** Bias gradients (sums over the batch) of many features are split over the threads by feature, bitwise as on one. */
class SumBatchSplitTest {

    private static final Path MLP = Path.of("../samples/nets/mnist_mlp.net");

    @Test
    void wideBiasGradientsRunOnThePoolAndNarrowOnesOnTheCaller() {
        String source = NetCompiler.compile(NetCompiler.read(MLP), NetCompiler.Options.defaults()).javaSource();
        // the runStage switch names each sumBatch stage; the program calls it on the pool or on the caller
        Matcher stage = Pattern.compile("case (\\d+):\\s*RowOps\\.sumBatch\\(").matcher(source);
        StringBuilder calls = new StringBuilder();
        while (stage.find()) {
            String id = stage.group(1);
            Matcher call = Pattern.compile("(parallel\\.run\\(this, " + id + ", \\d+, \\d+\\)|runStage\\(" + id
                    + ", 0, \\d+\\));").matcher(source);
            assertTrue(call.find(), "stage " + id + " is called");
            calls.append(call.group(1).replace("this, " + id + ", ", "").replace("(" + id + ", ", "(")).append('\n');
        }
        assertEquals("runStage(0, 10)\n"
                + "parallel.run(256, " + ClassEmitter.FEATURES_PER_PART + ")\n"
                + "parallel.run(512, " + ClassEmitter.FEATURES_PER_PART + ")\n", calls.toString());
    }

    @Test
    void splitBiasGradientsAreBitwiseThoseOfOneThread() {
        Compilation c = NetCompiler.compile(NetCompiler.read(MLP), NetCompiler.Options.defaults());
        Network net = c.load();
        float[] params = Initializer.initialize(net.spec(), 5);
        int batch = 37;
        SplittableRandom r = new SplittableRandom(9);
        float[] x = new float[batch * 784];
        float[] y = new float[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < batch; i++) {
            y[i] = r.nextInt(10);
        }
        float[] one = new float[params.length];
        float[] two = new float[params.length];
        double lossOne = net.lossAndGradient(params, x, y, batch, one, null);
        try (Parallel pool = Parallel.threads(2)) {
            net.setParallel(pool);
            double lossTwo = net.lossAndGradient(params, x, y, batch, two, null);
            net.setParallel(Parallel.serial());
            assertEquals(lossOne, lossTwo);
        }
        assertArrayEquals(one, two);
        assertTrue(one[params.length - 1] != 0, "the last bias has a gradient");
    }
}
