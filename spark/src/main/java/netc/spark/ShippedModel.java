package netc.spark;

import java.io.Serializable;
import java.util.Objects;

import netc.api.Model;
import netc.api.Netc;
import netc.runtime.Network;

/**
 * A model as it travels to the executors: the {@code .net} text and the name messages give it, a few kilobytes in a
 * task closure or a broadcast. Each JVM compiles it once ({@link Netc#compile(String, String)} caches compiled models
 * by the hash of name and text), so no jar is rebuilt for a new model.
 */
public final class ShippedModel implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String fileName;
    private final String source;

    /**
     * @param fileName the name messages give the model, e.g. {@code mlp.net}
     * @param source   the text of the {@code .net} file
     */
    public ShippedModel(String fileName, String source) {
        this.fileName = Objects.requireNonNull(fileName, "fileName");
        this.source = Objects.requireNonNull(source, "source");
    }

    /** The name messages give the model. */
    public String fileName() {
        return fileName;
    }

    /** The model compiled in this JVM (once per JVM: later calls cost a hash). */
    public Model model() {
        return Netc.compile(fileName, source);
    }

    /** A new instance of the compiled network (instances are not thread-safe: one per task). */
    public Network newNetwork() {
        return model().newNetwork();
    }
}
