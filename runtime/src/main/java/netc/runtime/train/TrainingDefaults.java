package netc.runtime.train;

/**
 * The training settings used when none are given, in one place: {@code netc train} reads its option defaults from
 * here and {@link Trainer#builder} starts from them, so code that builds a trainer with the defaults trains the same
 * weights as the command line with the same data and seed.
 *
 * <p>Momentum 0.9 at learning rate {@value #MOMENTUM_LEARNING_RATE}, decayed to zero along a cosine
 * ({@link #SCHEDULE}), batch {@value #BATCH_SIZE}, {@value #EPOCHS} epochs, {@value #THREADS} threads (capped at the
 * cores), seed {@value #SEED}.
 */
public final class TrainingDefaults {

    /** Passes over the training set. */
    public static final int EPOCHS = 10;

    /** Samples per mini-batch. */
    public static final int BATCH_SIZE = 128;

    /** Seeds the weight initialisation and the per-epoch shuffles. */
    public static final long SEED = 0;

    /** Threads for the kernels, before {@link #threads()} caps them at the number of cores. */
    public static final int THREADS = 2;

    /** Learning rate of {@link Sgd} when none is given. */
    public static final double SGD_LEARNING_RATE = 0.1;

    /** Learning rate of {@link Momentum} when none is given; the default optimizer is momentum at this rate. */
    public static final double MOMENTUM_LEARNING_RATE = 0.05;

    /** Learning rate of {@link Adam} when none is given. */
    public static final double ADAM_LEARNING_RATE = Adam.DEFAULT_LEARNING_RATE;

    /** How the learning rate changes over the run: cosine decay to zero at the last step. */
    public static final LearningRateSchedule SCHEDULE = LearningRateSchedule.COSINE;

    /**
     * The most seconds {@code netc train} spends warming the kernels before epoch 1
     * ({@link Trainer.Builder#warmKernels}); the JIT of the MNIST MLP goes quiet well before.
     */
    public static final double WARM_KERNELS_SECONDS = 30;

    private TrainingDefaults() {
    }

    /**
     * A new default optimizer: {@link Momentum} with momentum {@value Momentum#DEFAULT_MOMENTUM} and learning rate
     * {@value #MOMENTUM_LEARNING_RATE}. New on every call, because an optimizer holds per-run state.
     */
    public static Optimizer optimizer() {
        return new Momentum(MOMENTUM_LEARNING_RATE);
    }

    /** {@link #THREADS}, capped at the number of cores this JVM may use (at least 1). */
    public static int threads() {
        return Math.max(1, Math.min(THREADS, Runtime.getRuntime().availableProcessors()));
    }
}
