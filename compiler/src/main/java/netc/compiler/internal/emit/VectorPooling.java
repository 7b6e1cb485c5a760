package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Max pooling and its gradient with the channels {@code LANES} at a time, for VECTOR-style classes: the generated
 * class gets {@code maxPool} and {@code maxPoolGrad} with the parameters of {@code netc.runtime.SpatialOps}'s, which
 * hand the call over to the nested vector class when the Vector API is there and call {@code SpatialOps} otherwise.
 *
 * <p>Why: {@code SpatialOps} takes one channel of a window at a time. It compared and branched per element, and on
 * random data half of the branches went either way: 5.4-6.3 ms of a 2-thread convnet step went to pooling
 * (StepBreakdown, 2026-12-02). Without the branches it still takes 4.3 ms on one thread for the first pooling
 * gradient of the convnet (28x28x32 at batch 64); this form takes 0.56 ms. Channel-last images keep each window
 * element a contiguous run of channels, so one vector compares {@code LANES} channels.
 *
 * <p>Bitwise {@code SpatialOps}' results, NaN and signed zeros included. The forward keeps the running maximum with
 * the same rule ({@code v} replaces {@code m} when {@code v > m}, or when {@code v} is the first NaN), as a blend.
 * The gradient finds the same element: the first in window order equal to the window's maximum (or the first NaN
 * when the maximum is NaN) is the one that rule chose, since an earlier equal element would have kept the later one
 * from replacing it. Where windows tile the image (stride = size, no rows or columns left over) each element of
 * {@code dx} is written once, as {@code 0 + g} for the chosen element (so {@code -0} becomes {@code +0}, as the scalar
 * zero-fill-then-add gives) and {@code +0} for the others; otherwise {@code dx} is zeroed and windows add into it in
 * window order, {@code +0} for elements they do not choose, which leaves a sum that is never {@code -0} unchanged.
 * Channels past the last whole vector take the scalar rule; images with fewer channels than {@code LANES} go to
 * {@code SpatialOps}.
 */
final class VectorPooling {
    static final String MAX_POOL = "maxPool";
    static final String MAX_POOL_GRAD = "maxPoolGrad";

    private static final TypeName FLOATS = TypeName.get(float[].class);
    private static final ClassName VECTOR_MASK = ClassName.get("jdk.incubator.vector", "VectorMask");
    private static final TypeName FLOAT_MASK = ParameterizedTypeName.get(VECTOR_MASK, ClassName.get(Float.class));

    private VectorPooling() {
    }

    /** The largest window side with a vector form: its elements are unrolled, so 16 vectors at most. */
    static final int MAX_SIZE = 4;

    /** Whether max pooling with {@code size x size} windows has a vector form. */
    static boolean covers(int size) {
        return size >= 1 && size <= MAX_SIZE;
    }

    /** The name of the forward or gradient method for windows of side {@code size}. */
    static String methodName(boolean grad, int size) {
        return (grad ? MAX_POOL_GRAD : MAX_POOL) + size;
    }

    /**
     * The methods of the generated class itself for each window side in {@code sizes}: the hand-over to
     * {@code nested}, or {@code SpatialOps}.
     */
    static List<MethodSpec> outerMethods(ClassName nested, Set<Integer> sizes) {
        List<MethodSpec> out = new ArrayList<>();
        for (int size : sizes) {
            out.add(outer(methodName(false, size), MAX_POOL, forwardParams(), nested));
            out.add(outer(methodName(true, size), MAX_POOL_GRAD, gradParams(), nested));
        }
        return out;
    }

    /** The methods of the nested vector class for each window side in {@code sizes}. */
    static List<MethodSpec> vectorMethods(Set<Integer> sizes) {
        List<MethodSpec> out = new ArrayList<>();
        for (int size : sizes) {
            out.add(vectorForward(size));
            out.add(vectorGrad(size));
        }
        out.add(beats());
        out.add(isMax());
        return out;
    }

    private static List<ParameterSpec> forwardParams() {
        return params(FLOATS, "x", TypeName.INT, "xOff", TypeName.INT, "c", TypeName.INT, "h", TypeName.INT, "w",
                TypeName.INT, "size", TypeName.INT, "stride", TypeName.INT, "ho", TypeName.INT, "wo", FLOATS, "out",
                TypeName.INT, "outOff", TypeName.INT, "lo", TypeName.INT, "hi");
    }

    private static List<ParameterSpec> gradParams() {
        return params(FLOATS, "x", TypeName.INT, "xOff", FLOATS, "g", TypeName.INT, "gOff", TypeName.INT, "c",
                TypeName.INT, "h", TypeName.INT, "w", TypeName.INT, "size", TypeName.INT, "stride", TypeName.INT, "ho",
                TypeName.INT, "wo", FLOATS, "dx", TypeName.INT, "dxOff", TypeName.INT, "lo", TypeName.INT, "hi");
    }

    private static List<ParameterSpec> params(Object... typesAndNames) {
        ParameterSpec[] out = new ParameterSpec[typesAndNames.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = ParameterSpec.builder((TypeName) typesAndNames[2 * i], (String) typesAndNames[2 * i + 1]).build();
        }
        return List.of(out);
    }

