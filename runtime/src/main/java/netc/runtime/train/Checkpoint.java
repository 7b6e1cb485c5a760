package netc.runtime.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32C;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;
import netc.runtime.data.Dataset;
import netc.runtime.io.Safetensors;
import netc.runtime.io.TensorFile;

/**
 * Everything a {@link Trainer} needs to continue a run after an epoch exactly as if it had not stopped: the
 * parameters, the optimizer's state, the schedule's position (global step of total steps), the shuffle state, and
 * the settings and model that must not change in between.
 *
 * <p>The shuffle of an epoch is a function of the seed and the epoch number only, so the seed and the next epoch
 * are the whole RNG state; the learning rate of a step is a function of the step and the total. Weights are
 * initialised once, before the first epoch, and never drawn again.
 *
 * <p>On disk a checkpoint is a {@link TensorFile} (safetensors layout with a whole-file CRC32C): the parameters
 * under their own names, the optimizer's vectors as {@code optimizer.<name>}, everything else as metadata. Write
 * and find them with {@link CheckpointStore}.
 */
public final class Checkpoint {

    /** The metadata {@code format} of a checkpoint file. */
    public static final String FORMAT = "netc-checkpoint";
    /** The layout version this class writes and reads. */
    static final String VERSION = "1";
    /** Prefix of the optimizer's state tensors; {@code .} cannot occur in a {@code .net} parameter name. */
    static final String OPTIMIZER_PREFIX = "optimizer.";
    private static final String SETTING_PREFIX = "setting.";

    private final Path file;
    private final String network;
    private final String specText;
    private final String sourceHash;
    private final int epoch;
    private final long step;
    private final long steps;
    private final int samples;
    private final String data;
    private final Map<String, String> settings;
    private final List<String> names;
    private final List<int[]> shapes;
    private final float[] params;
    private final OptimizerState optimizer;

    private Checkpoint(Path file, String network, String specText, String sourceHash, int epoch, long step,
                       long steps, int samples, String data, Map<String, String> settings, List<String> names,
                       List<int[]> shapes,
                       float[] params, OptimizerState optimizer) {
        this.file = file;
        this.network = network;
        this.specText = specText;
        this.sourceHash = sourceHash;
        this.epoch = epoch;
        this.step = step;
        this.steps = steps;
        this.samples = samples;
        this.data = data;
        this.settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        this.names = List.copyOf(names);
        this.shapes = List.copyOf(shapes);
        this.params = params;
        this.optimizer = optimizer;
    }

    /** The state after {@code epoch}; copies {@code params}. */
    static Checkpoint after(ModelSpec spec, String sourceHash, int epoch, long step, long steps, Dataset train,
                            String data, Map<String, String> settings, float[] params, OptimizerState optimizer) {
        return new Checkpoint(null, spec.name(), describe(spec), sourceHash == null ? "" : sourceHash, epoch, step,
                steps, train.n(), data, settings, spec.params().stream().map(ParamSpec::name).toList(),
                spec.params().stream().map(ParamSpec::shape).toList(), params.clone(), optimizer);
    }

