package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;
import netc.runtime.data.Dataset;

class CheckpointTest {

    private static final String HASH = "ab".repeat(32);

    @TempDir
    Path tmp;

    /** 203 noisy samples of three classes in 4D: 203 / 16 leaves a short last batch. */
    static Dataset data(String name, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[4 * n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            y[i] = c;
            for (int d = 0; d < 4; d++) {
                x[4 * i + d] = (float) ((d == c ? 2 : 0) + r.nextGaussian());
            }
        }
        return Dataset.ofClasses(name, x, y, 4, 3);
    }

    private static Trainer.Builder builder(SoftmaxRegression net, Supplier<Optimizer> opt,
                                           LearningRateSchedule schedule, int epochs) {
        return Trainer.builder(net).optimizer(opt.get()).epochs(epochs).batchSize(16).seed(5).threads(1)
                .schedule(schedule);
    }

    /** Stops the run after the given epoch, as a kill after that epoch's checkpoint would. */
    private static ProgressListener stopAfter(int epoch) {
        return new ProgressListener() {
            private boolean stop;

            @Override
            public void epochDone(EpochReport report) {
                stop = report.epoch() >= epoch;
            }

            @Override
            public boolean stopRequested() {
                return stop;
            }
        };
    }

    private void assertResumeIsBitwise(Supplier<Optimizer> opt, LearningRateSchedule schedule) {
        Dataset train = data("train", 203, 1);
        Dataset test = data("test", 60, 2);
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        float[] straight = Initializer.initialize(net.spec(), 9);
        builder(net, opt, schedule, 4).build().train(straight, train, test);

        CheckpointStore store = new CheckpointStore(tmp.resolve(opt.get().name() + "-" + schedule));
        float[] first = Initializer.initialize(net.spec(), 9);
        builder(net, opt, schedule, 4).checkpoints(store, HASH).listener(stopAfter(2)).build()
                .train(first, train, test);
        assertEquals(2, store.list().size());
        Checkpoint c = store.latest(net.spec(), HASH, w -> { });
        assertEquals(2, c.epoch());
        assertEquals(2 * 13, c.step());
        assertEquals(4 * 13, c.steps());

        float[] resumed = c.params();
        List<EpochReport> reports = builder(net, opt, schedule, 4).checkpoints(store, HASH).resume(c).build()
                .train(resumed, train, test);
        assertEquals(List.of(3, 4), reports.stream().map(EpochReport::epoch).toList());
        assertArrayEquals(straight, resumed, "resumed weights equal the uninterrupted run's bitwise");
        assertFalse(java.util.Arrays.equals(first, resumed), "the resumed epochs changed the weights");
        assertEquals(4, store.latest(net.spec(), HASH, w -> { }).epoch());
    }

    @Test
    void momentumWithCosineResumesBitwise() {
        assertResumeIsBitwise(() -> new Momentum(0.1), LearningRateSchedule.COSINE);
    }

    @Test
    void adamWithCosineResumesBitwise() {
        assertResumeIsBitwise(() -> new Adam(0.01), LearningRateSchedule.COSINE);
    }

    @Test
    void sgdWithConstantRateResumesBitwise() {
        assertResumeIsBitwise(() -> new Sgd(0.1), LearningRateSchedule.CONSTANT);
    }

    /** The test the others rest on: without the optimizer state, a resumed Adam run is not the same run. */
    @Test
    void resumingWithoutTheOptimizerStateWouldDiffer() {
        Dataset train = data("train", 203, 1);
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        float[] straight = Initializer.initialize(net.spec(), 9);
        builder(net, () -> new Adam(0.01), LearningRateSchedule.COSINE, 4).build().train(straight, train, null);
        CheckpointStore store = new CheckpointStore(tmp.resolve("c"));
        float[] p = Initializer.initialize(net.spec(), 9);
        builder(net, () -> new Adam(0.01), LearningRateSchedule.COSINE, 4).checkpoints(store, HASH)
                .listener(stopAfter(2)).build().train(p, train, null);
        Checkpoint c = store.latest(net.spec(), HASH, w -> { });
        Adam fresh = new Adam(0.01);
        // Resume by hand with a fresh optimizer: same epochs, same schedule, but moments and t start at zero.
        Trainer t = builder(net, () -> fresh, LearningRateSchedule.COSINE, 4).resume(c).build();
        fresh.importState(OptimizerState.NONE);
        float[] q = c.params();
        t.train(q, train, null);
        assertFalse(java.util.Arrays.equals(straight, q));
    }