    private static MethodSpec outer(String name, String spatialOp, List<ParameterSpec> params, ClassName nested) {
        MethodSpec scalar = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC)
                .addJavadoc("{@code SpatialOps.$L}, or its vector form with the same bits where the Vector API is.\n",
                        spatialOp)
                .addParameters(params)
                .addStatement("$T.$L($L)", SpatialCalls.SPATIAL_OPS, spatialOp, VectorKernelsClass.arguments(params))
                .build();
        return VectorKernelsClass.withHandOver(scalar, nested);
    }

    /** Loads of the window's elements in window order, {@code v0 .. v(size*size-1)}, at channel {@code ci}. */
    private static CodeBlock windowLoads(int size) {
        CodeBlock.Builder b = CodeBlock.builder().addStatement("int e = first + ci");
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                b.addStatement("$T v$L = $T.fromArray($L, x, $L)", GemmEmitter.FLOAT_VECTOR, i * size + j,
                        GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES, element(i, j));
            }
        }
        return b.build();
    }

    /** The index of window element (i, j) from {@code e}, its first element at the current channel. */
    private static String element(int i, int j) {
        return "e" + (i > 0 ? " + " + (i > 1 ? i + " * " : "") + "rowStep" : "") + (j > 0 ? " + " + (j > 1 ? j
                + " * " : "") + "c" : "");
    }

    /** {@code m}, the window's maximum by the running rule, from the loads of {@link #windowLoads}. */
    private static CodeBlock windowMax(int size) {
        CodeBlock.Builder b = CodeBlock.builder().addStatement("$T m = v0", GemmEmitter.FLOAT_VECTOR);
        for (int k = 1; k < size * size; k++) {
            b.addStatement("m = m.blend(v$L, beats(v$L, m))", k, k);
        }
        return b.build();
    }

    /** The scalar rule for one channel {@code ci} past the last whole vector: the maximum and, with grad, its index. */
    private static CodeBlock scalarWindow(boolean grad) {
        CodeBlock.Builder b = CodeBlock.builder()
                .beginControlFlow("for (int ci = cv; ci < c; ci++)");
        if (grad) {
            b.addStatement("int best = first + ci");
        }
        b.addStatement("float m = x[first + ci]")
                .beginControlFlow("for (int i = 0; i < size; i++)")
                .beginControlFlow("for (int j = 0; j < size; j++)")
                .addStatement("int s = first + (i * w + j) * c + ci")
                .addStatement("float v = x[s]")
                .beginControlFlow("if (v > m || (v != v && m == m))")
                .addStatement("m = v");
        if (grad) {
            b.addStatement("best = s")
                    .endControlFlow()
                    .beginControlFlow("if (tiles)")
                    .addStatement("dx[s + toDx] = 0f");
        }
        b.endControlFlow().endControlFlow().endControlFlow();
        b.addStatement(grad ? "dx[best + toDx] += g[gi + ci]" : "out[o + ci] = m");
        return b.endControlFlow().build();
    }

    /** The start of both methods: images with fewer channels than a vector go to {@code SpatialOps}. */
    private static CodeBlock prologue(String name, List<ParameterSpec> params, int size) {
        return CodeBlock.builder()
                .beginControlFlow("if (c < $L || size != $L)", GemmEmitter.LANES, size)
                .addStatement("$T.$L($L)", SpatialCalls.SPATIAL_OPS, name, VectorKernelsClass.arguments(params))
                .addStatement("return")
                .endControlFlow()
                .addStatement("int sampleLen = h * w * c")
                .addStatement("int outLen = ho * wo * c")
                .addStatement("int rowStep = w * c")
                .addStatement("int cv = c - c % $L", GemmEmitter.LANES)
                .build();
    }

    private static MethodSpec vectorForward(int size) {
        List<ParameterSpec> params = forwardParams();
        CodeBlock body = CodeBlock.builder()
                .add(prologue(MAX_POOL, params, size))
                .beginControlFlow("for (int b = lo; b < hi; b++)")
                .addStatement("int xs = xOff + b * sampleLen")
                .addStatement("int o = outOff + b * outLen")
                .beginControlFlow("for (int oh = 0; oh < ho; oh++)")
                .beginControlFlow("for (int ow = 0; ow < wo; ow++, o += c)")
                .addStatement("int first = xs + (oh * stride * w + ow * stride) * c")
                .beginControlFlow("for (int ci = 0; ci < cv; ci += $L)", GemmEmitter.LANES)
                .add(windowLoads(size))
                .add(windowMax(size))
                .addStatement("m.intoArray(out, o + ci)")
                .endControlFlow()
                .add(scalarWindow(false))
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
        return MethodSpec.methodBuilder(methodName(false, size)).addModifiers(Modifier.STATIC)
                .addJavadoc("{@code SpatialOps.maxPool} for $L x $L windows, $L channels at a time: bitwise its"
                        + " result.\n", size, size, GemmEmitter.LANES)
                .addParameters(params)
                .addCode(body)
                .build();
    }

    private static MethodSpec vectorGrad(int size) {
        List<ParameterSpec> params = gradParams();
        TypeName fv = GemmEmitter.FLOAT_VECTOR;
        CodeBlock.Builder choose = CodeBlock.builder()
                .addStatement("$T zero = $T.zero($L)", fv, fv, GemmEmitter.SPECIES)
                .addStatement("$T gv = $T.fromArray($L, g, gi + ci)", fv, fv, GemmEmitter.SPECIES)
                .addStatement("$T mNaN = m.compare($T.NE, m)", FLOAT_MASK, GemmEmitter.VECTOR_OPERATORS)
                .addStatement("$T hit0 = isMax(v0, m, mNaN)", FLOAT_MASK);
        int n = size * size;
        if (n > 1) {
            choose.addStatement("$T open = hit0.not()", FLOAT_MASK);
        }
        for (int k = 1; k < n; k++) {
            choose.addStatement("$T hit$L = isMax(v$L, m, mNaN).and(open)", FLOAT_MASK, k, k);
            if (k < n - 1) {
                choose.addStatement("open = open.andNot(hit$L)", k);
            }
        }
        choose.beginControlFlow("if (tiles)").addStatement("$T g0 = gv.add(0f)", fv);
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                choose.addStatement("zero.blend(g0, hit$L).intoArray(dx, $L + toDx)", i * size + j, element(i, j));
            }
        }
        choose.nextControlFlow("else");
        for (int i = 0; i < size; i++) {
            for (int j = 0; j < size; j++) {
                choose.addStatement("$T.fromArray($L, dx, $L + toDx).add(zero.blend(gv, hit$L)).intoArray(dx, $L"
                        + " + toDx)", fv, GemmEmitter.SPECIES, element(i, j), i * size + j, element(i, j));
            }
        }
        choose.endControlFlow();
        CodeBlock body = CodeBlock.builder()
                .add(prologue(MAX_POOL_GRAD, params, size))
                .add("// windows that tile the image write each element of dx once; others add into a zeroed dx\n")
                .addStatement("boolean tiles = stride == size && ho * size == h && wo * size == w")
                .addStatement("int toDx = dxOff - xOff")
                .beginControlFlow("for (int b = lo; b < hi; b++)")
                .addStatement("int xs = xOff + b * sampleLen")
                .beginControlFlow("if (!tiles)")
                .addStatement("$T.fill(dx, xs + toDx, xs + toDx + sampleLen, 0f)", java.util.Arrays.class)
                .endControlFlow()
                .addStatement("int gi = gOff + b * outLen")
                .beginControlFlow("for (int oh = 0; oh < ho; oh++)")
                .beginControlFlow("for (int ow = 0; ow < wo; ow++, gi += c)")
                .addStatement("int first = xs + (oh * stride * w + ow * stride) * c")
                .beginControlFlow("for (int ci = 0; ci < cv; ci += $L)", GemmEmitter.LANES)
                .add(windowLoads(size))
                .add(windowMax(size))
                .add(choose.build())
                .endControlFlow()
                .add(scalarWindow(true))
                .endControlFlow()
                .endControlFlow()
                .endControlFlow()
                .build();
        return MethodSpec.methodBuilder(methodName(true, size)).addModifiers(Modifier.STATIC)
                .addJavadoc("{@code SpatialOps.maxPoolGrad} for $L x $L windows, $L channels at a time: bitwise its"
                        + " result.\n", size, size, GemmEmitter.LANES)
                .addParameters(params)
                .addCode(body)
                .build();
    }

    private static MethodSpec beats() {
        return MethodSpec.methodBuilder("beats").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(FLOAT_MASK)
                .addJavadoc("The lanes where {@code v} replaces the running maximum {@code m}: {@code v > m}, or"
                        + " {@code v} is NaN and\n{@code m} is not (nothing replaces a NaN).\n")
                .addParameter(GemmEmitter.FLOAT_VECTOR, "v").addParameter(GemmEmitter.FLOAT_VECTOR, "m")
                .addStatement("return m.compare($T.EQ, m).andNot(v.compare($T.LE, m))", GemmEmitter.VECTOR_OPERATORS,
                        GemmEmitter.VECTOR_OPERATORS)
                .build();
    }

    private static MethodSpec isMax() {
        return MethodSpec.methodBuilder("isMax").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(FLOAT_MASK)
                .addJavadoc("The lanes where window element {@code v} is the window's maximum {@code m} (both NaN"
                        + " where {@code m} is:\n{@code mNaN}); the first such element in window order is the one"
                        + " the running rule chose.\n")
                .addParameter(GemmEmitter.FLOAT_VECTOR, "v").addParameter(GemmEmitter.FLOAT_VECTOR, "m")
                .addParameter(FLOAT_MASK, "mNaN")
                .addStatement("return v.compare($T.EQ, m).or(v.compare($T.NE, v).and(mNaN))",
                        GemmEmitter.VECTOR_OPERATORS, GemmEmitter.VECTOR_OPERATORS)
                .build();
    }
}
