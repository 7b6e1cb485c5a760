package netc.spark;

import java.io.Serializable;
import java.util.Map;
import java.util.TreeMap;

/**
 * A sample-weighted sum that partitions build and {@code treeAggregate} merges: the gradient (synchronous mode) or
 * the weights and optimizer state (local SGD) of some samples, with their loss. Sums are kept in double of
 * float-times-count products, which are exact, so that one partition's partial divided by its count gives back its
 * float values bit for bit (the equivalence with the single-machine trainer rests on it), and two partials merge to
 * the same sum in either order (so a retried task, finishing later, changes nothing).
 */
final class Partial implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Samples the partial covers; 0 for the empty partial every merge starts from. */
    long count;
    double lossSum;
    /** Sum over contributions of {@code count * vector}; null while empty. */
    double[] main;
    /** Further vectors by name (optimizer state, running statistics), summed the same way. */
    final Map<String, double[]> extra = new TreeMap<>();
    /** The largest optimizer step count among the contributions (Adam's bias correction). */
    long steps;

    static Partial empty() {
        return new Partial();
    }

    /** A partial of {@code count} samples whose mean values are {@code vector} and {@code extras}. */
    static Partial of(long count, double meanLoss, float[] vector, Map<String, float[]> extras, long steps) {
        Partial p = new Partial();
        if (count == 0) {
            return p;
        }
        p.count = count;
        p.lossSum = meanLoss * count;
        p.main = weighted(vector, count);
        for (Map.Entry<String, float[]> e : extras.entrySet()) {
            p.extra.put(e.getKey(), weighted(e.getValue(), count));
        }
        p.steps = steps;
        return p;
    }

    private static double[] weighted(float[] v, long count) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = (double) v[i] * count;
        }
        return d;
    }

    /** Adds {@code other} to this partial (in place) and returns it. */
    Partial merge(Partial other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        count += other.count;
        lossSum += other.lossSum;
        add(main, other.main);
        for (Map.Entry<String, double[]> e : other.extra.entrySet()) {
            add(extra.get(e.getKey()), e.getValue());
        }
        steps = Math.max(steps, other.steps);
        return this;
    }

    private static void add(double[] into, double[] v) {
        for (int i = 0; i < into.length; i++) {
            into[i] += v[i];
        }
    }

    /** The mean loss. */
    double meanLoss() {
        return lossSum / count;
    }

    /** The sample-weighted mean of the main vector, in floats. */
    float[] mean() {
        return mean(main);
    }

    /** The sample-weighted mean of a further vector, in floats. */
    float[] mean(String name) {
        return mean(extra.get(name));
    }

    private float[] mean(double[] sum) {
        float[] f = new float[sum.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (sum[i] / count);
        }
        return f;
    }
}
