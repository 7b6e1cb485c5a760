package netc.compiler.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/** Emits matrix-product kernel methods (first version: plain loops). */
public final class GemmEmitter {
    private GemmEmitter() {
    }

    /** Turns the raw product value at (row, col) into the value to store. */
    public interface Epilogue {
        CodeBlock apply(String rowVar, String colVar, CodeBlock value);
    }

    public static void addVectorSupport(TypeSpec.Builder type) {
        // plain loops need nothing
    }

    public static MethodSpec emit(GemmSpec spec) {
        TypeName floats = ArrayTypeName.of(TypeName.FLOAT);
        MethodSpec.Builder m = MethodSpec.methodBuilder(spec.methodName()).addModifiers(Modifier.STATIC)
                .addParameter(floats, "a").addParameter(TypeName.INT, "aOff")
                .addParameter(floats, "b").addParameter(TypeName.INT, "bOff")
                .addParameter(floats, "c").addParameter(TypeName.INT, "cOff")
                .addParameter(TypeName.INT, "batch").addParameter(TypeName.INT, "mLo").addParameter(TypeName.INT, "mHi")
                .addParameters(spec.extraParams());
        int n = spec.n();
        String k = spec.form() == GemmSpec.Form.TN ? "batch" : String.valueOf(spec.k());
        String aIndex;
        String bIndex;
        switch (spec.form()) {
            case NT: aIndex = "aOff + i * " + spec.k() + " + q"; bIndex = "bOff + j * " + spec.k() + " + q"; break;
            case NN: aIndex = "aOff + i * " + spec.k() + " + q"; bIndex = "bOff + q * " + n + " + j"; break;
            default: aIndex = "aOff + q * " + spec.m() + " + i"; bIndex = "bOff + q * " + n + " + j"; break;
        }
        CodeBlock value = spec.epilogue() == null ? CodeBlock.of("acc")
                : spec.epilogue().apply("i", "j", CodeBlock.of("acc"));
        m.beginControlFlow("for (int i = mLo; i < mHi; i++)")
                .beginControlFlow("for (int j = 0; j < $L; j++)", n)
                .addStatement("float acc = 0f")
                .beginControlFlow("for (int q = 0; q < $L; q++)", k)
                .addStatement("acc += a[$L] * b[$L]", aIndex, bIndex)
                .endControlFlow()
                .addStatement("c[cOff + i * $L + j] = $L", n, value)
                .endControlFlow()
                .endControlFlow();
        return m.build();
    }
}
