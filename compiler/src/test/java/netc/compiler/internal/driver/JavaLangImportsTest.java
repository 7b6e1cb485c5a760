package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import netc.compiler.internal.frontend.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every {@code java.lang} type the generated source of a sample uses by its simple name is imported explicitly, so
 * that a class of that name in the user's package cannot capture it ({@link ClassNameClashTest} compiles such
 * classes for one small network; this covers the kernels of every sample, without compiling). A format string that
 * spells a {@code java.lang} type by hand instead of through {@code $T} fails here unless another use of the same
 * type in that source is spelled through {@code $T}.
 */
class JavaLangImportsTest {
    private static final Pattern LITERALS_AND_COMMENTS = Pattern.compile(
            "\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'|//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    /** A simple type name: capitalised and not after a dot (a qualified name or a member). */
    private static final Pattern SIMPLE_NAME = Pattern.compile("(?<![\\w.$])[A-Z][A-Za-z0-9_]*");

    static Stream<String> samples() throws IOException {
        try (Stream<Path> files = Files.list(Golden.sampleNets())) {
            return files.map(f -> f.getFileName().toString()).filter(f -> f.endsWith(".net")).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samples")
    void javaLangTypesAreImportedOneByOne(String sample) {
        Set<String> javaLang = new TreeSet<>(ClassNameClashTest.javaLangClasses());
        for (boolean vector : new boolean[] {true, false}) {
            String source = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(sample)),
                    NetCompiler.Options.defaults().withVector(vector)).javaSource();
            Set<String> used = simpleNames(source);
            used.retainAll(javaLang);
            assertTrue(used.contains("Override"), "the scan finds the names it looks for: " + used);
            Set<String> imported = new TreeSet<>();
            source.lines().filter(l -> l.startsWith("import java.lang."))
                    .forEach(l -> imported.add(l.substring("import java.lang.".length(), l.length() - 1)));
            assertEquals(used, imported, sample + (vector ? " (vector)" : " (scalar)")
                    + ": java.lang types used and java.lang types imported");
        }
    }

    @Test
    void theScanSeesAnUnimportedName() {
        String source = "import java.lang.Override;\nclass A { @Override int f() { return Math.max(1, 2); } "
                + "String s = \"Float.NaN\"; // System\n}";
        assertEquals(List.of("A", "Math", "Override", "String"), List.copyOf(simpleNames(source)));
    }

    /** The capitalised names the code uses unqualified, outside string literals and comments. */
    private static Set<String> simpleNames(String source) {
        Set<String> names = new TreeSet<>();
        Matcher m = SIMPLE_NAME.matcher(LITERALS_AND_COMMENTS.matcher(source).replaceAll(" "));
        while (m.find()) {
            names.add(m.group());
        }
        return names;
    }
}
