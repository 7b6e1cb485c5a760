package netc.runtime.io;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ThreadLocalRandom;

import netc.runtime.InputException;

/**
 * Replaces a file atomically and durably: readers see the old content or the complete new content, never a torn
 * file, even if the process is killed or the machine loses power mid-write.
 *
 * <p>The sequence (notes/reliability.md §4.2): write a temporary file in the same directory (a rename is only atomic
 * within one file system), {@code force(true)} it, {@code rename} it over the target, then {@code fsync} the
 * directory so the rename itself survives a crash (best effort: not every platform can open a directory). On any
 * failure the temporary file is deleted and the old file is left untouched.
 */
public final class AtomicFiles {

    /** Writes the new content; the channel is positioned at 0 of an empty file. */
    @FunctionalInterface
    public interface Content {
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
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Path tmp = null;
        boolean done = false;
        try {
            tmp = createTemp(dir, file.getFileName().toString());
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
            if (!done && tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // Nothing more to do: the failure being reported matters more than a stray temp file.
                }
            }
        }
    }

    /**
     * Creates {@code <name>.tmp<random>} next to the target. Not {@link Files#createTempFile}: that creates the file
     * with mode 0600, which the rename would then give to the weights file.
     */
    private static Path createTemp(Path dir, String name) throws IOException {
        for (int attempt = 0; ; attempt++) {
            Path tmp = dir.resolve(name + ".tmp" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            try {
                FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
                return tmp;
            } catch (FileAlreadyExistsException e) {
                if (attempt == 10) {
                    throw e;
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

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String reason = e instanceof FileSystemException fse && fse.getReason() != null ? fse.getReason()
                : String.valueOf(e.getMessage());
        // OS reasons read "Is a directory"; our messages start in lowercase.
        if (reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && Character.isLowerCase(reason.charAt(1))) {
            reason = Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
        }
        return reason;
    }
}
