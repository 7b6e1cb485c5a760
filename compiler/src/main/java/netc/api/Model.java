package netc.api;

import java.nio.file.Path;
import netc.compiler.internal.driver.Compilation;
import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.Predictor;
import netc.runtime.data.Dataset;
import netc.runtime.io.Safetensors;
import netc.runtime.train.Evaluation;
import netc.runtime.train.Evaluator;
import netc.runtime.train.Initializer;
import netc.runtime.train.Trainer;

/**
 * A model compiled in this JVM: its generated class, loaded, and what it takes to train it, evaluate it and keep its
 * weights. Get one from {@link Netc#compile(Path)}.
 *
 * <p>Weights are a plain {@code float[]} of {@link ModelSpec#paramCount()} values, the parameters one after another
 * in the order the {@code .net} file declares them ({@link ModelSpec#params()}), each row-major.
 *
 * <p><b>Threads.</b> A {@code Model} is immutable and safe to share. The {@link Network} instances it makes are not
 * (each owns scratch buffers): give each thread its own {@link #newNetwork()}, or its own {@link #trainer()} or
 * {@link #evaluate} call, which make their own. A {@link #predictor} is safe to share.
 */
public final class Model {
    private final Class<?> type;
    private final ModelSpec spec;
    private final String sourceHash;
    private final String javaSource;

    Model(Class<?> type, ModelSpec spec, String sourceHash, String javaSource) {
        this.type = type;
        this.spec = spec;
        this.sourceHash = sourceHash;
        this.javaSource = javaSource;
    }

    /** {@return the network's name, as written after {@code network} in the {@code .net} file} */
    public String name() {
        return spec.name();
    }

    /** {@return parameters, input, output, target and loss of the model} */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * {@return SHA-256 (hex) of the source file's name and text} Equal sources give equal hashes and share one
     * compiled class.
     */
    public String sourceHash() {
        return sourceHash;
    }

    /** {@return the generated class's Java source, as Janino compiled it} */
    public String javaSource() {
        return javaSource;
    }

    /** {@return the loaded class implementing {@link Network}} */
    public Class<?> networkClass() {
        return type;
    }

    /**
     * {@return a new instance of the generated class} It is not thread-safe and cheap to make; its kernels run on
     * the calling thread until it is given a pool ({@link Network#setParallel}).
     */
    public Network newNetwork() {
        return Compilation.instantiate(type);
    }

    /**
     * Fresh weights as the command line's {@code train} starts from them: biases zero, matrices and kernels from He
     * or Xavier normal distributions by the activation that follows (see {@link Initializer}).
     *
     * @param seed the same seed gives the same weights
     * @return {@link ModelSpec#paramCount()} values
     */
    public float[] initialWeights(long seed) {
        return Initializer.initialize(spec, seed);
    }

    /**
     * A trainer over a new instance of this model with the command line's defaults (see {@link Trainer#builder}):
     * set what differs, then {@code build().train(weights, train, test)}.
     *
     * @return a builder; each {@code build()} trains its own network instance
     */
    public Trainer.Builder trainer() {
        return Trainer.builder(newNetwork());
    }

    /**
     * Loss and accuracy (for a classifier) of the weights over a data set, in batches of 1,000 on one thread.
     *
     * @param weights {@link ModelSpec#paramCount()} values
     * @param data    samples whose input and target sizes fit the model
     * @return the mean loss, and the accuracy for a classifier (NaN otherwise)
     * @throws netc.runtime.InputException if the data does not fit the model
     */
    public Evaluation evaluate(float[] weights, Dataset data) {
        requireWeights(weights);
        Network network = newNetwork();
        network.setParallel(Parallel.serial());
        return new Evaluator(network, 1000).evaluate(weights, data);
    }

    /**
     * A predictor for these weights: output values, predicted class and class probabilities of one sample or a
     * batch. It is safe to share between threads, and concurrent calls run in parallel, each on a network instance
     * of its own (see {@link Predictor#pooled}).
     *
     * @param weights {@link ModelSpec#paramCount()} values; the predictor keeps a copy
     * @return the predictor
     */
    public Predictor predictor(float[] weights) {
        requireWeights(weights);
        return Predictor.pooled(this::newNetwork, weights);
    }

    /**
     * Loads weights saved by {@link #saveWeights} or by the command line's {@code train --save}.
     *
     * @param file a safetensors file
     * @return {@link ModelSpec#paramCount()} values
     * @throws netc.runtime.InputException naming the file and the tensor when the file is unreadable, corrupt, or
     *                                     holds another model's parameters
     */
    public float[] loadWeights(Path file) {
        return Safetensors.load(file, spec);
    }

    /**
     * Saves weights in the safetensors format, one tensor per parameter under its {@code .net} name, atomically
     * (the file appears complete or not at all).
     *
     * @param file    where to write
     * @param weights {@link ModelSpec#paramCount()} values
     * @throws netc.runtime.InputException if the file cannot be written or a weight is NaN or infinite
     */
    public void saveWeights(Path file, float[] weights) {
        requireWeights(weights);
        Safetensors.save(file, spec, weights);
    }

    private void requireWeights(float[] weights) {
        if (weights == null || weights.length != spec.paramCount()) {
            throw new IllegalArgumentException("expected " + spec.paramCount() + " weights for model " + spec.name()
                    + ", found " + (weights == null ? "null" : weights.length));
        }
    }

    /** The model's name and its parameter count. */
    @Override
    public String toString() {
        return "Model[" + spec.name() + ", " + spec.paramCount() + " weights]";
    }
}
