package netc.maven;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.CodeSource;
import netc.runtime.io.AtomicFiles;

/**
 * Whether a generated class is up to date, so that an unchanged model is not compiled again on every build. After
 * writing a class the plugin records a small stamp file per {@code .net} file: what produced it (plugin version
 * and options, the output directory and the SHA-256 of the {@code .net} text: the "fingerprint") and which class it
 * wrote. The class is up to date while the stamp is newer than the {@code .net} file and than the plugin's and
 * compiler's code, its fingerprint is the current one, and the class it names still exists. The class itself cannot
 * be found without compiling: its name comes from the network inside the file.
 */
final class Stamps {
    private final Path dir;
    private final FileTime toolTime;

    /**
     * @param dir      where the stamps live (under {@code target/}, not among the generated sources)
     * @param toolTime when the plugin or compiler code last changed; older stamps are out of date
     */
    Stamps(Path dir, FileTime toolTime) {
        this.dir = dir;
        this.toolTime = toolTime;
    }

    /** Whether the class recorded for {@code relativeFile} can be kept as it is. */
    boolean upToDate(Path relativeFile, Path netFile, String fingerprint) {
        Path stamp = stampOf(relativeFile);
        try {
            if (!Files.isRegularFile(stamp)) {
                return false;
            }
            FileTime stamped = Files.getLastModifiedTime(stamp);
            if (stamped.compareTo(Files.getLastModifiedTime(netFile)) <= 0 || stamped.compareTo(toolTime) <= 0) {
                return false;
            }
            String[] lines = Files.readString(stamp, StandardCharsets.UTF_8).split("\n", -1);
            return lines.length >= 2 && lines[0].equals(fingerprint) && Files.isRegularFile(Path.of(lines[1]));
        } catch (IOException | RuntimeException e) {
            return false; // an unreadable stamp only costs a recompile
        }
    }

    /** The class recorded for {@code relativeFile} by the last run that generated it, if any. */
    java.util.Optional<Path> recordedClass(Path relativeFile) {
        try {
            String[] lines = Files.readString(stampOf(relativeFile), StandardCharsets.UTF_8).split("\n", -1);
            return lines.length >= 2 ? java.util.Optional.of(Path.of(lines[1])) : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    /** Records that {@code javaFile} was generated from {@code relativeFile} with {@code fingerprint}. */
    void record(Path relativeFile, String fingerprint, Path javaFile) {
        Path stamp = stampOf(relativeFile);
        try {
            Files.createDirectories(stamp.getParent());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + stamp.getParent(), e);
        }
        byte[] bytes = (fingerprint.replace('\n', ' ') + "\n" + javaFile.toAbsolutePath() + "\n")
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(stamp, out -> out.write(ByteBuffer.wrap(bytes)));
    }

    /** The {@code .net} files (relative to the source directory) that have a stamp, sorted. */
    java.util.List<Path> stamped() {
        if (!Files.isDirectory(dir)) {
            return java.util.List.of();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).map(dir::relativize).map(Path::toString)
                    .filter(n -> n.endsWith(".stamp")).map(n -> Path.of(n.substring(0, n.length() - 6)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Forgets {@code relativeFile}. */
    void delete(Path relativeFile) {
        try {
            Files.deleteIfExists(stampOf(relativeFile));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot delete " + stampOf(relativeFile), e);
        }
    }

    Path stampOf(Path relativeFile) {
        return dir.resolve(relativeFile.toString() + ".stamp");
    }

    /**
     * The newest modification time of the code the classes come from (each class's jar, or its class file when
     * run from a directory): a rebuilt plugin or compiler makes every stamp out of date, even at the same version.
     */
    static FileTime toolTime(Class<?>... classes) {
        FileTime newest = FileTime.fromMillis(0);
        for (Class<?> c : classes) {
            try {
                CodeSource src = c.getProtectionDomain().getCodeSource();
                if (src == null) {
                    continue;
                }
                Path p = Path.of(src.getLocation().toURI());
                if (Files.isDirectory(p)) {
                    p = p.resolve(c.getName().replace('.', '/') + ".class");
                }
                FileTime t = Files.getLastModifiedTime(p);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            } catch (IOException | URISyntaxException | RuntimeException e) {
                // Unknown: the fingerprint (the version) still decides.
            }
        }
        return newest;
    }
}
