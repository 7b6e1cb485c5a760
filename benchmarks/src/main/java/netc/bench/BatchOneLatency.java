package netc.bench;

import java.util.concurrent.TimeUnit;
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
 * Batch-1 latency: {@code forwardPrepared} (or {@code forward}, {@link #layout}) of one sample, nanoseconds per call,
 * averaged by JMH; {@code threads} 1 runs on the calling thread (a serial {@code Parallel}, no hand-off), 2 lets a pool
 * share the MLP's dense layers by columns (each core reads half of each W). The input cycles through 64 real samples
 * (random ones for the 2-input nets) so that the branch predictor does not learn a single input. {@code net}: {@code
 * mlp} (784-512-256-10), {@code xor} (2-4-1, tanh and sigmoid), {@code logreg} ({@code logistic_regression.net}, 2
 * inputs, one sigmoid); {@code benchmarks/peers/torch_tiny.py} times the same networks in PyTorch.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class BatchOneLatency {
    private static final int INPUTS = 64;

    @Param({"mlp", "xor", "logreg"})
    public String net;

    @Param({"1"})
    public int threads;

    /** As {@link Inference#layout}: {@code prepared} (what {@code Predictor} runs) or {@code declared}. */
    @Param({"prepared"})
    public String layout;

    private BenchNet model;
    private InferenceCall call;
    private Parallel parallel;
    private float[][] inputs;
    private float[] out;
    private int next;

    @Setup(Level.Trial)
    public void compile() {
        model = BenchNet.compile(net);
        parallel = Parallel.threads(threads);
        model.network.setParallel(parallel);
        var data = model.trainingData();
        int in = data.inputSize();
        inputs = new float[INPUTS][in];
        for (int i = 0; i < INPUTS; i++) {
            System.arraycopy(data.x(), (i % data.n()) * in, inputs[i], 0, in);
        }
        out = new float[model.network.spec().outputSize()];
        call = InferenceCall.of(model.network, model.params, layout);
    }

    @TearDown(Level.Trial)
    public void close() {
        parallel.close();
    }

    @Benchmark
    public float[] forward() {
        float[] x = inputs[next];
        next = (next + 1) & (INPUTS - 1);
        call.run(x, 1, out);
        return out;
    }
}
