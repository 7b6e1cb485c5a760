package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.List;
import javax.lang.model.element.Modifier;

/**
 * How a generated class runs with or without the Vector API module: its matrix kernels are emitted twice, in SCALAR
 * style in the class itself and in VECTOR style in a nested class ({@value #NAME}), and each scalar entry method first
 * hands its call over to the vector one when {@value #FLAG} is true. {@value #FLAG} is a {@code static final boolean}
 * decided once at class initialisation from whether the module {@code jdk.incubator.vector} is in the JVM.
 *
 * <p>Why this runs without the module: no method of the top-level class has a Vector API type in its signature, its
 * locals or its operand stack (the calls into the nested class pass arrays and ints), so HotSpot's verifier has no
 * Vector API class to load, and the nested class, which does use them, is resolved only when a call into it first
 * executes, that is never when {@value #FLAG} is false. Without {@value #FLAG} the class computes bitwise what a class
 * generated with {@code --scalar} computes: its scalar kernels are that class's kernels.
 *
 * <p>{@code kernels()} says which kernels run: {@code "vector (256-bit)"} (the width of the vectors) or
 * {@code "scalar"}.
 */
final class VectorKernelsClass {
    /** The {@code static final boolean} that says whether the vector kernels run. */
    static final String FLAG = "VECTOR";
    /** The simple name of the nested class holding the vector kernels (unless the class itself is so named). */
    static final String NAME = "VectorKernels";
    /** The module whose presence decides {@value #FLAG}. */
    static final String MODULE = "jdk.incubator.vector";
    /** The runtime's scalar gradient check, which {@code allFinite} falls back to. */
    private static final ClassName FINITE_CHECK = ClassName.get("netc.runtime.train", "FiniteCheck");

    private VectorKernelsClass() {
    }

    /** The nested class's name inside {@code outer}: {@value #NAME}, or {@code VectorKernels2} if that is taken. */
    static ClassName nestedName(ClassName outer) {
        return outer.nestedClass(outer.simpleName().equals(NAME) ? NAME + "2" : NAME);
    }

    /** The nested class, empty: the caller adds the vector kernels, then {@link #finish}es it. */
    static TypeSpec.Builder start(ClassName nested) {
        return TypeSpec.classBuilder(nested)
                .addJavadoc("The matrix kernels written with the Vector API ({@code $L}). Touched only\nwhen {@code $L}"
                        + " is true, so a JVM without the module never loads this class.\n", MODULE, FLAG)
                .addModifiers(Modifier.STATIC, Modifier.FINAL);
    }

    /** Adds the vector fields, the description and the private constructor to the nested class and builds it. */
    static TypeSpec finish(TypeSpec.Builder nested) {
        GemmEmitter.addVectorFields(nested);
        nested.addMethod(MethodSpec.constructorBuilder().addModifiers(Modifier.PRIVATE).build());
        nested.addMethod(MethodSpec.methodBuilder("description").addModifiers(Modifier.STATIC)
                .returns(String.class)
                .addJavadoc("{@code \"vector (256-bit)\"}: the width of the vectors the kernels use.\n")
                .addStatement("return $S + $L.vectorBitSize() + $S", "vector (", GemmEmitter.SPECIES, "-bit)")
                .build());
        return nested.build();
    }

    /**
     * {@value #FLAG}, the method that decides it and {@code kernels()}, for a class with vector kernels in
     * {@code nested}. The module is looked up in the layer of the class's module (a class in a named module of a
     * layer of its own), or in the boot layer for a class in an unnamed module (the class path, Janino's loader),
     * where it is only when the JVM was started with {@code --add-modules jdk.incubator.vector}.
     */
    static void addSelection(TypeSpec.Builder type, ClassName outer, ClassName nested) {
        type.addField(FieldSpec.builder(TypeName.BOOLEAN, FLAG, Modifier.PRIVATE, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Whether the Vector API kernels run: only where the module {@code $L} is present.\n",
                        MODULE)
                .initializer("vectorApiPresent()")
                .build());
        type.addMethod(MethodSpec.methodBuilder("vectorApiPresent").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(TypeName.BOOLEAN)
                .addJavadoc("Whether {@code $L} is in this class's module layer, or in the boot layer for a class on the"
                        + " class path.\n", MODULE)
                .addStatement("$T layer = $T.class.getModule().getLayer()", ModuleLayer.class, outer)
                .addStatement("return (layer != null ? layer : $T.boot()).findModule($S).isPresent()",
                        ModuleLayer.class, MODULE)
                .build());
        type.addMethod(kernels(CodeBlock.of("$L ? $T.description() : $S", FLAG, nested, "scalar")));
    }

