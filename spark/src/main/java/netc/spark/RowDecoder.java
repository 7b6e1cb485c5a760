package netc.spark;

import java.io.Serializable;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;

/**
 * Turns rows into the floats a network takes, and says exactly which row and column is wrong when one is: a
 * malformed row (null, wrong length, a label that is not a class, a NaN) is a mistake in the data, reported as one
 * {@link InputException} naming the 1-based row, the column, what was expected and what was found.
 */
final class RowDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String dataName;
    private final Columns columns;
    private final int inputSize;
    private final boolean classes;
    private final int targetSize;
    /** Whether real targets are probabilities: binary cross-entropy is a cross-entropy only for t in [0, 1]. */
    private final boolean probabilities;

    /**
     * The CSV columns the features column was assembled from, one per value (see {@link DataFiles#read}), or null:
     * a message about one value then names the column the user wrote ({@code row 1, column 'b'}) rather than the
     * assembled column and a position in it.
     */
    private final String[] sourceColumns;

    RowDecoder(String dataName, Columns columns, ModelSpec spec) {
        this(dataName, columns, spec, null);
    }

    /** A decoder of rows of {@code schema}, whose features column may have been assembled from a CSV file's. */
    RowDecoder(String dataName, Columns columns, ModelSpec spec, org.apache.spark.sql.types.StructType schema) {
        this.sourceColumns = schema == null ? null : DataFiles.sourceColumns(schema, columns.features());
        this.dataName = dataName;
        this.columns = columns;
        this.inputSize = spec.inputSize();
        this.classes = spec.targetKind() == TargetKind.CLASSES;
        this.targetSize = spec.targetSize();
        this.probabilities = "binary_cross_entropy".equals(spec.loss());
    }

    /** Values per sample of the target this decoder writes: 1 for a class label. */
    int targetValues() {
        return classes ? 1 : targetSize;
    }

    /** Number of classes of the target, 0 for real values. */
    int classes() {
        return classes ? targetSize : 0;
    }

    /** Writes the features of {@code row} (the {@code rowNumber}-th, 1-based) to {@code x[offset ..]}. */
    void features(Row row, int featuresIndex, long rowNumber, float[] x, int offset) {
        values(row, featuresIndex, place(rowNumber, columns.features()), sourceColumns, rowNumber, inputSize, x,
                offset, "the model's input needs");
    }

    /**
     * Writes the features a SQL function was given to {@code x[0 ..]}: {@code value} is not null. A function sees
     * neither the row nor the column, so a message names only "its argument" (the decoder's data name is the
     * function's).
     */
    void argument(Object value, float[] x) {
        values(value, "its argument", null, 0, inputSize, x, 0, "the model's input needs");
    }

    /** Writes the target of {@code row} to {@code y[offset ..]}. */
    void target(Row row, int targetIndex, long rowNumber, float[] y, int offset) {
        String place = place(rowNumber, columns.target());
        if (!classes) {
            values(row, targetIndex, place, null, 0, targetSize, y, offset, "the model's target needs");
            for (int i = 0; probabilities && i < targetSize; i++) {
                float t = y[offset + i];
                if (!(t >= 0 && t <= 1)) {
                    throw bad(place, "value " + i + " is " + t + ", expected a probability in "
                            + "[0, 1] (the model's loss is binary_cross_entropy)");
                }
            }
            return;
        }
        if (row.isNullAt(targetIndex)) {
            throw bad(place, "expected a class label in [0, " + targetSize + "), found null");
        }
        Number given = (Number) row.get(targetIndex);
        double label = given.doubleValue();
        if (!(label >= 0 && label < targetSize && label == Math.rint(label))) {
            throw bad(place, "expected a class label in [0, " + targetSize + "), found " + labelText(given, label));
        }
        y[offset] = (float) label;
    }

    /** {@link #values(Object, String, String[], long, int, float[], int, String)} of a row's column, not null. */
    private void values(Row row, int index, String place, String[] names, long rowNumber, int size, float[] out,
                        int offset, String needs) {
        if (row.isNullAt(index)) {
            throw bad(place, "expected " + size + " values, found null");
        }
        values(row.get(index), place, names, rowNumber, size, out, offset, needs);
    }

    /**
     * @param names the column each value was read from ({@link #sourceColumns}), or null: a message about one value
     *              then names its column in row {@code rowNumber} instead of the value's position in {@code place}
     */
    private void values(Object v, String place, String[] names, long rowNumber, int size, float[] out, int offset,
                        String needs) {
        boolean named = names != null && names.length == size;
        int found;
        if (v instanceof Vector vector) {
            found = vector.size();
            if (found == size) {
                for (int i = 0; i < size; i++) {
                    out[offset + i] = (float) vector.apply(i);
                }
            }
        } else if (v instanceof scala.collection.Seq<?> seq) {
            found = seq.length();
            if (found == size) {
                scala.collection.Iterator<?> it = seq.iterator();
                for (int i = 0; i < size; i++) {
                    Object e = it.next();
                    if (e == null) {
                        throw named ? bad(place(rowNumber, names[i]), "is empty")
                                : bad(place, "value " + i + " is null");
                    }
                    if (!(e instanceof Number number)) {
                        throw notNumbers(place, v);
                    }
                    out[offset + i] = number.floatValue();
                }
            } else {
                // what it holds matters more than how many: an array of strings is wrong at any length
                scala.collection.Iterator<?> it = seq.iterator();
                while (it.hasNext()) {
                    Object e = it.next();
                    if (e != null && !(e instanceof Number)) {
                        throw notNumbers(place, v);
                    }
                }
            }
        } else {
            throw notNumbers(place, v);
        }
        if (found != size) {
            throw bad(place, "has " + found + " values, " + needs + " " + size);
        }
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(out[offset + i])) {
                // the value as given: a double such as 1e39 is finite, only its float is infinite
                Number given = v instanceof Vector vector ? (Number) vector.apply(i)
                        : (Number) ((scala.collection.Seq<?>) v).apply(i);
                boolean overflows = given instanceof java.math.BigDecimal || Double.isFinite(given.doubleValue());
                String why = given + (overflows ? ", beyond the float range" : ", expected a finite number");
                throw named ? bad(place(rowNumber, names[i]), "is " + why) : bad(place, "value " + i + " is " + why);
            }
        }
    }

    /**
     * A value that is not an array of numbers or a vector: a SQL function takes any argument, so this is where a
     * function's argument of another type is refused (a column's type is checked from the schema before any job).
     */
    private InputException notNumbers(String place, Object v) {
        return bad(place, "must be an array of numbers or an ML vector, found " + sqlType(v));
    }

    /** The SQL type name of a value as Spark hands it to Java code: array<string>, boolean, array<array<int>> ... */
    static String sqlType(Object v) {
        if (v instanceof scala.collection.Seq<?> seq) {
            scala.collection.Iterator<?> it = seq.iterator();
            while (it.hasNext()) {
                Object e = it.next();
                if (e != null) {
                    return "array<" + sqlType(e) + ">";
                }
            }
            return "array";
        }
        if (v instanceof scala.collection.Map<?, ?>) {
            return "map";
        }
        if (v instanceof Row) {
            return "struct";
        }
        if (v instanceof byte[]) {
            return "binary";
        }
        if (v instanceof java.sql.Date || v instanceof java.time.LocalDate) {
            return "date";
        }
        if (v instanceof java.sql.Timestamp || v instanceof java.time.Instant
                || v instanceof java.time.LocalDateTime) {
            return "timestamp";
        }
        return switch (v.getClass().getSimpleName()) {
            case "Byte" -> "tinyint";
            case "Short" -> "smallint";
            case "Integer" -> "int";
            case "Long" -> "bigint";
            case "BigDecimal" -> "decimal";
            default -> v.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /**
     * A label as given: an integer type as it is, a whole number of a floating type without its ".0" where a long
     * holds it exactly (not 1e39 as Long.MAX_VALUE), any other as a double.
     */
    private static String labelText(Number given, double label) {
        if (given instanceof Long || given instanceof Integer || given instanceof Short || given instanceof Byte) {
            return given.toString();
        }
        return label == Math.rint(label) && Math.abs(label) < 0x1p53 ? Long.toString((long) label)
                : Double.toString(label);
    }

    /** Where a value is: the 1-based row and the column. */
    private static String place(long rowNumber, String column) {
        return "row " + rowNumber + ", column '" + column + "'";
    }

    private InputException bad(String place, String what) {
        return new InputException(dataName, place + ": " + what);
    }
}
