package netc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.spark.TaskContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import netc.api.Model;
import netc.runtime.InputException;
import netc.runtime.data.DataSplit;
import netc.runtime.train.EpochReport;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.Momentum;
import netc.runtime.train.Trainer;

/** Two partitions on {@code local[2,2]} (two cores, a failed task is tried again once). */
class DistributedTrainingTest {
    static final String MASTER = "local[2,2]";
    private static SparkSession spark;

    /** Set by the injected failure, so a test can tell that it happened. */
    static final AtomicBoolean FAILED = new AtomicBoolean();
    /** Tasks seen by the hook since the test reset it. */
    static final AtomicInteger TASKS = new AtomicInteger();

    @BeforeAll
    static void start() {
        spark = Spark.session(MASTER);
    }

    @Test
    void twoPartitionsReachTheSingleMachineAccuracyWithinHalfAPoint() {
        DataSplit data = Spark.fashion();
        ShippedModel shipped = Spark.mlp();
        Model model = shipped.model();
        float[] single = model.initialWeights(0);
        List<EpochReport> one = Trainer.builder(model.newNetwork()).optimizer(new Momentum(0.05)).epochs(1)
                .batchSize(128).seed(0).threads(1).schedule(LearningRateSchedule.COSINE).build()
                .train(single, data.train(), data.test());

        float[] params = model.initialWeights(0);
        // rows in sample order, split in two: the same mini-batches as above, each gradient summed over 2 partitions
        Dataset<Row> train = Frames.of(spark, data.train());
        assertEquals(2, train.rdd().getNumPartitions());
        List<EpochReport> two = SparkTrainer.builder(shipped).optimizer(new OptimizerChoice("momentum", 0.05))
                .epochs(1).batchSize(128).seed(0).build()
                .train(params, train, Frames.of(spark, data.test()));
        double a1 = one.get(0).testAccuracy();
        double a2 = two.get(0).testAccuracy();
        assertTrue(a1 > 0.7, "single-machine accuracy " + a1);
        assertTrue(Math.abs(a1 - a2) <= 0.005, "single machine " + a1 + ", two partitions " + a2);
    }

    /** Records each step's loss. */
    private static final class Losses implements netc.runtime.train.ProgressListener {
        final List<Double> values = new ArrayList<>();

        @Override
        public void batchDone(int epoch, int batch, int batches, double loss) {
            values.add(loss);
        }

        @Override
        public void epochDone(EpochReport report) {
        }
    }

    @Test
    void dropoutOverTwoPartitionsDrawsTheSingleMachineMasksOfEachStep() {
        // was: each partition drew the masks of rows 0, 1, ... of the batch for its share, so the shares of a step
        // repeated them and the step was not the single-machine one; now each row draws its position's in the batch
        ShippedModel shipped = new ShippedModel("drop.net", """
                network drop
                input  x[6]
                target y : class[3]
                param W1[32, 6] init he
                param b1[32]
                param W2[3, 32] init xavier
                param b2[3]
                p = softmax(W2 dropout(relu(W1 x + b1), 0.5) + b2)
                loss = cross_entropy(p, y)
                """);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(12);
        int n = 40;
        float[] x = new float[n * 6];
        float[] labels = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble(-1, 1);
        }
        for (int i = 0; i < n; i++) {
            labels[i] = rng.nextInt(3);
        }
        netc.runtime.data.Dataset data = netc.runtime.data.Dataset.ofClasses("drop", x, labels, 6, 3);
        Model model = shipped.model();
        // batches of 20 of the shuffled samples: each partition's share of a step is interleaved with the other's
        float[] expected = model.initialWeights(2);
        Losses one = new Losses();
        Trainer.builder(model.newNetwork()).optimizer(new netc.runtime.train.Sgd(0.5)).epochs(2).batchSize(20).seed(3)
                .threads(1).schedule(LearningRateSchedule.CONSTANT).listener(one).build().train(expected, data, null);

