package netc.runtime;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import netc.runtime.train.Evaluator;

/**
 * Runs a trained network on new samples: its output values, the predicted class, the class probabilities.
 *
 * <p><b>What the outputs are.</b> {@link Network#forward} returns the value of the binding the loss takes as its
 * prediction ({@link ModelSpec#outputName()}, {@code p} in {@code loss = cross_entropy(p, y)}), never the logits
 * before it: where the compiler fuses {@code softmax} into {@code cross_entropy} (or {@code sigmoid} into
 * {@code binary_cross_entropy}), only the loss is computed from the logits, and the output is still the softmax (or
 * sigmoid) itself. So, by loss ({@link ModelSpec#loss()}):
 * <ul>
 *   <li>{@code cross_entropy} (class targets, one output per class): the outputs are the class probabilities as the
 *       model computes them; they sum to 1 when the prediction is a {@code softmax}.</li>
 *   <li>{@code binary_cross_entropy} with class targets (one output, two classes): the output is the probability of
 *       class 1; {@link #probabilities} gives both classes, {@code [1 - p, p]}.</li>
 *   <li>{@code binary_cross_entropy} with real targets: each output is a probability of its own (several yes/no
 *       answers); there is no class.</li>
 *   <li>{@code squared_error} (real targets): the outputs are values; there are no probabilities and no class.</li>
 * </ul>
 *
 * <p><b>Bits.</b> A predictor lays out its parameters once ({@link Network#prepareForInference}) and runs
 * {@link Network#forwardPrepared}: one sample's outputs are bitwise the same whether it comes alone or in a batch of
 * any size, on any number of threads, and in the classes netc generates they are bitwise what
 * {@link Network#forward} gives on the parameters as declared; {@code netc eval}'s accuracy counts these classes.
 * The layout spares {@code forward}'s per-call transposes of each wide layer's input, which cost most at small
 * batches (one sample through {@code forward} costs about what 16 cost).
 *
 * <p><b>Threads.</b> A predictor is immutable (it copies the parameters) and safe to share between threads. A
 * network instance is not: a generated class keeps scratch buffers in its fields, reused from call to call, and
 * holds the caller's arrays while it runs. So a predictor made by {@link #of} runs one call at a time on its
 * network (concurrent callers wait their turn), and one made by {@link #pooled} gives each concurrent call a
 * network of its own, taken from a pool that the supplier fills as needed, so that calls run in parallel. Either
 * way, do not use the networks given to a predictor for anything else while it is in use.
 *
 * <p><b>Memory.</b> Large batches run in chunks of {@value #CHUNK} samples, so a network's scratch buffers never
 * grow beyond that many samples; only the result array grows with the batch.
 *
 * <pre>{@code
 * Predictor predictor = Predictor.of(network, params);
 * int label = predictor.predictClass(image);          // the arg-max
 * float[] p = predictor.probabilities(image);         // one per class
 * }</pre>
 */
public final class Predictor {

    /** Samples per {@link Network#forward} call; larger batches are split into chunks of this many. */
    public static final int CHUNK = 1024;

    private final ModelSpec spec;
    /** The class whose {@link Network#prepareForInference} laid out {@link #prepared}: every network must be one. */
    private final Class<?> networkClass;
    /** The parameters as {@link Network#prepareForInference} lays them out, made once. */
    private final float[] prepared;
    /** The one network of {@link #of}, also the lock that serialises calls; null for a pooled predictor. */
    private final Network single;
    private final Supplier<? extends Network> factory;
    private final ConcurrentLinkedQueue<Network> idle = new ConcurrentLinkedQueue<>();

    private Predictor(Network network, float[] params, Network single, Supplier<? extends Network> factory) {
        ModelSpec spec = network.spec();
        if (params.length != spec.paramCount()) {
            throw new IllegalArgumentException("params has " + params.length + " floats but network '" + spec.name()
                    + "' needs " + spec.paramCount());
        }
        this.spec = spec;
        this.networkClass = network.getClass();
        this.prepared = network.prepareForInference(params);
        this.single = single;
        this.factory = factory;
    }

    /**
     * A predictor over one network instance: safe to share, but calls from several threads run one at a time.
     *
     * @param network the network; the predictor uses it for every call, with whatever {@link Parallel} it has
     * @param params  the trained parameters, {@link ModelSpec#paramCount()} floats; copied
     * @throws IllegalArgumentException if {@code params} has the wrong length
     */
    public static Predictor of(Network network, float[] params) {
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(params, "params");
        return new Predictor(network, params, network, null);
    }

