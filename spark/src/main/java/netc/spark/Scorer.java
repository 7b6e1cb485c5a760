package netc.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import netc.runtime.ModelSpec;
import netc.runtime.Predictor;
import netc.runtime.TargetKind;

/**
 * Scores DataFrames with trained weights on the executors: rows go through the generated {@code forward} in batches of
 * {@value Predictor#CHUNK} (a {@link Predictor} per partition), and the outputs come back as new columns, the same
 * values {@link Predictor} gives on one machine. A class model adds {@code prediction} (the class, int) and, where the
 * outputs are probabilities, {@code probability} ({@code array<float>}); a model with real-valued targets adds
 * {@code output} ({@code array<float>}). A DataFrame that already has a column of one of those names is refused,
 * naming it (Spark would add a second column of the same name). Also usable from SQL through {@link #registerUdf}.
 */
public final class Scorer {

    private final ShippedModel model;
    private final float[] weights;
    private final Columns columns;

    /**
     * @param model   the model
     * @param weights trained parameters, {@link ModelSpec#paramCount()} floats (copied)
     * @param columns where the features are; the target column is not needed
     */
    public Scorer(ShippedModel model, float[] weights, Columns columns) {
        ModelSpec spec = model.model().spec();
        if (weights.length != spec.paramCount()) {
            throw new IllegalArgumentException("weights has " + weights.length + " floats, network " + spec.name()
                    + " needs " + spec.paramCount());
        }
        this.model = model;
        this.weights = weights.clone();
        this.columns = columns;
    }

    /**
     * {@code data} with the prediction columns added after its own.
     *
     * @throws netc.runtime.InputException if the features column does not fit the model (from the schema, before any
     *                                     job, where the column declares its size), or if {@code data} already has a
     *                                     column of a name scoring adds ({@code prediction}, {@code probability},
     *                                     {@code output}; compared as Spark compares column names)
     */
    public Dataset<Row> score(Dataset<Row> data) {
        return score(data, "data");
    }

    /** {@link #score(Dataset)}, naming the data {@code dataName} in its messages (a path, for the command line). */
    Dataset<Row> score(Dataset<Row> data, String dataName) {
        ModelSpec spec = model.model().spec();
        SchemaCheck.require(dataName, data.schema(), columns, spec, false);
        StructType in = data.schema();
        boolean classes = spec.targetKind() == TargetKind.CLASSES;
        boolean probabilities = Predictor.of(model.newNetwork(), weights).hasProbabilities();
        StructType out = in;
        DataType floats = DataTypes.createArrayType(DataTypes.FloatType, false);
        if (classes) {
            out = out.add(new StructField("prediction", DataTypes.IntegerType, false, Metadata.empty()));
            if (probabilities) {
                out = out.add(new StructField("probability", floats, false, Metadata.empty()));
            }
        } else {
            out = out.add(new StructField("output", floats, false, Metadata.empty()));
        }
        boolean caseSensitive = Boolean.parseBoolean(data.sparkSession().conf().get("spark.sql.caseSensitive",
                "false"));
        for (int i = in.size(); i < out.size(); i++) {
            SchemaCheck.requireNew(dataName, in, out.fields()[i].name(), caseSensitive);
        }
        int featuresIndex = in.fieldIndex(columns.features());
        ShippedModel m = model;
        float[] w = weights;
        Columns c = columns;
        MapPartitionsFunction<Row, Row> fn = rows -> scorePartition(m, w, new RowDecoder(dataName + ", partition "
                + TaskContext.getPartitionId(), c, m.model().spec(), in), featuresIndex, classes, probabilities, rows);
        return data.mapPartitions(fn, Encoders.row(out));
    }

