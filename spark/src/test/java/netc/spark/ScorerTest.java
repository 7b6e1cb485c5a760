package netc.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import netc.api.Model;
import netc.runtime.InputException;
import netc.runtime.Predictor;

/** Scoring on the executors gives what {@link Predictor} gives on one machine, as columns and from SQL. */
class ScorerTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = Spark.session(DistributedTrainingTest.MASTER);
    }

    /** Weights that are not the initial ones, so that a wrong column or row order shows. */
    private static float[] weights(Model model) {
        float[] w = model.initialWeights(5);
        for (int i = 0; i < w.length; i += 7) {
            w[i] *= 1.5f;
        }
        return w;
    }

    private static float[] floats(Row row, String column) {
        List<Object> values = row.getList(row.fieldIndex(column));
        float[] f = new float[values.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = ((Number) values.get(i)).floatValue();
        }
        return f;
    }

    @Test
    void scoredColumnsAreThePredictorsOutputs() {
        // 2,500 rows in 2 partitions: each partition runs a full batch of 1,024 and a shorter one
        netc.runtime.data.Dataset data = Spark.fashion().train().slice(0, 2500);
        ShippedModel shipped = Spark.mlp();
        float[] w = weights(shipped.model());
        Predictor predictor = Predictor.of(shipped.newNetwork(), w);
        int[] classes = predictor.predictClasses(data.x(), data.n());
        float[] probabilities = predictor.probabilities(data.x(), data.n());

        Dataset<Row> frame = Frames.of(spark, data).repartition(2).withColumn("id",
                org.apache.spark.sql.functions.monotonically_increasing_id());
        List<Row> scored = new Scorer(shipped, w, Columns.DEFAULT).score(frame).collectAsList();
        assertEquals(data.n(), scored.size());
        for (Row row : scored) {
            float[] x = floats(row, "features");
            int i = indexOf(data, x, row.getInt(row.fieldIndex("label")));
            assertEquals(classes[i], row.getInt(row.fieldIndex("prediction")), "row " + i);
            float[] expected = java.util.Arrays.copyOfRange(probabilities, i * 10, i * 10 + 10);
            assertArrayEquals(expected, floats(row, "probability"), "row " + i);
        }
    }

    /** The sample of {@code data} with these pixels (repartitioning shuffles the rows). */
    private static int indexOf(netc.runtime.data.Dataset data, float[] x, int label) {
        int in = data.inputSize();
        outer:
        for (int i = 0; i < data.n(); i++) {
            if ((int) data.y()[i] != label) {
                continue;
            }
            for (int j = 0; j < in; j++) {
                if (data.x()[i * in + j] != x[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("row not in the data");
    }

    @Test
    void theUdfPredictsFromSql() {
        netc.runtime.data.Dataset data = Spark.fashion().test().slice(0, 300);
        ShippedModel shipped = Spark.mlp();
        float[] w = weights(shipped.model());
        int[] expected = Predictor.of(shipped.newNetwork(), w).predictClasses(data.x(), data.n());
        Frames.of(spark, data).coalesce(1).createOrReplaceTempView("images");
        new Scorer(shipped, w, Columns.DEFAULT).registerUdf(spark, "netc_predict");
        List<Row> rows = spark.sql("SELECT netc_predict(features) AS p FROM images").collectAsList();
        int[] actual = new int[rows.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = rows.get(i).getInt(0);
        }
        assertArrayEquals(expected, actual);
    }

    @Test
    void theUdfGivesNullForNullAndItsMessagesClaimNoRowOrColumn() {
        // was: a null argument failed the query, and messages said "row 0, column 'features'" whatever the column
        ShippedModel tiny = Spark.tiny();
        float[] w = weights(tiny.model());
        new Scorer(tiny, w, Columns.DEFAULT).registerUdf(spark, "tiny_predict");
        org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType()
                .add("id", org.apache.spark.sql.types.DataTypes.IntegerType)
                .add("pixels", org.apache.spark.sql.types.DataTypes.createArrayType(
                        org.apache.spark.sql.types.DataTypes.DoubleType));
        float[] x = {0.5f, -1f, 0.25f, 2f};
        spark.createDataFrame(List.of(RowFactory.create(1, new Double[] {0.5, -1.0, 0.25, 2.0}),
                RowFactory.create(2, null)), schema).createOrReplaceTempView("tiny_rows");
        List<Row> rows = spark.sql("SELECT id, tiny_predict(pixels) FROM tiny_rows ORDER BY id").collectAsList();
        assertEquals(Predictor.of(tiny.newNetwork(), w).predictClass(x), rows.get(0).getInt(1));
        assertTrue(rows.get(1).isNullAt(1), "null in, null out");

        spark.createDataFrame(List.of(RowFactory.create(1, new Double[] {0.5, -1.0, 0.25, 2.0, 1.0})), schema)
                .createOrReplaceTempView("tiny_wide");
        Exception e = assertThrows(Exception.class,
                () -> spark.sql("SELECT tiny_predict(pixels) FROM tiny_wide").collectAsList());
        assertEquals("tiny_predict: error: its argument: has 5 values, the model's input needs 4",
                SparkErrors.unwrap(e).getMessage());
    }

    @Test
    void theUdfRefusesAnArgumentThatIsNotNumbersAsScoreDoes() {
        // was: a ClassCastException (String cannot be cast to Number) inside Spark's job failure
        ShippedModel tiny = Spark.tiny();
        new Scorer(tiny, weights(tiny.model()), Columns.DEFAULT).registerUdf(spark, "tp");
        java.util.function.Function<String, String> message = argument -> SparkErrors.unwrap(assertThrows(
                Exception.class, () -> spark.sql("SELECT tp(" + argument + ")").collectAsList())).getMessage();
        String prefix = "tp: error: its argument: must be an array of numbers or an ML vector, found ";
        assertEquals(prefix + "array<string>", message.apply("array('a', 'b', 'c', 'd')"));
        assertEquals(prefix + "array<string>", message.apply("array('a', 'b')"));
        assertEquals(prefix + "array<boolean>", message.apply("array(true, false, true, false)"));
        assertEquals(prefix + "array<array<int>>", message.apply("array(array(1), array(2), array(3), array(4))"));
        assertEquals(prefix + "double", message.apply("1.5d"));
        assertEquals(prefix + "string", message.apply("'abcd'"));
    }

    /** {@code n} samples of 4 features and a label for {@link Spark#tiny()}, rows in order. */
    static Dataset<Row> tinyFrame(int n) {
        float[] x = new float[n * 4];
        float[] labels = new float[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) * 0.25f - 0.5f;
        }
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
        }
        return Frames.of(spark, netc.runtime.data.Dataset.ofClasses("tiny", x, labels, 4, 3));
    }

    @Test
    void aFrameThatAlreadyHasAColumnScoringAddsIsRefusedNamingIt() {
        // was: a second column 'prediction' added beside the frame's own, which no later select could tell apart
        ShippedModel tiny = Spark.tiny();
        Scorer scorer = new Scorer(tiny, tiny.model().initialWeights(0), Columns.DEFAULT);
        Dataset<Row> frame = tinyFrame(6);
        assertEquals(List.of("features", "label", "prediction", "probability"),
                List.of(scorer.score(frame).columns()));
        InputException prediction = assertThrows(InputException.class,
                () -> scorer.score(frame.withColumn("prediction", org.apache.spark.sql.functions.lit(1))));
        assertEquals("data: error: there is already a column 'prediction', which scoring adds; rename or drop it first",
                prediction.getMessage());
        InputException probability = assertThrows(InputException.class,
                () -> scorer.score(frame.withColumn("Probability", org.apache.spark.sql.functions.lit(0.5))));
        assertEquals("data: error: column 'Probability' has the name of the column 'probability' that scoring adds, "
                + "as Spark compares names (ignoring case); rename or drop it first", probability.getMessage());
    }

    @Test
    void aFeaturesColumnOfAnotherSizeIsRefusedBeforeScoring() {
        ShippedModel tiny = Spark.tiny();
        Dataset<Row> frame = Frames.of(spark, Spark.fashion().test().slice(0, 10));
        InputException e = assertThrows(InputException.class,
                () -> new Scorer(tiny, tiny.model().initialWeights(0), Columns.DEFAULT).score(frame));
        assertEquals("data: error: column 'features' holds 784 values per row, the model's input x has 4",
                e.getMessage());
    }
}
