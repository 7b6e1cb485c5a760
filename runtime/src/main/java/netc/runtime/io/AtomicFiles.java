package netc.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import netc.runtime.InputException;

/**
 * Replaces a file atomically and durably: readers see the old content or the complete new content, never a torn
 * file, even if the process is killed or the machine loses power mid-write.
 *
 * <p>The sequence (notes/reliability.md §4.2): write a temporary file in the same directory (a rename is only atomic
 * within one file system), {@code force(true)} it, {@code rename} it over the target, then {@code fsync} the
 * directory so the rename itself survives a crash (best effort: not every platform can open a directory). On any
 * failure the temporary file is deleted and the old file is left untouched.
 *
 * <p>Temporary files are named {@code .<name>.netc-tmp-<pid>-<random>}: hidden, recognisably netc's, and tied to
 * the target and the writing process. A shutdown hook deletes the ones in flight when the JVM exits (Ctrl-C,
 * SIGTERM); a {@code kill -9} or a power cut cannot run it, so every write first removes the stale temporary files
 * of its own target: those of a process that no longer runs, and any untouched for an hour (the pid may have been
 * reused). Files of the older {@code <name>.tmp<random>} form are removed after an hour too.
 *
 * <p>A target that is a symbolic link is written through: the link's final target gets the new content (written
 * next to it and renamed over it) and the link stays a link, as {@code cp} or an editor would do. A link to nothing
 * is an error rather than a guess where to create the file.
 */
public final class AtomicFiles {

    /** The part of a temporary file's name after {@code .<target name>}. */
    static final String TEMP_MARK = ".netc-tmp-";
    /** A temporary file nobody has written to for this long belongs to no running save. */
    static final Duration STALE_AFTER = Duration.ofHours(1);

    /** Temporary files being written by this JVM, deleted by the shutdown hook. */
    private static final Set<Path> IN_FLIGHT = ConcurrentHashMap.newKeySet();

