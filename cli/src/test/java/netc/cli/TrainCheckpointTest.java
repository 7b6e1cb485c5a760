package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.ModelSpec;
import netc.runtime.io.Safetensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netc train --checkpoint-dir / --keep / --resume}: a resumed run ends with bitwise the weights of the
 * uninterrupted one, and every way a checkpoint can be wrong is one error line and exit 1.
 */
class TrainCheckpointTest {
    private static final Path XOR = sample("xor.net");

    @TempDir
    Path dir;

    private static ModelSpec xorSpec() {
        return NetCompiler.check(NetCompiler.read(XOR)).modelSpec();
    }

    private Cli train(Object... more) {
        Path csv = TestData.xorCsv(dir);
        Object[] base = {"train", XOR, "--data", csv, "--batch", "4", "--threads", "1", "--seed", "3"};
        Object[] args = Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return Cli.run(args);
    }

    @Test
    void twoEpochsResumedForTwoMoreEqualFourEpochsBitwise() {
        Path straight = dir.resolve("straight.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        Path ck = dir.resolve("ck");
        train("--epochs", "4", "--schedule", "constant", "--save", straight).assertSuccess();
        Cli first = train("--epochs", "2", "--schedule", "constant", "--checkpoint-dir", ck).assertSuccess();
        assertTrue(first.out().contains("\ncheckpoints: after every epoch to " + ck + ", keeping the last 3\n"),
                first::describe);
        Cli second = train("--epochs", "4", "--schedule", "constant", "--resume", ck, "--save", resumed)
                .assertSuccess();
        assertTrue(second.out().contains("\nresuming from " + ck.resolve("checkpoint-000002.safetensors")
                + " after epoch 2 (step 6 of 6); checkpoints: after every epoch to " + ck + ", keeping the last 3\n"),
                second::describe);
        assertTrue(second.out().contains("\nepoch 3/4  train loss"), second::describe);
        assertFalse(second.out().contains("epoch 1/4") || second.out().contains("epoch 2/4"), second::describe);
        assertArrayEquals(Safetensors.load(straight, xorSpec()), Safetensors.load(resumed, xorSpec()));
        assertEquals(List.of("checkpoint-000002.safetensors", "checkpoint-000003.safetensors",
                "checkpoint-000004.safetensors"), Cli.filesUnder(ck));
    }

    @Test
    void resumingWithTheOtherKernelsIsRefused() {
        org.junit.jupiter.api.Assumptions.assumeTrue(netc.compiler.internal.load.JaninoLoader.vectorApiAvailable(),
                "a JVM with the Vector API, so that the checkpoint's run has vector kernels");
        Path ck = dir.resolve("ck");
        Path softmax = sample("softmax_regression.net");
        Path idx = TestData.idxDir(dir, "idx", 28, 28, false);
        Cli.run("train", softmax, "--data", idx, "--batch", "4", "--epochs", "2", "--threads", "1",
                "--checkpoint-dir", ck).assertSuccess();
        Path first = ck.resolve("checkpoint-000001.safetensors");
        // the scalar kernels round differently: the run would match neither the vector run nor a scalar one
        Cli.run("train", softmax, "--data", idx, "--batch", "4", "--epochs", "2", "--threads", "1", "--resume", first,
                "--checkpoint-dir", dir.resolve("ck2"), "--scalar").assertUserError(first + ": error: kernels differs: the checkpoint was "
                + "written with vector, this run has scalar (--scalar, or a JVM without --add-modules "
                + "jdk.incubator.vector, runs the scalar kernels, which round differently); resume with the same "
                + "settings\n");
        Cli.run("train", softmax, "--data", idx, "--batch", "4", "--epochs", "2", "--threads", "1", "--resume", first,
                "--checkpoint-dir", dir.resolve("ck3")).assertSuccess();
    }

    /** The values of a metrics log's lines, without the times (which differ from run to run). */
    private static List<String> untimed(Path log) {
        return netc.runtime.train.MetricsLogReader.read(log).stream().map(e -> e.kind() + " " + e.epoch() + " "
                + e.step() + " " + e.loss() + " " + e.trainLoss() + " " + e.testLoss() + " " + e.learningRate())
                .toList();
    }

    @Test
    void aResumedRunsLogGoesOnFromTheCheckpointAsTheWholeRunsLog() throws Exception {
        Path ck = dir.resolve("ck");
        Path straight = dir.resolve("straight.jsonl");
        train("--epochs", "4", "--optimizer", "adam", "--warmup", "5", "--checkpoint-dir", ck, "--keep-checkpoints",
                "4", "--log", straight, "--log-every", "2").assertSuccess();
        // the log of an attempt that ran past its last checkpoint: all four epochs, then resumed after epoch 2
        Path resumed = Files.copy(straight, dir.resolve("resumed.jsonl"));
        train("--epochs", "4", "--optimizer", "adam", "--warmup", "5", "--resume",
                ck.resolve("checkpoint-000002.safetensors"), "--checkpoint-dir", dir.resolve("ck2"), "--log", resumed,
                "--log-every", "2").assertSuccess();
        assertEquals(untimed(straight), untimed(resumed));
        // without the earlier log: the lines from the checkpoint on, numbered as in the whole run
        Path fresh = dir.resolve("fresh.jsonl");
        train("--epochs", "4", "--optimizer", "adam", "--warmup", "5", "--resume",
                ck.resolve("checkpoint-000002.safetensors"), "--checkpoint-dir", dir.resolve("ck3"), "--log", fresh,
                "--log-every", "2").assertSuccess();
        List<String> whole = untimed(straight);
        assertEquals(whole.subList(whole.size() - untimed(fresh).size(), whole.size()), untimed(fresh));
        assertTrue(untimed(fresh).get(0).startsWith("step 3 8 "), untimed(fresh).toString());
    }

    /** Under cosine decay the position in the schedule matters: resume epoch 3 of a 4-epoch Adam run from a file. */
    @Test
    void adamWithCosineResumedFromAnOlderCheckpointFileEqualsTheWholeRun() {
        Path straight = dir.resolve("straight.safetensors");
        Path resumed = dir.resolve("resumed.safetensors");
        Path ck = dir.resolve("ck");
        train("--epochs", "4", "--optimizer", "adam", "--lr", "0.05", "--checkpoint-dir", ck, "--keep-checkpoints", "4",
                "--save", straight).assertSuccess();
        assertEquals(4, Cli.filesUnder(ck).size());
        train("--epochs", "4", "--optimizer", "adam", "--lr", "0.05", "--resume",
                ck.resolve("checkpoint-000002.safetensors"), "--save", resumed).assertSuccess()
                .assertOutContains("resuming from " + ck.resolve("checkpoint-000002.safetensors")
                        + " after epoch 2 (step 6 of 12)\n");
        float[] a = Safetensors.load(straight, xorSpec());
        assertArrayEquals(a, Safetensors.load(resumed, xorSpec()));
        // and without --resume the same two epochs from that checkpoint's weights would not be the same run
        Path init = dir.resolve("init.safetensors");
        Safetensors.save(init, xorSpec(), netc.runtime.train.Checkpoint.read(ck.resolve(
                "checkpoint-000002.safetensors")).params());
        Path restarted = dir.resolve("restarted.safetensors");
        train("--epochs", "2", "--optimizer", "adam", "--lr", "0.05", "--init", init, "--save", restarted)
                .assertSuccess();
        assertFalse(Arrays.equals(a, Safetensors.load(restarted, xorSpec())));
    }

    /** The command line and the Java API record the same source hash: a run started by one continues in the other. */
    @Test
    void aRunTheCommandLineStartedContinuesFromJavaBitwise() throws Exception {
        Path straight = dir.resolve("straight.safetensors");
        Path ck = dir.resolve("ck");
        train("--epochs", "4", "--schedule", "constant", "--save", straight).assertSuccess();
        train("--epochs", "2", "--schedule", "constant", "--checkpoint-dir", ck).assertSuccess();
        netc.api.Model model = netc.api.Netc.compile(XOR);
        DataSource.Loaded data = DataSource.load(TestData.xorCsv(dir), null, model.spec(), 3, null);
        netc.runtime.train.Checkpoint c = netc.runtime.train.CheckpointStore.resolve(ck, model.spec(),
                netc.runtime.train.Checkpoint.sourceHash(Files.readString(XOR)), w -> { });
        float[] weights = c.params();
        model.trainer().optimizer(new netc.runtime.train.Momentum(0.05)).batchSize(4).seed(3).threads(1).epochs(4)
                .schedule(netc.runtime.train.LearningRateSchedule.CONSTANT).resume(c).build()
                .train(weights, data.train(), data.test());
        assertArrayEquals(Safetensors.load(straight, xorSpec()), weights);
    }

    @Test
    void saveAndLogMayNotOverwriteTheCheckpointTheRunResumesFrom() throws Exception {
        Path ck = dir.resolve("ck");
        train("--epochs", "3", "--checkpoint-dir", ck).assertSuccess();
        Path file = ck.resolve("checkpoint-000002.safetensors");
        byte[] before = Files.readAllBytes(file);
        train("--epochs", "3", "--resume", file, "--save", file).assertUserError(file + ": error: --save would "
                + "overwrite the --resume checkpoint " + file + "; save the weights elsewhere\n").assertOutEmpty();
        train("--epochs", "3", "--resume", ck, "--log", file).assertUserErrorStartingWith(file + ": error: --log "
                + "would overwrite the --resume checkpoint " + file).assertOutEmpty();
        assertArrayEquals(before, Files.readAllBytes(file));
    }

    @Test
    void saveOrLogUnderACheckpointsNameInTheCheckpointDirectoryIsRefused() throws Exception {
        Path ck = Files.createDirectory(dir.resolve("ck"));
        Path named = ck.resolve("checkpoint-000009.safetensors");
        train("--epochs", "2", "--checkpoint-dir", ck, "--save", named).assertUserError(named + ": error: --save "
                + "would take a checkpoint's name in the checkpoint directory " + ck + "; choose another name or "
                + "directory\n").assertOutEmpty();
        Path log = ck.resolve("checkpoint-000001.safetensors");
        train("--epochs", "2", "--checkpoint-dir", ck, "--log", log).assertUserErrorStartingWith(log + ": error: "
                + "--log would take a checkpoint's name").assertOutEmpty();
        train("--epochs", "2", "--checkpoint-dir", ck, "--save", ck.resolve("final.safetensors")).assertSuccess();
    }

    @Test
    void aCheckpointGivenAsInitialWeightsSaysToResumeIt() {
        Path ck = dir.resolve("ck");
        train("--epochs", "1", "--checkpoint-dir", ck).assertSuccess();
        Path file = ck.resolve("checkpoint-000001.safetensors");
        train("--epochs", "1", "--init", file).assertUserError(file + ": error: tensor optimizer.velocity is not a "
                + "parameter of network 'xor' (this looks like a training checkpoint, the weights with the optimizer's "
                + "state: continue its run with netc train --resume, which can --save the weights alone)\n")
                .assertOutEmpty();
    }

    @Test
    void aCheckpointDirectoryThatTakesNoFilesIsAnErrorBeforeTraining() {
        // /proc takes no new files, not even from root (who passes every permission check): the first checkpoint,
        // after a whole epoch, would have failed.
        Path proc = Path.of("/proc");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(proc), "a Linux /proc");
        Path ck = proc.resolve("netc-checkpoints");
        train("--epochs", "2", "--checkpoint-dir", ck).assertUserErrorStartingWith(ck + ": error: cannot write "
                + "checkpoints here: cannot create a file in /proc").assertOutEmpty();
    }

