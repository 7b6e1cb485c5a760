package netc.maven;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.source.UserError;
import java.util.function.Consumer;

/**
 * One run of the generate goal without Maven: every selected {@code .net} file that is out of date is compiled to
 * its class under the output directory. Errors are the compiler's exceptions; {@link MojoErrors} turns them into
 * Maven's.
 *
 * @param sourceDirectory where the {@code .net} files are
 * @param includes        Ant-style patterns relative to {@code sourceDirectory}
 * @param excludes        Ant-style patterns of files to leave out
 * @param outputDirectory the source root the classes are written under
 * @param packageName     the package of every class, or null for each file's directory
 * @param vector          Vector API kernels (else plain loops)
 * @param stamps          the up-to-date records
 * @param version         the plugin's version, part of every fingerprint
 */
record NetcBuild(Path sourceDirectory, List<String> includes, List<String> excludes, Path outputDirectory,
        String packageName, boolean vector, Stamps stamps, String version) {

    /**
     * What a run did.
     *
     * @param generated the classes written
     * @param upToDate  how many files were skipped as up to date
     */
    record Result(List<Path> generated, int upToDate) {
    }

    Result run(Consumer<String> info, Consumer<String> warn) {
        List<Path> generated = new ArrayList<>();
        int upToDate = 0;
        // Two models with the same network name in the same package would write one file, the second silently
        // replacing the first: refuse instead.
        Map<Path, Path> classOwners = new HashMap<>();
        for (Path relative : SourceSelection.find(sourceDirectory, includes, excludes)) {
            Path file = sourceDirectory.resolve(relative);
            String pkg = PackageNames.of(relative, packageName, file);
            String fingerprint = "netc-maven-plugin " + version + " package=" + pkg + " vector=" + vector;
            if (stamps.upToDate(relative, file, fingerprint)) {
                stamps.recordedClass(relative).ifPresent(c -> claim(classOwners, c.toAbsolutePath(), relative));
                upToDate++;
                continue;
            }
            NetcCompilerCalls.Compiled g = NetcCompilerCalls.compile(file, pkg, vector, outputDirectory);
            claim(classOwners, g.javaFile().toAbsolutePath(), relative); // before writing over another's class
            g.warnings().forEach(warn);
            g.write(outputDirectory);
            stamps.record(relative, fingerprint, g.javaFile());
            info.accept("netc: " + relative + " -> " + outputDirectory.relativize(g.javaFile()));
            generated.add(g.javaFile());
        }
        return new Result(List.copyOf(generated), upToDate);
    }

    private void claim(Map<Path, Path> owners, Path javaFile, Path relative) {
        Path other = owners.putIfAbsent(javaFile, relative);
        if (other != null) {
            throw new UserError(sourceDirectory.resolve(relative).toString(), "its class "
                    + outputDirectory.relativize(javaFile) + " is also generated from " + sourceDirectory.resolve(other)
                    + "; rename one of the networks or put the files in different packages");
        }
    }
}
