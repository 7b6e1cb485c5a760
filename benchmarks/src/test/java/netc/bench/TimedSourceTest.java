package netc.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.SplittableRandom;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.train.Initializer;
import org.junit.jupiter.api.Test;

/**
 * StepBreakdown rewrites generated source by text; if the emitter's output changes shape, these fail instead of the
 * breakdown silently timing nothing.
 */
class TimedSourceTest {

    private static final Path MLP = Path.of("../samples/nets/mnist_mlp.net");

    @Test
    void evaluatesTheRowCountsTheEmitterWrites() {
        assertEquals(64, new TimedSource.Arithmetic("64").value());
        assertEquals(64 * 196, new TimedSource.Arithmetic("64 * 196").value());
        assertEquals(50, new TimedSource.Arithmetic("(800 + 2 * 8 - 1) / (2 * 8)").value());
        assertEquals(51, new TimedSource.Arithmetic("(801 + 2 * 8 - 1) / (2 * 8)").value());
    }

    @Test
    void findsEveryStageOfTheConvnetIncludingColumnSplitOnes() {
        Compilation c = NetCompiler.compile(NetCompiler.read(Path.of("../samples/nets/convnet.net")),
                NetCompiler.Options.defaults().withVector(false));
        TimedSource t = TimedSource.instrument(c.javaSource());
        long calls = c.javaSource().lines().filter(l -> l.contains("parallel.run(this,") || l.contains("runStage("))
                .count();
        assertTrue(t.stages.size() > 20, "stages found: " + t.stages.size() + " of about " + calls);
        assertTrue(t.stages.stream().anyMatch(s -> s.isGemm() && s.rowsExpr().startsWith("(")
                && s.flop(64) == 2.0 * 64 * 800 * 64 * 196), "the column-split kernel gradient is a gemm stage");
        // with vector kernels the panel count depends on which kernels run: (VECTOR ? ... : ...)
        Compilation v = NetCompiler.compile(NetCompiler.read(Path.of("../samples/nets/convnet.net")),
                NetCompiler.Options.defaults());
        TimedSource tv = TimedSource.instrument(v.javaSource());
        assertEquals(2, tv.stages.stream().filter(s -> s.isGemm() && s.rowsExpr().contains("VECTOR")
                && s.rows(64) > 0).count(), "both kernel gradients are timed");
        assertEquals(t.stages.size(), tv.stages.size());
    }

    @Test
    void findsEveryStageOfTheMlpAndItsGemmShapes() {
        Compilation c = NetCompiler.compile(NetCompiler.read(MLP), NetCompiler.Options.defaults().withVector(false));
        TimedSource t = TimedSource.instrument(c.javaSource());
        assertEquals(14, t.stages.size());
        long gemms = t.stages.stream().filter(TimedSource.Stage::isGemm).count();
        assertEquals(8, gemms);
        double flop = t.stages.stream().mapToDouble(s -> s.flop(128)).sum();
        assertEquals(308_150_272.0, flop, 0.0, "2 M N K summed over the 8 products at batch 128");
        int last = t.stages.get(t.stages.size() - 1).id();
        assertTrue(t.source.contains("STAGE_NS[" + last + "] += java.lang.System.nanoTime() - t0_"));
        assertTrue(c.javaSource().contains("Cols("), "the forward products have column entries");
        assertTrue(t.stages.stream().noneMatch(s -> s.call().endsWith("Cols")), "column entries are not timed");
    }

    /** The vector class splits its packing weight gradient one part per thread: still a timed stage. */
    @Test
    void findsEveryStageOfTheVectorMlpIncludingPerThreadOnes() {
        Compilation c = NetCompiler.compile(NetCompiler.read(MLP), NetCompiler.Options.defaults().withVector(true));
        assertTrue(c.javaSource().contains("parallel.runPerThread(this, 12, 256, "), "W2's gradient per thread");
        TimedSource t = TimedSource.instrument(c.javaSource());
        assertEquals(14, t.stages.size());
        assertEquals(8, t.stages.stream().filter(TimedSource.Stage::isGemm).count());
        assertTrue(t.source.contains("STAGE_NS[12] += java.lang.System.nanoTime() - t0_"));
    }

    @Test
    void instrumentedClassesComputeTheSameLossAndGradientBitForBit() throws Exception {
        Compilation c = NetCompiler.compile(NetCompiler.read(MLP),
                NetCompiler.Options.defaults().withVector(false));
        TimedSource t = TimedSource.instrument(c.javaSource());
        String pkg = c.emitOptions().packageName();
        Network plain = c.load();
        Network timed = Compilation.instantiate(JaninoLoader.compile(pkg + "." + t.timedName, t.source,
                Network.class.getClassLoader()).type());
        float[] params = Initializer.initialize(plain.spec(), 0);
        int batch = 13;
        SplittableRandom r = new SplittableRandom(5);
        float[] x = new float[batch * 784];
        float[] y = new float[batch];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        for (int i = 0; i < batch; i++) {
            y[i] = r.nextInt(10);
        }
        float[] g1 = new float[params.length];
        float[] g2 = new float[params.length];
        double l1 = plain.lossAndGradient(params, x, y, batch, g1, null);
        try (Parallel p = Parallel.threads(2)) {
            timed.setParallel(p);
            double l2 = timed.lossAndGradient(params, x, y, batch, g2, null);
            timed.setParallel(Parallel.serial());
            assertEquals(l1, l2, 0.0);
            assertArrayEquals(g1, g2, 0f);
        }
    }

    /** A net named like a runtime class: the rename leaves {@code netc.runtime.Activations} as it is. */
    @Test
    void aNetNamedActivationsIsInstrumentedAndCompiles() {
        Compilation c = NetCompiler.compile(NetCompiler.read(Path.of("../samples/nets/activations.net")),
                NetCompiler.Options.defaults().withVector(false));
        TimedSource t = TimedSource.instrument(c.javaSource());
        assertEquals("ActivationsTimed", t.timedName);
        assertTrue(t.source.contains("netc.runtime.Activations."), "calls of the runtime's Activations stay");
        Network timed = Compilation.instantiate(JaninoLoader.compile(c.emitOptions().packageName() + "."
                + t.timedName, t.source, Network.class.getClassLoader()).type());
        assertEquals(c.load().spec().paramCount(), timed.spec().paramCount());
    }

    /** A net named system: its class is System, and the inserted timing calls name java.lang.System. */
    @Test
    void aNetNamedSystemIsInstrumentedAndCompiles() {
        String text = "network system\ninput x[200]\ntarget y : class[4]\nparam W1[128, 200]\nparam b1[128]\n"
                + "param W2[4, 128]\nparam b2[4]\nh = relu(W1 x + b1)\np = softmax(W2 h + b2)\n"
                + "loss = cross_entropy(p, y)\n";
        Compilation c = NetCompiler.compile(new netc.compiler.internal.source.SourceFile("system.net", text),
                NetCompiler.Options.defaults().withVector(false));
        TimedSource t = TimedSource.instrument(c.javaSource());
        assertEquals("SystemTimed", t.timedName);
        Network timed = Compilation.instantiate(JaninoLoader.compile(c.emitOptions().packageName() + "."
                + t.timedName, t.source, Network.class.getClassLoader()).type());
        assertEquals(c.load().spec().paramCount(), timed.spec().paramCount());
    }
}
