package netc.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * Which columns of a DataFrame hold a sample: the features (an {@code array<float>}, {@code array<double>} or ML
 * {@code Vector}, the input flattened in row-major order, e.g. a 28x28 image as 784 values) and the target (an integer
 * class label, or for a model with real-valued targets an array or vector of values).
 *
 * @param features the features column
 * @param target   the label or target column; null for scoring, which needs none
 */
public record Columns(String features, String target) implements Serializable {
    /** The default names, {@code features} and {@code label}, as Spark ML uses them. */
    public static final Columns DEFAULT = new Columns("features", "label");

    /** @throws NullPointerException if {@code features} is null */
    public Columns {
        Objects.requireNonNull(features, "features");
    }
}
