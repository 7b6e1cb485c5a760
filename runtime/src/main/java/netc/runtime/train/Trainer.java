package netc.runtime.train;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.DataSplit;
import netc.runtime.data.Dataset;
import netc.runtime.data.HoldOut;

/**
 * Trains a network by mini-batch gradient descent.
 *
 * <p>Each epoch shuffles the training samples (the order depends only on the seed and the epoch number), runs
 * the mini-batches in that order (the last one may be shorter), and then evaluates the test set and reports an
 * {@link EpochReport} to the listener, which may end the run early ({@link ProgressListener#stopRequested()}).
 * With {@link Builder#validation} a share of the training set is held out and evaluated instead of the test set, and
 * {@link Builder#patience} stops the run when it stops improving (see {@link #fit}); {@link Builder#weightDecay},
 * {@link Builder#clipNorm}, {@link Builder#warmup} and {@link Builder#augmentation} act on every step.
 * The loss of every batch is checked: if it or the gradient is not finite, training stops with a
 * {@link TrainingDivergedException} and the parameters keep their last good values.
 *
 * <pre>{@code
 * Trainer trainer = Trainer.builder(network).optimizer(new Adam(1e-3)).epochs(10).batchSize(64).seed(42)
 *         .threads(2).listener(report -> System.out.println(report)).build();
 * float[] params = Initializer.initialize(network.spec(), 42);
 * List<EpochReport> reports = trainer.train(params, split.train(), split.test());
 * }</pre>
 *
 * <p>With {@link Builder#checkpoints} it writes a {@link Checkpoint} after every epoch (before reporting it), and
 * with {@link Builder#resume} it continues such a run after the checkpoint's epoch, bitwise as if it had never
 * stopped.
 *
 * <p>A trainer keeps its optimizer (and so the optimizer's state) across calls of {@link #train}; it is not
 * thread-safe.
 */
public final class Trainer {

    /** Context of messages about settings: they come from the command line or the builder. */
    static final String SETTINGS = "training";
    /** Mixed into the seed so the shuffle stream differs from the initialiser's stream for the same seed. */
    private static final long SHUFFLE_SALT = 0x53485546464c45L;
    /** Mixed into the seed of the validation hold-out, so it is not the permutation of a CSV file's test hold-out. */
    private static final long VALIDATION_SALT = 0x56414c4944L;

    /** Which weights a run with a validation set leaves in the parameters. */
    public enum Keep {
        /** Those of the epoch with the lowest validation loss. */
        BEST,
        /** Those the last step left. */
        LAST
    }

    private final Network network;
    private final Optimizer optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final int threads;
    private final Parallel parallel;
    private final ProgressListener listener;
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final double clipNorm;
    private final int warmupSteps;
    private final Augmentation augmentation;
    private final double warmKernelsSeconds;
    private final double validationFraction;
    private final int patience;
    private final Keep keep;
    private final boolean testEveryEpoch;
    private final Checkpoint resume;
    private final CheckpointStore checkpoints;
    private final String sourceHash;
    private final boolean adaptiveThreads;
    private final LongSupplier clock;

    private Trainer(Builder b) {
        this.network = b.network;
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.threads = b.threads;
        this.parallel = b.parallel;
        this.listener = b.listener;
        this.schedule = b.schedule;
        this.weightDecay = b.weightDecay;
        this.clipNorm = b.clipNorm;
        this.warmupSteps = b.warmupSteps;
        this.augmentation = b.augmentation;
        this.warmKernelsSeconds = b.warmKernelsSeconds;
        this.validationFraction = b.validationFraction;
        this.patience = b.patience;
        this.keep = b.keep;
        this.testEveryEpoch = b.testEveryEpoch;
        this.resume = b.resume;
        this.checkpoints = b.checkpoints;
        this.sourceHash = b.sourceHash;
        this.adaptiveThreads = b.adaptiveThreads;
        this.clock = b.clock;
    }

