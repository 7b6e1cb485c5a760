package netc.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.ParamSpec;
import netc.runtime.train.EpochReport;
import netc.runtime.train.Evaluation;
import netc.runtime.train.Evaluator;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.Optimizer;
import netc.runtime.train.OptimizerState;
import netc.runtime.train.ProgressListener;
import netc.runtime.train.StepUpdate;
import netc.runtime.train.Trainer;
import netc.runtime.train.TrainingDefaults;

/**
 * Trains a netc model data-parallel on a Spark DataFrame, with the single-machine {@link Trainer}'s optimizers,
 * schedules, seeds and defaults.
 *
 * <p><b>Synchronous mode</b> (the default) takes exactly the single-machine trainer's steps: every epoch visits the
 * samples in {@link Trainer#epochOrder} order (sample {@code i} is row {@code i} of the DataFrame in partition order)
 * and cuts the same mini-batches; each step, every partition computes the mean-loss gradient of its share of the
 * batch with the generated {@code lossAndGradient}, {@code treeAggregate} sums them weighted by sample count, and the
 * driver applies {@link StepUpdate} and broadcasts the new weights. Each share draws its dropout masks as the samples'
 * positions in the whole batch ({@link Network#setTrainingStep(long, long, int[])}), so a step draws the masks the
 * single-machine trainer draws for the same batch. With one partition the result is bitwise the single-machine
 * trainer's; with more, without batchnorm, it is the same up to the order of the sums. It runs one Spark job per
 * step, so it suits large batches.
 *
 * <p><b>Local-SGD mode</b> ({@link Builder#localSteps}) is what makes it fast: each partition trains a copy of the
 * weights on its own rows for H steps (mini-batches of {@code batchSize} of its rows, in an order seeded by the seed
 * and the partition), then the driver averages weights and optimizer state, weighted by samples, and broadcasts them.
 * One job per H steps. The schedule counts local steps: an epoch has as many as the largest partition has batches.
 *
 * <p>After each epoch the test DataFrame, if given, is evaluated on the executors and an {@link EpochReport} goes to
 * the listener on the driver, which may stop the run. Parameters are changed in place, like {@link Trainer#train}.
 */
public final class SparkTrainer {

    private final ShippedModel model;
    private final ModelSpec spec;
    private final OptimizerChoice optimizer;
    private final int epochs;
    private final int batchSize;
    private final long seed;
    private final LearningRateSchedule schedule;
    private final double weightDecay;
    private final double clipNorm;
    private final int warmupSteps;
    private final int localSteps;
    private final Columns columns;
    private final ProgressListener listener;
    private final TaskHook hook;

    private SparkTrainer(Builder b) {
        this.model = b.model;
        this.spec = b.model.model().spec();
        this.optimizer = b.optimizer;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.seed = b.seed;
        this.schedule = b.schedule;
        this.weightDecay = b.weightDecay;
        this.clipNorm = b.clipNorm;
        this.warmupSteps = b.warmupSteps;
        this.localSteps = b.localSteps;
        this.columns = b.columns;
        this.listener = b.listener;
        this.hook = b.hook;
    }

    /** A builder starting from {@link TrainingDefaults}, like {@link Trainer#builder}, in synchronous mode. */
    public static Builder builder(ShippedModel model) {
        return new Builder(model);
    }

    /**
     * Trains {@code params} in place.
     *
     * @param params the parameters, {@link ModelSpec#paramCount()} floats, already initialised
     * @param train  the training rows
     * @param test   rows evaluated after each epoch, or null
     * @return one report per completed epoch
     * @throws InputException if a DataFrame does not fit the model (checked from the schema before any job where the
     *                        column declares its size) or a row is malformed (naming the row and column)
     */
    public List<EpochReport> train(float[] params, Dataset<Row> train, Dataset<Row> test) {
        if (params.length != spec.paramCount()) {
            throw new IllegalArgumentException("params has " + params.length + " floats, network " + spec.name()
                    + " needs " + spec.paramCount());
        }
        // Everything the schema can tell is checked before the first job.
        SchemaCheck.require("training data", train.schema(), columns, spec, true);
        if (test != null) {
            SchemaCheck.require("test data", test.schema(), columns, spec, true);
        }
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(SparkSession.active().sparkContext());
        TrainingData data = TrainingData.load("training data", train, columns, spec);
        TrainingData testData = null;
        try {
            testData = test == null ? null : TrainingData.load("test data", test, columns, spec);
            return localSteps == 0 ? synchronous(sc, params, data, testData) : localSgd(sc, params, data, testData);
        } catch (Exception e) { // Spark's SparkException is checked, but thrown undeclared
            throw SparkErrors.unwrap(e);
        } finally {
            data.release();
            if (testData != null) {
                testData.release();
            }
        }
    }

