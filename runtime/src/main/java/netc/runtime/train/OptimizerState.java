package netc.runtime.train;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import netc.runtime.InputException;

/**
 * What an {@link Optimizer} has accumulated over a run, beyond its settings: named vectors at the parameters'
 * offsets (momentum's {@code velocity}, Adam's {@code m} and {@code v}) and a step count (Adam's {@code t}, which
 * its bias correction depends on). A checkpoint stores it so that a resumed run takes exactly the steps the
 * uninterrupted run would have taken.
 *
 * @param vectors state vectors by name, each as long as the parameter vector; empty before the first step and for
 *                stateless optimizers such as {@link Sgd}
 * @param steps   steps the optimizer counts itself (0 when it keeps no count)
 */
public record OptimizerState(Map<String, float[]> vectors, long steps) {

    /** The state of an optimizer that has taken no step. */
    public static final OptimizerState NONE = new OptimizerState(Map.of(), 0);

    /** Keeps an unmodifiable, insertion-ordered copy of the map (the arrays themselves are not copied). */
    public OptimizerState {
        vectors = Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be >= 0, got " + steps);
        }
    }

    /**
     * The vector {@code name} as a copy, or null when the state has none (the optimizer had not stepped yet).
     *
     * @throws InputException if the vectors are not exactly {@code names} or one has the wrong length
     */
    float[] vector(String optimizer, String name, int length, String... names) {
        if (vectors.isEmpty()) {
            return null;
        }
        if (!vectors.keySet().equals(Set.of(names))) {
            throw new InputException(optimizer, "optimizer state holds " + vectors.keySet() + ", expected "
                    + Arrays.toString(names));
        }
        float[] v = vectors.get(name);
        if (length >= 0 && v.length != length) {
            throw new InputException(optimizer, "optimizer state " + name + " has " + v.length + " values, expected "
                    + length);
        }
        return v.clone();
    }
}
