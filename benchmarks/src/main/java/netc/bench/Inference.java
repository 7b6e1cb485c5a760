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
 * Inference throughput: {@code forwardPrepared} (or {@code forward}, {@link #layout}) of a batch of Fashion-MNIST
 * images (the first {@code batch} training samples, as {@code torch_mlp.py --part infer} uses), samples/s via {@link
 * SampleCounter} and the forward GFLOP/s via {@link FlopCounter}. Issue #9's row is the MLP at batch 1024 on one
 * thread: {@code java -jar benchmarks/target/benchmarks.jar Inference -p net=mlp -p batch=1024 -p threads=1}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Inference {
    @Param({"mlp"})
    public String net;

    @Param({"1024"})
    public int batch;

    @Param({"1"})
    public int threads;

    /**
     * {@code prepared}: {@code forwardPrepared} on the parameters {@code prepareForInference} lays out once, what
     * {@code Predictor} runs; {@code declared}: {@code forward} on the parameters as declared.
     */
    @Param({"prepared"})
    public String layout;

    private BenchNet model;
    private Parallel pool;
    private InferenceCall call;
    private float[] x;
    private float[] out;

    @Setup(Level.Trial)
    public void compile() {
        model = BenchNet.compile(net);
        pool = Parallel.threads(threads);
        model.network.setParallel(pool);
        var data = model.trainingData();
        x = new float[batch * data.inputSize()];
        System.arraycopy(data.x(), 0, x, 0, x.length);
        out = new float[batch * model.network.spec().outputSize()];
        call = InferenceCall.of(model.network, model.params, layout);
    }

    @TearDown(Level.Trial)
    public void close() {
        model.network.setParallel(Parallel.serial());
        pool.close();
    }

    @Benchmark
    public float[] forward(SampleCounter samples, FlopCounter flop) {
        samples.samples += batch;
        flop.gflop += 1e-9 * batch * model.forwardFlop;
        call.run(x, batch, out);
        return out;
    }
}