    /**
     * A builder that starts from {@link TrainingDefaults}, the settings {@code netc train} uses: momentum
     * {@value Momentum#DEFAULT_MOMENTUM} at learning rate {@value TrainingDefaults#MOMENTUM_LEARNING_RATE} with cosine
     * decay, {@value TrainingDefaults#EPOCHS} epochs, batch size {@value TrainingDefaults#BATCH_SIZE}, seed
     * {@value TrainingDefaults#SEED}, {@value TrainingDefaults#THREADS} threads capped at the cores.
     */
    public static Builder builder(Network network) {
        return new Builder(network);
    }

    /** The optimizer, which keeps its state across calls of {@link #train}. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /** Passes over the training set per call of {@link #train}. */
    public int epochs() {
        return epochs;
    }

    /** Samples per mini-batch (the last batch of an epoch may be shorter). */
    public int batchSize() {
        return batchSize;
    }

    /** The seed of the per-epoch shuffles. */
    public long seed() {
        return seed;
    }

    /** How the learning rate changes over a run. */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /**
     * Threads the kernels use when the trainer creates its own pool (ignored when a pool was given); while they run
     * slower than one thread, the steps run on one ({@link Builder#adaptiveThreads}).
     */
    public int threads() {
        return threads;
    }

    /**
     * Whether steps may move to the calling thread alone while the pool runs slower ({@link Builder#adaptiveThreads}).
     */
    public boolean adaptiveThreads() {
        return adaptiveThreads;
    }

    /**
     * Trains {@code params} in place for the configured number of epochs (when resuming, those after the
     * checkpoint's epoch).
     *
     * @param params the parameter vector, {@link ModelSpec#paramCount()} floats, already initialised
     * @param train  the training set
     * @param test   the set evaluated after each epoch, or null
     * @return one report per completed epoch: all of them, or fewer when the listener stopped the run early (see
     *         {@link ProgressListener#stopRequested()})
     * @throws InputException              if a data set does not fit the network
     * @throws TrainingDivergedException   if the loss or gradient stops being finite
     */
    public List<EpochReport> train(float[] params, Dataset train, Dataset test) {
        return fit(params, train, test).epochs();
    }

    /**
     * Trains {@code params} in place like {@link #train}, and also says which epoch was best and how the test set
     * did. With a validation fraction set ({@link Builder#validation}), that share of {@code train} is held out
     * (stratified by class, seeded by the trainer's seed, see {@link HoldOut#stratified}), each epoch is evaluated on
     * it, and the test set is evaluated once at the end, on the weights the run leaves ({@link Builder#keep}); with
     * {@link Builder#patience} the run ends when the validation loss has not improved for that many epochs.
     *
     * @param params the parameter vector, {@link ModelSpec#paramCount()} floats, already initialised
     * @param train  the training set (the validation set is held out of it)
     * @param test   the test set, or null
     * @return the epochs' reports, the best epoch and the test set's figures
     * @throws InputException              if a data set does not fit the network or is too small to hold out from
     * @throws TrainingDivergedException   if the loss or gradient stops being finite
     */
    public TrainingRun fit(float[] params, Dataset train, Dataset test) {
        ModelSpec spec = network.spec();
        if (params.length != spec.paramCount()) {
            throw new IllegalArgumentException("params has " + params.length + " floats, network " + spec.name()
                    + " needs " + spec.paramCount());
        }
        train.requireFits(spec);
        if (test != null) {
            test.requireFits(spec);
        }
        if (train.n() == 0) {
            throw new InputException(train.name(), "the training set has no samples");
        }
        String data = resume == null && checkpoints == null ? null : Checkpoint.fingerprint(train);
        if (resume != null) {
            resume.requireData(train, data);
        }
        if (resume == null && checkpoints != null && !checkpoints.list().isEmpty()) {
            throw new InputException(checkpoints.dir().toString(), "the directory already holds checkpoints of a "
                    + "run; resume from them, or give an empty or new directory");
        }
        Dataset validation = null;
        if (validationFraction > 0) {
            if (train.n() < 2) {
                throw new InputException(train.name(), "needs at least 2 samples to hold out a validation set, has "
                        + train.n());
            }
            DataSplit split = HoldOut.stratified(train, validationFraction, seed ^ VALIDATION_SALT,
                    train.name() + " (validation)");
            train = split.train();
            validation = split.test();
        }
        Parallel pool = parallel != null ? parallel : Parallel.threads(threads);
        network.setParallel(pool);
        try {
            return run(spec, params, train, validation, test, data, pool);
        } finally {
            if (parallel == null) {
                network.setParallel(Parallel.serial());
                pool.close();
            } else {
                network.setParallel(parallel); // the caller's pool, whichever the last steps ran on
            }
        }
    }

