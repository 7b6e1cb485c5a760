package netc.compiler.internal.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;

/**
 * The checks every generated class makes of a call's arguments before touching them (batch size, parameter, input
 * and target lengths), with the same messages whichever form the class takes (tiled or unrolled), so that a caller
 * sees one contract.
 */
final class BatchArgumentChecks {
    private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);

    private BatchArgumentChecks() {
    }

    /**
     * Adds the parameters {@code (float[] params, float[] input, float[] target, int samples)} to {@code m} and the
     * statements that reject arguments that do not fit the class's {@code PARAM_COUNT}, {@code INPUT_SIZE} and
     * {@code TARGET_VALUES}; {@code target} may be null.
     */
    static MethodSpec.Builder addTo(MethodSpec.Builder m) {
        return addTo(m, false);
    }

    /**
     * As {@link #addTo(MethodSpec.Builder)}; with {@code countArgument} the method takes a last parameter
     * {@code int paramCount}, the length {@code params} must have (the parameters as declared, or as laid out for
     * inference).
     */
    static MethodSpec.Builder addTo(MethodSpec.Builder m, boolean countArgument) {
        m.addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(FLOATS, "target")
                .addParameter(TypeName.INT, "samples");
        String count = countArgument ? "paramCount" : "PARAM_COUNT";
        if (countArgument) {
            m.addParameter(TypeName.INT, "paramCount");
        }
        return m.beginControlFlow("if (samples < 1)")
                .addStatement("throw new $T($S + samples)", IllegalArgumentException.class,
                        "batch must be >= 1, got ")
                .endControlFlow()
                .beginControlFlow("if (params.length != $L)", count)
                .addStatement("throw new $T($S + $L + $S + params.length)",
                        IllegalArgumentException.class, "expected ", count, " parameters, got ")
                .endControlFlow()
                .beginControlFlow("if (input.length < samples * INPUT_SIZE)")
                .addStatement("throw new $T($S + samples * INPUT_SIZE + $S + input.length)",
                        IllegalArgumentException.class, "expected ", " input values, got ")
                .endControlFlow()
                .beginControlFlow("if (target != null && target.length < samples * TARGET_VALUES)")
                .addStatement("throw new $T($S + samples * TARGET_VALUES + $S + target.length)",
                        IllegalArgumentException.class, "expected ", " target values, got ")
                .endControlFlow();
    }
}
