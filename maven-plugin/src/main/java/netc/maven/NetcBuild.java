package netc.maven;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import netc.runtime.InputException;
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
        List<Path> sources = SourceSelection.find(sourceDirectory, includes, excludes);
        removeOrphans(sources, info);
        for (Path relative : sources) {
            Path file = sourceDirectory.resolve(relative);
            String pkg = PackageNames.of(relative, packageName, file);
            // the text's hash: a model edited but older than its stamp (restored by cp -p, rsync -a, tar, a backup)
            // is compiled again; the output directory: a class generated elsewhere is not this build's
            String fingerprint = "netc-maven-plugin " + version + " package=" + pkg + " vector=" + vector + " out="
                    + outputDirectory.toAbsolutePath().normalize() + " sha256=" + sha256(file);
            if (stamps.upToDate(relative, file, fingerprint)) {
                stamps.recordedClass(relative).ifPresent(c -> claim(classOwners, c.toAbsolutePath(), relative));
                upToDate++;
                continue;
            }
            NetcCompilerCalls.Compiled g = NetcCompilerCalls.compile(file, pkg, vector, outputDirectory);
            claim(classOwners, g.javaFile().toAbsolutePath(), relative); // before writing over another's class
            g.warnings().forEach(warn);
            g.write(outputDirectory);
            // A renamed network or another package moves the class: the old one would still be compiled.
            stamps.recordedClass(relative).filter(old -> !old.toAbsolutePath().equals(g.javaFile().toAbsolutePath()))
                    .ifPresent(this::deleteClass);
            stamps.record(relative, fingerprint, g.javaFile());
            info.accept("netc: " + relative + " -> " + outputDirectory.relativize(g.javaFile()));
            generated.add(g.javaFile());
        }
        return new Result(List.copyOf(generated), upToDate);
    }

    /** The SHA-256 of a file's bytes in hex, or "unreadable" (the compile that follows then says why). */
    static String sha256(Path file) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(file)));
        } catch (IOException | java.security.NoSuchAlgorithmException e) {
            return "unreadable";
        }
    }

    /**
     * Deletes the classes of {@code .net} files that are gone (deleted, renamed or now excluded), with their stamps:
     * javac would otherwise go on compiling a model the project no longer has.
     */
    private void removeOrphans(List<Path> sources, Consumer<String> info) {
        for (Path relative : stamps.stamped()) {
            if (!sources.contains(relative)) {
                stamps.recordedClass(relative).ifPresent(c -> {
                    if (deleteClass(c)) {
                        info.accept("netc: deleted " + outputDirectory.relativize(c.toAbsolutePath()) + " ("
                                + relative + " is gone)");
                    }
                });
                stamps.delete(relative);
            }
        }
    }

    /** Deletes a class this plugin wrote; never a file outside the output directory (a tampered stamp). */
    private boolean deleteClass(Path javaFile) {
        Path abs = javaFile.toAbsolutePath().normalize();
        if (!abs.startsWith(outputDirectory.toAbsolutePath().normalize()) || !abs.toString().endsWith(".java")) {
            return false;
        }
        try {
            return Files.deleteIfExists(abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + abs, e);
        }
    }

    private void claim(Map<Path, Path> owners, Path javaFile, Path relative) {
        Path other = owners.putIfAbsent(javaFile, relative);
        if (other != null) {
            throw new InputException(sourceDirectory.resolve(relative).toString(), "its class "
                    + outputDirectory.relativize(javaFile) + " is also generated from " + sourceDirectory.resolve(other)
                    + "; rename one of the networks or put the files in different packages");
        }
    }
}
