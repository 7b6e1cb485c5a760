package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import netc.compiler.internal.frontend.Golden;
import netc.compiler.internal.load.JavacLoader;
import org.junit.jupiter.api.Test;

/**
 * Generated classes compile warning-free under {@code javac -Xlint:all -Werror}, as the README's "Running without
 * the Vector API module" promises, with the flags it recommends: a {@code --scalar} class without the Vector API
 * module at all, a class with vector kernels with {@code --add-modules jdk.incubator.vector} and, where javac has the
 * lint category (JDK 22 and later), {@code -Xlint:-incubating}. On JDK 17 javac's "using incubating module(s)"
 * warning belongs to no lint category and cannot be silenced; there it must be the only warning.
 */
class GeneratedSourceLintTest {

    /** The code of javac's incubator warning, on JDK 17 and on 25 alike. */
    private static final String INCUBATING = "compiler.warn.incubating.modules";

    /** Every sample network, in the given package, with vector kernels or scalar only. */
    private static Map<String, String> samples(String packageName, boolean vector) {
        Map<String, String> sources = new TreeMap<>();
        try (Stream<Path> files = Files.list(Golden.sampleNets())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".net")).sorted().toList()) {
                Compilation c = NetCompiler.compile(NetCompiler.read(file),
                        NetCompiler.Options.defaults().withPackage(packageName).withVector(vector));
                sources.put(c.emitOptions().qualifiedName(), c.javaSource());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertTrue(sources.size() >= 4, "samples: " + sources.keySet());
        return sources;
    }

    @Test
    void scalarClassesCompileWithoutTheVectorModuleUnderXlintAllWerror() {
        Map<String, String> sources = samples("lint.scalar", false);
        for (String source : sources.values()) {
            assertFalse(source.contains("jdk.incubator"), "a --scalar class names no Vector API type");
        }
        JavacLoader.Batch batch = JavacLoader.compileAll(sources, List.of("-Xlint:all", "-Werror"));
        assertEquals(Map.of(), batch.errors());
        assertEquals(List.of(), batch.warnings());
    }

    @Test
    void vectorClassesWarnOnlyThatTheyUseTheIncubatingModule() {
        Map<String, String> sources = samples("lint.vector", true);
        List<String> options = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector", "-Xlint:all"));
        boolean lintCategory = Runtime.version().feature() >= 22; // JDK-8187591
        if (lintCategory) {
            options.addAll(List.of("-Xlint:-incubating", "-Werror"));
        }
        JavacLoader.Batch batch = JavacLoader.compileAll(sources, options);
        assertEquals(Map.of(), batch.errors());
        List<String> others = batch.warnings().stream().filter(w -> !w.startsWith(INCUBATING)).toList();
        assertEquals(List.of(), others, "warnings other than the incubator module's");
        assertEquals(lintCategory ? 0 : 1, batch.warnings().size(), "javac's warnings: " + batch.warnings());
    }
}
