package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.palantir.javapoet.ParameterSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import org.junit.jupiter.api.Test;

/**
 * Pins the generated source of small kernels, one per form, byte for byte (style.md §2.10): an emitter change shows
 * up as a reviewed golden diff. Accept a change with {@code -Dnetc.updateGolden=true}.
 */
class GemmGoldenTest {

    private static final String CLASS = "GemmGolden";
    private static final Path GOLDEN = Paths.get("src/test/resources/golden/gemm", CLASS + ".java");
    private static final Path ACTUAL = Paths.get("target/golden-actual/gemm", CLASS + ".java");

    static String goldenSource() {
        List<ParameterSpec> bias = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        return KernelClasses.source(CLASS, List.of(
                GemmSpec.nt("forward", 5, 3, Style.VECTOR).withEpilogue(Epilogue.biasRelu("w", "wOff"), bias),
                GemmSpec.nt("forwardLong", 5, 40, Style.VECTOR),
                GemmSpec.nn("inputGradient", 5, 3, Style.VECTOR),
                GemmSpec.tn("weightGradient", 3, 5, Style.SCALAR),
                // N a multiple of GemmEmitter.PACK_STRIDE: A and B packed
                GemmSpec.tn("packedWeightGradient", 3, 1024, Style.VECTOR)));
    }

    @Test
    void generatedSourceMatchesTheGolden() throws IOException {
        String actual = goldenSource();
        if (Boolean.getBoolean("netc.updateGolden")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
            return;
        }
        String expected = Files.exists(GOLDEN) ? Files.readString(GOLDEN, StandardCharsets.UTF_8) : "";
        if (!expected.equals(actual)) {
            Files.createDirectories(ACTUAL.getParent());
            Files.writeString(ACTUAL, actual, StandardCharsets.UTF_8);
            fail("generated source differs from " + GOLDEN + ":\n" + firstDifference(expected, actual)
                    + "\nThe actual source is in " + ACTUAL.toAbsolutePath() + ". If the change is intended, run\n"
                    + "  mvn -pl compiler test -Dtest=GemmGoldenTest -Dnetc.updateGolden=true\n"
                    + "or: cp " + ACTUAL + " " + GOLDEN);
        }
    }

    @Test
    void goldenCompilesWithJaninoAndJavac() throws IOException {
        String source = Files.readString(GOLDEN, StandardCharsets.UTF_8);
        String name = KernelClasses.PACKAGE + "." + CLASS;
        assertEquals(name, JaninoLoader.compile(name, source).type().getName());
        assertEquals(name, JavacLoader.compile(name, source).type().getName());
    }

    /** The first differing line with three lines of context, in unified-diff style. */
    private static String firstDifference(String expected, String actual) {
        String[] e = expected.split("\n", -1);
        String[] a = actual.split("\n", -1);
        int i = 0;
        while (i < e.length && i < a.length && e[i].equals(a[i])) {
            i++;
        }
        int from = Math.max(0, i - 3);
        StringBuilder sb = new StringBuilder("@@ line " + (i + 1) + " @@\n");
        for (int j = from; j < i; j++) {
            sb.append(' ').append(e[j]).append('\n');
        }
        for (int j = i; j < Math.min(e.length, i + 4); j++) {
            sb.append('-').append(e[j]).append('\n');
        }
        for (int j = i; j < Math.min(a.length, i + 4); j++) {
            sb.append('+').append(a[j]).append('\n');
        }
        return sb.toString();
    }
}
