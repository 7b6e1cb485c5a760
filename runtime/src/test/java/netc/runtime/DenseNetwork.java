package netc.runtime;

import java.util.List;

/**
 * A hand-written network for predictor tests: {@code p = act(W x + b)}, W of shape [outputs, inputs] at offset 0
 * and b after it, with the activation and loss of one of the three loss heads. Like a generated class it keeps its
 * scratch buffer and the caller's arrays in fields during a call, so two threads calling one instance at once can
 * corrupt each other's results; it records the largest batch it was asked for.
 */
final class DenseNetwork implements Network {

    /** The activation and loss. */
    enum Head {
        /** {@code softmax} then {@code cross_entropy} on class labels. */
        SOFTMAX,
        /** One {@code sigmoid} output, {@code binary_cross_entropy} on class[2] labels. */
        SIGMOID,
        /** No activation, {@code squared_error} on real targets. */
        LINEAR
    }

    private final int inputs;
    private final int outputs;
    private final Head head;
    private final ModelSpec spec;
    private float[] scratch = new float[0];
    private float[] w;
    private float[] x;
    int maxBatch;
    int calls;

    DenseNetwork(int inputs, int outputs, Head head) {
        this.inputs = inputs;
        this.outputs = outputs;
        this.head = head;
        List<ParamSpec> params = List.of(new ParamSpec("W", new int[] {outputs, inputs}, 0, Init.XAVIER),
                new ParamSpec("b", new int[] {outputs}, outputs * inputs, Init.ZEROS));
        this.spec = switch (head) {
            case SOFTMAX -> new ModelSpec("dense", "dense.net", "x", new int[] {inputs}, "p", new int[] {outputs},
                    TargetKind.CLASSES, outputs, "cross_entropy", params);
            case SIGMOID -> new ModelSpec("dense", "dense.net", "x", new int[] {inputs}, "p", new int[] {1},
                    TargetKind.CLASSES, 2, "binary_cross_entropy", params);
            case LINEAR -> new ModelSpec("dense", "dense.net", "x", new int[] {inputs}, "y", new int[] {outputs},
                    TargetKind.VALUES, outputs, "squared_error", params);
        };
    }

    @Override
    public ModelSpec spec() {
        return spec;
    }

    @Override
    public void setParallel(Parallel parallel) {
    }

    @Override
    public void forward(float[] params, float[] input, int batch, float[] out) {
        calls++;
        maxBatch = Math.max(maxBatch, batch);
        if (scratch.length < batch * outputs) {
            scratch = new float[batch * outputs];
        }
        w = params;
        x = input;
        for (int n = 0; n < batch; n++) {
            for (int k = 0; k < outputs; k++) {
                float s = w[outputs * inputs + k];
                for (int i = 0; i < inputs; i++) {
                    s += w[k * inputs + i] * x[n * inputs + i];
                }
                scratch[n * outputs + k] = s;
            }
        }
        for (int n = 0; n < batch; n++) {
            int o = n * outputs;
            switch (head) {
                case SOFTMAX -> {
                    float max = Float.NEGATIVE_INFINITY;
                    for (int k = 0; k < outputs; k++) {
                        max = Math.max(max, scratch[o + k]);
                    }
                    float sum = 0;
                    for (int k = 0; k < outputs; k++) {
                        scratch[o + k] = (float) Math.exp(scratch[o + k] - max);
                        sum += scratch[o + k];
                    }
                    for (int k = 0; k < outputs; k++) {
                        out[o + k] = scratch[o + k] / sum;
                    }
                }
                case SIGMOID -> out[n] = (float) (1 / (1 + Math.exp(-scratch[n])));
                case LINEAR -> System.arraycopy(scratch, o, out, o, outputs);
            }
        }
        w = null;
        x = null;
    }

    @Override
    public double lossAndGradient(float[] params, float[] x, float[] y, int batch, float[] grad, float[] out) {
        throw new UnsupportedOperationException("prediction only");
    }

    @Override
    public double loss(float[] params, float[] x, float[] y, int batch) {
        throw new UnsupportedOperationException("prediction only");
    }
}