    @Test
    void aDifferentSettingIsOneErrorNamingIt() {
        Path ck = dir.resolve("ck");
        train("--epochs", "2", "--checkpoint-dir", ck).assertSuccess();
        Path file = ck.resolve("checkpoint-000002.safetensors");
        train("--epochs", "4", "--resume", ck).assertUserError(file + ": error: epochs differs: the checkpoint was "
                + "written with 2, this run has 4 (the cosine schedule's rate depends on the total); resume with the "
                + "same settings\n").assertOutEmpty();
        train("--epochs", "2", "--resume", ck, "--optimizer", "adam").assertUserErrorStartingWith(file
                + ": error: optimizer differs: the checkpoint was written with momentum(lr 0.05, momentum 0.9), this "
                + "run has adam(lr 0.001");
        train("--epochs", "2", "--resume", ck, "--schedule", "constant").assertUserError(file + ": error: schedule "
                + "differs: the checkpoint was written with cosine, this run has constant; resume with the same "
                + "settings\n");
    }

    @Test
    void aCheckpointOfAChangedModelIsRefused() throws Exception {
        Path ck = dir.resolve("ck");
        train("--epochs", "2", "--checkpoint-dir", ck).assertSuccess();
        Path edited = Files.writeString(dir.resolve("xor.net"), Files.readString(XOR) + "# an edit\n");
        Cli.run("train", edited, "--data", TestData.xorCsv(dir), "--batch", "4", "--threads", "1", "--seed", "3",
                "--epochs", "3", "--resume", ck).assertUserErrorStartingWith(ck.resolve(
                "checkpoint-000002.safetensors") + ": error: checkpoint of a different model source: it was written "
                + "for source SHA-256 ");
        Path wider = Files.writeString(dir.resolve("wider.net"), Files.readString(XOR)
                .replace("W1[4, 2]", "W1[5, 2]").replace("b1[4]", "b1[5]").replace("W2[1, 4]", "W2[1, 5]"));
        Cli.run("train", wider, "--data", TestData.xorCsv(dir), "--batch", "4", "--epochs", "3", "--resume", ck)
                .assertUserError(ck.resolve("checkpoint-000002.safetensors") + ": error: checkpoint of a different "
                        + "model: it was written for network 'xor' x[2] -> p[1], values 1, binary_cross_entropy, params "
                        + "W1[4,2] b1[4] W2[1,4] b2[1], not 'xor' x[2] -> p[1], values 1, binary_cross_entropy, params "
                        + "W1[5,2] b1[5] W2[1,5] b2[1]\n");
    }