    private TrainingRun run(ModelSpec spec, float[] params, Dataset train, Dataset validation, Dataset test,
                            String data, Parallel pool) {
        int n = train.n();
        int size = Math.min(batchSize, n);
        int batches = (n + size - 1) / size;
        Batch full = new Batch(size, train);
        int lastCount = n - (batches - 1) * size;
        Batch last = lastCount == size ? full : new Batch(lastCount, train);
        requireBatchStatistics(spec, train.name(), n, size, null);
        float[] augmentScratch = new float[Augmentation.scratchSize(spec)];
        float[] grad = new float[params.length];
        StepUpdate update = new StepUpdate(spec, optimizer, schedule, warmupSteps, clipNorm, weightDecay);
        FiniteCheck finite = new FiniteCheck(network);
        StepThreads stepThreads = new StepThreads(pool, adaptiveThreads);
        Parallel active = pool;
        BatchGather gather = new BatchGather();
        int[] order = new int[n];
        Evaluator evaluator = test == null && validation == null ? null : new Evaluator(network, size);
        EarlyStopping watch = validation == null ? null : new EarlyStopping(patience, params.length);
        boolean testEachEpoch = test != null && (validation == null || testEveryEpoch);
        List<EpochReport> reports = new ArrayList<>();
        double lastFinite = Double.NaN;
        boolean midEpoch = false;
        int first = resume == null ? 1 : resume.epoch() + 1;
        if (warmKernelsSeconds > 0 && batches >= KernelWarmup.MIN_EPOCH_STEPS) {
            // the epoch's last batch, and the evaluations' last ones (Evaluator cuts them in batches of `size` too),
            // which are evaluated, never trained on
            List<KernelWarmup.Tail> tails = List.of(new KernelWarmup.Tail(lastCount, true),
                    new KernelWarmup.Tail(test == null ? 0 : test.n() % size, false),
                    new KernelWarmup.Tail(validation == null ? 0 : validation.n() % size, false));
            KernelWarmup.run(network, train, size, tails, params, pool, warmKernelsSeconds,
                    KernelWarmup.restores(optimizer) ? update : null);
        }
        listener.trainingStarted();
        epochs:
        for (int epoch = first; epoch <= epochs; epoch++) {
            long epochStart = System.nanoTime();
            epochOrder(seed, epoch, order);
            double lossSum = 0;
            for (int k = 0; k < batches; k++) {
                Batch batch = k == batches - 1 ? last : full;
                active = give(network, active, stepThreads.next());
                Parallel stepPool = active;
                long stepStart = clock.getAsLong();
                gather.copy(train, order, k * size, batch.count, batch.x, batch.y, stepPool);
                augmentation.apply(spec, batch.x, batch.count, seed, epoch, order, k * size, augmentScratch);
                // dropout masks are a function of (seed, step, position): a rerun or another thread count agrees
                network.setTrainingStep(seed, (long) (epoch - 1) * batches + k);
                double loss = network.lossAndGradient(params, batch.x, batch.y, batch.count, grad, null);
                if (!Double.isFinite(loss)) {
                    String before = Double.isNaN(lastFinite) ? "no finite loss before it"
                            : "last finite loss " + format(lastFinite);
                    throw diverged(spec, "loss became " + loss, epoch, k + 1, before, lastFinite, batch);
                }
                if (!finite.allFinite(grad, stepPool)) {
                    throw diverged(spec, "the gradient became NaN or infinite", epoch, k + 1,
                            "loss " + format(loss), loss, batch);
                }
                update.apply(params, grad, (long) (epoch - 1) * batches + k, (long) epochs * batches, stepPool);
                boolean moved = stepThreads.stepDone(clock.getAsLong() - stepStart, batch.count == size);
                lossSum += loss * batch.count;
                lastFinite = loss;
                listener.batchDone(epoch, k + 1, batches, loss);
                if (moved) {
                    // after the step's own report: the steps from the next one on run on the new threads
                    listener.threadsChanged(stepThreads.settled().threads(), stepThreads.lastPoolNanos(),
                            stepThreads.lastSerialNanos());
                }
                if (listener.stopRequested()) {
                    midEpoch = true; // this epoch's steps are applied, but it is not complete to report
                    break epochs;
                }
            }
            // the evaluation runs on the choice of the last probe, not on a probe's other half
            active = give(network, active, stepThreads.settled());
            double trainSeconds = (System.nanoTime() - epochStart) / 1e9;
            Evaluation val = validation == null ? null : evaluator.evaluate(params, validation);
            Evaluation eval = testEachEpoch ? evaluator.evaluate(params, test) : null;
            double seconds = (System.nanoTime() - epochStart) / 1e9;
            EpochReport report = new EpochReport(epoch, lossSum / n, eval == null ? Double.NaN : eval.loss(),
                    eval == null ? Double.NaN : eval.accuracy(), trainSeconds > 0 ? n / trainSeconds : Double.NaN,
                    seconds, val == null ? Double.NaN : val.loss(), val == null ? Double.NaN : val.accuracy(),
                    eval != null, val != null);
            reports.add(report);
            if (checkpoints != null) {
                checkpoints.save(Checkpoint.after(spec, sourceHash, epoch, (long) epoch * batches,
                        (long) epochs * batches, train, data, settings(), params, optimizer.exportState()));
            }
            if (watch != null) {
                watch.epochDone(epoch, val.loss(), params);
            }
            listener.epochDone(report);
            if (listener.stopRequested() || (watch != null && watch.exhausted())) {
                break;
            }
        }
        if (watch != null && keep == Keep.BEST) {
            watch.restore(params);
        }
        Evaluation finalTest = null;
        if (test != null) {
            EpochReport lastReport = reports.isEmpty() ? null : reports.get(reports.size() - 1);
            finalTest = validation == null && lastReport != null && !midEpoch
                    ? new Evaluation(test.n(), lastReport.testLoss(), lastReport.testAccuracy())
                    : evaluator.evaluate(params, test);
        }
        int lastDone = reports.isEmpty() ? first - 1 : reports.get(reports.size() - 1).epoch();
        return new TrainingRun(reports, watch == null ? 0 : watch.bestEpoch(), lastDone < epochs, finalTest);
    }

