package netc.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code .net} files a build compiles: those under the source directory that match an include pattern and no
 * exclude pattern. Patterns are Ant-style as in other Maven plugins ({@code **}{@code /*.net}), where a leading
 * {@code **}{@code /} also matches no directory at all.
 */
final class SourceSelection {
    private SourceSelection() {
    }

    /** The matching files relative to {@code dir}, sorted; none if {@code dir} does not exist. */
    static List<Path> find(Path dir, List<String> includes, List<String> excludes) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<PathMatcher> in = matchers(dir.getFileSystem(), includes);
        List<PathMatcher> out = matchers(dir.getFileSystem(), excludes);
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile).map(dir::relativize)
                    .filter(p -> matchesAny(in, p) && !matchesAny(out, p))
                    .sorted()
                    .forEach(found::add);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return found;
    }

    private static List<PathMatcher> matchers(FileSystem fs, List<String> patterns) {
        List<PathMatcher> matchers = new ArrayList<>();
        for (String p : patterns) {
            String glob = p.replace('\\', '/');
            matchers.add(fs.getPathMatcher("glob:" + glob));
            while (glob.startsWith("**/")) {
                glob = glob.substring(3);
                matchers.add(fs.getPathMatcher("glob:" + glob));
            }
        }
        return matchers;
    }

    private static boolean matchesAny(List<PathMatcher> matchers, Path p) {
        for (PathMatcher m : matchers) {
            if (m.matches(p)) {
                return true;
            }
        }
        return false;
    }
}