    /**
     * {@code allFinite}, the trainer's check of a gradient ({@code Network.allFinite}): in {@code nested}, a vector at a
     * time, and in the class, the hand-over to it when {@value #FLAG}. The values' sum is finite if they all are; a sum
     * that is not (a NaN or an infinity among them, or finite values that overflow it) leaves the answer to the scalar
     * check. One float at a time the check was bound by its adds: C2 vectorizes no float reduction (the MNIST MLP's
     * gradient, one thread, a probe: 118 us, 40 a vector at a time).
     */
    static void addFiniteCheck(TypeSpec.Builder type, TypeSpec.Builder nestedType, ClassName nested) {
        ClassName vector = GemmEmitter.FLOAT_VECTOR;
        ClassName operators = GemmEmitter.VECTOR_OPERATORS;
        String lanes = GemmEmitter.LANES;
        nestedType.addMethod(MethodSpec.methodBuilder("allFinite").addModifiers(Modifier.STATIC)
                .returns(TypeName.BOOLEAN)
                .addParameter(float[].class, "values").addParameter(int.class, "lo").addParameter(int.class, "hi")
                .addStatement("$T s0 = $T.zero($L)", vector, vector, GemmEmitter.SPECIES)
                .addStatement("$T s1 = s0", vector)
                .addStatement("$T s2 = s0", vector)
                .addStatement("$T s3 = s0", vector)
                .addStatement("int i = lo")
                .beginControlFlow("for (; i + 4 * $L <= hi; i += 4 * $L)", lanes, lanes)
                .addStatement("s0 = s0.add($T.fromArray($L, values, i))", vector, GemmEmitter.SPECIES)
                .addStatement("s1 = s1.add($T.fromArray($L, values, i + $L))", vector, GemmEmitter.SPECIES, lanes)
                .addStatement("s2 = s2.add($T.fromArray($L, values, i + 2 * $L))", vector, GemmEmitter.SPECIES, lanes)
                .addStatement("s3 = s3.add($T.fromArray($L, values, i + 3 * $L))", vector, GemmEmitter.SPECIES, lanes)
                .endControlFlow()
                .addStatement("float sum = s0.add(s1).add(s2.add(s3)).reduceLanes($T.ADD)", operators)
                .beginControlFlow("for (; i < hi; i++)")
                .addStatement("sum += values[i]")
                .endControlFlow()
                .addStatement("return sum - sum == 0 || $T.allFinite(values, lo, hi)", FINITE_CHECK)
                .build());
        type.addMethod(MethodSpec.methodBuilder("allFinite").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(TypeName.BOOLEAN)
                .addJavadoc("Whether every value of {@code values[lo, hi)} is finite: a vector at a time when {@code $L}."
                        + "\n", FLAG)
                .addParameter(float[].class, "values").addParameter(int.class, "lo").addParameter(int.class, "hi")
                .addStatement("return $L ? $T.allFinite(values, lo, hi) : $T.allFinite(values, lo, hi)", FLAG, nested,
                        FINITE_CHECK)
                .build());
    }

    /** {@code kernels()} of a class with scalar kernels only ({@code --scalar}). */
    static MethodSpec scalarOnly() {
        return kernels(CodeBlock.of("$S", "scalar"), CodeBlock.of("Which matrix kernels run: always {@code \"scalar\"}, "
                + "this class has no Vector API kernels.\n"));
    }

    private static MethodSpec kernels(CodeBlock value) {
        return kernels(value, CodeBlock.of("Which matrix kernels run in this JVM: {@code \"vector (256-bit)\"} (with the"
                + " width of the vectors)\nwhen the module {@code $L} is present, {@code \"scalar\"} otherwise.\n",
                MODULE));
    }

    private static MethodSpec kernels(CodeBlock value, CodeBlock javadoc) {
        return MethodSpec.methodBuilder("kernels").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(String.class)
                .addJavadoc(javadoc)
                .addStatement("return $L", value)
                .build();
    }

    /**
     * The scalar entry method {@code entry} with the hand-over in front: when {@value #FLAG}, the call goes to the
     * method of the same name and parameters in {@code nested}.
     */
    static MethodSpec withHandOver(MethodSpec entry, ClassName nested) {
        List<ParameterSpec> params = entry.parameters();
        return MethodSpec.methodBuilder(entry.name())
                .addJavadoc(entry.javadoc())
                .addModifiers(entry.modifiers())
                .returns(entry.returnType())
                .addParameters(params)
                .beginControlFlow("if ($L)", FLAG)
                .addStatement("$T.$L($L)", nested, entry.name(), arguments(params))
                .addStatement("return")
                .endControlFlow()
                .addCode(entry.code())
                .build();
    }

    /** The arguments of a call that passes {@code params} on by name: {@code a, aOff, b}. */
    static CodeBlock arguments(List<ParameterSpec> params) {
        CodeBlock.Builder b = CodeBlock.builder();
        for (int i = 0; i < params.size(); i++) {
            b.add(i == 0 ? "$N" : ", $N", params.get(i));
        }
        return b.build();
    }
}