    private static Iterator<Row> scorePartition(ShippedModel model, float[] weights, RowDecoder decoder,
                                                int featuresIndex, boolean classes, boolean probabilities,
                                                Iterator<Row> rows) {
        Predictor predictor = Predictor.of(model.newNetwork(), weights);
        int inputSize = predictor.spec().inputSize();
        int outputSize = predictor.spec().outputSize();
        int chunk = Predictor.CHUNK;
        // lazily, one batch at a time: a partition is never held in memory whole
        return new Iterator<>() {
            private final List<Row> batch = new ArrayList<>(chunk);
            private final float[] x = new float[chunk * inputSize];
            private List<Row> ready = List.of();
            private int next;
            private long rowNumber;

            @Override
            public boolean hasNext() {
                if (next < ready.size()) {
                    return true;
                }
                if (!rows.hasNext()) {
                    return false;
                }
                fill();
                return next < ready.size();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                return ready.get(next++);
            }

            private void fill() {
                batch.clear();
                while (batch.size() < chunk && rows.hasNext()) {
                    Row r = rows.next();
                    decoder.features(r, featuresIndex, ++rowNumber, x, batch.size() * inputSize);
                    batch.add(r);
                }
                int count = batch.size();
                float[] in = count == chunk ? x : java.util.Arrays.copyOf(x, count * inputSize);
                float[] outputs = predictor.predict(in, count);
                int[] predicted = classes ? predictor.predictClasses(in, count) : null;
                float[] probs = classes && probabilities ? predictor.probabilities(in, count) : null;
                int pc = probs == null ? 0 : probs.length / count;
                List<Row> out = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    Row r = batch.get(i);
                    Object[] values = new Object[r.size() + (classes && probabilities ? 2 : 1)];
                    for (int j = 0; j < r.size(); j++) {
                        values[j] = r.get(j);
                    }
                    if (classes) {
                        values[r.size()] = predicted[i];
                        if (probabilities) {
                            values[r.size() + 1] = slice(probs, i * pc, pc);
                        }
                    } else {
                        values[r.size()] = slice(outputs, i * outputSize, outputSize);
                    }
                    out.add(RowFactory.create(values));
                }
                ready = out;
                next = 0;
            }
        };
    }

    /** One predictor per deserialised copy (per task or UDF instance), made on first use on the executor. */
    private static final class LazyPredictor implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final ShippedModel model;
        private final float[] weights;
        private transient Predictor predictor;

        LazyPredictor(ShippedModel model, float[] weights) {
            this.model = model;
            this.weights = weights;
        }

        synchronized Predictor get() {
            if (predictor == null) {
                predictor = Predictor.pooled(model::newNetwork, weights);
            }
            return predictor;
        }
    }

    private static float[] slice(float[] v, int from, int count) {
        float[] s = new float[count];
        System.arraycopy(v, from, s, 0, count);
        return s;
    }

    /**
     * Registers a SQL function {@code name(features)}: the predicted class (int) of a class model, or the outputs
     * ({@code array<float>}) of a model with real-valued targets. Takes an array of numbers or an ML vector; null
     * gives null, as SQL functions do. A malformed argument fails the query with an
     * {@link netc.runtime.InputException} (inside Spark's) that names the function and what is wrong with its
     * argument: the function sees neither the row nor the column.
     */
    public void registerUdf(SparkSession spark, String name) {
        ModelSpec spec = model.model().spec();
        boolean classes = spec.targetKind() == TargetKind.CLASSES;
        RowDecoder decoder = new RowDecoder(name, columns, spec);
        int inputSize = spec.inputSize();
        LazyPredictor predictor = new LazyPredictor(model, weights);
        UDF1<Object, Object> udf = features -> {
            if (features == null) {
                return null;
            }
            float[] x = new float[inputSize];
            decoder.argument(features, x);
            Predictor p = predictor.get();
            return classes ? (Object) p.predictClass(x) : p.predict(x);
        };
        spark.udf().register(name, udf, classes ? DataTypes.IntegerType
                : DataTypes.createArrayType(DataTypes.FloatType, false));
    }
}
