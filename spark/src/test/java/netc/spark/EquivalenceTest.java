package netc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import netc.api.Model;
import netc.runtime.train.Adam;
import netc.runtime.train.LearningRateSchedule;
import netc.runtime.train.Momentum;
import netc.runtime.train.Trainer;

/** One partition, synchronous mode, {@code local[1]}: bitwise the single-machine trainer's weights. */
class EquivalenceTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Spark.session("local[1]");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void onePartitionSynchronousIsBitwiseTheSingleMachineTrainer() {
        netc.runtime.data.Dataset train = Spark.fashion().train().slice(0, 400);
        ShippedModel shipped = Spark.mlp();
        Model model = shipped.model();

        float[] expected = model.initialWeights(3);
        Trainer.builder(model.newNetwork()).optimizer(new Momentum(0.05)).epochs(2).batchSize(64).seed(9)
                .threads(2).schedule(LearningRateSchedule.COSINE).warmup(3).weightDecay(1e-4).build()
                .train(expected, train, null);

        Dataset<Row> frame = Frames.of(spark, train).coalesce(1);
        float[] actual = model.initialWeights(3);
        SparkTrainer.builder(shipped).optimizer(new OptimizerChoice("momentum", 0.05)).epochs(2).batchSize(64)
                .seed(9).schedule(LearningRateSchedule.COSINE).warmup(3).weightDecay(1e-4).build()
                .train(actual, frame, null);
        assertArrayEquals(expected, actual);
    }

    @Test
    void adamWithClippingToo() {
        netc.runtime.data.Dataset train = Spark.fashion().train().slice(700, 1000);
        ShippedModel shipped = Spark.mlp();
        Model model = shipped.model();
        float[] expected = model.initialWeights(4);
        Trainer.builder(model.newNetwork()).optimizer(new Adam(1e-3)).epochs(1).batchSize(50).seed(1).threads(1)
                .schedule(LearningRateSchedule.CONSTANT).clipNorm(1.0).build().train(expected, train, null);
        float[] actual = model.initialWeights(4);
        SparkTrainer.builder(shipped).optimizer(new OptimizerChoice("adam", 1e-3)).epochs(1).batchSize(50).seed(1)
                .schedule(LearningRateSchedule.CONSTANT).clipNorm(1.0).build()
                .train(actual, Frames.of(spark, train).coalesce(1), null);
        assertEquals(expected.length, actual.length);
        assertArrayEquals(expected, actual);
    }
}
