package netc.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import netc.api.Model;
import netc.api.Netc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * How long {@link Netc#compile} takes: the first compile in a fresh JVM (cold: class loading and an unwarmed
 * compiler), a new model in a warm JVM (parse, check, differentiate, emit, Janino), and the same model again (the
 * cache: read the file and hash it). Run from the checkout's root:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar CompileTime
 * </pre>
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class CompileTime {
    @Param({"samples/nets/xor.net", "samples/nets/mnist_mlp.net", "samples/nets/convnet.net"})
    public String model;

    private Path file;
    private String text;
    private long nonce;

    @Setup
    public void read() throws IOException {
        file = Path.of(model);
        text = Files.readString(file);
    }

    /** The first compile in a JVM: one shot per fresh JVM. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @Fork(value = 5, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
    @Warmup(iterations = 0)
    @Measurement(iterations = 1)
    public Model cold() {
        return Netc.compile(file);
    }

    /** A model this JVM has not compiled, after the compiler has warmed up. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @Warmup(iterations = 3, time = 2)
    @Measurement(iterations = 5, time = 2)
    public Model newModel() {
        return Netc.compile(model, "# " + (nonce++) + "\n" + text);
    }

    /** The same model again: the cache (the first warm-up call compiles it). */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public Model cached() {
        return Netc.compile(file);
    }
}
