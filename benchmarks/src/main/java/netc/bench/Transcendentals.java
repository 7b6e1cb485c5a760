package netc.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import netc.runtime.FloatMath;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link FloatMath}'s exp, log, tanh and sigmoid against what the runtime called before ({@code (float) Math.f(x)},
 * JIT intrinsics where the JDK has them) and against {@code StrictMath}, over 4,096 floats of the range activations
 * see ([-8, 8]; log over (0, 8]), one element at a time as the generated elementwise loops call them. Nanoseconds
 * per array. Run: {@code java -cp benchmarks/target/benchmarks.jar org.openjdk.jmh.Main Transcendentals}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class Transcendentals {
    private static final int N = 4096;
    private final float[] x = new float[N];
    private final float[] positive = new float[N];
    private final float[] out = new float[N];

    @Setup
    public void fill() {
        Random random = new Random(1);
        for (int i = 0; i < N; i++) {
            x[i] = random.nextFloat() * 16 - 8;
            positive[i] = Math.max(random.nextFloat() * 8, Float.MIN_NORMAL);
        }
    }

    @Benchmark
    public float[] expMath() {
        for (int i = 0; i < N; i++) {
            out[i] = (float) Math.exp(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] expFloatMath() {
        for (int i = 0; i < N; i++) {
            out[i] = FloatMath.exp(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] expStrictMath() {
        for (int i = 0; i < N; i++) {
            out[i] = (float) StrictMath.exp(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] logMath() {
        for (int i = 0; i < N; i++) {
            out[i] = (float) Math.log(positive[i]);
        }
        return out;
    }

    @Benchmark
    public float[] logFloatMath() {
        for (int i = 0; i < N; i++) {
            out[i] = FloatMath.log(positive[i]);
        }
        return out;
    }

    @Benchmark
    public float[] tanhMath() {
        for (int i = 0; i < N; i++) {
            out[i] = (float) Math.tanh(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] tanhFloatMath() {
        for (int i = 0; i < N; i++) {
            out[i] = FloatMath.tanh(x[i]);
        }
        return out;
    }

    @Benchmark
    public float[] tanhStrictMath() {
        for (int i = 0; i < N; i++) {
            out[i] = (float) StrictMath.tanh(x[i]);
        }
        return out;
    }

    /** The runtime's sigmoid before FloatMath: exp in double through Math. */
    @Benchmark
    public float[] sigmoidMath() {
        for (int i = 0; i < N; i++) {
            float v = x[i];
            if (v >= 0f) {
                out[i] = (float) (1.0 / (1.0 + Math.exp(-v)));
            } else {
                double e = Math.exp(v);
                out[i] = (float) (e / (1.0 + e));
            }
        }
        return out;
    }

    @Benchmark
    public float[] sigmoidFloatMath() {
        for (int i = 0; i < N; i++) {
            out[i] = FloatMath.sigmoid(x[i]);
        }
        return out;
    }
}
