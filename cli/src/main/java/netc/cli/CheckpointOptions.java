package netc.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;
import netc.runtime.ModelSpec;
import netc.runtime.io.AtomicFiles;
import netc.runtime.train.Checkpoint;
import netc.runtime.train.CheckpointStore;
import netc.runtime.train.Trainer;
import picocli.CommandLine.Option;

/**
 * {@code netc train}'s checkpoint options: where to write a checkpoint after every epoch, how many to keep, and which
 * run to resume. The substance is in {@link CheckpointStore} and {@link Checkpoint}; this class turns options into
 * them and says what it does.
 */
final class CheckpointOptions {
    @Option(names = "--checkpoint-dir", paramLabel = "DIR", description = "After every epoch write a checkpoint "
            + "(weights, optimizer state, schedule position, shuffle state, settings, model hash, checksum) to "
            + "DIR/checkpoint-NNNNNN.safetensors, atomically. A new run needs an empty or new DIR.")
    Path dir;

    @Option(names = "--keep-checkpoints", paramLabel = "K", description = "Checkpoints to keep, the newest (default: "
            + CheckpointStore.DEFAULT_KEEP + ").")
    Integer keep;

    @Option(names = "--resume", paramLabel = "DIR|FILE", description = "Continue the run of this checkpoint "
            + "directory (its newest intact checkpoint) or file, bitwise as if it had not stopped. --epochs is "
            + "the run's total; every other setting but --threads must be the checkpoint's. Resuming from a DIR "
            + "keeps writing checkpoints there unless --checkpoint-dir says otherwise.")
    Path resume;

    /** Option errors that need no model: --keep without a directory, --resume with --init. */
    void requireValid(Path init) {
        if (keep != null) {
            CommonOptions.requireAtLeastOne("--keep-checkpoints", keep);
            if (target() == null) {
                throw new UserError("--keep-checkpoints", "needs --checkpoint-dir (or --resume DIR)");
            }
        }
        if (resume == null && dir != null && !new CheckpointStore(dir).list().isEmpty()) {
            throw new UserError(dir.toString(), "the directory already holds checkpoints of a run; resume it with "
                    + "--resume " + dir + ", or give an empty or new --checkpoint-dir");
        }
        if (resume != null && init != null) {
            throw new UserError("--resume", "cannot be combined with --init: the checkpoint holds the weights");
        }
    }

    /**
     * The checkpoints {@code --resume} may continue from, as inputs that {@code --save} and {@code --log} must not
     * overwrite: the file, or every checkpoint in the directory.
     */
    List<SaveTarget.Input> inputs() {
        List<SaveTarget.Input> inputs = new ArrayList<>();
        if (resume != null) {
            for (Path p : Files.isDirectory(resume) ? new CheckpointStore(resume).list() : List.of(resume)) {
                inputs.add(new SaveTarget.Input("--resume checkpoint", p));
            }
        }
        return inputs;
    }

    /**
     * Fails with a user error when {@code option}'s {@code file} lies in the checkpoint directory under a checkpoint's
     * name: a checkpoint written later would replace it, or it would pass for a checkpoint of the run on --resume.
     */
    void requireNotACheckpoint(String option, Path file) {
        Path target = target();
        if (file == null || target == null || file.getFileName() == null
                || !CheckpointStore.isCheckpointName(file.getFileName().toString())) {
            return;
        }
        Path dir = file.toAbsolutePath().normalize().getParent();
        if (dir != null && dir.equals(target.toAbsolutePath().normalize())) {
            throw new UserError(file.toString(), option + " would take a checkpoint's name in the checkpoint "
                    + "directory " + target + "; choose another name or directory");
        }
    }

    /**
     * Fails with a user error unless the checkpoints can be written: the directory exists or can be made, and takes
     * new files, checked before the first epoch rather than after it.
     */
    void requireWritable() {
        Path target = target();
        if (target == null) {
            return;
        }
        Path existing = target.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new UserError(target.toString(), "cannot write checkpoints here: "
                    + (existing == null ? "no directory" : "'" + existing + "' is not a directory"));
        }
        try {
            AtomicFiles.probe(existing.resolve("checkpoint-probe.safetensors"));
        } catch (IOException e) {
            throw new UserError(target.toString(), "cannot write checkpoints here: cannot create a file in "
                    + existing + (e instanceof java.nio.file.AccessDeniedException ? " (permission denied)" : ""));
        }
    }

    /** The checkpoint to continue, or null without --resume; a corrupt newer checkpoint is a warning on err. */
    Checkpoint load(SourceFile source, ModelSpec spec, PrintWriter err) {
        if (resume == null) {
            return null;
        }
        Checkpoint c = CheckpointStore.resolve(resume, spec, sha256(source), err::println);
        err.flush();
        return c;
    }

    /** Adds checkpoint writing and the resumed checkpoint to the trainer; returns a line for the log, or null. */
    String configure(Trainer.Builder builder, SourceFile source, Checkpoint resumed) {
        Path target = target();
        StringBuilder line = new StringBuilder();
        if (resumed != null) {
            builder.resume(resumed);
            line.append("resuming from ").append(resumed.file()).append(" after epoch ").append(resumed.epoch())
                    .append(" (step ").append(resumed.step()).append(" of ").append(resumed.steps()).append(')');
        }
        if (target != null) {
            int k = keep != null ? keep : CheckpointStore.DEFAULT_KEEP;
            builder.checkpoints(new CheckpointStore(target, k), sha256(source));
            line.append(line.length() == 0 ? "checkpoints" : "; checkpoints").append(": after every epoch to ")
                    .append(target).append(", keeping the last ").append(k);
        }
        return line.length() == 0 ? null : line.toString();
    }

    /** Where checkpoints go: --checkpoint-dir, else the directory resumed from. */
    private Path target() {
        if (dir != null) {
            return dir;
        }
        return resume != null && Files.isDirectory(resume) ? resume : null;
    }

    private static String sha256(SourceFile source) {
        return Checkpoint.sourceHash(source.text());
    }
}
