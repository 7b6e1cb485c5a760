package netc.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import netc.compiler.internal.source.UserError;
import netc.runtime.data.MnistFormat;
import netc.runtime.io.AtomicFiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks a {@code --save} file before a run, so that a run of many epochs cannot end in "cannot write" or, worse,
 * in weights written over one of the run's own inputs.
 *
 * <p>A {@code --save} path that is a symbolic link is written through (see {@link netc.runtime.io.AtomicFiles}): the
 * checks apply to the file the link leads to.
 */
final class SaveTarget {
    /** An input of the run: what the user calls it and where it is. */
    record Input(String role, Path path) {
    }

    private SaveTarget() {
    }

    /** The model file, the data (a CSV file or the IDX files of a directory), the --test file, the --init file. */
    static List<Input> inputs(Path model, Path data, Path test, Path init) {
        List<Input> inputs = new ArrayList<>();
        inputs.add(new Input("model file", model));
        if (data != null && Files.isDirectory(data)) {
            for (String name : new String[] {MnistFormat.TRAIN_IMAGES, MnistFormat.TRAIN_LABELS,
                MnistFormat.TEST_IMAGES, MnistFormat.TEST_LABELS}) {
                inputs.add(new Input("--data file", data.resolve(name)));
                inputs.add(new Input("--data file", data.resolve(name + ".gz")));
            }
        } else {
            inputs.add(new Input("--data file", data));
        }
        inputs.add(new Input("--test file", test));
        inputs.add(new Input("--init file", init));
        return inputs;
    }

    /**
     * Fails with a user error naming {@code file} unless weights can be written there: its directory exists and is
     * writable (a temporary file can be created there), it is not a directory, and it is none of {@code inputs}.
     */
    static void check(Path file, List<Input> inputs) {
        if (file == null) {
            return;
        }
        requireFileName("--save", file);
        requireNotDescriptor("--save", file, "");
        Path real = file;
        if (Files.isSymbolicLink(file)) {
            try {
                real = file.toRealPath();
            } catch (IOException e) {
                throw new UserError(file.toString(), "cannot save here: it is a symbolic link to " + linkText(file)
                        + ", which does not exist");
            }
        }
        if (Files.isDirectory(real)) {
            throw new UserError(file.toString(), "is a directory; --save needs a file name");
        }
        requireDirectory(file, real);
        for (Input input : inputs) {
            if (input.path() != null && Files.exists(real) && Files.exists(input.path()) && same(real, input.path())) {
                throw new UserError(file.toString(), "--save would overwrite the " + input.role() + " "
                        + input.path() + "; save the weights elsewhere");
            }
        }
    }

    /**
     * Fails with a user error when one of {@code options}, each naming a file to write, was given as a directory
     * path, ending in {@code /} (or the platform's separator): converted to a {@link Path} it loses that ending, and
     * {@code --save x/} would have written a file named {@code x}.
     */
    static void requireNotDirectoryPaths(CommandSpec spec, String... options) {
        for (String option : options) {
            OptionSpec o = spec.findOption(option);
            for (String typed : o == null ? List.<String>of() : o.originalStringValues()) {
                for (String separator : new String[] {"/", java.io.File.separator}) {
                    if (typed.endsWith(separator)) {
                        throw new UserError(typed, "ends in '" + separator + "', so it names a directory; " + option
                                + " needs a file name");
                    }
                }
            }
        }
    }

    /** Fails with a user error naming {@code option} when {@code file} is the empty path (the current directory). */
    /**
     * Fails with a user error when {@code file} names an open file descriptor ({@code /dev/stdout}, {@code /dev/fd/N},
     * or a link to one): the output is written whole, a temporary file then a rename, which would replace the file a
     * redirected standard output writes to (losing what is printed after it) or fail on the link of a pipe.
     *
     * @param hint appended to the message, e.g. where the output goes without the option; empty for none
     */
    static void requireNotDescriptor(String option, Path file, String hint) {
        if (AtomicFiles.descriptorName(file) != null) {
            throw new UserError(file.toString(), option + " names an open file descriptor; netc writes that file "
                    + "whole (a temporary file, then a rename), so give the name of a file" + hint);
        }
    }

    static void requireFileName(String option, Path file) {
        if (file.toString().isEmpty()) {
            throw new UserError(option, "needs a file name, got an empty one");
        }
    }

    /** The directory the weights go to exists and is writable; else names the part of the path that is wrong. */
    private static void requireDirectory(Path file, Path real) {
        Path dir = real.toAbsolutePath().getParent();
        if (dir == null) {
            throw new UserError(file.toString(), "cannot save here: no directory");
        }
        if (!Files.isDirectory(dir)) {
            // The first part of the path that is not a directory: a missing one, or a file where one should be.
            Path parent = real == file ? file.getParent() : dir;
            for (Path p : prefixes(parent == null ? dir : parent)) {
                if (!Files.exists(p)) {
                    break;
                }
                if (!Files.isDirectory(p)) {
                    throw new UserError(file.toString(), "cannot save here: '" + p + "' is not a directory");
                }
            }
            throw new UserError(file.toString(), "cannot save here: directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new UserError(file.toString(), "cannot save here: directory " + dir + " is not writable");
        }
        // The permission bits are not the whole story (root sees /proc as writable; a read-only mount, a full
        // directory): create and delete a temporary file the way the final write will.
        try {
            AtomicFiles.probe(real);
        } catch (IOException e) {
            throw new UserError(file.toString(), "cannot save here: cannot create a file in directory " + dir
                    + reason(e));
        }
    }

    /** {@code " (permission denied)"}, the system's reason in parentheses, or nothing when it has none. */
    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return " (permission denied)";
        }
        String why = e instanceof java.nio.file.FileSystemException f ? f.getReason() : e.getMessage();
        return why == null || why.isEmpty() ? "" : " (" + why.toLowerCase(java.util.Locale.ROOT) + ")";
    }

    /** {@code a}, {@code a/b}, {@code a/b/c} for {@code a/b/c}, keeping the path as the user wrote it. */
    private static List<Path> prefixes(Path path) {
        List<Path> prefixes = new ArrayList<>();
        for (Path p = path; p != null; p = p.getParent()) {
            prefixes.add(0, p);
        }
        return prefixes;
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b); // follows links, sees hard links and other spellings of one path
        } catch (IOException e) {
            return false;
        }
    }

    private static String linkText(Path link) {
        try {
            return Files.readSymbolicLink(link).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }
}
