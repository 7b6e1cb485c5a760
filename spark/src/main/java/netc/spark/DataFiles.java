package netc.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

import netc.runtime.InputException;

/**
 * Reads the command line's {@code --data}: Parquet (a file or a directory, the features column as an array or vector),
 * or CSV with a header row, whose label column is the target and every other column one feature, in order.
 */
final class DataFiles {

    private DataFiles() {
    }

    /** Fails for a local path that does not exist: checked before a session starts, which takes seconds. */
    static void requireExists(String path) {
        if (path != null && !path.contains("://") && !new java.io.File(path).exists()) {
            throw new InputException(path, "no such file or directory");
        }
    }

    /** A plain decimal number, as a data cell holds one (Spark appends an index to repeated header names). */
    private static final java.util.regex.Pattern NUMBER =
            java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    /**
     * Spark takes the first row as the header: a first row of numbers alone is a data row, which would be lost
     * silently (and the label column not found), so it is refused.
     */
    static void requireHeader(String[] names, String path, Columns columns) {
        for (String name : names) {
            if (name == null || !NUMBER.matcher(name.strip()).matches()) {
                return;
            }
        }
        throw new InputException(path, "the first row holds only numbers, so it is data, not the header row a CSV file "
                + "needs here (the label column '" + columns.target() + "', then a name per feature); add a header "
                + "row, or convert the data to Parquet");
    }

    static Dataset<Row> read(SparkSession spark, String path, Columns columns) {
        requireExists(path);
        if (!Main.isCsv(path)) {
            return spark.read().parquet(path);
        }
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "true").csv(path);
        requireHeader(csv.columns(), path, columns);
        List<Column> features = new ArrayList<>();
        for (String name : csv.columns()) {
            if (!name.equals(columns.target())) {
                features.add(functions.col("`" + name.replace("`", "``") + "`"));
            }
        }
        if (features.isEmpty()) {
            throw new InputException(path, "the CSV file has no feature columns besides '" + columns.target() + "'");
        }
        Column array = functions.array(features.toArray(new Column[0]))
                .cast(DataTypes.createArrayType(DataTypes.FloatType));
        if (java.util.Arrays.asList(csv.columns()).contains(columns.target())) {
            return csv.select(array.as(columns.features()), functions.col(columns.target()));
        }
        return csv.select(array.as(columns.features()));
    }
}
