package netc.bench;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.emit.GemmEmitter;
import netc.compiler.internal.load.JaninoLoader;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The FMA peak of this JVM's vectors: 12 independent {@code FloatVector.fma} chains in registers, in the species the
 * generated kernels use ({@link GemmEmitter#addVectorFields}, the JVM's preferred width). {@link FlopCounter} gives
 * GFLOP/s (2 per lane per fma); {@code vectorBits} is reported by {@link #vectorBits()}. With JMH's {@code -t 2} two
 * threads run a chain set each: the peak of both cores, the denominator of "% of peak" at 2 threads.
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FmaPeak -t 1     (and -t 2)
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class FmaPeak {
    static final int CHAINS = 12;
    static final int ITERATIONS = 10_000;

    private MethodHandle peak;
    private int lanes;

    @Setup(Level.Trial)
    public void compile() throws ReflectiveOperationException {
        TypeSpec.Builder type = TypeSpec.classBuilder("FmaProbe").addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        GemmEmitter.addVectorFields(type);
        type.addMethod(MethodSpec.methodBuilder("lanes").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(TypeName.INT).addStatement("return LANES").build());
        type.addMethod(peakMethod());
        String source = JavaFile.builder("netc.generated", type.build()).build().toString();
        Class<?> probe = JaninoLoader.compile("netc.generated.FmaProbe", source).type();
        lanes = (int) probe.getMethod("lanes").invoke(null);
        peak = MethodHandles.publicLookup().findStatic(probe, "fmaPeak", MethodType.methodType(float.class, int.class));
    }

    @Benchmark
    public float fma(FlopCounter flop) throws Throwable {
        flop.gflop += 2e-9 * CHAINS * lanes * ITERATIONS;
        return (float) peak.invoke(ITERATIONS);
    }

    /** The vector width, in bits, of the species the generated kernels use in this JVM. */
    static int vectorBits() {
        try {
            Class<?> vector = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = vector.getField("SPECIES_PREFERRED").get(null);
            // through the public interface: the species' own class is not exported
            int bits = (int) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize")
                    .invoke(species);
            return Math.min(bits, Integer.getInteger(GemmEmitter.MAX_VECTOR_BITS_PROPERTY, Integer.MAX_VALUE));
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }

    /**
     * {@link #CHAINS} independent fma chains on FloatVector, n iterations, in registers: the ceiling for one core;
     * returns a lane sum so nothing is dead. The kernel probes ({@code GemmShapes}, {@code KernelForms}) compile it
     * next to their kernels.
     */
    static MethodSpec peakMethod() {
        ClassName floatVector = ClassName.get("jdk.incubator.vector", "FloatVector");
        CodeBlock.Builder code = CodeBlock.builder();
        code.addStatement("$T m = $T.broadcast(SPECIES, 0.999f)", floatVector, floatVector);
        code.addStatement("$T d = $T.broadcast(SPECIES, 0.001f)", floatVector, floatVector);
        for (int i = 0; i < CHAINS; i++) {
            code.addStatement("$T v$L = $T.broadcast(SPECIES, $Lf)", floatVector, i, floatVector, i);
        }
        code.beginControlFlow("for (int i = 0; i < n; i++)");
        for (int i = 0; i < CHAINS; i++) {
            code.addStatement("v$L = v$L.fma(m, d)", i, i);
        }
        code.endControlFlow();
        code.add("return v0");
        for (int i = 1; i < CHAINS; i++) {
            code.add(".add(v$L)", i);
        }
        code.add(".reduceLanes(jdk.incubator.vector.VectorOperators.ADD);\n");
        return MethodSpec.methodBuilder("fmaPeak").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(TypeName.FLOAT).addParameter(int.class, "n").addCode(code.build()).build();
    }
}