    /**
     * A predictor that runs concurrent calls in parallel, each on a network instance of its own. It asks
     * {@code networks} for a new instance when every instance it has is busy (once at construction, for the spec),
     * and keeps the instances for reuse, so there are at most as many as there were concurrent calls.
     *
     * @param networks makes new instances of one network class (e.g. {@code MnistMlp::new}); each should keep its
     *                 default {@link Parallel#serial()} or have a pool of its own
     * @param params   the trained parameters, {@link ModelSpec#paramCount()} floats; copied
     * @throws IllegalArgumentException if {@code params} has the wrong length
     */
    public static Predictor pooled(Supplier<? extends Network> networks, float[] params) {
        Objects.requireNonNull(networks, "networks");
        Objects.requireNonNull(params, "params");
        Network first = Objects.requireNonNull(networks.get(), "the network supplier returned null");
        Predictor p = new Predictor(first, params, null, networks);
        p.idle.add(first);
        return p;
    }

    /** The network's description: input and output sizes, target kind, loss. */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * The output values of one sample.
     *
     * @param sample {@link ModelSpec#inputSize()} input values
     * @return {@link ModelSpec#outputSize()} output values
     * @throws IllegalArgumentException if the sample has the wrong number of values
     */
    public float[] predict(float[] sample) {
        requireSample(sample, -1);
        return run(sample, 1);
    }

    /**
     * The output values of {@code count} samples stored one after the other.
     *
     * @param samples {@code count * inputSize} values, sample by sample
     * @param count   number of samples, at least 0
     * @return {@code count * outputSize} values, sample by sample
     * @throws IllegalArgumentException if {@code samples} does not hold exactly {@code count} samples
     */
    public float[] predict(float[] samples, int count) {
        requireBatch(samples, count);
        return run(samples, count);
    }

    /**
     * The output values of each sample.
     *
     * @param samples one array of {@link ModelSpec#inputSize()} values per sample
     * @return one array of {@link ModelSpec#outputSize()} values per sample
     * @throws IllegalArgumentException if a sample has the wrong number of values (the message gives its index)
     */
    public float[][] predict(float[][] samples) {
        int in = spec.inputSize();
        float[] flat = new float[Math.multiplyExact(samples.length, in)];
        for (int i = 0; i < samples.length; i++) {
            requireSample(samples[i], i);
            System.arraycopy(samples[i], 0, flat, i * in, in);
        }
        float[] out = run(flat, samples.length);
        int size = spec.outputSize();
        float[][] rows = new float[samples.length][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = Arrays.copyOfRange(out, i * size, (i + 1) * size);
        }
        return rows;
    }

    /**
     * The predicted class of one sample: the index of the largest output, the lowest index on ties; for a single
     * sigmoid output, 1 iff the output is above 0.5. NaN outputs never win; when no output is a number the result
     * is {@code -1}. The same rule as {@link Evaluator#predictedClass}, so these classes agree with the accuracy
     * {@code netc eval} reports.
     *
     * @throws IllegalStateException    if the network predicts real values, not classes
     * @throws IllegalArgumentException if the sample has the wrong number of values
     */
    public int predictClass(float[] sample) {
        requireClasses();
        return Evaluator.predictedClass(predict(sample), 0, spec.outputSize());
    }

    /**
     * The predicted class of each of {@code count} samples stored one after the other, as {@link #predictClass}.
     *
     * @throws IllegalStateException    if the network predicts real values, not classes
     * @throws IllegalArgumentException if {@code samples} does not hold exactly {@code count} samples
     */
    public int[] predictClasses(float[] samples, int count) {
        requireClasses();
        float[] out = predict(samples, count);
        int size = spec.outputSize();
        int[] classes = new int[count];
        for (int i = 0; i < count; i++) {
            classes[i] = Evaluator.predictedClass(out, i * size, size);
        }
        return classes;
    }

    /** Whether {@link #probabilities} applies: the loss is {@code cross_entropy} or {@code binary_cross_entropy}. */
    public boolean hasProbabilities() {
        return spec.loss().equals("cross_entropy") || spec.loss().equals("binary_cross_entropy");
    }

    /**
     * How many probabilities {@link #probabilities} gives per sample: the number of classes for a classifier (2 for
     * a single sigmoid output), else the number of outputs.
     */
    public int probabilityCount() {
        return binaryClassifier() ? 2 : spec.outputSize();
    }

    /**
     * The probabilities of one sample (see the class comment for what they are per loss): for a classifier one per
     * class, for a single sigmoid output over two classes {@code [1 - p, p]}, for {@code binary_cross_entropy} on
     * real targets the outputs themselves.
     *
     * @throws IllegalStateException    if the loss is {@code squared_error}: the outputs are values, not
     *                                  probabilities
     * @throws IllegalArgumentException if the sample has the wrong number of values
     */
    public float[] probabilities(float[] sample) {
        requireProbabilities();
        return toProbabilities(predict(sample), 1);
    }

    /**
     * The probabilities of {@code count} samples stored one after the other: {@code count * probabilityCount()}
     * values, sample by sample, as {@link #probabilities(float[])}.
     *
     * @throws IllegalStateException    if the loss is {@code squared_error}
     * @throws IllegalArgumentException if {@code samples} does not hold exactly {@code count} samples
     */
    public float[] probabilities(float[] samples, int count) {
        requireProbabilities();
        return toProbabilities(predict(samples, count), count);
    }

    private boolean binaryClassifier() {
        return spec.targetKind() == TargetKind.CLASSES && spec.outputSize() == 1;
    }

    private float[] toProbabilities(float[] out, int count) {
        if (!binaryClassifier()) {
            return out;
        }
        float[] both = new float[2 * count];
        for (int i = 0; i < count; i++) {
            // Exact for p in [0.5, 1] (Sterbenz), so the larger of the two is class 1 iff p > 0.5, as predictClass.
            both[2 * i] = 1f - out[i];
            both[2 * i + 1] = out[i];
        }
        return both;
    }

    private void requireClasses() {
        if (spec.targetKind() != TargetKind.CLASSES) {
            throw new IllegalStateException("network '" + spec.name() + "' predicts real values, not classes");
        }
    }

    private void requireProbabilities() {
        if (!hasProbabilities()) {
            throw new IllegalStateException("network '" + spec.name() + "' has loss " + spec.loss()
                    + ": its outputs are values, not probabilities");
        }
    }

    private void requireSample(float[] sample, int index) {
        Objects.requireNonNull(sample, "sample");
        if (sample.length != spec.inputSize()) {
            throw new IllegalArgumentException((index < 0 ? "sample" : "sample " + index) + " has "
                    + sample.length + " values but network '" + spec.name() + "' expects " + spec.inputSize()
                    + " (input " + spec.inputName() + " of shape " + Arrays.toString(spec.inputShape()) + ")");
        }
    }

    private void requireBatch(float[] samples, int count) {
        Objects.requireNonNull(samples, "samples");
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        long expected = (long) count * spec.inputSize();
        if (samples.length != expected) {
            throw new IllegalArgumentException("samples has " + samples.length + " values but " + count
                    + (count == 1 ? " sample" : " samples") + " of network '" + spec.name() + "' take " + expected
                    + " (" + spec.inputSize() + " each, input " + spec.inputName() + " of shape "
                    + Arrays.toString(spec.inputShape()) + ")");
        }
    }

    /** Runs {@code count} checked samples through a network, {@link #CHUNK} at a time. */
    private float[] run(float[] x, int count) {
        float[] out = new float[Math.multiplyExact(count, spec.outputSize())];
        if (count == 0) {
            return out;
        }
        if (single != null) {
            synchronized (single) {
                runChunks(single, x, count, out);
            }
            return out;
        }
        Network net = idle.poll();
        if (net == null) {
            net = newNetwork();
        }
        try {
            runChunks(net, x, count, out);
        } finally {
            idle.add(net);
        }
        return out;
    }

    private Network newNetwork() {
        Network net = factory.get();
        if (net == null || !net.spec().equals(spec)) {
            throw new IllegalStateException("the network supplier returned " + (net == null ? "null"
                    : "network '" + net.spec().name() + "', which differs from the first one, '" + spec.name() + "'"));
        }
        if (net.getClass() != networkClass) {
            // the parameters were laid out for the first one's kernels
            String other = net.getClass().getName().equals(networkClass.getName())
                    ? net.getClass().getName() + " from another class loader (compiled again?)"
                    : net.getClass().getName();
            throw new IllegalStateException("the network supplier returned an instance of " + other + ", not of the"
                    + " first one's class " + networkClass.getName() + ", for which the parameters were laid out");
        }
        return net;
    }

    private void runChunks(Network net, float[] x, int count, float[] out) {
        int in = spec.inputSize();
        int size = spec.outputSize();
        if (count <= CHUNK) {
            net.forwardPrepared(prepared, x, count, out);
            return;
        }
        float[] xs = new float[CHUNK * in];
        float[] os = new float[CHUNK * size];
        for (int start = 0; start < count; start += CHUNK) {
            int n = Math.min(CHUNK, count - start);
            if (n < CHUNK) {
                // The last chunk gets arrays of its exact size, as the trainer's last batch does.
                xs = new float[n * in];
                os = new float[n * size];
            }
            System.arraycopy(x, start * in, xs, 0, n * in);
            net.forwardPrepared(prepared, xs, n, os);
            System.arraycopy(os, 0, out, start * size, n * size);
        }
    }
}
