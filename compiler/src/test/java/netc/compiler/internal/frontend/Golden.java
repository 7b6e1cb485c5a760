package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Golden files for tests: read from the source tree (so that {@code -Dnetc.updateGolden=true} can rewrite them in
 * place), compared as whole texts. On a mismatch the actual text is written under {@code target/golden-actual/} and
 * the failure message gives the command that accepts it.
 */
public final class Golden {
    public static final boolean UPDATE = Boolean.getBoolean("netc.updateGolden");

    private Golden() {
    }

    /** The module directory (Maven's basedir when run by Surefire, else the working directory). */
    public static Path moduleDir() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    }

    /** {@code src/test/resources/<relative>} in the source tree. */
    public static Path resources(String relative) {
        return moduleDir().resolve("src/test/resources").resolve(relative);
    }

    /** The repository's {@code samples/nets} directory. */
    public static Path sampleNets() {
        for (Path dir = moduleDir().toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path nets = dir.resolve("samples/nets");
            if (Files.isDirectory(nets)) {
                return nets;
            }
        }
        throw new IllegalStateException("samples/nets not found above " + moduleDir().toAbsolutePath());
    }

    /** Files in {@code dir} whose names end with {@code suffix}, sorted by name. */
    public static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that {@code expectedFile} holds exactly {@code actual}, or rewrites it when updating goldens. */
    public static void check(Path expectedFile, String actual) {
        try {
            if (UPDATE) {
                Files.writeString(expectedFile, actual, StandardCharsets.UTF_8);
                return;
            }
            if (!Files.exists(expectedFile)) {
                fail("no golden file " + expectedFile + "; run with -Dnetc.updateGolden=true to create it. Actual:\n"
                        + actual);
            }
            String expected = read(expectedFile).replace("\r\n", "\n");
            if (!expected.equals(actual)) {
                Path resources = moduleDir().resolve("src/test/resources").toAbsolutePath();
                Path rel = resources.relativize(expectedFile.toAbsolutePath());
                Path out = moduleDir().resolve("target/golden-actual").resolve(rel);
                Files.createDirectories(out.getParent());
                Files.writeString(out, actual, StandardCharsets.UTF_8);
                assertEquals(expected, actual, "golden " + rel + " differs; accept with -Dnetc.updateGolden=true or"
                        + " cp " + out + " " + expectedFile);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