    @Test
    void corruptEmptyAndReusedDirectoriesAreOneErrorEach() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        train("--epochs", "2", "--resume", empty).assertUserError(empty + ": error: no checkpoint in this directory "
                + "(expected checkpoint-NNNNNN.safetensors files written by --checkpoint-dir)\n");
        Path ck = dir.resolve("ck");
        train("--epochs", "3", "--checkpoint-dir", ck).assertSuccess();
        train("--epochs", "3", "--checkpoint-dir", ck).assertUserError(ck + ": error: the directory already holds "
                + "checkpoints of a run; resume it with --resume " + ck + ", or give an empty or new "
                + "--checkpoint-dir\n");
        // The newest corrupt, an older intact: a warning, then the older one is resumed.
        Path newest = ck.resolve("checkpoint-000003.safetensors");
        byte[] bytes = Files.readAllBytes(newest);
        bytes[bytes.length - 2] ^= 1;
        Files.write(newest, bytes);
        Path resumed = dir.resolve("resumed.safetensors");
        Cli r = train("--epochs", "3", "--resume", ck.resolve("checkpoint-000002.safetensors").getParent(),
                "--save", resumed);
        assertEquals(0, r.code(), r::describe);
        assertTrue(r.err().startsWith(newest + ": warning: checksum mismatch: the file has crc32c "), r::describe);
        assertTrue(r.err().endsWith("; it is truncated or corrupted; trying the previous checkpoint, "
                + "checkpoint-000002.safetensors\n"), r::describe);
        r.assertOutContains("after epoch 2 (step 6 of 9)");
        // A file given directly is not replaced by an older one: its corruption is the error.
        Files.write(newest, bytes);
        train("--epochs", "3", "--resume", newest).assertUserErrorStartingWith(newest + ": error: checksum "
                + "mismatch: the file has crc32c ");
        Files.write(newest, Arrays.copyOf(bytes, 50));
        train("--epochs", "3", "--resume", newest).assertUserErrorStartingWith(newest + ": error: ");
        train("--epochs", "3", "--resume", ck, "--init", resumed).assertUserError("--resume: error: cannot be "
                + "combined with --init: the checkpoint holds the weights\n");
        train("--epochs", "3", "--keep-checkpoints", "2").assertUserError("--keep-checkpoints: error: needs "
                + "--checkpoint-dir (or --resume DIR)\n");
    }

    @Test
    void regularisationSettingsMustMatchAndValidationDoesNotCombineYet() throws Exception {
        Path ck = dir.resolve("reg");
        Cli first = train("--epochs", "2", "--schedule", "constant", "--checkpoint-dir", ck, "--clip-norm", "1",
                "--warmup", "3");
        assertEquals(0, first.code(), first::describe);
        Cli other = train("--epochs", "3", "--schedule", "constant", "--resume", ck, "--clip-norm", "2",
                "--warmup", "3");
        assertEquals(1, other.code(), other::describe);
        assertTrue(other.err().contains("clip norm differs"), other::describe);
        Cli same = train("--epochs", "3", "--schedule", "constant", "--resume", ck, "--clip-norm", "1",
                "--warmup", "3");
        assertEquals(0, same.code(), same::describe);
        // The early-stopping state is not in a checkpoint: refused rather than resumed inexactly.
        train("--epochs", "2", "--checkpoint-dir", dir.resolve("val"), "--validation", "0.2")
                .assertUserError("training: error: checkpoints and resume do not combine with a validation set yet\n");
    }
}
