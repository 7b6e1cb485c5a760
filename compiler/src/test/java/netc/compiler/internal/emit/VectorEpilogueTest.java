package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.lang.reflect.Method;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.Golden;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Activations;
import org.codehaus.janino.SimpleCompiler;
import org.junit.jupiter.api.Test;

/**
 * Vector forms of fused epilogues: the lane-by-lane activations give bitwise what {@link Activations} gives (NaN,
 * signed zeros, infinities, subnormals), and the MLP's epilogues get vector forms in VECTOR style only.
 */
class VectorEpilogueTest {

    private static final float[] SPECIAL = {
        Float.NaN, Float.intBitsToFloat(0xffc00001), 0f, -0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, -Float.MIN_NORMAL, Float.MAX_VALUE, -Float.MAX_VALUE,
        1f, -1f, 0.5f, -0.5f, 3.25f, -7.75f, 1e-30f, -1e-30f, 1e30f, -1e30f, 2f, -2f,
        0.1f, -0.1f, 100f, -100f, 1e-40f, -1e-40f, 42f, -42f,
    };

    @Test
    void laneByLaneActivationsMatchTheScalarOnesBitwise() throws Exception {
        assumeTrue(JaninoLoader.vectorApiAvailable());
        TypeSpec.Builder type = TypeSpec.classBuilder("Probe").addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        GemmEmitter.addVectorFields(type);
        MethodSpec.Builder apply = MethodSpec.methodBuilder("apply")
                .addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(String.class, "which").addParameter(float[].class, "x").addParameter(float.class, "s")
                .returns(float[].class)
                .addStatement("float[] out = new float[x.length]")
                .beginControlFlow("for (int i = 0; i + LANES <= x.length; i += LANES)")
                .addStatement("$T v = $T.fromArray(SPECIES, x, i)", GemmEmitter.FLOAT_VECTOR, GemmEmitter.FLOAT_VECTOR)
                .addStatement("$T r = v", GemmEmitter.FLOAT_VECTOR);
        for (VectorHelpers h : VectorHelpers.values()) {
            type.addMethod(h.method());
            apply.beginControlFlow("if (which.equals($S))", h.methodName())
                    .addStatement(h.hasSlope() ? "r = $L(v, s)" : "r = $L(v)", h.methodName())
                    .endControlFlow();
        }
        apply.addStatement("r.intoArray(out, i)").endControlFlow().addStatement("return out");
        type.addMethod(MethodSpec.methodBuilder("lanes").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .returns(int.class).addStatement("return LANES").build());
        String source = JavaFile.builder("gen", type.addMethod(apply.build()).build()).build().toString();
        SimpleCompiler c = new SimpleCompiler();
        c.setParentClassLoader(getClass().getClassLoader());
        c.cook("Probe.java", source);
        Class<?> probe = c.getClassLoader().loadClass("gen.Probe");
        Method m = probe.getMethod("apply", String.class, float[].class, float.class);
        int lanes = SPECIAL.length - SPECIAL.length % (int) probe.getMethod("lanes").invoke(null);
        assertTrue(lanes > 0, "at least one full vector of test values");
        for (float slope : new float[] {0.1f, 0.01f, 0f, -0f, 1.5f}) {
            for (VectorHelpers h : VectorHelpers.values()) {
                float[] out = (float[]) m.invoke(null, h.methodName(), SPECIAL, slope);
                for (int i = 0; i < lanes; i++) {
                    float x = SPECIAL[i];
                    float expected = switch (h) {
                        case RELU -> Activations.relu(x);
                        case STEP -> Activations.step(x);
                        case LEAKY_RELU -> Activations.leakyRelu(x, slope);
                        case LEAKY_RELU_GRAD -> Activations.leakyReluGrad(x, slope);
                    };
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(out[i]),
                            h + "(" + x + ", slope " + slope + "): expected " + expected + ", got " + out[i]);
                }
            }
        }
    }

    @Test
    void mlpEpiloguesGetVectorFormsInVectorStyleOnly() {
        var source = NetCompiler.read(Golden.sampleNets().resolve("mnist_mlp.net"));
        String vector = NetCompiler.compile(source, NetCompiler.Options.defaults().withVector(true)).javaSource();
        String scalar = NetCompiler.compile(source, NetCompiler.Options.defaults().withVector(false)).javaSource();
        // forward layers: relu(product + bias), bias shared over samples and read by column; twice each, on W as
        // declared and on W^T (forwardPrepared)
        assertEquals(4, count(vector, "v = vRelu(v.add(FloatVector.fromArray(SPECIES, w, "), "relu(product + bias)");
        // output layer: product + bias
        assertEquals(1, count(vector, "v = v.add(FloatVector.fromArray(SPECIES, w, "), "product + bias");
        // backward: product * step(h), h per sample in the same row layout
        assertEquals(2, count(vector, "v = v.mul(vStep(FloatVector.fromArray(SPECIES, buf"), "product * step(h)");
        assertFalse(scalar.contains("vRelu") || scalar.contains("FloatVector"), "scalar style stays scalar");
    }

    @Test
    void transcendentalEpiloguesStayScalar() {
        var source = NetCompiler.read(Golden.sampleNets().resolve("xor.net"));
        String vector = NetCompiler.compile(source, NetCompiler.Options.defaults().withVector(true)).javaSource();
        // tanh(W1 x + b1) and sigmoid(W2 h + b2) have no vector form: their epilogue methods have no vector loop
        for (String line : vector.split("\n")) {
            if (line.contains("v = ") && line.contains("FloatVector")) {
                assertFalse(line.contains("tanh") || line.contains("sigmoid") || line.contains("Activations"), line);
            }
        }
        assertFalse(vector.contains("vRelu"), "no unused helpers");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