    /** Gives {@code network} the pool {@code next} unless it has it already ({@code active}); returns {@code next}. */
    private static Parallel give(Network network, Parallel active, Parallel next) {
        if (next != active) {
            network.setParallel(next);
        }
        return next;
    }

    /** The settings a checkpoint records and a resumed run must repeat (see {@link Checkpoint#settings()}). */
    Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("batch size", Integer.toString(batchSize));
        s.put("optimizer", optimizer.toString());
        s.put("schedule", schedule.name().toLowerCase(Locale.ROOT));
        s.put("epochs", Integer.toString(epochs));
        s.put("seed", Long.toString(seed));
        s.put("weight decay", Double.toString(weightDecay));
        s.put("clip norm", Double.toString(clipNorm));
        s.put("warm-up steps", Integer.toString(warmupSteps));
        if (!augmentation.isNone()) {
            // only when set, so that checkpoints of runs without it (and of earlier versions) still resume; a
            // checkpoint without it reads as Augmentation.NONE (Checkpoint.OPTIONAL_SETTINGS)
            s.put("augmentation", augmentation.toString());
        }
        String kernels = kernelsOf(network);
        if (kernels != null) {
            // recorded since 2026-12-05; a checkpoint without it resumes on either (Checkpoint.LATER_SETTINGS)
            s.put("kernels", kernels);
        }
        return s;
    }

    /**
     * {@code "vector"} or {@code "scalar"}: which matrix kernels a generated class runs in this JVM (from its static
     * {@code kernels()}), which changes the last bits of the results, unlike the vector width; null for a class with
     * one kind only (an unrolled tiny network, a hand-written {@link Network}).
     */
    static String kernelsOf(Network network) {
        try {
            java.lang.reflect.Method m = network.getClass().getMethod("kernels");
            if (!java.lang.reflect.Modifier.isStatic(m.getModifiers()) || m.getReturnType() != String.class) {
                return null;
            }
            String kernels = (String) m.invoke(null);
            return kernels == null ? null : kernels.startsWith("vector") ? "vector"
                    : kernels.equals("scalar") ? "scalar" : null;
        } catch (ReflectiveOperationException | RuntimeException notAGeneratedClass) {
            return null;
        }
    }

    /**
     * A network with batch norm (it has running statistics) normalises with the statistics of each batch in
     * training, which one sample does not have: say so before the first step rather than fail in the middle. For
     * {@code n} samples in batches of {@code size}; a trainer that cuts its data into parts (a Spark partition) names
     * the part, which the message then says ({@code null}: the whole training set).
     *
     * @param where names the data (or the model) in the message
     * @throws InputException if some batch would hold one sample
     */
    public static void requireBatchStatistics(ModelSpec spec, String where, int n, int size, String part) {
        boolean batchNorm = false;
        for (netc.runtime.ParamSpec p : spec.params()) {
            batchNorm |= p.isState();
        }
        int last = n % size == 0 ? size : n % size;
        if (!batchNorm || last > 1) {
            return;
        }
        String why = n == 1 ? (part == null ? "the training set" : part) + " has 1 sample"
                : size == 1 ? "the batch size is 1"
                : "the last batch of each epoch has 1 sample (" + n + " samples" + (part == null ? "" : " of " + part)
                + " in batches of " + size + "); choose another batch size";
        throw new InputException(where, "batchnorm needs at least 2 samples per batch in training, but " + why);
    }

    /** The exception carries a copy of the batch, so that the caller can find the operation that went wrong. */
    private static TrainingDivergedException diverged(ModelSpec spec, String what, int epoch, int batch,
                                                      String aside, double lastFinite, Batch data) {
        String context = spec.sourceFile() == null || spec.sourceFile().isEmpty() ? spec.name() : spec.sourceFile();
        return new TrainingDivergedException(context, "training diverged: " + what + " at epoch " + epoch
                + ", batch " + batch + " (" + aside + "); try a lower learning rate", epoch, batch, lastFinite,
                what + " at epoch " + epoch + ", batch " + batch + " (" + aside + ")", data.x.clone(), data.y.clone(),
                data.count);
    }

    /** Four significant digits without trailing zeros: {@code 2.31}, {@code 0.0123}, {@code 1.235E+9}. */
    static String format(double v) {
        BigDecimal d = new BigDecimal(v).round(new MathContext(4)).stripTrailingZeros();
        double abs = Math.abs(v);
        return abs == 0 || (abs >= 1e-4 && abs < 1e7) ? d.toPlainString() : d.toString();
    }

    /** Whether every value is finite, on the calling thread (see {@link FiniteCheck}). */
    static boolean allFinite(float[] values) {
        return FiniteCheck.allFinite(values, 0, values.length);
    }

    /**
     * The order in which {@link #train} visits the training samples in epoch {@code epoch} of a run seeded with
     * {@code seed}: a permutation of {@code 0 .. order.length - 1}, a function of (seed, epoch, length) only. Mini-batch
     * {@code k} of the epoch is {@code order[k * batchSize ..]}, the last one possibly shorter. A trainer that
     * distributes the samples (e.g. over the partitions of a cluster) uses it to form the same mini-batches.
     *
     * @param seed  the run's seed ({@link Builder#seed})
     * @param epoch the 1-based epoch
     * @param order receives the permutation; its length is the number of training samples
     */
    public static void epochOrder(long seed, int epoch, int[] order) {
        shuffle(order, shuffleRandom(seed, epoch));
    }

    /** The shuffle stream of an epoch: a function of (seed, epoch) only, so a resumed run shuffles the same way. */
    static SplittableRandom shuffleRandom(long seed, int epoch) {
        SplittableRandom r = new SplittableRandom(seed ^ SHUFFLE_SALT);
        SplittableRandom epochRandom = r;
        for (int e = 0; e < epoch; e++) {
            epochRandom = r.split();
        }
        return epochRandom;
    }

    /** Fisher-Yates over the identity permutation. */
    private static void shuffle(int[] order, SplittableRandom random) {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
    }

    /** Contiguous buffers for a mini-batch of exactly {@code count} samples. */
    private static final class Batch {
        final int count;
        final float[] x;
        final float[] y;

        Batch(int count, Dataset data) {
            this.count = count;
            this.x = new float[count * data.inputSize()];
            this.y = new float[count * data.targetValues()];
        }
    }

    /**
     * Configures a {@link Trainer}; {@link #build()} validates the settings and names the bad one, e.g.
     * {@code training: error: batch size must be >= 1, got 0}.
     */
    public static final class Builder {
        private final Network network;
        private Optimizer optimizer = TrainingDefaults.optimizer();
        private int epochs = TrainingDefaults.EPOCHS;
        private int batchSize = TrainingDefaults.BATCH_SIZE;
        private long seed = TrainingDefaults.SEED;
        private int threads = TrainingDefaults.threads();
        private Parallel parallel;
        private ProgressListener listener = ProgressListener.NONE;
        private LearningRateSchedule schedule = TrainingDefaults.SCHEDULE;
        private double weightDecay;
        private double clipNorm;
        private int warmupSteps;
        private Augmentation augmentation = Augmentation.NONE;
        private double warmKernelsSeconds;
        private double validationFraction;
        private int patience;
        private Keep keep = Keep.BEST;
        private boolean testEveryEpoch;
        private Checkpoint resume;
        private CheckpointStore checkpoints;
        private String sourceHash;
        private boolean adaptiveThreads = true;
        private LongSupplier clock = System::nanoTime;

        private Builder(Network network) {
            if (network == null) {
                throw new IllegalArgumentException("network must not be null");
            }
            this.network = network;
        }

        /** The optimizer; the default is {@link TrainingDefaults#optimizer()}. */
        public Builder optimizer(Optimizer value) {
            this.optimizer = value;
            return this;
        }

        /** Passes over the training set; the default is {@value TrainingDefaults#EPOCHS}. */
        public Builder epochs(int value) {
            this.epochs = value;
            return this;
        }

        /** Samples per mini-batch; the default is {@value TrainingDefaults#BATCH_SIZE}. */
        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        /** Seeds the per-epoch shuffles (initialise the weights with {@link Initializer} separately). */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /**
         * Number of threads the kernels use, the caller included; the trainer creates and closes the pool. The
         * default is {@link TrainingDefaults#threads()}; a value given here is used as it is, except that steps run
         * on the calling thread alone while that is faster ({@link #adaptiveThreads}).
         */
        public Builder threads(int value) {
            this.threads = value;
            this.parallel = null;
            return this;
        }

        /**
         * A pool the caller owns and closes; overrides {@link #threads}. Steps may run on the calling thread alone for
         * a while ({@link #adaptiveThreads}); the network has this pool again when training ends.
         */
        public Builder parallel(Parallel value) {
            this.parallel = value;
            return this;
        }

        /**
         * Whether the trainer may run steps on the calling thread alone while its threads together run slower (a
         * host that has let other work onto one of its cores): it times a few steps each way every few seconds and
         * takes the faster, telling the listener ({@link ProgressListener#threadsChanged}). The results are
         * bitwise the same either way. On by default; off, every step runs on all the threads.
         */
        public Builder adaptiveThreads(boolean value) {
            this.adaptiveThreads = value;
            return this;
        }

        /** The clock the steps are timed by ({@link #adaptiveThreads}), nanoseconds: for tests. */
        Builder clock(LongSupplier value) {
            this.clock = value;
            return this;
        }

        /** How the learning rate changes over the run; null means the default, {@link TrainingDefaults#SCHEDULE}. */
        public Builder schedule(LearningRateSchedule value) {
            this.schedule = value == null ? TrainingDefaults.SCHEDULE : value;
            return this;
        }

        /** Receives progress after every batch and epoch, and may stop the run; none by default. */
        public Builder listener(ProgressListener value) {
            this.listener = value == null ? ProgressListener.NONE : value;
            return this;
        }

        /**
         * Weight decay {@code wd >= 0}; 0 (the default) is none. Decoupled for {@link Adam} (AdamW: {@code w -= lr_t
         * * wd * w} before each step, {@code lr_t} the scheduled rate), an L2 term added to the gradient
         * ({@code g += wd * w}) for every other optimizer, as PyTorch's {@code AdamW} and {@code SGD} do it. All
         * parameters are decayed, biases included (PyTorch's default).
         */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /**
         * Writes a {@link Checkpoint} to {@code store} after every epoch, recording {@code sourceHash} (the model's
         * {@link Checkpoint#sourceHash(String)}, or null to record none) so that a resume can tell a changed model. A run that does not
         * {@link #resume} refuses a store that already holds checkpoints, so that two runs never mix in one
         * directory.
         */
        public Builder checkpoints(CheckpointStore store, String sourceHash) {
            this.checkpoints = store;
            this.sourceHash = sourceHash;
            return this;
        }

        /**
         * Clips the gradient of every step to this global L2 norm (over all parameters, as
         * {@code torch.nn.utils.clip_grad_norm_}) before weight decay and the optimizer see it; 0 (the default) does
         * not clip. See {@link GradientClipping}.
         */
        public Builder clipNorm(double value) {
            this.clipNorm = value;
            return this;
        }

        /**
         * Ramps the learning rate up linearly over the first {@code steps} optimizer steps, then runs the schedule
         * over the remaining steps; 0 (the default) is no warm-up. See {@link Warmup}.
         */
        public Builder warmup(int steps) {
            this.warmupSteps = steps;
            return this;
        }

        /**
         * Changes the training images of every mini-batch at random (mirrors, shifts: see {@link Augmentation});
         * {@link Augmentation#NONE} (the default) trains on the images as they are. The network's input must be
         * an image (its last two dimensions height and width), which {@link #build} checks.
         */
        public Builder augmentation(Augmentation value) {
            if (value == null) {
                throw new IllegalArgumentException("augmentation must not be null");
            }
            this.augmentation = value;
            return this;
        }

        /**
         * Before the first epoch, runs training steps on one batch and a copy of the parameters until the JIT has
         * compiled the kernels (its compilers idle for a moment), for at most {@code seconds}; 0 (the default) runs
         * none. The epochs then run at full speed from the first, and the trained weights are bitwise those of a run
         * without it: the optimizer, the parameters and the shuffles are not touched. Skipped when an epoch has fewer
         * than 200 steps: such a run compiles its kernels early in its first epoch
         * anyway, and would wait for the JIT longer than it saves. {@code netc train} uses
         * {@link TrainingDefaults#WARM_KERNELS_SECONDS}.
         */
        public Builder warmKernels(double seconds) {
            this.warmKernelsSeconds = seconds;
            return this;
        }

        /**
         * Holds out this share of the training set as a validation set, {@code 0 < fraction < 1}, evaluated after
         * every epoch in place of the test set; 0 (the default) holds out nothing. See {@link Trainer#fit}.
         */
        public Builder validation(double fraction) {
            this.validationFraction = fraction;
            return this;
        }

        /**
         * Ends the run when the validation loss has not improved for this many epochs in a row; 0 (the default)
         * never stops early. Needs {@link #validation}.
         */
        public Builder patience(int epochs) {
            this.patience = epochs;
            return this;
        }

        /**
         * Which weights a run with a validation set leaves in the parameters: {@link Keep#BEST} (the default, the
         * epoch with the lowest validation loss) or {@link Keep#LAST}. The best weights are restored however the run
         * ends: all epochs done, patience run out, or a listener's {@link ProgressListener#stopRequested()}. Without a
         * validation set the weights are always the last.
         */
        public Builder keep(Keep value) {
            this.keep = value == null ? Keep.BEST : value;
            return this;
        }

        /** With a validation set, also evaluates the test set after every epoch (by default only at the end). */
        public Builder testEveryEpoch(boolean value) {
            this.testEveryEpoch = value;
            return this;
        }

        /**
         * Continues the run {@code checkpoint} was taken from: {@link #build()} loads its optimizer state into the
         * optimizer, and {@link Trainer#train} runs the epochs after {@link Checkpoint#epoch()} up to
         * {@link #epochs} (the run's total, not the number left), from the checkpoint's parameters, which the caller
         * passes ({@link Checkpoint#params()}). The result is bitwise the uninterrupted run's. Every setting must
         * be the checkpoint's ({@link Checkpoint#settings()}), except the thread count (results do not depend on
         * it) and, under the constant schedule, a larger total of epochs.
         */
        public Builder resume(Checkpoint checkpoint) {
            this.resume = checkpoint;
            return this;
        }

        /** @throws InputException if a setting is out of range, or differs from the checkpoint resumed */
        public Trainer build() {
            if (optimizer == null) {
                throw new IllegalArgumentException("optimizer must not be null");
            }
            Hyper.atLeastOne(SETTINGS, "epochs", epochs);
            Hyper.atLeastOne(SETTINGS, "batch size", batchSize);
            Hyper.atLeastOne(SETTINGS, "threads", threads);
            StepUpdate.checkSettings(warmupSteps, clipNorm, weightDecay);
            augmentation.requireImage(network.spec());
            if (!(warmKernelsSeconds >= 0) || Double.isInfinite(warmKernelsSeconds)) {
                throw new InputException(SETTINGS, "kernel warm-up must be finite and >= 0 seconds, got "
                        + warmKernelsSeconds);
            }
            if (!(validationFraction >= 0 && validationFraction < 1)) {
                throw new InputException(SETTINGS, "validation fraction must be > 0 and < 1 (0 for none), got "
                        + validationFraction);
            }
            if (patience < 0) {
                throw new InputException(SETTINGS, "patience must be >= 1 (0 for none), got " + patience);
            }
            if (patience > 0 && validationFraction == 0) {
                throw new InputException(SETTINGS, "patience needs a validation set; set a validation fraction");
            }
            if ((resume != null || checkpoints != null) && validationFraction > 0) {
                // The early-stopping state (best loss, best weights, epochs since) is not in a checkpoint yet.
                throw new InputException(SETTINGS, "checkpoints and resume do not combine with a validation set yet");
            }
            Trainer trainer = new Trainer(this);
            if (resume != null) {
                resume.requireModel(network.spec(), sourceHash);
                resume.requireSettings(trainer.settings(), schedule, epochs);
                optimizer.importState(resume.optimizerState());
            }
            return trainer;
        }
    }
}