        Dataset<Row> frame = Frames.of(spark, data);
        assertEquals(2, frame.rdd().getNumPartitions());
        float[] actual = model.initialWeights(2);
        Losses two = new Losses();
        SparkTrainer.builder(shipped).optimizer(new OptimizerChoice("sgd", 0.5)).epochs(2).batchSize(20).seed(3)
                .schedule(LearningRateSchedule.CONSTANT).listener(two).build().train(actual, frame, null);
        assertEquals(4, two.values.size());
        for (int k = 0; k < 4; k++) {
            assertEquals(one.values.get(k), two.values.get(k), 1e-6, "loss of step " + (k + 1));
        }
        // the same up to the order of the sums of the two shares' gradients
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5, "weight " + i);
        }
    }

    @Test
    void localSgdLearnsToo() {
        DataSplit data = Spark.fashion();
        ShippedModel shipped = Spark.mlp();
        float[] params = shipped.model().initialWeights(0);
        List<EpochReport> reports = SparkTrainer.builder(shipped).optimizer(new OptimizerChoice("momentum", 0.05))
                .epochs(2).batchSize(64).localSteps(10).build()
                .train(params, Frames.of(spark, data.train()).repartition(2), Frames.of(spark, data.test()));
        assertEquals(2, reports.size());
        assertTrue(reports.get(1).testAccuracy() > 0.75, "accuracy " + reports.get(1).testAccuracy());
    }

    /** Fails the second task's first attempt; Spark runs it again. */
    static void failOnce() {
        if (TASKS.incrementAndGet() == 2 && TaskContext.get().attemptNumber() == 0) {
            FAILED.set(true);
            throw new IllegalStateException("injected failure");
        }
    }

    @Test
    void aTaskThatFailsOnceIsRetriedAndTheResultIsUnchanged() {
        for (int localSteps : new int[] {0, 2}) {
            netc.runtime.data.Dataset train = Spark.fashion().train().slice(0, 200);
            ShippedModel shipped = Spark.mlp();
            Dataset<Row> frame = Frames.of(spark, train).repartition(2);
            SparkTrainer.Builder b = SparkTrainer.builder(shipped).epochs(1).batchSize(50).localSteps(localSteps == 0 ? 0 : 2);
            float[] clean = shipped.model().initialWeights(1);
            b.build().train(clean, frame, null);

            FAILED.set(false);
            TASKS.set(0);
            float[] retried = shipped.model().initialWeights(1);
            b.taskHook(DistributedTrainingTest::failOnce).build().train(retried, frame, null);
            assertTrue(FAILED.get(), "the failure was injected (local steps " + localSteps + ")");
            assertArrayEquals(clean, retried, "local steps " + localSteps);
        }
    }

    private static StructType plainSchema() {
        return new StructType(new StructField[] {
            new StructField("features", DataTypes.createArrayType(DataTypes.FloatType), true, Metadata.empty()),
            new StructField("label", DataTypes.DoubleType, true, Metadata.empty())
        });
    }

    private static Row row(int size, Double label) {
        Float[] f = new Float[size];
        Arrays.fill(f, 0.5f);
        return RowFactory.create(f, label);
    }

    private static String trainOn(List<Row> rows) {
        Dataset<Row> frame = spark.createDataFrame(rows, plainSchema()); // local rows: 2 partitions, in order
        InputException e = assertThrows(InputException.class, () -> SparkTrainer.builder(Spark.mlp()).epochs(1)
                .build().train(Spark.mlp().model().initialWeights(0), frame, null));
        return e.getMessage();
    }

    @Test
    void aMalformedRowIsNamedWithItsColumn() {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(row(784, (double) (i % 10)));
        }
        rows.set(3, row(783, 1.0));
        assertEquals("training data: error: row 4, column 'features': has 783 values, the model's input needs 784",
                trainOn(rows));
        rows.set(3, row(784, Double.NaN));
        assertEquals("training data: error: row 4, column 'label': expected a class label in [0, 10), found NaN",
                trainOn(rows));
        rows.set(3, row(784, null));
        assertEquals("training data: error: row 4, column 'label': expected a class label in [0, 10), found null",
                trainOn(rows));
        rows.set(3, RowFactory.create(null, 2.0));
        assertEquals("training data: error: row 4, column 'features': expected 784 values, found null",
                trainOn(rows));
    }

    @Test
    void aDoubleBeyondTheFloatRangeIsReportedAsGivenNotAsInfinity() {
        // was: "value 2 is Infinity, expected a finite number" for 1e39, and a label of 1e39 "found 9223372036854775807"
        StructType schema = new StructType(new StructField[] {
            new StructField("features", DataTypes.createArrayType(DataTypes.DoubleType), true, Metadata.empty()),
            new StructField("label", DataTypes.DoubleType, true, Metadata.empty())
        });
        ShippedModel tiny = Spark.tiny();
        java.util.function.Function<List<Row>, String> train = rows -> assertThrows(InputException.class,
                () -> SparkTrainer.builder(tiny).epochs(1).batchSize(2).build()
                        .train(tiny.model().initialWeights(0), spark.createDataFrame(rows, schema), null))
                .getMessage();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(RowFactory.create(new Double[] {0.5, -0.5, 0.25, 1.0}, (double) (i % 3)));
        }
        rows.set(1, RowFactory.create(new Double[] {0.5, -0.5, 1e39, 1.0}, 1.0));
        assertEquals("training data: error: row 2, column 'features': value 2 is 1.0E39, beyond the float range",
                train.apply(rows));
        rows.set(1, RowFactory.create(new Double[] {0.5, -0.5, Double.NEGATIVE_INFINITY, 1.0}, 1.0));
        assertEquals("training data: error: row 2, column 'features': value 2 is -Infinity, expected a finite number",
                train.apply(rows));
        rows.set(1, RowFactory.create(new Double[] {0.5, -0.5, 0.25, 1.0}, 1e39));
        assertEquals("training data: error: row 2, column 'label': expected a class label in [0, 3), found 1.0E39",
                train.apply(rows));
        rows.set(1, RowFactory.create(new Double[] {0.5, -0.5, 0.25, 1.0}, 7.0));
        assertEquals("training data: error: row 2, column 'label': expected a class label in [0, 3), found 7",
                train.apply(rows));
    }

    @Test
    void batchNormWithAOneSampleBatchOrShareIsAUserErrorNotAFailedJob() {
        // was an IllegalArgumentException on an executor, reported as an internal error after the job failed
        ShippedModel bn = new ShippedModel("bn.net", """
                network bn
                input  x[2]
                target y : class[2]
                param W1[4, 2] init he
                param W2[2, 4] init xavier
                param b2[2]
                p = softmax(W2 relu(batchnorm(W1 x)) + b2)
                loss = cross_entropy(p, y)
                """);
        StructType schema = plainSchema();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            rows.add(RowFactory.create(new Float[] {i * 0.5f, -i * 0.25f}, (double) (i % 2)));
        }
        Dataset<Row> one = spark.createDataFrame(rows, schema).coalesce(1);
        InputException last = assertThrows(InputException.class, () -> SparkTrainer.builder(bn).epochs(1)
                .batchSize(3).build().train(bn.model().initialWeights(0), one, null));
        assertEquals("bn.net: error: batchnorm needs at least 2 samples per batch in training, but the last batch of "
                + "each epoch has 1 sample (7 samples of the training set in batches of 3); choose another batch size",
                last.getMessage());
        // two partitions in order (local rows), batches of 2: a batch drawn from both gives each a share of 1
        rows.add(RowFactory.create(new Float[] {1f, 1f}, 1.0));
        Dataset<Row> two = spark.createDataFrame(rows, schema);
        InputException share = assertThrows(InputException.class, () -> SparkTrainer.builder(bn).epochs(1)
                .batchSize(2).build().train(bn.model().initialWeights(0), two, null));
        assertTrue(share.getMessage().startsWith("bn.net: error: batchnorm needs at least 2 samples of each "
                + "partition's share of a batch, but partition "), share.getMessage());
        assertTrue(share.getMessage().endsWith(" of epoch 1 (batches of 2 over 2 partitions); use fewer partitions "
                + "or a larger batch"), share.getMessage());
    }

    @Test
    void binaryCrossEntropyTargetsOutsideZeroToOneAreNamedWithTheirRow() {
        ShippedModel probabilities = new ShippedModel("prob.net", """
                network prob
                input  x[2]
                target t : real[1]
                param W[1, 2] init xavier
                param b[1]
                p = sigmoid(W x + b)
                loss = binary_cross_entropy(p, t)
                """);
        StructType schema = new StructType(new StructField[] {
            new StructField("features", DataTypes.createArrayType(DataTypes.FloatType), true, Metadata.empty()),
            new StructField("label", DataTypes.createArrayType(DataTypes.FloatType), true, Metadata.empty())
        });
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            rows.add(RowFactory.create(new Float[] {0.5f, -0.5f}, new Float[] {(float) (i % 2)}));
        }
        rows.set(3, RowFactory.create(new Float[] {0.5f, -0.5f}, new Float[] {5f}));
        Dataset<Row> frame = spark.createDataFrame(rows, schema);
        InputException e = assertThrows(InputException.class, () -> SparkTrainer.builder(probabilities).epochs(1)
                .batchSize(2).build().train(probabilities.model().initialWeights(0), frame, null));
        assertEquals("training data: error: row 4, column 'label': value 0 is 5.0, expected a probability in [0, 1] "
                + "(the model's loss is binary_cross_entropy)", e.getMessage());
    }

    @Test
    void anInputSizeMismatchFailsBeforeAnyJob() {
        Dataset<Row> frame = Frames.of(spark, Spark.fashion().test().slice(0, 20));
        AtomicInteger jobs = new AtomicInteger();
        SparkListener counter = new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        };
        spark.sparkContext().addSparkListener(counter);
        try {
            ShippedModel tiny = Spark.tiny();
            InputException e = assertThrows(InputException.class, () -> SparkTrainer.builder(tiny).build()
                    .train(tiny.model().initialWeights(0), frame, null));
            assertEquals("training data: error: column 'features' holds 784 values per row, the model's input x has 4",
                    e.getMessage());
        } finally {
            spark.sparkContext().removeSparkListener(counter);
        }
        assertEquals(0, jobs.get(), "jobs started");
    }
}
