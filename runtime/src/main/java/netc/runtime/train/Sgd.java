package netc.runtime.train;

/**
 * Plain stochastic gradient descent: {@code w <- w - lr * g}.
 */
public final class Sgd implements Optimizer {

    private final float lr;
    private float factor = 1f;

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
        Hyper.sameLength(params, grad);
        float rate = lr * factor;
        for (int i = 0; i < params.length; i++) {
            params[i] -= rate * grad[i];
        }
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
