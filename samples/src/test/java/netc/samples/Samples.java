package netc.samples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.source.SourceFile;

/** Where the sample {@code .net} files are, for tests run from the samples module's directory. */
final class Samples {
    static final Path NETS = Path.of("nets");

    private Samples() {
    }

    /**
     * Every sample, sorted by file name; with {@code -Dnetc.samples=a.net,b.net} only those (to check new samples on a
     * busy machine without compiling every other one).
     */
    static List<Path> all() {
        String only = System.getProperty("netc.samples", "");
        List<String> wanted = only.isBlank() ? List.of() : List.of(only.split(","));
        try (Stream<Path> files = Files.list(NETS)) {
            return files.filter(f -> f.toString().endsWith(".net"))
                    .filter(f -> wanted.isEmpty() || wanted.contains(f.getFileName().toString())).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static SourceFile source(String fileName) {
        return NetCompiler.read(NETS.resolve(fileName));
    }
}
