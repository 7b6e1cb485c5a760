package netc.spark;

import java.util.ArrayList;
import java.util.List;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import netc.runtime.InputException;
import netc.runtime.data.CsvReader;

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

    /**
     * Refuses a cell that is not a number, naming its row, column and text. Spark's cast of such a cell fails inside
     * the job (ANSI mode) with a stack trace and no file name; but schema inference has already read every cell, and
     * a column it found numeric holds only numbers (and empty cells). So valid data costs nothing here; only a column
     * of another type (string, boolean, date ...) is searched for its first bad cell, a second pass over the data
     * that only a file with a mistake (or an entirely empty column) pays.
     */
    private static void requireNumbers(Dataset<Row> csv, String path) {
        List<String> suspect = new ArrayList<>();
        for (StructField f : csv.schema().fields()) {
            if (!(f.dataType() instanceof NumericType)) {
                suspect.add(f.name());
            }
        }
        if (suspect.isEmpty()) {
            return;
        }
        // per suspect column: its text, and whether that is a cell Spark's cast to double refuses
        List<Column> cells = new ArrayList<>();
        for (String name : suspect) {
            Column text = col(name).cast(DataTypes.StringType);
            cells.add(text);
            cells.add(text.isNotNull().and(functions.expr("try_cast(cast(" + quoted(name)
                    + " as string) as double)").isNull()));
        }
        int n = suspect.size();
        List<scala.Tuple2<Row, Long>> bad = csv.select(cells.toArray(new Column[0])).javaRDD().zipWithIndex()
                .filter(r -> {
                    for (int i = 0; i < n; i++) {
                        if (r._1().getBoolean(2 * i + 1)) {
                            return true;
                        }
                    }
                    return false;
                }).take(1);
        if (bad.isEmpty()) {
            return; // e.g. a column with no value at all: reported per row as empty when decoded
        }
        Row row = bad.get(0)._1();
        for (int i = 0; i < n; i++) {
            if (row.getBoolean(2 * i + 1)) {
                throw new InputException(path, "row " + (bad.get(0)._2() + 1) + ", column '" + suspect.get(i)
                        + "': \"" + CsvReader.shown(row.getString(2 * i)) + "\" is not a number");
            }
        }
    }

    private static String quoted(String name) {
        return "`" + name.replace("`", "``") + "`";
    }

    private static Column col(String name) {
        return functions.col(quoted(name));
    }

    static Dataset<Row> read(SparkSession spark, String path, Columns columns) {
        requireExists(path);
        if (!Main.isCsv(path)) {
            return spark.read().parquet(path);
        }
        Dataset<Row> csv = spark.read().option("header", "true").option("inferSchema", "true").csv(path);
        requireHeader(csv.columns(), path, columns);
        requireNumbers(csv, path);
        List<Column> features = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (String name : csv.columns()) {
            if (!name.equals(columns.target())) {
                // doubles, not floats: the decoder reports a value beyond the float range as the file gives it
                features.add(col(name).cast(DataTypes.DoubleType));
                names.add(name);
            }
        }
        if (features.isEmpty()) {
            throw new InputException(path, "the CSV file has no feature columns besides '" + columns.target() + "'");
        }
        Metadata assembled = new MetadataBuilder().putStringArray(SOURCE_COLUMNS, names.toArray(new String[0]))
                .build();
        Column array = functions.array(features.toArray(new Column[0])).as(columns.features(), assembled);
        if (java.util.Arrays.asList(csv.columns()).contains(columns.target())) {
            return csv.select(array, functions.col(columns.target()));
        }
        return csv.select(array);
    }

    /** The metadata key of the CSV columns a features column was assembled from, one per value. */
    private static final String SOURCE_COLUMNS = "netc_csv_columns";

    /**
     * The names of the columns {@code read} assembled the column {@code features} of {@code schema} from, one per
     * value, so that a message names the column the user wrote rather than the assembled one; null for any other
     * column.
     */
    static String[] sourceColumns(StructType schema, String features) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(features)) {
                return f.metadata().contains(SOURCE_COLUMNS) ? f.metadata().getStringArray(SOURCE_COLUMNS) : null;
            }
        }
        return null;
    }
}
