package netc.runtime.train;

import java.util.Map;

import netc.runtime.Parallel;

/**
 * Stochastic gradient descent with (heavy-ball) momentum, in PyTorch's form:
 * <pre>
 *   v &larr; mu * v + g
 *   w &larr; w - lr * v
 * </pre>
 * with {@code v} starting at zero. {@code mu} is 0.9 by default.
 */
public final class Momentum implements Optimizer {

    /** The usual momentum coefficient. */
    public static final double DEFAULT_MOMENTUM = 0.9;

    private final float lr;
    private float factor = 1f;
    private final float mu;
    private float[] velocity;
    private float rate;
    final RangeUpdate update = new RangeUpdate() {
        @Override
        void update(int lo, int hi) {
            float[] p = params;
            float[] g = grad;
            float[] v = velocity;
            float r = rate;
            float m = mu;
            for (int i = lo; i < hi; i++) {
                float vi = m * v[i] + g[i];
                v[i] = vi;
                p[i] -= r * vi;
            }
        }
    };

    /** Momentum 0.9 with the given learning rate. */
    public Momentum(double learningRate) {
        this(learningRate, DEFAULT_MOMENTUM);
    }

    /**
     * @param learningRate {@code lr}, > 0
     * @param momentum     {@code mu}, in {@code [0, 1)}
     * @throws netc.runtime.InputException naming the setting if a value is out of range
     */
    public Momentum(double learningRate, double momentum) {
        this.lr = Hyper.positive("momentum", "learning rate", learningRate);
        this.mu = Hyper.fraction("momentum", "momentum", momentum);
    }

    /** {@return the base learning rate (before any schedule)} */
    public float learningRate() {
        return lr;
    }

    /** {@return the momentum factor {@code mu}} */
    public float momentum() {
        return mu;
    }

    @Override
    public void step(float[] params, float[] grad) {
        step(params, grad, Parallel.serial());
    }

    @Override
    public void step(float[] params, float[] grad, Parallel pool) {
        Hyper.sameLength(params, grad);
        if (velocity == null) {
            velocity = new float[params.length];
        }
        Hyper.sameVector(velocity, params, name());
        rate = lr * factor;
        update.run(params, grad, pool);
    }

    @Override
    public void setRateFactor(double value) {
        factor = Hyper.rateFactor(value);
    }

    @Override
    public OptimizerState exportState() {
        return velocity == null ? OptimizerState.NONE
                : new OptimizerState(Map.of("velocity", velocity.clone()), 0);
    }

    @Override
    public void importState(OptimizerState state) {
        velocity = state.vector(name(), "velocity", -1, "velocity");
    }

    @Override
    public String name() {
        return "momentum";
    }

    @Override
    public String toString() {
        return "momentum(lr " + lr + ", momentum " + mu + ")";
    }
}