    @Test
    void theStoreKeepsTheNewestK() throws IOException {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        CheckpointStore store = new CheckpointStore(tmp.resolve("k"), 2);
        builder(net, () -> new Momentum(0.1), LearningRateSchedule.COSINE, 5).checkpoints(store, HASH).build()
                .train(Initializer.initialize(net.spec(), 1), data("train", 50, 1), null);
        List<String> names = store.list().stream().map(p -> p.getFileName().toString()).toList();
        assertEquals(List.of("checkpoint-000004.safetensors", "checkpoint-000005.safetensors"), names);
        try (var files = Files.list(store.dir())) {
            assertEquals(2, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void aNewRunRefusesADirectoryThatHoldsCheckpoints() {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        CheckpointStore store = new CheckpointStore(tmp.resolve("d"));
        Trainer t = builder(net, () -> new Momentum(0.1), LearningRateSchedule.COSINE, 1).checkpoints(store, HASH)
                .build();
        t.train(Initializer.initialize(net.spec(), 1), data("train", 50, 1), null);
        InputException e = assertThrows(InputException.class,
                () -> t.train(Initializer.initialize(net.spec(), 1), data("train", 50, 1), null));
        assertTrue(e.getMessage().contains("already holds checkpoints"), e.getMessage());
    }

    private Checkpoint twoEpochs(SoftmaxRegression net, Path dir, int keep) {
        CheckpointStore store = new CheckpointStore(dir, keep);
        builder(net, () -> new Adam(0.01), LearningRateSchedule.COSINE, 4).checkpoints(store, HASH)
                .listener(stopAfter(2)).build().train(Initializer.initialize(net.spec(), 1), data("t", 50, 1), null);
        return store.latest(net.spec(), HASH, w -> { });
    }

    @Test
    void aDifferentSettingIsAnErrorNamingIt() {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        Checkpoint c = twoEpochs(net, tmp.resolve("s"), 3);
        InputException batch = assertThrows(InputException.class, () -> Trainer.builder(net)
                .optimizer(new Adam(0.01)).epochs(4).batchSize(32).seed(5).schedule(LearningRateSchedule.COSINE)
                .resume(c).build());
        assertEquals(c.file() + ": error: batch size differs: the checkpoint was written with 16, this run has 32; "
                + "resume with the same settings", batch.getMessage());
        InputException lr = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.02),
                LearningRateSchedule.COSINE, 4).resume(c).build());
        assertTrue(lr.getMessage().contains("optimizer differs: the checkpoint was written with adam(lr 0.01"),
                lr.getMessage());
        InputException epochs = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.01),
                LearningRateSchedule.COSINE, 6).resume(c).build());
        assertTrue(epochs.getMessage().contains("epochs differs: the checkpoint was written with 4, this run has 6 "
                + "(the cosine schedule's rate depends on the total)"), epochs.getMessage());
        InputException done = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.01),
                LearningRateSchedule.COSINE, 2).resume(c).build());
        assertTrue(done.getMessage().contains("epochs differs"), done.getMessage());
        InputException data = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.01),
                LearningRateSchedule.COSINE, 4).resume(c).build().train(c.params(), data("t", 60, 1), null));
        assertTrue(data.getMessage().contains("the checkpoint was trained on 50 samples, this run's training set "
                + "has 60"), data.getMessage());
        InputException values = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.01),
                LearningRateSchedule.COSINE, 4).resume(c).build().train(c.params(), data("t", 50, 99), null));
        assertTrue(values.getMessage().matches(".*: error: the training data differs from the checkpoint's \\(crc32c "
                + "[0-9a-f]{8}, the checkpoint's [0-9a-f]{8}\\); resume with the same data"), values.getMessage());
        // Threads do not change results, so they may differ.
        builder(net, () -> new Adam(0.01), LearningRateSchedule.COSINE, 4).threads(2).resume(c).build();
    }

    @Test
    void augmentationMustMatchEitherWay() {
        SoftmaxRegression net = new SoftmaxRegression(new int[] {1, 2, 2}, 3);
        Checkpoint plain = twoEpochs(net, tmp.resolve("a0"), 3);
        InputException added = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.01),
                LearningRateSchedule.COSINE, 4).augmentation(Augmentation.of(true, 1)).resume(plain).build());
        assertEquals(plain.file() + ": error: augmentation differs: the checkpoint was written with none, this run"
                + " has flip,shift=1; resume with the same settings", added.getMessage());
        CheckpointStore store = new CheckpointStore(tmp.resolve("a1"));
        builder(net, () -> new Adam(0.01), LearningRateSchedule.COSINE, 4).augmentation(Augmentation.of(true, 0))
                .checkpoints(store, HASH).listener(stopAfter(2)).build()
                .train(Initializer.initialize(net.spec(), 1), data("t", 50, 1), null);
        Checkpoint flipped = store.latest(net.spec(), HASH, w -> { });
        InputException dropped = assertThrows(InputException.class, () -> builder(net, () -> new Adam(0.01),
                LearningRateSchedule.COSINE, 4).resume(flipped).build());
        assertEquals(flipped.file() + ": error: augmentation differs: the checkpoint was written with flip, this run"
                + " has none; resume with the same settings", dropped.getMessage());
        builder(net, () -> new Adam(0.01), LearningRateSchedule.COSINE, 4).augmentation(Augmentation.of(true, 0))
                .resume(flipped).build();
    }

    @Test
    void aConstantScheduleMayExtendTheRunButNotEndBeforeTheCheckpoint() {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        CheckpointStore store = new CheckpointStore(tmp.resolve("e"));
        builder(net, () -> new Sgd(0.1), LearningRateSchedule.CONSTANT, 2).checkpoints(store, HASH).build()
                .train(Initializer.initialize(net.spec(), 1), data("t", 50, 1), null);
        Checkpoint c = store.latest(net.spec(), HASH, w -> { });
        assertEquals(2, builder(net, () -> new Sgd(0.1), LearningRateSchedule.CONSTANT, 4).resume(c).build()
                .train(c.params(), data("t", 50, 1), null).size());
        InputException e = assertThrows(InputException.class, () -> builder(net, () -> new Sgd(0.1),
                LearningRateSchedule.CONSTANT, 2).resume(c).build());
        assertTrue(e.getMessage().endsWith("the checkpoint has completed epoch 2 and this run has 2 epochs in "
                + "total; nothing is left to train"), e.getMessage());
    }

    @Test
    void aCheckpointOfAnotherModelIsRefused() {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        Checkpoint c = twoEpochs(net, tmp.resolve("m"), 3);
        SoftmaxRegression other = new SoftmaxRegression(5, 3);
        InputException spec = assertThrows(InputException.class, () -> c.requireModel(other.spec(), HASH));
        assertTrue(spec.getMessage().contains("checkpoint of a different model: it was written for network "
                + "'softmax' x[4] -> p[3], classes 3, cross_entropy, params W[3,4] b[3], not 'softmax' x[5]"),
                spec.getMessage());
        InputException source = assertThrows(InputException.class, () -> c.requireModel(net.spec(), "cd".repeat(32)));
        assertTrue(source.getMessage().endsWith("checkpoint of a different model source: it was written for source "
                + "SHA-256 abababababab..., the model file now has cdcdcdcdcdcd...; the .net file changed since"),
                source.getMessage());
    }

    @Test
    void aCheckpointHoldingANonFiniteParameterIsRefusedEvenWithItsChecksumRedone() {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        Checkpoint c = twoEpochs(net, tmp.resolve("nan"), 3);
        netc.runtime.io.TensorFile.Contents contents = netc.runtime.io.TensorFile.read(c.file());
        List<netc.runtime.io.TensorFile.Tensor> tensors = new ArrayList<>(contents.tensors().values());
        netc.runtime.io.TensorFile.Tensor w = tensors.get(0);
        float[] bad = w.data().clone();
        bad[2] = Float.NaN;
        tensors.set(0, new netc.runtime.io.TensorFile.Tensor(w.name(), w.shape(), bad));
        Path edited = tmp.resolve("edited.ckpt");
        netc.runtime.io.TensorFile.write(edited, contents.metadata(), tensors);
        Checkpoint read = Checkpoint.read(edited);
        InputException e = assertThrows(InputException.class, () -> read.requireModel(net.spec(), HASH));
        assertEquals(edited + ": error: tensor W holds NaN at element 2", e.getMessage());
    }

    @Test
    void corruptionAndTruncationAreCaughtByTheChecksum() throws IOException {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        Checkpoint c = twoEpochs(net, tmp.resolve("x"), 3);
        byte[] good = Files.readAllBytes(c.file());
        Path file = tmp.resolve("bad.safetensors");
        // A flipped bit anywhere, header or data, is a checksum mismatch.
        for (int at : new int[] {20, good.length / 2, good.length - 1}) {
            byte[] bad = good.clone();
            bad[at] ^= 0x10;
            Files.write(file, bad);
            InputException e = assertThrows(InputException.class, () -> Checkpoint.read(file));
            assertTrue(e.getMessage().startsWith(file + ": error: "), e.getMessage());
            assertNotEquals(-1, e.getMessage().indexOf("corrupt"), e.getMessage());
        }
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 7));
        InputException cut = assertThrows(InputException.class, () -> Checkpoint.read(file));
        assertTrue(cut.getMessage().contains("checksum mismatch"), cut.getMessage());
        Files.write(file, java.util.Arrays.copyOf(good, 100));
        InputException header = assertThrows(InputException.class, () -> Checkpoint.read(file));
        assertTrue(header.getMessage().contains("truncated or corrupt file: the header length is"),
                header.getMessage());
        Files.write(file, new byte[0]);
        assertThrows(InputException.class, () -> Checkpoint.read(file));
    }

    @Test
    void aCorruptNewestFallsBackToTheOlderWithAWarning() throws IOException {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        Checkpoint c = twoEpochs(net, tmp.resolve("f"), 3);
        try (var ch = Files.newByteChannel(c.file(), StandardOpenOption.WRITE)) {
            ch.truncate(Files.size(c.file()) - 4);
        }
        List<String> warnings = new ArrayList<>();
        Checkpoint older = new CheckpointStore(tmp.resolve("f")).latest(net.spec(), HASH, warnings::add);
        assertEquals(1, older.epoch());
        assertEquals(1, warnings.size());
        assertTrue(warnings.get(0).startsWith(c.file() + ": warning: checksum mismatch"), warnings.get(0));
        assertTrue(warnings.get(0).endsWith("trying the previous checkpoint, checkpoint-000001.safetensors"),
                warnings.get(0));
        // With no intact checkpoint left, the error names the newest one's problem.
        Files.write(older.file(), new byte[] {1, 2, 3});
        InputException e = assertThrows(InputException.class,
                () -> new CheckpointStore(tmp.resolve("f")).latest(net.spec(), HASH, w -> { }));
        assertTrue(e.getMessage().startsWith(tmp.resolve("f") + ": error: no intact checkpoint: the newest, "
                + "checkpoint-000002.safetensors, has this problem: checksum mismatch"), e.getMessage());
    }

    @Test
    void anEmptyOrMissingDirectoryIsAClearError() throws IOException {
        SoftmaxRegression net = new SoftmaxRegression(4, 3);
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve(".checkpoint-000001.safetensors.netc-tmp-1-abc"), "partial");
        InputException e = assertThrows(InputException.class,
                () -> new CheckpointStore(empty).latest(net.spec(), HASH, w -> { }));
        assertEquals(empty + ": error: no checkpoint in this directory (expected checkpoint-NNNNNN.safetensors "
                + "files written by --checkpoint-dir)", e.getMessage());
        InputException missing = assertThrows(InputException.class,
                () -> CheckpointStore.resolve(tmp.resolve("nope"), net.spec(), HASH, w -> { }));
        assertEquals(tmp.resolve("nope") + ": error: no such checkpoint file or directory", missing.getMessage());
    }
}
