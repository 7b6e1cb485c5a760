package netc.runtime.train;

import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.TargetKind;
import netc.runtime.data.Dataset;

/**
 * Measures mean loss and accuracy of a network over a whole data set, in batches.
 *
 * <p>The predicted class of a sample is the index of the largest output (the first one on ties); a network with a
 * single output (a sigmoid for two classes) predicts class 1 iff the output is above 0.5. NaN outputs never win, and
 * a sample whose outputs are all NaN counts as wrong (see {@link #predictedClass}). Sums are kept in double.
 * Outputs come from {@link Network#forwardPrepared}, as {@code Predictor} computes them, so the accuracy counts the
 * classes a predictor gives. Not thread-safe: it uses the network, which owns scratch buffers.
 */
public final class Evaluator {

    private final Network network;
    private final int batchSize;

    /**
     * @param batchSize samples per call; any positive size gives the same classes, and the same loss up to the
     *                  rounding of its sum
     */
    public Evaluator(Network network, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        }
        this.network = network;
        this.batchSize = batchSize;
    }

    /**
     * Mean loss and accuracy of {@code params} on {@code data}.
     *
     * @throws netc.runtime.InputException if the data does not fit the network
     */
    public Evaluation evaluate(float[] params, Dataset data) {
        ModelSpec spec = network.spec();
        data.requireFits(spec);
        boolean classes = spec.targetKind() == TargetKind.CLASSES;
        int outputSize = spec.outputSize();
        Batches batches = new Batches(data, Math.min(batchSize, Math.max(1, data.n())), outputSize);
        double lossSum = 0;
        long correct = 0;
        // the layout Predictor runs on, so that the classes counted here are the ones it predicts
        float[] prepared = classes ? network.prepareForInference(params) : null;
        for (int start = 0; start < data.n(); start += batchSize) {
            int count = batches.load(start);
            if (classes) {
                lossSum += network.lossAndOutputPrepared(prepared, batches.x, batches.y, count, batches.out) * count;
                for (int b = 0; b < count; b++) {
                    if (predictedClass(batches.out, b * outputSize, outputSize) == (int) batches.y[b]) {
                        correct++;
                    }
                }
            } else {
                lossSum += network.loss(params, batches.x, batches.y, count) * count;
            }
        }
        int n = data.n();
        return new Evaluation(n, n == 0 ? Double.NaN : lossSum / n, classes && n > 0 ? (double) correct / n
                : Double.NaN);
    }

    /** The predicted class of every sample of {@code data} ({@link #predictedClass}); only for class targets. */
    public int[] predict(float[] params, Dataset data) {
        ModelSpec spec = network.spec();
        if (spec.targetKind() != TargetKind.CLASSES) {
            throw new IllegalStateException("network " + spec.name() + " predicts real values, not classes");
        }
        int outputSize = spec.outputSize();
        Batches batches = new Batches(data, Math.min(batchSize, Math.max(1, data.n())), outputSize);
        int[] predicted = new int[data.n()];
        float[] prepared = network.prepareForInference(params);
        for (int start = 0; start < data.n(); start += batchSize) {
            int count = batches.load(start);
            network.forwardPrepared(prepared, batches.x, count, batches.out);
            for (int b = 0; b < count; b++) {
                predicted[start + b] = predictedClass(batches.out, b * outputSize, outputSize);
            }
        }
        return predicted;
    }

    /**
     * The class predicted by the output row at {@code out[offset .. offset + outputSize)}: the arg-max (the lowest
     * index on ties), or for a single output {@code 1} iff it is above 0.5 and {@code 0} iff it is at most 0.5.
     *
     * <p>A NaN output is never the maximum: the arg-max is taken over the other outputs, and a row with no number
     * in it (every output NaN, or a single NaN output) predicts no class, {@code -1}, which matches no label: broken
     * outputs never count as correct predictions.
     *
     * @return the class index, or {@code -1} when the outputs hold no number to choose by
     */
    public static int predictedClass(float[] out, int offset, int outputSize) {
        if (outputSize == 1) {
            float p = out[offset];
            return p > 0.5f ? 1 : p <= 0.5f ? 0 : -1;
        }
        int best = -1;
        float max = Float.NaN;
        for (int k = 0; k < outputSize; k++) {
            float v = out[offset + k];
            // Strictly greater: the first of equal maxima wins. NaN compares false both ways, so it never wins.
            if (v > max || (best < 0 && v == v)) {
                max = v;
                best = k;
            }
        }
        return best;
    }

    /** Contiguous batch buffers; the last, shorter batch gets arrays of its exact size. */
    private static final class Batches {
        private final Dataset data;
        private final int size;
        private final int outputSize;
        float[] x;
        float[] y;
        float[] out;

        Batches(Dataset data, int size, int outputSize) {
            this.data = data;
            this.size = size;
            this.outputSize = outputSize;
        }

        /** Copies the batch starting at sample {@code start}; returns its sample count. */
        int load(int start) {
            int count = Math.min(size, data.n() - start);
            if (x == null || x.length != count * data.inputSize()) {
                x = new float[count * data.inputSize()];
                y = new float[count * data.targetValues()];
                out = new float[count * outputSize];
            }
            System.arraycopy(data.x(), start * data.inputSize(), x, 0, count * data.inputSize());
            System.arraycopy(data.y(), start * data.targetValues(), y, 0, count * data.targetValues());
            return count;
        }
    }
}
