package netc.runtime.train;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;

/**
 * A directory of training checkpoints, one file per completed epoch named {@code checkpoint-NNNNNN.safetensors}
 * (the epoch, zero-padded), of which the newest {@link #keep()} are kept.
 *
 * <p>Each file is written atomically (temporary file, fsync, rename, directory fsync) before older ones are deleted,
 * so a process killed at any moment leaves the previous checkpoint loadable (and, killed between the two, one
 * checkpoint more than {@code keep}, which the next write deletes). Temporary files are hidden
 * ({@code .checkpoint-...netc-tmp-...}) and never taken for checkpoints; those of dead processes are deleted by the
 * next write.
 *
 * <p>{@link #latest} picks the newest checkpoint that reads back intact. A newer one that is corrupt (its checksum
 * fails, it is truncated) is reported to the warning sink and skipped: it cannot come from an interrupted write, so
 * it means damage after the fact, and the older checkpoint is the best state left. A newest checkpoint that is
 * intact but of another model is an error, not skipped: that is the wrong directory.
 */
public final class CheckpointStore {

    /** How many checkpoints {@code netc train --checkpoint-dir} keeps unless told otherwise. */
    public static final int DEFAULT_KEEP = 3;

    private static final Pattern NAME = Pattern.compile("checkpoint-(\\d{6,})\\.safetensors");

    /** Whether {@code fileName} is the name this store gives a checkpoint ({@code checkpoint-000003.safetensors}). */
    public static boolean isCheckpointName(String fileName) {
        return NAME.matcher(fileName).matches();
    }
    private static final Pattern TEMP = Pattern.compile("\\.checkpoint-\\d{6,}\\.safetensors\\.netc-tmp-(\\d+)-.*");

    private final Path dir;
    private final int keep;

    /**
     * @param dir  the directory, created on the first write if missing
     * @param keep how many of the newest checkpoints to keep, at least 1
     * @throws InputException if {@code keep} is below 1
     */
    public CheckpointStore(Path dir, int keep) {
        this.dir = dir;
        this.keep = Hyper.atLeastOne("checkpoints", "keep", keep);
    }

    /** A store that keeps the newest {@value #DEFAULT_KEEP} checkpoints. */
    public CheckpointStore(Path dir) {
        this(dir, DEFAULT_KEEP);
    }

    /** {@return the directory} */
    public Path dir() {
        return dir;
    }

    /** {@return how many of the newest checkpoints a write leaves} */
    public int keep() {
        return keep;
    }

    /** The file name of the checkpoint after {@code epoch}. */
    static String fileName(int epoch) {
        return String.format(Locale.ROOT, "checkpoint-%06d.safetensors", epoch);
    }

    /**
     * Writes the checkpoint, then deletes all but the newest {@link #keep()} and the temporary files of processes
     * that no longer run.
     *
     * @return the checkpoint as written, with its file
     * @throws InputException if the directory or the file cannot be written
     */
    Checkpoint save(Checkpoint c) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException(dir.toString(), "cannot create the checkpoint directory: " + e.getMessage(), e);
        }
        Checkpoint written = c.writeTo(dir.resolve(fileName(c.epoch())));
        List<Path> all = list();
        for (int i = 0; i < all.size() - keep; i++) {
            try {
                Files.deleteIfExists(all.get(i));
            } catch (IOException e) {
                // An old checkpoint that cannot be deleted costs disk space, not correctness.
            }
        }
        removeDeadTemps();
        return written;
    }

    /**
     * The checkpoint files, oldest first (by epoch). Temporary files, directories and other names are not listed.
     *
     * @throws InputException if the directory cannot be read
     */
    public List<Path> list() {
        List<Path> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (NAME.matcher(p.getFileName().toString()).matches()
                        && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    found.add(p);
                }
            }
        } catch (NoSuchFileException e) {
            return found;
        } catch (NotDirectoryException e) {
            throw new InputException(dir.toString(), "not a directory", e);
        } catch (IOException e) {
            throw new InputException(dir.toString(), "cannot list checkpoints: " + e.getMessage(), e);
        }
        found.sort(Comparator.comparingLong(CheckpointStore::epochOf));
        return found;
    }

    private static long epochOf(Path p) {
        Matcher m = NAME.matcher(p.getFileName().toString());
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * The newest checkpoint that reads back intact and belongs to the model.
     *
     * @param spec       the model it must have been written for
     * @param sourceHash SHA-256 of the model's source, or null to skip that check
     * @param warnings   receives one line for each newer checkpoint skipped as corrupt
     * @throws InputException if the directory is missing or holds no checkpoint, if every checkpoint is corrupt
     *                        (naming the newest's problem), or if the newest intact one is of another model
     */
    public Checkpoint latest(ModelSpec spec, String sourceHash, Consumer<String> warnings) {
        if (!Files.isDirectory(dir)) {
            throw new InputException(dir.toString(), Files.exists(dir) ? "not a directory"
                    : "no such checkpoint directory");
        }
        List<Path> all = list();
        if (all.isEmpty()) {
            throw new InputException(dir.toString(), "no checkpoint in this directory (expected "
                    + "checkpoint-NNNNNN.safetensors files written by --checkpoint-dir)");
        }
        InputException newestProblem = null;
        for (int i = all.size() - 1; i >= 0; i--) {
            Checkpoint c;
            try {
                c = Checkpoint.read(all.get(i));
            } catch (InputException e) {
                if (newestProblem == null) {
                    newestProblem = e;
                }
                if (i > 0) {
                    warnings.accept(e.context() + ": warning: " + e.detail() + "; trying the previous checkpoint, "
                            + all.get(i - 1).getFileName());
                }
                continue;
            }
            c.requireModel(spec, sourceHash);
            return c;
        }
        throw new InputException(dir.toString(), "no intact checkpoint: the newest, " + all.get(all.size() - 1)
                .getFileName() + ", has this problem: " + newestProblem.detail());
    }

    /**
     * The checkpoint to resume from: {@code dirOrFile} itself when it is a file, else the {@link #latest} in that
     * directory.
     *
     * @throws InputException as {@link #latest} and {@link Checkpoint#read}, or if it is of another model
     */
    public static Checkpoint resolve(Path dirOrFile, ModelSpec spec, String sourceHash, Consumer<String> warnings) {
        if (!Files.exists(dirOrFile)) {
            throw new InputException(dirOrFile.toString(), "no such checkpoint file or directory");
        }
        if (Files.isRegularFile(dirOrFile)) {
            Checkpoint c = Checkpoint.read(dirOrFile);
            c.requireModel(spec, sourceHash);
            return c;
        }
        return new CheckpointStore(dirOrFile).latest(spec, sourceHash, warnings);
    }

    /** Deletes the hidden temporary files that killed writers left (their pid no longer runs). */
    private void removeDeadTemps() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, ".checkpoint-*")) {
            for (Path p : files) {
                Matcher m = TEMP.matcher(p.getFileName().toString());
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            // Best effort: a stray temporary file is never read as a checkpoint.
        }
    }
}
