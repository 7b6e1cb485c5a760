package netc.bench;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.emit.GemmEmitter;
import netc.compiler.internal.emit.GemmSpec;
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
 * The emitter's matrix kernels alone, one call on the calling thread, at the shapes the MLPs and the convnet's dense
 * layer train with: forward (NT, {@code C = X W^T}), the input gradient (NN, {@code dX = dZ W}) and the weight
 * gradient (TN, {@code dW = dZ^T X}, reduced over the batch). The kernels are those {@link GemmEmitter} writes for
 * the specs {@code GemmSpec.nt/nn/tn} (vector style, the default tile), compiled with Janino like a generated class.
 * {@link FlopCounter} reports GFLOP/s = 2 x M x N x K per call / time; compare with {@link FmaPeak} for % of peak.
 *
 * <p>{@code shape} = {@code net.layer.form}, batch included (128 for the MLPs, 64 for the convnet): e.g.
 * {@code mlp.fc1.nt} is {@code [128 x 784] x [512 x 784]^T}. Run
 * {@code java -jar benchmarks/target/benchmarks.jar Kernels} (all) or {@code ... Kernels -p shape=mlp.fc1.nt}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class Kernels {
    /**
     * Shape name to {form, M, N, K}: C is M x N, K the reduction. NT and NN have the batch as M; TN has it as K.
     */
    static final Map<String, int[]> SHAPES = Map.ofEntries(
            Map.entry("mlp.fc1.nt", new int[] {'T', 128, 512, 784}),
            Map.entry("mlp.fc2.nt", new int[] {'T', 128, 256, 512}),
            Map.entry("mlp.fc2.nn", new int[] {'N', 128, 512, 256}),
            Map.entry("mlp.fc1.tn", new int[] {'W', 512, 784, 128}),
            Map.entry("mlp.fc2.tn", new int[] {'W', 256, 512, 128}),
            Map.entry("mlp2048.fc2.nt", new int[] {'T', 128, 1024, 2048}),
            Map.entry("mlp2048.fc2.nn", new int[] {'N', 128, 2048, 1024}),
            Map.entry("mlp2048.fc2.tn", new int[] {'W', 1024, 2048, 128}),
            Map.entry("convnet.fc1.nt", new int[] {'T', 64, 1024, 3136}),
            Map.entry("convnet.fc1.tn", new int[] {'W', 1024, 3136, 64}));

    @Param({"mlp.fc1.nt", "mlp.fc2.nt", "mlp.fc2.nn", "mlp.fc1.tn", "mlp.fc2.tn", "mlp2048.fc2.nt", "mlp2048.fc2.nn",
            "mlp2048.fc2.tn", "convnet.fc1.nt", "convnet.fc1.tn"})
    public String shape;

    private MethodHandle kernel;
    private float[] a;
    private float[] b;
    private float[] c;
    private int batch;
    private int rows;
    private double gflopPerCall;

    @Setup(Level.Trial)
    public void compile() throws ReflectiveOperationException {
        int[] s = SHAPES.get(shape);
        if (s == null) {
            throw new IllegalArgumentException("unknown shape " + shape + ", expected one of " + SHAPES.keySet());
        }
        int m = s[1];
        int n = s[2];
        int k = s[3];
        GemmSpec spec = switch (s[0]) {
            case 'T' -> GemmSpec.nt("kernel", n, k, GemmSpec.Style.VECTOR);
            case 'N' -> GemmSpec.nn("kernel", n, k, GemmSpec.Style.VECTOR);
            default -> GemmSpec.tn("kernel", m, n, GemmSpec.Style.VECTOR);
        };
        TypeSpec.Builder type = TypeSpec.classBuilder("KernelProbe").addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        GemmEmitter.addVectorFields(type);
        for (MethodSpec method : GemmEmitter.emit(spec)) {
            type.addMethod(method.name().equals("kernel")
                    ? method.toBuilder().addModifiers(Modifier.PUBLIC).build() : method);
        }
        String source = JavaFile.builder("netc.generated", type.build()).build().toString();
        Class<?> probe = JaninoLoader.compile("netc.generated.KernelProbe", source).type();
        Method entry = null;
        for (Method method : probe.getMethods()) {
            if (method.getName().equals("kernel")) {
                entry = method;
            }
        }
        kernel = MethodHandles.publicLookup().unreflect(entry);
        SplittableRandom r = new SplittableRandom(1);
        // kernel(a, aOff, b, bOff, c, cOff, batch, r0, r1): NT/NN rows r0..r1 of the batch; TN rows of C, K = batch
        if (s[0] == 'W') {
            a = random(r, k * m);
            b = random(r, k * n);
            batch = k;
        } else {
            a = random(r, m * k);
            b = random(r, n * k);
            batch = m;
        }
        rows = m;
        c = new float[m * n];
        gflopPerCall = 2e-9 * m * n * k;
    }

    @Benchmark
    public float[] call(FlopCounter flop) throws Throwable {
        flop.gflop += gflopPerCall;
        kernel.invoke(a, 0, b, 0, c, 0, batch, 0, rows);
        return c;
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
