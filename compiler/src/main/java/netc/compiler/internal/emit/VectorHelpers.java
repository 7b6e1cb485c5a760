package netc.compiler.internal.emit;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import javax.lang.model.element.Modifier;

/**
 * The lane-by-lane forms of the {@code netc.runtime.Activations} methods that vector epilogues use, emitted as static
 * methods of a VECTOR-style class when some epilogue calls them. Each gives, in every lane, bitwise the value of the
 * scalar method: they compare exactly as the scalar methods do ({@code x > 0} is false for NaN and for both zeros,
 * {@code x <= 0} false for NaN) and select with a blend, so {@code step(NaN)} is 0 and {@code relu(NaN)} NaN, and
 * {@code relu(-0)} is {@code +0} (as {@code FloatVector.max} would not make it in every lane order).
 */
enum VectorHelpers {
    /** {@code Activations.relu}: {@code x <= 0 ? 0 : x}. */
    RELU("vRelu", false),
    /** {@code Activations.step}: {@code x > 0 ? 1 : 0}. */
    STEP("vStep", false),
    /** {@code Activations.leakyRelu}: {@code x > 0 ? x : slope * x}. */
    LEAKY_RELU("vLeakyRelu", true),
    /** {@code Activations.leakyReluGrad}: {@code x > 0 ? 1 : slope}. */
    LEAKY_RELU_GRAD("vLeakyReluGrad", true);

    private final String methodName;
    private final boolean slope;

    VectorHelpers(String methodName, boolean slope) {
        this.methodName = methodName;
        this.slope = slope;
    }

    String methodName() {
        return methodName;
    }

    /** Whether the method takes the slope as a second, {@code float} argument. */
    boolean hasSlope() {
        return slope;
    }

    MethodSpec method() {
        String scalar = switch (this) {
            case RELU -> "relu";
            case STEP -> "step";
            case LEAKY_RELU -> "leakyRelu";
            case LEAKY_RELU_GRAD -> "leakyReluGrad";
        };
        MethodSpec.Builder m = MethodSpec.methodBuilder(methodName)
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(GemmEmitter.FLOAT_VECTOR)
                .addJavadoc("{@code Activations.$L} lane by lane, bitwise the same (NaN and -0 included).\n", scalar)
                .addParameter(GemmEmitter.FLOAT_VECTOR, "x");
        if (slope) {
            m.addParameter(TypeName.FLOAT, "slope");
        }
        CodeBlock positive = CodeBlock.of("x.compare($T.GT, 0f)", GemmEmitter.VECTOR_OPERATORS);
        CodeBlock body = switch (this) {
            case RELU -> CodeBlock.of("x.blend(0f, x.compare($T.LE, 0f))", GemmEmitter.VECTOR_OPERATORS);
            case STEP -> CodeBlock.of("$T.zero($L).blend(1f, $L)", GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES_REF,
                    positive);
            case LEAKY_RELU -> CodeBlock.of("x.mul(slope).blend(x, $L)", positive);
            case LEAKY_RELU_GRAD -> CodeBlock.of("$T.broadcast($L, slope).blend(1f, $L)", GemmEmitter.FLOAT_VECTOR,
                    GemmEmitter.SPECIES_REF, positive);
        };
        return m.addStatement("return $L", body).build();
    }
}
