package netc.bench;

import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import netc.compiler.internal.load.JaninoLoader;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor under {@link Latency}'s MLP figure: one pass reading every weight once, as a batch-1 forward must
 * (535,040 floats = 2.1 MB for mnist_mlp, more than this CPU's 1 MB L2, so they come from L3 on every call), summed
 * with Vector API {@code add}s into 4 accumulators: memory bound, no arithmetic worth counting. A forward cannot be
 * faster than this pass on one thread. {@code floats} = 131,072 (0.5 MB) shows the L2-resident rate for comparison.
 * Run from the checkout's root:
 * <pre>
 * java --add-modules jdk.incubator.vector -jar benchmarks/target/benchmarks.jar LatencyFloor
 * </pre>
 * The benchmarks module compiles without the incubator module, so the summing loop is compiled by Janino at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class LatencyFloor {
    @Param({"535040", "131072"})
    public int floats;

    private static final String SOURCE = """
            package netc.bench.gen;

            import jdk.incubator.vector.FloatVector;
            import jdk.incubator.vector.VectorSpecies;

            // raw ToDoubleFunction: Janino does not generate the bridge method a generic one needs
            public final class Stream implements java.util.function.ToDoubleFunction {
                static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

                public double applyAsDouble(Object weights) {
                    float[] w = (float[]) weights;
                    FloatVector s0 = FloatVector.zero(S);
                    FloatVector s1 = FloatVector.zero(S);
                    FloatVector s2 = FloatVector.zero(S);
                    FloatVector s3 = FloatVector.zero(S);
                    int n = S.length();
                    int i = 0;
                    for (; i + 4 * n <= w.length; i += 4 * n) {
                        s0 = s0.add(FloatVector.fromArray(S, w, i));
                        s1 = s1.add(FloatVector.fromArray(S, w, i + n));
                        s2 = s2.add(FloatVector.fromArray(S, w, i + 2 * n));
                        s3 = s3.add(FloatVector.fromArray(S, w, i + 3 * n));
                    }
                    float tail = 0f;
                    for (; i < w.length; i++) {
                        tail += w[i];
                    }
                    return s0.add(s1).add(s2).add(s3).reduceLanes(jdk.incubator.vector.VectorOperators.ADD) + tail;
                }
            }
            """;

    private float[] weights;
    private ToDoubleFunction<float[]> stream;

    @Setup(Level.Trial)
    @SuppressWarnings("unchecked")
    public void setUp() throws ReflectiveOperationException {
        weights = new float[floats];
        for (int i = 0; i < floats; i++) {
            weights[i] = (i % 7) * 0.25f;
        }
        Class<?> type = JaninoLoader.compile("netc.bench.gen.Stream", SOURCE, LatencyFloor.class.getClassLoader())
                .type();
        stream = (ToDoubleFunction<float[]>) type.getDeclaredConstructor().newInstance();
    }

    /** Every weight read once. */
    @Benchmark
    public double readAllWeights() {
        return stream.applyAsDouble(weights);
    }
}
