package netc.runtime.train;

import java.util.LinkedHashMap;
import java.util.Map;

import netc.runtime.Parallel;

/**
 * Adam (Kingma and Ba, 2015) with bias correction, in PyTorch's form. At step {@code t = 1, 2, ...}:
 * <pre>
 *   m &larr; beta1 * m + (1 - beta1) * g
 *   v &larr; beta2 * v + (1 - beta2) * g^2
 *   w &larr; w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 * with {@code m} and {@code v} starting at zero. Defaults: {@code lr = 1e-3, beta1 = 0.9, beta2 = 0.999,
 * eps = 1e-8}.
 */
public final class Adam implements Optimizer {

    /** PyTorch's default step size. */
    public static final double DEFAULT_LEARNING_RATE = 1e-3;
    /** PyTorch's default decay of the first moment. */
    public static final double DEFAULT_BETA1 = 0.9;
    /** PyTorch's default decay of the second moment. */
    public static final double DEFAULT_BETA2 = 0.999;
    /** PyTorch's default term added to the denominator. */
    public static final double DEFAULT_EPSILON = 1e-8;

    private final float lr;
    private float factor = 1f;
    private final float beta1;
    private final float beta2;
    private final float eps;
    private final double beta1d;
    private final double beta2d;
    private float[] m;
    private float[] v;
    private long t;
    /** The factors of the current step, set by {@link #step(float[], float[], Parallel)} before the pass. */
    private float c1;
    private float c2;
    private float rate;
    final RangeUpdate update = new RangeUpdate() {
        @Override
        void update(int lo, int hi) {
            float[] p = params;
            float[] gr = grad;
            float[] mm = m;
            float[] vv = v;
            float b1 = beta1;
            float b2 = beta2;
            float a1 = (float) (1 - beta1d); // 0.1f exactly as rounded, not 1 - 0.9f = 0.100000024f
            float a2 = (float) (1 - beta2d);
            float k1 = c1;
            float k2 = c2;
            float r = rate;
            float e = eps;
            for (int i = lo; i < hi; i++) {
                float g = gr[i];
                float mi = b1 * mm[i] + a1 * g;
                float vi = b2 * vv[i] + a2 * g * g;
                mm[i] = mi;
                vv[i] = vi;
                p[i] -= r * (mi * k1) / ((float) Math.sqrt(vi * k2) + e);
            }
        }
    };

    /** Adam with all the defaults. */
    public static Adam defaults() {
        return new Adam(DEFAULT_LEARNING_RATE);
    }

    /** Adam with the default betas and epsilon. */
    public Adam(double learningRate) {
        this(learningRate, DEFAULT_BETA1, DEFAULT_BETA2, DEFAULT_EPSILON);
    }

    /**
     * @throws netc.runtime.InputException naming the setting if a value is out of range: {@code lr > 0},
     *                                     {@code 0 <= beta1, beta2 < 1}, {@code eps > 0}
     */
    public Adam(double learningRate, double beta1, double beta2, double epsilon) {
        this.lr = Hyper.positive("adam", "learning rate", learningRate);
        this.beta1 = Hyper.fraction("adam", "beta1", beta1);
        this.beta2 = Hyper.fraction("adam", "beta2", beta2);
        this.eps = Hyper.positive("adam", "epsilon", epsilon);
        this.beta1d = beta1;
        this.beta2d = beta2;
    }

    /** {@return the base learning rate (before any schedule)} */
    public float learningRate() {
        return lr;
    }

    /** Number of steps taken so far. */
    public long steps() {
        return t;
    }

    @Override
    public void step(float[] params, float[] grad) {
        step(params, grad, Parallel.serial());
    }

    @Override
    public void step(float[] params, float[] grad, Parallel pool) {
        Hyper.sameLength(params, grad);
        if (m == null) {
            m = new float[params.length];
            v = new float[params.length];
        }
        Hyper.sameVector(m, params, name());
        t++;
        // Bias corrections in double: beta2^t is 0.999^t, which float would round badly for small t. StrictMath:
        // the same bits on every JVM (Math.pow may be a JIT intrinsic), so training is reproducible across JDKs.
        c1 = (float) (1 / (1 - StrictMath.pow(beta1d, t)));
        c2 = (float) (1 / (1 - StrictMath.pow(beta2d, t)));
        rate = lr * factor;
        update.run(params, grad, pool);
    }

    @Override
    public void setRateFactor(double value) {
        factor = Hyper.rateFactor(value);
    }

    @Override
    public OptimizerState exportState() {
        if (m == null) {
            // no moments yet, but a step count that an import may have set: kept, so that importing the export
            // gives back exactly this state (the kernel warm-up relies on it)
            return t == 0 ? OptimizerState.NONE : new OptimizerState(Map.of(), t);
        }
        Map<String, float[]> vectors = new LinkedHashMap<>();
        vectors.put("m", m.clone());
        vectors.put("v", v.clone());
        return new OptimizerState(vectors, t);
    }

    @Override
    public void importState(OptimizerState state) {
        float[] first = state.vector(name(), "m", -1, "m", "v");
        float[] second = first == null ? null : state.vector(name(), "v", first.length, "m", "v");
        m = first;
        v = second;
        t = state.steps();
    }

    @Override
    public String name() {
        return "adam";
    }

    @Override
    public String toString() {
        return "adam(lr " + lr + ", beta1 " + beta1 + ", beta2 " + beta2 + ", eps " + eps + ")";
    }
}