    /**
     * The hash {@code netc train} records for a model: SHA-256 (lowercase hex) of its source text as UTF-8. The
     * file's name is not part of it, so a moved or renamed model still resumes. Pass it to
     * {@link Trainer.Builder#checkpoints} to resume runs the command line started, or the other way round.
     */
    public static String sourceHash(String sourceText) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(sourceText.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** {@return the file it was read from or written to, or null} */
    public Path file() {
        return file;
    }

    /** {@return the epochs completed; the resumed run starts with the next one} */
    public int epoch() {
        return epoch;
    }

    /** {@return optimizer steps taken so far in the run: the schedule's position} */
    public long step() {
        return step;
    }

    /** {@return the run's total steps, which the schedule's rate depends on} */
    public long steps() {
        return steps;
    }

    /** {@return the size of the training set it was trained on} */
    public int samples() {
        return samples;
    }

    /** {@return the SHA-256 (hex) of the model's source as given when it was written; empty if none was} */
    public String sourceHash() {
        return sourceHash;
    }

    /**
     * {@return the run's settings that a resumed run must repeat} Keys: {@code batch size}, {@code optimizer} (its
     * {@code toString}, naming every hyper-parameter), {@code schedule}, {@code epochs} (the total), {@code seed}.
     */
    public Map<String, String> settings() {
        return settings;
    }

    /** {@return a copy of the parameters after {@link #epoch()}} */
    public float[] params() {
        return params.clone();
    }

    /** {@return the optimizer's state after {@link #epoch()}} */
    public OptimizerState optimizerState() {
        return optimizer;
    }

    /** Writes this checkpoint to {@code target} atomically and returns it as read from there. */
    Checkpoint writeTo(Path target) {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("version", VERSION);
        meta.put("network", network);
        meta.put("spec", specText);
        meta.put("source_sha256", sourceHash);
        meta.put("epoch", Integer.toString(epoch));
        // The shuffle state: the order of epoch e is a function of (seed, e) only.
        meta.put("next_epoch", Integer.toString(epoch + 1));
        meta.put("step", Long.toString(step));
        meta.put("steps", Long.toString(steps));
        meta.put("samples", Integer.toString(samples));
        meta.put("data_crc32c", data);
        meta.put("optimizer_steps", Long.toString(optimizer.steps()));
        settings.forEach((k, v) -> meta.put(SETTING_PREFIX + k, v));
        List<TensorFile.Tensor> tensors = new ArrayList<>();
        int offset = 0;
        for (int i = 0; i < names.size(); i++) {
            int size = Arrays.stream(shapes.get(i)).reduce(1, (a, b) -> a * b);
            tensors.add(new TensorFile.Tensor(names.get(i), shapes.get(i),
                    Arrays.copyOfRange(params, offset, offset + size)));
            offset += size;
        }
        optimizer.vectors().forEach((k, v) -> tensors.add(new TensorFile.Tensor(OPTIMIZER_PREFIX + k,
                new int[] {v.length}, v)));
        TensorFile.write(target, meta, tensors);
        return new Checkpoint(target, network, specText, sourceHash, epoch, step, steps, samples, data, settings,
                names, shapes, params, optimizer);
    }

    /**
     * Reads a checkpoint file and checks its checksum and layout (not yet whether it fits a model: see
     * {@link #requireModel}).
     *
     * @throws InputException naming the file if it is missing, truncated, corrupt or not a checkpoint
     */
    public static Checkpoint read(Path file) {
        TensorFile.Contents c = TensorFile.read(file);
        String where = file.toString();
        Map<String, String> meta = c.metadata();
        if (!FORMAT.equals(meta.get("format"))) {
            throw new InputException(where, "not a netc checkpoint: format is " + meta.get("format") + ", expected "
                    + FORMAT);
        }
        if (!VERSION.equals(meta.get("version"))) {
            throw new InputException(where, "checkpoint version " + meta.get("version") + " is not supported; "
                    + "this netc reads version " + VERSION);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        meta.forEach((k, v) -> {
            if (k.startsWith(SETTING_PREFIX)) {
                settings.put(k.substring(SETTING_PREFIX.length()), v);
            }
        });
        String specText = required(meta, "spec", where);
        List<float[]> paramParts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<int[]> shapes = new ArrayList<>();
        Map<String, float[]> vectors = new LinkedHashMap<>();
        int count = 0;
        for (TensorFile.Tensor t : c.tensors().values()) {
            if (t.name().startsWith(OPTIMIZER_PREFIX)) {
                vectors.put(t.name().substring(OPTIMIZER_PREFIX.length()), t.data());
            } else {
                names.add(t.name());
                shapes.add(t.shape());
                paramParts.add(t.data());
                count += t.data().length;
            }
        }
        for (float[] v : vectors.values()) {
            if (v.length != count) {
                throw new InputException(where, "optimizer state of " + v.length + " values for " + count
                        + " parameters");
            }
        }
        float[] params = new float[count];
        int at = 0;
        for (float[] part : paramParts) {
            System.arraycopy(part, 0, params, at, part.length);
            at += part.length;
        }
        OptimizerState state = new OptimizerState(vectors, number(meta, "optimizer_steps", where));
        return new Checkpoint(file, required(meta, "network", where), specText, required(meta, "source_sha256",
                where), (int) number(meta, "epoch", where), number(meta, "step", where),
                number(meta, "steps", where), (int) number(meta, "samples", where), required(meta, "data_crc32c",
                where), settings, names, shapes, params, state);
    }

    /**
     * Requires that this checkpoint was written for {@code spec} and, when both hashes are known, for the same
     * source text.
     *
     * @throws InputException naming the file and what differs
     */
    public void requireModel(ModelSpec spec, String sourceHash) {
        String where = String.valueOf(file);
        String wanted = describe(spec);
        boolean sameTensors = names.equals(spec.params().stream().map(ParamSpec::name).toList());
        for (int i = 0; sameTensors && i < names.size(); i++) {
            sameTensors = Arrays.equals(shapes.get(i), spec.params().get(i).shape());
        }
        if (!specText.equals(wanted) || !sameTensors || !network.equals(spec.name())) {
            throw new InputException(where, "checkpoint of a different model: it was written for network '" + network
                    + "' " + specText + ", not '" + spec.name() + "' " + wanted);
        }
        if (sourceHash != null && !sourceHash.isEmpty() && !this.sourceHash.isEmpty()
                && !sourceHash.equals(this.sourceHash)) {
            throw new InputException(where, "checkpoint of a different model source: it was written for source "
                    + "SHA-256 " + abbreviate(this.sourceHash) + ", the model file now has " + abbreviate(sourceHash)
                    + "; the .net file changed since");
        }
        // the trainer writes only finite parameters, but a file edited by hand (with its checksum redone) must not
        // resume into a network whose every output is NaN
        Safetensors.requireUsableValues(spec, params, where);
    }

    /**
     * Settings recorded only when set (so that checkpoints of runs without them, and of earlier versions, still
     * resume), with the value their absence means.
     */
    private static final Map<String, String> OPTIONAL_SETTINGS = Map.of("augmentation", Augmentation.NONE.toString());

    /**
     * Settings that checkpoints record only since a later version, and that a run compares only with a checkpoint
     * that has them: the kernels (vector or scalar), recorded since 2026-12-05.
     */
    private static final java.util.Set<String> LATER_SETTINGS = java.util.Set.of("kernels");

    private static Map<String, String> withOptionalSettings(Map<String, String> settings) {
        Map<String, String> all = new java.util.LinkedHashMap<>(settings);
        OPTIONAL_SETTINGS.forEach(all::putIfAbsent);
        return all;
    }

    /**
     * Requires that a run with {@code runSettings} continues this checkpoint exactly. Every setting must be equal,
     * except that the total {@code epochs} may grow under the constant schedule (under cosine decay the rate of
     * every step depends on the total); and the total must leave an epoch to train.
     *
     * @throws InputException naming the file and the first setting that differs
     */
    void requireSettings(Map<String, String> runSettings, LearningRateSchedule schedule, int runEpochs) {
        String where = String.valueOf(file);
        Map<String, String> written = withOptionalSettings(settings);
        Map<String, String> run = withOptionalSettings(runSettings);
        for (Map.Entry<String, String> e : written.entrySet()) {
            String ours = run.get(e.getKey());
            if (e.getValue().equals(ours)) {
                continue;
            }
            if (e.getKey().equals("epochs") && schedule == LearningRateSchedule.CONSTANT) {
                continue;
            }
            throw new InputException(where, e.getKey() + " differs: the checkpoint was written with " + e.getValue()
                    + ", this run has " + ours + (e.getKey().equals("epochs") ? " (the "
                    + schedule.name().toLowerCase(Locale.ROOT) + " schedule's rate depends on the total)"
                    : e.getKey().equals("kernels") ? " (--scalar, or a JVM without --add-modules "
                    + "jdk.incubator.vector, runs the scalar kernels, which round differently)" : "")
                    + "; resume with the same settings");
        }
        for (String key : run.keySet()) {
            if (!written.containsKey(key) && !LATER_SETTINGS.contains(key)) {
                throw new InputException(where, "the checkpoint does not record setting " + key
                        + "; it was written by another version of netc");
            }
        }
        if (epoch >= runEpochs) {
            throw new InputException(where, "the checkpoint has completed epoch " + epoch + " and this run has "
                    + runEpochs + " epochs in total; nothing is left to train");
        }
    }

    /**
     * Requires that {@code train} is the training set the checkpoint was trained on: the same number of samples
     * (else the batches per epoch, and so the steps, differ) and the same values in the same order (the shuffles
     * permute indices).
     *
     * @param fingerprint {@link #fingerprint} of {@code train}
     * @throws InputException naming the file if the data differs
     */
    void requireData(Dataset train, String fingerprint) {
        if (samples != train.n()) {
            throw new InputException(String.valueOf(file), "the checkpoint was trained on " + samples
                    + " samples, this run's training set has " + train.n() + "; resume with the same data");
        }
        if (!data.equals(fingerprint)) {
            throw new InputException(String.valueOf(file), "the training data differs from the checkpoint's (crc32c "
                    + fingerprint + ", the checkpoint's " + data + "); resume with the same data");
        }
    }

    /** CRC32C over a training set's inputs and targets, sample by sample, as little-endian floats. */
    static String fingerprint(Dataset train) {
        CRC32C crc = new CRC32C();
        ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        float[][] parts = {train.x(), train.y()};
        int[] lengths = {train.n() * train.inputSize(), train.n() * train.targetValues()};
        for (int k = 0; k < 2; k++) {
            float[] values = parts[k];
            for (int i = 0; i < lengths[k]; ) {
                buf.clear();
                int count = Math.min(buf.capacity() / 4, lengths[k] - i);
                buf.asFloatBuffer().put(values, i, count);
                buf.limit(4 * count);
                crc.update(buf);
                i += count;
            }
        }
        return String.format("%08x", crc.getValue());
    }

    /** The model as a checkpoint records it: input, output, target, loss and every parameter's name and shape. */
    static String describe(ModelSpec spec) {
        StringBuilder s = new StringBuilder();
        s.append(spec.inputName()).append(dims(spec.inputShape())).append(" -> ")
                .append(spec.outputName()).append(dims(spec.outputShape())).append(", ")
                .append(spec.targetKind().name().toLowerCase(Locale.ROOT)).append(' ').append(spec.targetSize())
                .append(", ").append(spec.loss()).append(", params");
        for (ParamSpec p : spec.params()) {
            s.append(' ').append(p.name()).append(dims(p.shape()));
        }
        return s.toString();
    }

    private static String dims(int[] shape) {
        StringBuilder s = new StringBuilder("[");
        for (int d = 0; d < shape.length; d++) {
            s.append(d == 0 ? "" : ",").append(shape[d]);
        }
        return s.append(']').toString();
    }

    private static String required(Map<String, String> meta, String key, String where) {
        String v = meta.get(key);
        if (v == null) {
            throw new InputException(where, "not a complete netc checkpoint: metadata " + key + " is missing");
        }
        return v;
    }

    private static long number(Map<String, String> meta, String key, String where) {
        String v = required(meta, key, where);
        try {
            long n = Long.parseLong(v);
            if (n < 0 || (!key.contains("step") && n > Integer.MAX_VALUE)) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new InputException(where, "metadata " + key + " must be a non-negative integer, got " + v);
        }
    }

    private static String abbreviate(String hash) {
        return hash.length() > 12 ? hash.substring(0, 12) + "..." : hash;
    }

    @Override
    public String toString() {
        return (file != null ? file.getFileName() + ": " : "") + "epoch " + epoch + ", step " + step + " of " + steps;
    }
}
