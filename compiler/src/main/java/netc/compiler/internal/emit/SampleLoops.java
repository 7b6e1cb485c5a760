package netc.compiler.internal.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.schedule.Buffer;
import netc.compiler.internal.schedule.Kernel;
import netc.compiler.internal.schedule.Program;

/**
 * The methods of the kernels that run a convolution's steps one sample at a time ({@link Kernel.GemmCol2im},
 * {@link Kernel.Im2colGemm}, {@link Kernel.Im2colGemmTn}): a loop over the samples of the stage's range (for
 * {@code Im2colGemmTn}, over every sample, the range being column panels) calling, per sample, the runtime's image
 * routine and the product's own kernel method on that sample's rows. A value that lives in a per-thread array of one
 * sample ({@link Buffer.Home#PER_THREAD}) is fetched from its {@code ThreadLocal} field first (per instance, so the
 * arrays go with it; per thread, since the pool runs two ranges of samples at once).
 *
 * <p>How a sample's rows are addressed: the patch gradient of a {@code GemmCol2im} is computed as a matrix of its own
 * (A from the sample's first row, C and col2im from 0); an {@code Im2colGemm}'s product keeps its rows' numbers, since
 * its epilogue may read other batched values by row, and so its per-thread patches are addressed from an offset of
 * minus the sample's first element, which im2col and the kernel both add to the row's.
 */
