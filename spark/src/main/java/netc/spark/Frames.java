package netc.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runtime data sets as DataFrames: a {@code features} column of {@code array<float>} that declares its length in
 * Spark ML's metadata (so a model of another input size is refused from the schema, before any job), and a
 * {@code label} column of {@code int} (class data) or {@code array<float>} (real targets).
 */
public final class Frames {

    private Frames() {
    }

    /** The schema {@link #of} gives a data set with {@code inputSize} inputs and class labels. */
    public static StructType classSchema(int inputSize) {
        return new StructType(new StructField[] {
            new StructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false,
                    SchemaCheck.sizeMetadata("features", inputSize)),
            new StructField("label", DataTypes.IntegerType, false, Metadata.empty())
        });
    }

    /** {@code data} as a DataFrame, rows in sample order. */
    public static Dataset<Row> of(SparkSession spark, netc.runtime.data.Dataset data) {
        int in = data.inputSize();
        int tv = data.targetValues();
        StructType schema = data.hasClasses() ? classSchema(in) : new StructType(new StructField[] {
            new StructField("features", DataTypes.createArrayType(DataTypes.FloatType, false), false,
                    SchemaCheck.sizeMetadata("features", in)),
            new StructField("label", DataTypes.createArrayType(DataTypes.FloatType, false), false,
                    SchemaCheck.sizeMetadata("label", tv))
        });
        List<Row> rows = new ArrayList<>(data.n());
        float[] x = data.x();
        float[] y = data.y();
        for (int i = 0; i < data.n(); i++) {
            // primitive arrays: Spark converts them to array<float> without a boxed Float per value
            float[] f = java.util.Arrays.copyOfRange(x, i * in, (i + 1) * in);
            Object label = data.hasClasses() ? (Object) (int) y[i] : java.util.Arrays.copyOfRange(y, i * tv, (i + 1) * tv);
            rows.add(RowFactory.create(f, label));
        }
        return spark.createDataFrame(rows, schema);
    }
}
