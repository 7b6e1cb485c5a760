package netc.runtime.train;

import java.nio.file.Path;

import netc.runtime.data.Dataset;

/**
 * The child process of {@link KillDuringCheckpointTest}: trains a softmax regression with tiny epochs (one step
 * each) and a checkpoint after every one, resuming from the directory when it holds checkpoints already, until it
 * is killed. Its parameters and Adam moments make each checkpoint about a megabyte, so that kills land inside writes.
 */
final class KillDuringCheckpointChild {

    static final int INPUTS = 8000;
    static final int CLASSES = 10;
    static final String HASH = "0123456789abcdef".repeat(4);

    private KillDuringCheckpointChild() {
    }

    static SoftmaxRegression network() {
        return new SoftmaxRegression(INPUTS, CLASSES);
    }

    static Dataset data() {
        float[] x = new float[8 * INPUTS];
        float[] y = new float[8];
        for (int i = 0; i < 8; i++) {
            y[i] = i % CLASSES;
            for (int k = 0; k < INPUTS; k++) {
                x[i * INPUTS + k] = ((i * 31 + k * 17) % 13) / 13f;
            }
        }
        return Dataset.ofClasses("tiny", x, y, INPUTS, CLASSES);
    }

    public static void main(String[] args) {
        CheckpointStore store = new CheckpointStore(Path.of(args[0]), 3);
        SoftmaxRegression net = network();
        Trainer.Builder b = Trainer.builder(net).optimizer(new Adam(1e-3)).epochs(1_000_000).batchSize(8).seed(1)
                .threads(1).schedule(LearningRateSchedule.COSINE).checkpoints(store, HASH);
        float[] params;
        if (store.list().isEmpty()) {
            params = Initializer.initialize(net.spec(), 1);
            System.out.println("fresh");
        } else {
            Checkpoint c = store.latest(net.spec(), HASH, System.err::println);
            b.resume(c);
            params = c.params();
            System.out.println("resumed after epoch " + c.epoch());
        }
        System.out.flush();
        // After each epoch's checkpoint is written (the trainer saves it before reporting the epoch).
        b.listener(report -> {
            System.out.println("epoch " + report.epoch());
            System.out.flush();
        });
        b.build().train(params, data(), null);
    }
}