    /** Writes the new content; the channel is positioned at 0 of an empty file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content.
         *
         * @param out the temporary file, positioned at its start
         * @throws IOException if writing fails; the target is left as it was
         */
        void writeTo(FileChannel out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically.
     *
     * @throws InputException {@code <target>: error: cannot write: <reason>} if writing fails; the old file is intact
     */
    public static void write(Path target, Content content) {
        Path file = resolveLink(target);
        Path dir = file.getParent();
        String name = file.getFileName().toString();
        Path tmp = null;
        boolean done = false;
        try {
            removeStaleTemps(dir, name);
            tmp = createTemp(dir, name);
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                content.writeTo(out);
                out.force(true);
            }
            // ATOMIC_MOVE is rename(2): on POSIX it replaces an existing target in one step.
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            done = true;
            syncDirectory(dir);
        } catch (IOException e) {
            throw new InputException(target.toString(), "cannot write: " + reason(e), e);
        } finally {
            if (tmp != null) {
                if (!done) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // Nothing more to do: the failure being reported matters more than a stray temp file.
                    }
                }
                IN_FLIGHT.remove(tmp);
            }
        }
    }

    /**
     * Creates and deletes a temporary file where {@link #write} would put one for {@code target}, so that a caller
     * can learn before a long computation whether the write could succeed. {@link Files#isWritable} is not enough:
     * a directory such as /proc looks writable to root but takes no new files.
     *
     * @throws IOException the failure {@link #write} would meet when creating its temporary file
     */
    public static void probe(Path target) throws IOException {
        Path file = resolveLink(target);
        Path tmp = createTemp(file.getParent(), file.getFileName().toString());
        try {
            Files.deleteIfExists(tmp);
        } finally {
            IN_FLIGHT.remove(tmp);
        }
    }

    /**
     * The name of an open descriptor that {@code file} is or leads to through symbolic links ({@code /dev/stdout},
     * {@code /dev/stderr}, {@code /dev/stdin}, or {@code /proc/<pid>/fd/N} for {@code /dev/fd/N} and
     * {@code /proc/self/fd/N}), or null. Such a name is not a file to replace: the rename would go to whatever the
     * descriptor has open (a redirected standard output's file), or fail on the link ({@link #write}); a metrics log
     * appends to it instead ({@code MetricsLog}).
     */
    public static Path descriptorName(Path file) {
        Path p = file.toAbsolutePath().normalize();
        for (int hops = 0; hops < 40; hops++) {
            p = realParent(p);
            if (isDescriptorName(p)) {
                return p;
            }
            if (!Files.isSymbolicLink(p)) {
                break;
            }
            try {
                p = p.resolveSibling(Files.readSymbolicLink(p)).normalize();
            } catch (IOException | UnsupportedOperationException e) {
                break;
            }
        }
        return null;
    }

    /**
     * Whether the descriptor named {@code name} ({@link #descriptorName}) is open and open for writing, as its
     * {@code /proc/<pid>/fdinfo/N} says (O_WRONLY or O_RDWR in its flags); false where that cannot be read.
     */
    public static boolean openForWriting(Path name) {
        Path info;
        if (name.getNameCount() == 2) {
            String stream = name.getName(1).toString();
            info = Path.of("/proc/self/fdinfo", stream.equals("stdin") ? "0" : stream.equals("stdout") ? "1" : "2");
        } else if (name.getNameCount() == 3) {
            info = Path.of("/proc/self/fdinfo", name.getName(2).toString());
        } else {
            info = Path.of("/proc", name.getName(1).toString(), "fdinfo", name.getName(3).toString());
        }
        try {
            for (String line : Files.readAllLines(info, StandardCharsets.US_ASCII)) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring(6).trim(), 8) & 3) != 0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such descriptor, or no /proc here
        }
        return false;
    }

    /** {@code p} with its directory's links resolved (so that {@code /dev/fd/1} is seen under {@code /proc}). */
    private static Path realParent(Path p) {
        Path parent = p.getParent();
        if (parent == null || p.getFileName() == null) {
            return p;
        }
        try {
            return parent.toRealPath().resolve(p.getFileName());
        } catch (IOException e) {
            return p;
        }
    }

    private static boolean isDescriptorName(Path p) {
        int n = p.getNameCount();
        String first = n > 0 ? p.getName(0).toString() : "";
        if (n == 2 && first.equals("dev")) {
            String name = p.getName(1).toString();
            return name.equals("stdout") || name.equals("stderr") || name.equals("stdin");
        }
        return n == 3 && first.equals("dev") && p.getName(1).toString().equals("fd")
                || n == 4 && first.equals("proc") && p.getName(2).toString().equals("fd");
    }

    /**
     * The file to replace: {@code target} itself, or, when it is a symbolic link, the file the link chain ends at
     * (renaming over the link would replace the link with a regular file and leave the linked file stale).
     */
    private static Path resolveLink(Path target) {
        if (descriptorName(target) != null) {
            throw new InputException(target.toString(), "cannot write: it names an open file descriptor; netc "
                    + "replaces its output files whole (a temporary file, then a rename), so give the name of a file");
        }
        Path file = target.toAbsolutePath();
        if (!Files.isSymbolicLink(file)) {
            return requireReplaceable(target, file);
        }
        try {
            return requireReplaceable(target, file.toRealPath());
        } catch (IOException e) {
            String to;
            try {
                to = String.valueOf(Files.readSymbolicLink(file));
            } catch (IOException | UnsupportedOperationException again) {
                to = "?";
            }
            throw new InputException(target.toString(), "cannot write: it is a symbolic link to " + to
                    + ", which does not exist", e);
        }
    }

    /**
     * {@code file}, unless it exists as something other than a regular file or a directory (a device such as
     * /dev/null, a pipe, a socket): renaming over it would replace the device or pipe with a regular file, which as
     * root can even take /dev/null away from the whole machine.
     */
    private static Path requireReplaceable(Path target, Path file) {
        if (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file)) {
            throw new InputException(target.toString(), "cannot write: not a regular file (a device, a pipe or a "
                    + "socket); netc replaces its output files whole, so give the name of a file");
        }
        return file;
    }

    /**
     * Creates {@code .<name>.netc-tmp-<pid>-<random>} next to the target. Not {@link Files#createTempFile}: that
     * creates the file with mode 0600, which the rename would then give to the weights file.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        String prefix = tempPrefix(name) + ProcessHandle.current().pid() + "-";
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(prefix + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            try {
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                CleanupOnExit.register(tmp);
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
                }
            }
        }
    }

    static String tempPrefix(String name) {
        return "." + name + TEMP_MARK;
    }

    /**
     * Deletes the temporary files a killed earlier write of {@code name} left in {@code dir}: those of a process
     * that is gone, and those untouched for {@link #STALE_AFTER}. Best effort: a file that cannot be listed or
     * deleted is left, since the write itself may still succeed.
     */
    static void removeStaleTemps(Path dir, String name) {
        String prefix = tempPrefix(name);
        String legacy = name + ".tmp";
        Instant cutoff = Instant.now().minus(STALE_AFTER);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir,
                p -> p.getFileName().toString().startsWith(prefix) || p.getFileName().toString().startsWith(legacy))) {
            for (Path p : files) {
                String n = p.getFileName().toString();
                if (IN_FLIGHT.contains(p) || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                boolean old = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(cutoff);
                boolean stale;
                if (n.startsWith(prefix)) {
                    long pid = pidOf(n.substring(prefix.length()));
                    stale = old || (pid > 0 && ProcessHandle.of(pid).isEmpty());
                } else {
                    stale = old && LEGACY_SUFFIX.matcher(n.substring(legacy.length())).matches();
                }
                if (stale) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Cleaning up after someone else must never stop this write.
        }
    }

    /** What the older {@code <name>.tmp<random>} files end with: an unsigned long in base 36. */
    private static final Pattern LEGACY_SUFFIX = Pattern.compile("[0-9a-z]{1,13}");

    /** The pid in {@code <pid>-<random>}, or -1. */
    private static long pidOf(String rest) {
        int dash = rest.indexOf('-');
        if (dash <= 0) {
            return -1;
        }
        try {
            return Long.parseLong(rest.substring(0, dash));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The shutdown hook, registered on the first write: most runs of netc never write a file. */
    private static final class CleanupOnExit {
        static {
            try {
                Runtime.getRuntime().addShutdownHook(new Thread(CleanupOnExit::deleteAll, "netc-temp-cleanup"));
            } catch (IllegalStateException | SecurityException e) {
                // Already shutting down: the write's own finally block still deletes its file.
            }
        }

        static void register(Path tmp) {
            IN_FLIGHT.add(tmp);
        }

        private static void deleteAll() {
            for (Path p : IN_FLIGHT) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException | RuntimeException e) {
                    // The JVM is exiting; there is nobody left to tell.
                }
            }
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | RuntimeException e) {
            // Windows cannot open a directory as a channel; the rename has happened, durability is best effort.
        }
    }

    /**
     * The reason an I/O operation failed, as netc's messages word it after "cannot write: ": "no such directory",
     * "permission denied", or the system's own reason starting in lowercase.
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
        // OS reasons read "Is a directory"; our messages start in lowercase.
        if (reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && Character.isLowerCase(reason.charAt(1))) {
            reason = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        }
        return reason;
    }
}