final class SampleLoops {
    private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);

    /** How the emitter spells a call of a product's row entry: method, A's offset, row count, row range. */
    interface GemmCalls {
        CodeBlock call(Kernel.Gemm gemm, Program p, String method, CodeBlock aOffset, CodeBlock batch, CodeBlock range);
    }

    private SampleLoops() {
    }

    /** The product kernel of a sample loop, or null for any other kernel. */
    static Kernel.Gemm gemmOf(Kernel k) {
        if (k instanceof Kernel.GemmCol2im f) {
            return f.gemm();
        }
        if (k instanceof Kernel.Im2colGemmTn f) {
            return f.gemm();
        }
        return k instanceof Kernel.Im2colGemm f ? f.gemm() : null;
    }

    /** The name of the field of per-thread arrays of {@code n}. */
    static String perThreadField(Node n) {
        return "t" + n.id() + "PerThread";
    }

    /** The method's name, from the fused kernels' result. */
    static String methodName(Kernel k) {
        return (k instanceof Kernel.GemmCol2im ? "col2im" : k instanceof Kernel.Im2colGemmTn ? "im2colGemmTn"
                : "im2colGemm") + k.result().id();
    }

    /**
     * The method for samples {@code [lo, hi)} (column panels, for an {@code Im2colGemmTn}, each {@code panelWidth}
     * columns wide), calling the product's kernel method {@code gemmMethod}; with {@code ownCol2im}, a {@code
     * GemmCol2im} calls the class's own {@link VectorCol2im} method rather than {@code SpatialOps.col2imAdd}.
     */
    static MethodSpec method(Kernel k, Program p, String gemmMethod, GemmCalls calls, CodeBlock panelWidth,
            String javadoc, boolean ownCol2im) {
        CodeBlock.Builder code = CodeBlock.builder();
        if (k instanceof Kernel.Im2colGemmTn f) {
            kernelGradient(code, f, p, gemmMethod, panelWidth);
            return MethodSpec.methodBuilder(methodName(k)).addModifiers(Modifier.PRIVATE)
                    .addJavadoc("$L\n", javadoc)
                    .addParameter(TypeName.INT, "pLo").addParameter(TypeName.INT, "pHi")
                    .addCode(code.build())
                    .build();
        }
        if (k instanceof Kernel.GemmCol2im f) {
            Node product = f.gemm().product();
            int rows = product.shape().rowsPerSample();
            GemmCall operands = GemmCall.of(f.gemm(), p);
            Node image = f.result();
            perThreadArray(code, product, p);
            code.beginControlFlow("for (int sample = lo; sample < hi; sample++)")
                    .addStatement(calls.call(f.gemm(), p, gemmMethod, CodeBlock.of("$L + sample * $L", operands.aOff(),
                            product.input(1).shape().size()), CodeBlock.of("$L", rows), CodeBlock.of("0, $L", rows)))
                    .addStatement(SpatialCalls.col2imOfSample(image, p, CodeBlock.of("$L + sample * $L",
                            p.buffer(image).offset(), image.shape().size()), ownCol2im))
                    .endControlFlow();
        } else {
            Kernel.Im2colGemm f = (Kernel.Im2colGemm) k;
            Node patches = f.im2col().result();
            GemmCall operands = GemmCall.of(f.gemm(), p);
            int rows = patches.shape().rowsPerSample();
            perThreadArray(code, patches, p);
            CodeBlock offset = CodeBlock.of("-sample * $L", patches.shape().size());
            CodeBlock range = CodeBlock.of("sample * $L, sample * $L + $L", rows, rows, rows);
            code.beginControlFlow("for (int sample = lo; sample < hi; sample++)")
                    .addStatement(SpatialCalls.im2colRows(patches, p, offset, range))
                    .addStatement(calls.call(f.gemm(), p, gemmMethod, offset, CodeBlock.of("$L", operands.batchArg()),
                            range))
                    .endControlFlow();
        }
        return MethodSpec.methodBuilder(methodName(k)).addModifiers(Modifier.PRIVATE)
                .addJavadoc("$L\n", javadoc)
                .addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi")
                .addCode(code.build())
                .build();
    }

    /**
     * The loop of an {@code Im2colGemmTn} over column panels {@code [pLo, pHi)}: per sample, its patches in this
     * thread's columns, then their product added to this thread's copy of C (the first sample's overwriting it; no
     * sample: C = 0), whose columns are then copied into C. Added to C itself, sample after sample, the cache lines
     * where one thread's columns meet the other's went between the cores at every sample: the convnet's second
     * kernel gradient took 11.4 ms on 2 threads where 1 took 18.6.
     */
    private static void kernelGradient(CodeBlock.Builder code, Kernel.Im2colGemmTn f, Program p, String gemmMethod,
            CodeBlock panelWidth) {
        Node patches = f.im2col().result();
        Node g = f.gemm().product().input(0);
        Node result = f.gemm().result();
        GemmCall operands = GemmCall.of(f.gemm(), p);
        int rows = patches.shape().rowsPerSample();
        int cRows = operands.m();
        int cColumns = operands.n();
        String local = ExpressionEmitter.ArrayNames.name(p.buffer(patches));
        perThreadArray(code, patches, p);
        perThreadArray(code, result, "sums");
        code.addStatement("int width = $L", panelWidth)
                .addStatement("int from = pLo * width")
                .addStatement("int to = $T.min(pHi * width, $L)", Math.class, cColumns)
                .beginControlFlow("if (batch <= 0)")
                .addStatement("$L($L, $L, $L, 0, sums, 0, 0, pLo, pHi, false)", gemmMethod, operands.a(),
                        operands.aOff(), local)
                .endControlFlow()
                .beginControlFlow("for (int sample = 0; sample < batch; sample++)")
                .addStatement(SpatialCalls.im2colColumns(patches, p, CodeBlock.of("-sample * $L",
                        patches.shape().size()), CodeBlock.of("sample * $L, sample * $L + $L", rows, rows, rows),
                        CodeBlock.of("from, to")))
                .addStatement("$L($L, $L + sample * $L, $L, 0, sums, 0, $L, pLo, pHi, sample > 0)", gemmMethod,
                        operands.a(), operands.aOff(), g.shape().size(), local, rows)
                .endControlFlow()
                .beginControlFlow("for (int i = 0; i < $L; i++)", cRows)
                .addStatement("$T.arraycopy(sums, i * $L + from, $L, $L + i * $L + from, $T.max(0, to - from))",
                        System.class, cColumns, operands.c(), operands.cOff(), cColumns, Math.class)
                .endControlFlow();
    }

    /** Declares the local array of {@code n}: this thread's, allocated on its first use. */
    private static void perThreadArray(CodeBlock.Builder code, Node n, Program p) {
        perThreadArray(code, n, ExpressionEmitter.ArrayNames.name(p.buffer(n)));
    }

    /** Declares the local {@code local}: this thread's array for {@code n}, allocated on its first use. */
    private static void perThreadArray(CodeBlock.Builder code, Node n, String local) {
        String field = perThreadField(n);
        // the field is a ThreadLocal<Object>: Janino erases get() to Object and needs the cast that javac -Xlint
        // would call redundant on a ThreadLocal<float[]>
        code.addStatement("$T $L = ($T) $L.get()", FLOATS, local, FLOATS, field)
                .beginControlFlow("if ($L == null)", local)
                .addStatement("$L = new float[$L]", local, n.shape().size())
                .addStatement("$L.set($L)", field, local)
                .endControlFlow();
    }
}
