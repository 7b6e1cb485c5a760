package netc.runtime.train;

import netc.runtime.Parallel;

/**
 * Plain stochastic gradient descent: {@code w <- w - lr * g}.
 */
public final class Sgd implements Optimizer {

    private final float lr;
    private float factor = 1f;
    private float rate;
    final RangeUpdate update = new RangeUpdate() {
        @Override
        void update(int lo, int hi) {
            float[] p = params;
            float[] g = grad;
            float r = rate;
            for (int i = lo; i < hi; i++) {
                p[i] -= r * g[i];
            }
        }
    };

    /**
     * @param learningRate {@code lr}, > 0
     * @throws netc.runtime.InputException if the learning rate is not a positive number
     */
    public Sgd(double learningRate) {
        this.lr = Hyper.positive("sgd", "learning rate", learningRate);
    }

    /** {@return the base learning rate (before any schedule)} */
    public float learningRate() {
        return lr;
    }

    @Override
    public void step(float[] params, float[] grad) {
        step(params, grad, Parallel.serial());
    }

    @Override
    public void step(float[] params, float[] grad, Parallel pool) {
        Hyper.sameLength(params, grad);
        rate = lr * factor;
        update.run(params, grad, pool);
    }

    @Override
    public void setRateFactor(double value) {
        factor = Hyper.rateFactor(value);
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String toString() {
        return "sgd(lr " + lr + ")";
    }
}
