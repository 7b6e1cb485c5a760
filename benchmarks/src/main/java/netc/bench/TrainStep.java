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
 * One training step as {@link TrainThroughput} and {@code benchmarks/peers/torch_mlp.py} time it: copy the next
 * contiguous slice of Fashion-MNIST into the batch buffers, {@code lossAndGradient}, the optimizer's step on the same
 * threads, as {@code netc train} runs it (plain SGD lr 0.1; convnet SGD lr 0.01 momentum 0.9). The {@link
 * SampleCounter} reports samples/s; {@code gflop} is the nominal rate, 3 x the forward FLOP per sample (forward, and
 * two products per layer backward).
 *
 * <p>{@code net}: {@code mlp} (784-512-256-10), {@code mlp2048} (784-2048-1024-10), {@code convnet}. {@code batch}
 * and {@code threads} (the size of the generated class's {@code Parallel} pool). The warm-up is long because the
 * JIT needs several seconds on two busy cores to bring the tiles to C2 (see {@link JitQuiet}). Issue #9's rows:
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar TrainStep -p net=mlp -p batch=32,128,512 -p threads=2
 * java -jar benchmarks/target/benchmarks.jar TrainStep -p net=mlp -p batch=128 -p threads=1
 * java -jar benchmarks/target/benchmarks.jar TrainStep -p net=mlp2048 -p batch=128 -p threads=2
 * java -jar benchmarks/target/benchmarks.jar TrainStep -p net=convnet -p batch=64 -p threads=2
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class TrainStep {
    @Param({"mlp", "mlp2048", "convnet"})
    public String net;

    @Param({"128"})
    public int batch;

    @Param({"1", "2"})
    public int threads;

    private BenchNet model;
    private Parallel pool;
    private TrainThroughput.Stepper stepper;

    @Setup(Level.Trial)
    public void compile() {
        model = BenchNet.compile(net);
        pool = Parallel.threads(threads);
        model.network.setParallel(pool);
        stepper = new TrainThroughput.Stepper(model.network, model.trainingData(), batch, model.optimizer(), pool);
    }

    @TearDown(Level.Trial)
    public void close() {
        model.network.setParallel(Parallel.serial());
        pool.close();
    }

    /** One step; returns its loss so that nothing is dead code. */
    @Benchmark
    public double step(SampleCounter samples, FlopCounter flop) {
        samples.samples += batch;
        flop.gflop += 3e-9 * batch * model.forwardFlop;
        return stepper.run(1);
    }
}
