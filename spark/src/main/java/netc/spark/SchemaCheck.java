package netc.spark;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;

/**
 * What can be checked on the driver from a DataFrame's schema alone, before any job runs: the columns exist and have
 * usable types, and, where the column says how many values it holds (Spark ML's attribute metadata, which
 * {@code VectorAssembler} and netc-spark's Parquet helper write), that this is the model's input size.
 */
final class SchemaCheck {

    /** Spark ML's metadata key of an attribute group, and its count of values. */
    private static final String ML_ATTR = "ml_attr";
    private static final String NUM_ATTRS = "num_attrs";

    private SchemaCheck() {
    }

    /**
     * @param needTarget whether the target column must be there (training, evaluation) or not (scoring)
     * @throws InputException naming the data, the column, and expected versus found
     */
    static void require(String dataName, StructType schema, Columns columns, ModelSpec spec, boolean needTarget) {
        StructField features = field(dataName, schema, columns.features());
        requireValues(dataName, features, spec.inputSize(), "the model's input " + spec.inputName() + " has");
        if (!needTarget) {
            return;
        }
        if (columns.target() == null) {
            throw new InputException(dataName, "no target column given");
        }
        StructField target = field(dataName, schema, columns.target());
        if (spec.targetKind() == TargetKind.CLASSES) {
            if (!(target.dataType() instanceof NumericType)) {
                throw new InputException(dataName, "column '" + target.name() + "' must hold class labels (a number), "
                        + "found " + target.dataType().simpleString());
            }
        } else {
            requireValues(dataName, target, spec.targetSize(), "the model's target has");
        }
    }

    /**
     * Refuses a DataFrame that already has a column {@code name}, which scoring adds: Spark would add a second one of
     * the same name, which a later select or a Parquet write cannot tell apart.
     *
     * @param caseSensitive whether Spark compares column names with case ({@code spark.sql.caseSensitive})
     */
    static void requireNew(String dataName, StructType schema, String name, boolean caseSensitive) {
        for (String have : schema.fieldNames()) {
            if (have.equals(name)) {
                throw new InputException(dataName, "there is already a column '" + name + "', which scoring adds; "
                        + "rename or drop it first");
            }
            if (!caseSensitive && have.equalsIgnoreCase(name)) {
                throw new InputException(dataName, "column '" + have + "' has the name of the column '" + name
                        + "' that scoring adds, as Spark compares names (ignoring case); rename or drop it first");
            }
        }
    }

    /** The number of values the column's metadata declares, or -1 if it declares none. */
    static int declaredSize(StructField field) {
        // Read by hand: AttributeGroup.fromStructField accepts only vector columns, and arrays carry the same key.
        Metadata m = field.metadata();
        if (!m.contains(ML_ATTR)) {
            return -1;
        }
        Metadata group = m.getMetadata(ML_ATTR);
        return group.contains(NUM_ATTRS) ? (int) group.getLong(NUM_ATTRS) : -1;
    }

    private static StructField field(String dataName, StructType schema, String name) {
        for (StructField f : schema.fields()) {
            if (f.name().equals(name)) {
                return f;
            }
        }
        throw new InputException(dataName, "no column '" + name + "'; the columns are "
                + String.join(", ", schema.fieldNames()));
    }

    private static void requireValues(String dataName, StructField field, int size, String what) {
        DataType type = field.dataType();
        boolean array = type instanceof ArrayType a && a.elementType() instanceof NumericType;
        if (!array && !(type instanceof VectorUDT)) {
            throw new InputException(dataName, "column '" + field.name() + "' must be an array of numbers or an ML "
                    + "vector, found " + type.simpleString());
        }
        int declared = declaredSize(field);
        if (declared >= 0 && declared != size) {
            throw new InputException(dataName, "column '" + field.name() + "' holds " + declared + " values per row, "
                    + what + " " + size);
        }
    }

    /** Metadata declaring that a column holds {@code size} values per row, as Spark ML writes it. */
    static Metadata sizeMetadata(String column, int size) {
        return new AttributeGroup(column, size).toMetadata();
    }
}
