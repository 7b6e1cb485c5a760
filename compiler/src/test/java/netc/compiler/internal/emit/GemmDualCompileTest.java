package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import org.junit.jupiter.api.Test;

/** The same kernel source compiled by Janino and by javac: identical outputs, bit for bit, and small methods. */
class GemmDualCompileTest {

    private static final List<ParameterSpec> BIAS = List.of(ParameterSpec.builder(float[].class, "w").build(),
            ParameterSpec.builder(int.class, "wOff").build());

    private static List<GemmCase> cases() {
        List<GemmCase> cases = new ArrayList<>();
        for (Style style : Style.values()) {
            cases.add(GemmCase.of(Form.NT, style, 0, 37, 53, 7));
            cases.add(GemmCase.of(Form.NT, style, 0, 4, 16, 4));
            cases.add(GemmCase.of(Form.NN, style, 0, 83, 19, 6));
            cases.add(GemmCase.of(Form.NN, style, 0, 2, 5, 3));
            cases.add(GemmCase.of(Form.TN, style, 11, 70, 0, 9));
            cases.add(GemmCase.of(Form.TN, style, 4, 64, 0, 1));
        }
        return cases;
    }

    @Test
    void janinoAndJavacGiveBitwiseIdenticalResults() {
        List<GemmCase> cases = cases();
        List<GemmSpec> specs = new ArrayList<>();
        for (GemmCase c : cases) {
            specs.add(c.spec(c.methodName()));
            specs.add(c.spec(c.methodName() + "Fused").withEpilogue(Epilogue.biasRelu("w", "wOff"), BIAS));
        }
        String name = KernelClasses.uniqueSimpleName("Dual");
        String source = KernelClasses.source(name, specs);
        JaninoLoader.Compiled janino = JaninoLoader.compile(KernelClasses.PACKAGE + "." + name, source);
        JaninoLoader.Compiled javac = JavacLoader.compile(KernelClasses.PACKAGE + "." + name, source);
        for (GemmCase c : cases) {
            float[] bias = new float[c.n() + 1];
            for (int j = 0; j < bias.length; j++) {
                bias[j] = (j % 7) * 0.25f - 0.75f;
            }
            for (String method : List.of(c.methodName(), c.methodName() + "Fused")) {
                boolean fused = method.endsWith("Fused");
                Object[] extras = fused ? new Object[] {bias, 1} : new Object[0];
                Class<?>[] extraTypes = fused ? new Class<?>[] {float[].class, int.class} : new Class<?>[0];
                GemmCase.Operands byJanino = c.operands(3);
                GemmCase.Operands byJavac = c.operands(3);
                c.run(KernelClasses.kernel(janino.type(), method, extraTypes), byJanino, 0, c.rowsOfC(), extras);
                c.run(KernelClasses.kernel(javac.type(), method, extraTypes), byJavac, 0, c.rowsOfC(), extras);
                for (int i = 0; i < byJanino.c().length; i++) {
                    assertEquals(Float.floatToRawIntBits(byJavac.c()[i]), Float.floatToRawIntBits(byJanino.c()[i]),
                            method + " element " + i + ": javac " + byJavac.c()[i] + ", Janino " + byJanino.c()[i]);
                }
            }
        }
        assertSmallMethods("Janino", janino.classFiles());
        assertSmallMethods("javac", javac.classFiles());
    }

    /**
     * The Vector API has a Java fallback (interpreter, C1) and C2 intrinsics; on JDK 17/x86 both reduce lanes in lane
     * order, so a kernel gives the same bits before and after it is JIT-compiled. Runs each kernel until its tiles
     * are hot (a few thousand calls on a small shape) and compares with its first, interpreted, call.
     */
    @Test
    void resultsAreTheSameBeforeAndAfterJitCompilation() {
        List<GemmCase> cases = List.of(GemmCase.of(Form.NT, Style.VECTOR, 0, 37, 53, 7),
                GemmCase.of(Form.NN, Style.VECTOR, 0, 83, 19, 6), GemmCase.of(Form.TN, Style.VECTOR, 11, 70, 0, 9));
        List<GemmSpec> specs = cases.stream().map(c -> c.spec(c.methodName())).toList();
        JaninoLoader.Compiled compiled = KernelClasses.janino(specs);
        for (GemmCase c : cases) {
            java.lang.invoke.MethodHandle kernel = KernelClasses.kernel(compiled.type(), c.methodName());
            GemmCase.Operands first = c.operands(9);
            c.run(kernel, first, 0, c.rowsOfC());
            GemmCase.Operands later = c.operands(9);
            for (int call = 0; call < 3000; call++) {
                c.run(kernel, later, 0, c.rowsOfC());
            }
            for (int i = 0; i < first.c().length; i++) {
                assertEquals(Float.floatToRawIntBits(first.c()[i]), Float.floatToRawIntBits(later.c()[i]),
                        c + " element " + i);
            }
        }
    }

    static void assertSmallMethods(String compiler, Map<String, byte[]> classFiles) {
        classFiles.forEach((className, bytes) -> ClassFileMethodSizes.of(bytes).forEach((method, size) ->
                assertTrue(size < ClassFileMethodSizes.HUGE_METHOD_LIMIT,
                        compiler + ": " + className + "." + method + " has " + size + " bytes of bytecode")));
    }
}
