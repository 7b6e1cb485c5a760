package netc.maven;

import java.nio.file.Path;
import netc.api.JavaOptions;
import netc.runtime.InputException;

/** The Java package of a generated class: the configured one, or the {@code .net} file's directory. */
final class PackageNames {
    private PackageNames() {
    }

    /**
     * {@code configured} if set; otherwise the directories of {@code relativeFile} joined by dots, as javac expects
     * of sources: {@code com/example/model/mlp.net} gives {@code com.example.model}, a file at the root none.
     *
     * @param relativeFile the {@code .net} file relative to the source directory
     * @param file         the same file as named in messages
     * @throws InputException if the directories do not spell a valid package
     */
    static String of(Path relativeFile, String configured, Path file) {
        if (configured != null) {
            requireValid(configured, file, "<packageName> '" + configured + "'");
            return configured;
        }
        Path dir = relativeFile.getParent();
        if (dir == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (Path part : dir) {
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(part);
        }
        String name = sb.toString();
        requireValid(name, file, "the directory " + dir + " (package '" + name + "')");
        return name;
    }

    private static void requireValid(String packageName, Path file, String what) {
        try {
            new JavaOptions(packageName, null, false);
        } catch (IllegalArgumentException e) {
            throw new InputException(file.toString(), what + " is not a valid Java package name; move the file or set "
                    + "<packageName>");
        }
    }
}
