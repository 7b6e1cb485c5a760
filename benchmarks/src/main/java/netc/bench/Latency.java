package netc.bench;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Network;
import netc.runtime.Parallel;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Small-batch latency of a compiled network's {@code forwardPrepared} or {@code forward} ({@link #layout}; inference:
 * one call, {@code batch} samples), the figure a service answering one request at a time sees. Run from the checkout's
 * root:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar Latency
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar Latency -p net=samples/nets/xor.net \
 *     -p form=default,tiled -p batch=1
 * </pre>
 *
 * <p>{@code form}: {@code default} is the class {@code netc} compiles (unrolled for a tiny net, tiled kernels with
 * the small-batch GEMV path otherwise); {@code tiled} forces the tiled class for a tiny net (what netc compiled
 * before unrolling). {@code style}: Vector API kernels or scalar ones. {@code threads}: the {@link Parallel} pool
 * the network gets (1 = the calling thread only).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Latency {
    @Param({"samples/nets/xor.net", "samples/nets/logistic_regression.net", "samples/nets/mnist_mlp.net"})
    public String net;

    @Param({"1"})
    public int batch;

    @Param({"default"})
    public String form;

    @Param({"vector"})
    public String style;

    @Param({"1"})
    public int threads;

    /** As {@link Inference#layout}: {@code prepared} (what {@code Predictor} runs) or {@code declared}. */
    @Param({"prepared"})
    public String layout;

    private Network network;
    private InferenceCall call;
    private Parallel parallel;
    private float[] params;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void compile() {
        Compilation c = NetCompiler.compile(NetCompiler.read(Path.of(net)),
                NetCompiler.Options.defaults().withVector(style.equals("vector")));
        if (form.equals("tiled")) {
            String source = ClassEmitter.emitTiled(c.differentiated(), c.model().modelSpec(), c.emitOptions());
            network = Compilation.instantiate(JaninoLoader.compile(c.emitOptions().qualifiedName(), source,
                    Network.class.getClassLoader()).type());
        } else if (form.equals("default")) {
            network = c.load();
        } else {
            throw new IllegalArgumentException("form is default or tiled, got " + form);
        }
        parallel = Parallel.threads(threads);
        network.setParallel(parallel);
        SplittableRandom rng = new SplittableRandom(1);
        params = new float[network.spec().paramCount()];
        for (int i = 0; i < params.length; i++) {
            params[i] = (float) ((rng.nextDouble() - 0.5) * 0.1);
        }
        x = new float[batch * network.spec().inputSize()];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        out = new float[batch * network.spec().outputSize()];
        call = InferenceCall.of(network, params, layout);
    }

    @TearDown(Level.Trial)
    public void close() {
        parallel.close();
    }

    /** One call on {@code batch} samples; returns the output so that nothing is dead code. */
    @Benchmark
    public float[] forward() {
        call.run(x, batch, out);
        return out;
    }
}
