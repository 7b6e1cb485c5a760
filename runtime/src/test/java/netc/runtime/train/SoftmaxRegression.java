package netc.runtime.train;

import static netc.runtime.train.Specs.classifier;
import static netc.runtime.train.Specs.params;

import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;

/**
 * A hand-written network for trainer tests: {@code p = softmax(W x + b)} with cross-entropy loss, W of shape
 * [classes, inputs] at offset 0 and b after it. Gradient: {@code dz = (p - onehot(y)) / batch}, {@code dW = dz x^T},
 * {@code db = sum over the batch of dz}.
 */
final class SoftmaxRegression implements Network {

    private final int inputs;
    private final int classes;
    private final ModelSpec spec;
    Parallel parallel = Parallel.serial();

    SoftmaxRegression(int inputs, int classes) {
        this(new int[] {inputs}, classes);
    }

    /** With an input of {@code shape} (an image [C, H, W], say), read as a vector of its size. */
    SoftmaxRegression(int[] shape, int classes) {
        int size = 1;
        for (int d : shape) {
            size *= d;
        }
        this.inputs = size;
        this.classes = classes;
        ModelSpec flat = classifier("softmax", size, classes, params("W", new int[] {classes, size}, Init.XAVIER,
                "b", new int[] {classes}, Init.ZEROS));
        this.spec = new ModelSpec(flat.name(), flat.sourceFile(), flat.inputName(), shape, flat.outputName(),
                flat.outputShape(), flat.targetKind(), flat.targetSize(), flat.loss(), flat.params());
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void setParallel(Parallel p) {
        this.parallel = p;
    }

    @Override
    public void forward(float[] params, float[] x, int batch, float[] out) {
        int bOffset = classes * inputs;
        for (int n = 0; n < batch; n++) {
            double max = Double.NEGATIVE_INFINITY;
            double[] z = new double[classes];
            for (int k = 0; k < classes; k++) {
                double s = params[bOffset + k];
                for (int i = 0; i < inputs; i++) {
                    s += params[k * inputs + i] * x[n * inputs + i];
                }
                z[k] = s;
                max = Math.max(max, s);
            }
            double sum = 0;
            for (int k = 0; k < classes; k++) {
                z[k] = Math.exp(z[k] - max);
                sum += z[k];
            }
            for (int k = 0; k < classes; k++) {
                out[n * classes + k] = (float) (z[k] / sum);
            }
        }
    }

    @Override
    public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad, float[] out) {
        float[] p = out != null ? out : new float[batch * classes];
        forward(params, x, batch, p);
        java.util.Arrays.fill(grad, 0f);
        int bOffset = classes * inputs;
        double loss = 0;
        for (int n = 0; n < batch; n++) {
            int label = (int) y[n];
            loss -= Math.log(Math.max(p[n * classes + label], 1e-30));
            for (int k = 0; k < classes; k++) {
                float dz = (p[n * classes + k] - (k == label ? 1f : 0f)) / batch;
                grad[bOffset + k] += dz;
                for (int i = 0; i < inputs; i++) {
                    grad[k * inputs + i] += dz * x[n * inputs + i];
                }
            }
        }
        return loss / batch;
    }

    @Override
    public double loss(float[] params, float[] x, float[] y, int batch) {
        float[] p = new float[batch * classes];
        forward(params, x, batch, p);
        double loss = 0;
        for (int n = 0; n < batch; n++) {
            loss -= Math.log(Math.max(p[n * classes + (int) y[n]], 1e-30));
        }
        return loss / batch;
    }
}