    private List<EpochReport> synchronous(JavaSparkContext sc, float[] params, TrainingData data,
                                          TrainingData test) {
        int n = data.n;
        int size = Math.min(batchSize, n);
        int batches = (n + size - 1) / size;
        int[] order = new int[n];
        int partitions = data.counts.length;
        int[] owner = new int[n];
        for (int p = 0, i = 0; p < partitions; p++) {
            for (int k = 0; k < data.counts[p]; k++) {
                owner[i++] = p;
            }
        }
        StepUpdate update = new StepUpdate(spec, optimizer.create(), schedule, warmupSteps, clipNorm, weightDecay);
        String[] state = stateNames();
        Trainer.requireBatchStatistics(spec, where(), n, size, "the training set");
        List<EpochReport> reports = new ArrayList<>();
        listener.trainingStarted();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            Trainer.epochOrder(seed, epoch, order);
            double lossSum = 0;
            for (int k = 0; k < batches; k++) {
                int from = k * size;
                int count = Math.min(size, n - from);
                int[][] positions = new int[partitions][];
                int[][] local = split(order, from, count, owner, data, positions);
                if (state.length > 0) {
                    requireTwoPerShare(local, epoch, k + 1, size);
                }
                long step = (long) (epoch - 1) * batches + k;
                Broadcast<float[]> weights = sc.broadcast(params);
                Partial sum;
                try {
                    sum = gradient(data.blocks, weights, local, positions, step);
                } finally {
                    weights.destroy();
                }
                float[] grad = sum.mean();
                double loss = sum.meanLoss();
                if (!Double.isFinite(loss) || !finite(grad)) {
                    throw new InputException(spec.sourceFile() == null ? spec.name() : spec.sourceFile(),
                            "training diverged: loss " + loss + " at epoch " + epoch + ", batch " + (k + 1)
                                    + "; try a lower learning rate");
                }
                for (String s : state) {
                    ParamSpec p = spec.param(s);
                    System.arraycopy(sum.mean(s), 0, params, p.offset(), p.size());
                }
                update.apply(params, grad, step, (long) epochs * batches);
                lossSum += loss * count;
                listener.batchDone(epoch, k + 1, batches, loss);
                if (listener.stopRequested()) {
                    return reports;
                }
            }
            reports.add(report(epoch, lossSum / n, n, start, params, test, sc));
            listener.epochDone(reports.get(reports.size() - 1));
            if (listener.stopRequested()) {
                break;
            }
        }
        return reports;
    }

    /**
     * Each partition's share of the batch {@code order[from .. from + count)}, as indices into its block; and into
     * {@code positions}, each share's samples' positions in the batch, from which they draw their dropout masks (so
     * the shares draw together the masks {@link Trainer} draws for the whole batch, not each the first rows' ones).
     */
    private static int[][] split(int[] order, int from, int count, int[] owner, TrainingData data,
                                 int[][] positions) {
        int partitions = positions.length;
        int[] sizes = new int[partitions];
        for (int i = from; i < from + count; i++) {
            sizes[owner[order[i]]]++;
        }
        int[][] local = new int[partitions][];
        for (int p = 0; p < partitions; p++) {
            local[p] = new int[sizes[p]];
            positions[p] = new int[sizes[p]];
            sizes[p] = 0;
        }
        for (int i = from; i < from + count; i++) {
            int p = owner[order[i]];
            positions[p][sizes[p]] = i - from;
            local[p][sizes[p]++] = (int) (order[i] - data.offsets[p]);
        }
        return local;
    }

    private Partial gradient(JavaRDD<Block> blocks, Broadcast<float[]> weights, int[][] local, int[][] positions,
                             long step) {
        ShippedModel m = model;
        long runSeed = seed;
        String[] state = stateNames();
        TaskHook h = hook;
        return blocks.treeAggregate(Partial.empty(), (acc, block) -> {
            h.beforeTask();
            int[] mine = local[block.partition];
            if (mine.length == 0) {
                return acc;
            }
            Network net = Networks.borrow(m);
            try {
                ModelSpec s = net.spec();
                float[] x = new float[mine.length * block.inputSize];
                float[] y = new float[mine.length * block.targetValues];
                block.dataset().copyBatch(mine, 0, mine.length, x, y);
                // a network with running statistics updates them in params: work on a copy of the broadcast value
                float[] params = state.length == 0 ? weights.value() : weights.value().clone();
                float[] grad = new float[s.paramCount()];
                net.setTrainingStep(runSeed, step, positions[block.partition]);
                double loss = net.lossAndGradient(params, x, y, mine.length, grad, null);
                return acc.merge(Partial.of(mine.length, loss, grad, slices(s, state, params), 0));
            } finally {
                Networks.release(m, net);
            }
        }, Partial::merge);
    }

    private List<EpochReport> localSgd(JavaSparkContext sc, float[] params, TrainingData data, TrainingData test) {
        int stepsPerEpoch = 0;
        for (int p = 0; p < data.counts.length; p++) {
            int c = data.counts[p];
            stepsPerEpoch = Math.max(stepsPerEpoch, (c + batchSize - 1) / batchSize);
            if (c > 0) {
                Trainer.requireBatchStatistics(spec, where(), c, Math.min(batchSize, c), "partition " + p);
            }
        }
        int rounds = (stepsPerEpoch + localSteps - 1) / localSteps;
        long totalSteps = (long) epochs * stepsPerEpoch;
        OptimizerState state = OptimizerState.NONE;
        List<EpochReport> reports = new ArrayList<>();
        listener.trainingStarted();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            double lossSum = 0;
            long seen = 0;
            for (int r = 0; r < rounds; r++) {
                int first = r * localSteps;
                int last = Math.min(first + localSteps, stepsPerEpoch);
                Broadcast<float[]> weights = sc.broadcast(params);
                Broadcast<StateVectors> opt = sc.broadcast(new StateVectors(state));
                Partial avg;
                try {
                    avg = round(data.blocks, weights, opt, epoch, first, last, stepsPerEpoch, totalSteps);
                } finally {
                    weights.destroy();
                    opt.destroy();
                }
                if (avg.count == 0) {
                    continue;
                }
                float[] next = avg.mean();
                if (!Double.isFinite(avg.meanLoss()) || !finite(next)) {
                    throw new InputException(spec.sourceFile() == null ? spec.name() : spec.sourceFile(),
                            "training diverged: loss " + avg.meanLoss() + " at epoch " + epoch
                                    + "; try a lower learning rate");
                }
                System.arraycopy(next, 0, params, 0, params.length);
                Map<String, float[]> vectors = new TreeMap<>();
                for (String name : avg.extra.keySet()) {
                    if (name.startsWith(OPT_PREFIX)) {
                        vectors.put(name.substring(OPT_PREFIX.length()), avg.mean(name));
                    }
                }
                state = new OptimizerState(vectors, avg.steps);
                lossSum += avg.lossSum;
                seen += avg.count;
                listener.batchDone(epoch, last, stepsPerEpoch, avg.meanLoss());
                if (listener.stopRequested()) {
                    return reports;
                }
            }
            reports.add(report(epoch, lossSum / seen, data.n, start, params, test, sc));
            listener.epochDone(reports.get(reports.size() - 1));
            if (listener.stopRequested()) {
                break;
            }
        }
        return reports;
    }

    /** Marks the optimizer's vectors among a partial's extras (the rest are none: state is in the weights). */
    private static final String OPT_PREFIX = "optimizer.";

    private Partial round(JavaRDD<Block> blocks, Broadcast<float[]> weights, Broadcast<StateVectors> opt,
                          int epoch, int first, int last, int stepsPerEpoch, long totalSteps) {
        ShippedModel m = model;
        OptimizerChoice choice = optimizer;
        LearningRateSchedule sched = schedule;
        int warm = warmupSteps;
        double clip = clipNorm;
        double decay = weightDecay;
        int size = batchSize;
        long runSeed = seed;
        TaskHook h = hook;
        return blocks.treeAggregate(Partial.empty(), (acc, block) -> {
            h.beforeTask();
            int batches = (block.n + size - 1) / size;
            int end = Math.min(last, batches);
            if (first >= end) {
                return acc;
            }
            Network net = Networks.borrow(m);
            try {
                ModelSpec s = net.spec();
                float[] params = weights.value().clone();
                Optimizer o = choice.create();
                if (opt.value().steps > 0 || !opt.value().vectors.isEmpty()) {
                    o.importState(opt.value().state());
                }
                StepUpdate update = new StepUpdate(s, o, sched, warm, clip, decay);
                int[] order = new int[block.n];
                Trainer.epochOrder(partitionSeed(runSeed, block.partition), epoch, order);
                float[] grad = new float[params.length];
                float[] x = new float[size * block.inputSize];
                float[] y = new float[size * block.targetValues];
                double lossSum = 0;
                int samples = 0;
                for (int k = first; k < end; k++) {
                    int count = Math.min(size, block.n - k * size);
                    block.dataset().copyBatch(order, k * size, count, x, y);
                    long step = (long) (epoch - 1) * stepsPerEpoch + k;
                    net.setTrainingStep(partitionSeed(runSeed, block.partition), step);
                    lossSum += net.lossAndGradient(params, x, y, count, grad, null) * count;
                    update.apply(params, grad, step, totalSteps);
                    samples += count;
                }
                OptimizerState out = o.exportState();
                Map<String, float[]> extras = new TreeMap<>();
                out.vectors().forEach((k, v) -> extras.put(OPT_PREFIX + k, v));
                return acc.merge(Partial.of(samples, lossSum / samples, params, extras, out.steps()));
            } finally {
                Networks.release(m, net);
            }
        }, Partial::merge);
    }

    /** The seed of a partition's own shuffles and dropout masks in local-SGD mode. */
    private static long partitionSeed(long seed, int partition) {
        return seed + 0x9E3779B97F4A7C15L * (partition + 1);
    }

    private EpochReport report(int epoch, double trainLoss, int n, long start, float[] params, TrainingData test,
                               JavaSparkContext sc) {
        double trainSeconds = (System.nanoTime() - start) / 1e9;
        Evaluation eval = test == null ? null : evaluate(sc, params, test);
        double seconds = (System.nanoTime() - start) / 1e9;
        return new EpochReport(epoch, trainLoss, eval == null ? Double.NaN : eval.loss(),
                eval == null ? Double.NaN : eval.accuracy(), trainSeconds > 0 ? n / trainSeconds : Double.NaN,
                seconds, Double.NaN, Double.NaN, eval != null, false);
    }

    /** Mean loss and accuracy over the partitions, each evaluated by the runtime's {@link Evaluator}. */
    private Evaluation evaluate(JavaSparkContext sc, float[] params, TrainingData test) {
        ShippedModel m = model;
        Broadcast<float[]> weights = sc.broadcast(params);
        try {
            List<double[]> parts = test.blocks.map(block -> {
                Network net = Networks.borrow(m);
                try {
                    Evaluation e = new Evaluator(net, 1024).evaluate(weights.value(), block.dataset());
                    return new double[] {e.samples(), e.loss(), e.accuracy()};
                } finally {
                    Networks.release(m, net);
                }
            }).collect();
            // summed on the driver in partition order, so the figure does not depend on which task ended first
            double loss = 0;
            double correct = 0;
            int samples = 0;
            for (double[] e : parts) {
                if (e[0] > 0) {
                    loss += e[1] * e[0];
                    correct += Math.rint(e[2] * e[0]);
                    samples += (int) e[0];
                }
            }
            return new Evaluation(samples, loss / samples, correct / samples);
        } finally {
            weights.destroy();
        }
    }

    /**
     * In synchronous mode each partition normalises its share of a batch with that share's statistics: a share of one
     * sample has none. Which rows a partition holds decides the shares, so this is found at the step.
     */
    private void requireTwoPerShare(int[][] local, int epoch, int batch, int size) {
        for (int p = 0; p < local.length; p++) {
            if (local[p].length == 1) {
                throw new InputException(where(), "batchnorm needs at least 2 samples of each partition's share of a "
                        + "batch, but partition " + p + " has 1 sample of batch " + batch + " of epoch " + epoch
                        + " (batches of " + size + " over " + local.length + " partitions); use fewer partitions or "
                        + "a larger batch");
            }
        }
    }

    private String where() {
        return spec.sourceFile() == null || spec.sourceFile().isEmpty() ? spec.name() : spec.sourceFile();
    }

    private String[] stateNames() {
        List<String> names = new ArrayList<>();
        for (ParamSpec p : spec.params()) {
            if (p.isState()) {
                names.add(p.name());
            }
        }
        return names.toArray(new String[0]);
    }

    private static Map<String, float[]> slices(ModelSpec spec, String[] names, float[] params) {
        Map<String, float[]> out = new TreeMap<>();
        for (String name : names) {
            ParamSpec p = spec.param(name);
            float[] v = new float[p.size()];
            System.arraycopy(params, p.offset(), v, 0, v.length);
            out.put(name, v);
        }
        return out;
    }

    private static boolean finite(float[] v) {
        for (float f : v) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }

    /** An optimizer's state as it travels to the executors (the runtime's record is not serialisable). */
    private static final class StateVectors implements Serializable {
        private static final long serialVersionUID = 1L;
        final TreeMap<String, float[]> vectors;
        final long steps;

        StateVectors(OptimizerState state) {
            this.vectors = new TreeMap<>(state.vectors());
            this.steps = state.steps();
        }

        OptimizerState state() {
            return new OptimizerState(vectors, steps);
        }
    }

    /** Runs at the start of every training task on the executor; tests use it to inject failures. */
    @FunctionalInterface
    interface TaskHook extends Serializable {
        /** Does nothing. */
        TaskHook NONE = () -> { };

        void beforeTask();
    }

    /**
     * Configures a {@link SparkTrainer}; the defaults are the single-machine trainer's ({@link TrainingDefaults}).
     * {@link #build()} checks the settings and names the bad one.
     */
    public static final class Builder {
        private final ShippedModel model;
        private OptimizerChoice optimizer = OptimizerChoice.defaults();
        private int epochs = TrainingDefaults.EPOCHS;
        private int batchSize = TrainingDefaults.BATCH_SIZE;
        private long seed = TrainingDefaults.SEED;
        private LearningRateSchedule schedule = TrainingDefaults.SCHEDULE;
        private double weightDecay;
        private double clipNorm;
        private int warmupSteps;
        private int localSteps;
        private Columns columns = Columns.DEFAULT;
        private ProgressListener listener = ProgressListener.NONE;
        private TaskHook hook = TaskHook.NONE;

        private Builder(ShippedModel model) {
            if (model == null) {
                throw new IllegalArgumentException("model must not be null");
            }
            this.model = model;
        }

        /** The optimizer; the default is momentum, as {@link TrainingDefaults#optimizer()}. */
        public Builder optimizer(OptimizerChoice value) {
            this.optimizer = value;
            return this;
        }

        /** Passes over the training data. */
        public Builder epochs(int value) {
            this.epochs = value;
            return this;
        }

        /** Samples per mini-batch: of the whole data in synchronous mode, of each partition in local-SGD mode. */
        public Builder batchSize(int value) {
            this.batchSize = value;
            return this;
        }

        /** Seeds the shuffles (and dropout masks), as {@link Trainer.Builder#seed}. */
        public Builder seed(long value) {
            this.seed = value;
            return this;
        }

        /** How the learning rate changes over the run; null means the default. */
        public Builder schedule(LearningRateSchedule value) {
            this.schedule = value == null ? TrainingDefaults.SCHEDULE : value;
            return this;
        }

        /** Weight decay, as {@link Trainer.Builder#weightDecay}. */
        public Builder weightDecay(double value) {
            this.weightDecay = value;
            return this;
        }

        /** Gradient clipping to this global norm, as {@link Trainer.Builder#clipNorm}. */
        public Builder clipNorm(double value) {
            this.clipNorm = value;
            return this;
        }

        /** Warm-up steps, as {@link Trainer.Builder#warmup}. */
        public Builder warmup(int steps) {
            this.warmupSteps = steps;
            return this;
        }

        /**
         * Local SGD: every partition takes {@code h} steps on its own rows between two averagings of the weights;
         * 0 (the default) is synchronous mode.
         */
        public Builder localSteps(int h) {
            this.localSteps = h;
            return this;
        }

        /** The feature and label columns; {@link Columns#DEFAULT} by default. */
        public Builder columns(Columns value) {
            this.columns = value == null ? Columns.DEFAULT : value;
            return this;
        }

        /** Receives progress on the driver, and may stop the run. */
        public Builder listener(ProgressListener value) {
            this.listener = value == null ? ProgressListener.NONE : value;
            return this;
        }

        Builder taskHook(TaskHook value) {
            this.hook = value;
            return this;
        }

        /** @throws InputException if a setting is out of range */
        public SparkTrainer build() {
            if (optimizer == null) {
                throw new IllegalArgumentException("optimizer must not be null");
            }
            atLeastOne("epochs", epochs);
            atLeastOne("batch size", batchSize);
            if (localSteps < 0) {
                throw new InputException("training", "local steps must be >= 1 (0 for synchronous), got "
                        + localSteps);
            }
            StepUpdate.checkSettings(warmupSteps, clipNorm, weightDecay);
            return new SparkTrainer(this);
        }

        private static void atLeastOne(String setting, int value) {
            if (value < 1) {
                throw new InputException("training", setting + " must be >= 1, got " + value);
            }
        }
    }
}
