package netc.runtime.train;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import netc.runtime.InputException;
import netc.runtime.io.Json;

/**
 * Reads a file written by {@link MetricsLog} back, in either format: a file whose first line starts with
 * an opening brace is JSON Lines, any other is CSV with a header row. Keys or columns it does not know are ignored, so
 * that logs with more metrics still read; {@code kind} and {@code epoch} are required.
 *
 * <p>Errors name the line ({@code run.jsonl:3: error: ...}, with a column for JSON syntax errors).
 */
public final class MetricsLogReader {

    /**
     * One line of a metrics log; a number the line does not have (absent, {@code null} or an empty CSV field) is NaN
     * (see {@link MetricsLog} for the keys). A value written as {@code "NaN"}, {@code "Infinity"} or
     * {@code "-Infinity"} (JSON) or the same word (CSV) reads as that double, and its key is in {@code nonFinite}:
     * a NaN there was computed, where an absent value was not.
     *
     * @param kind             {@code "epoch"}, {@code "step"} or {@code "threads"}
     * @param epoch            1-based epoch number
     * @param step             optimizer steps so far, or -1 when the line has none
     * @param loss             a step line's mini-batch loss
     * @param trainLoss        an epoch line's mean training loss
     * @param testLoss         an epoch line's test loss
     * @param testAccuracy     an epoch line's test accuracy
     * @param validationLoss     an epoch line's validation loss
     * @param validationAccuracy an epoch line's validation accuracy
     * @param learningRate     the learning rate
     * @param samplesPerSecond an epoch line's training throughput
     * @param epochSeconds     an epoch line's duration
     * @param wallSeconds      seconds since the run's first step began (see {@link MetricsLog})
     * @param threads          a threads line's thread count from then on, or 0 when the line has none
     * @param poolStepSeconds  a threads line's mean step on all the pool's threads in the probe
     * @param oneThreadStepSeconds a threads line's mean step on the calling thread alone in the probe
     * @param nonFinite        the keys whose value the line gives as NaN or an infinity, e.g. {@code test_loss} of
     *                         an evaluation that diverged
     */
    public record Entry(String kind, int epoch, long step, double loss, double trainLoss, double testLoss,
                        double testAccuracy, double validationLoss, double validationAccuracy, double learningRate,
                        double samplesPerSecond, double epochSeconds, double wallSeconds, int threads,
                        double poolStepSeconds, double oneThreadStepSeconds, Set<String> nonFinite) {

        /** Copies {@code nonFinite}. */
        public Entry {
            nonFinite = Set.copyOf(nonFinite);
        }

        /** A line whose values are all finite or absent. */
        public Entry(String kind, int epoch, long step, double loss, double trainLoss, double testLoss,
                     double testAccuracy, double validationLoss, double validationAccuracy, double learningRate,
                     double samplesPerSecond, double epochSeconds, double wallSeconds, int threads,
                     double poolStepSeconds, double oneThreadStepSeconds) {
            this(kind, epoch, step, loss, trainLoss, testLoss, testAccuracy, validationLoss, validationAccuracy,
                    learningRate, samplesPerSecond, epochSeconds, wallSeconds, threads, poolStepSeconds,
                    oneThreadStepSeconds, Set.of());
        }

        /** Whether the line has a validation loss: a number, or NaN or an infinity written as such. */
        public boolean hasValidationLoss() {
            return !Double.isNaN(validationLoss) || nonFinite.contains("val_loss");
        }

        /** Whether this is the line written after an epoch. */
        public boolean isEpoch() {
            return "epoch".equals(kind);
        }

        /** Whether this is one of the lines written every N steps. */
        public boolean isStep() {
            return "step".equals(kind);
        }

        /** Whether this is the line written when training moved between the pool's threads and one thread. */
        public boolean isThreadsChange() {
            return "threads".equals(kind);
        }
    }

    private static final Pattern OFFSET = Pattern.compile("(.*) at offset (\\d+)");

    /** How {@link MetricsLog} writes the values that are not finite numbers, which JSON has no numbers for. */
    private static final Map<String, Double> NON_FINITE = Map.of("NaN", Double.NaN, "Infinity",
            Double.POSITIVE_INFINITY, "-Infinity", Double.NEGATIVE_INFINITY);

    private MetricsLogReader() {
    }

    /**
     * All lines of the log.
     *
     * @throws InputException if the file is missing, unreadable, empty or has a malformed line
     */
    public static List<Entry> read(Path file) {
        return located(file).stream().map(Located::entry).toList();
    }

    /** A line read, and where it is. */
    private record Located(Entry entry, Path file, int line) {
        String where() {
            return file + ":" + line;
        }
    }

    private static List<Located> located(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "no such file");
        } catch (CharacterCodingException e) {
            throw new InputException(file.toString(), "not a metrics log: not UTF-8 text");
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot read: " + e.getMessage(), e);
        }
        int first = 0;
        while (first < lines.size() && lines.get(first).isBlank()) {
            first++;
        }
        if (first == lines.size()) {
            throw new InputException(file.toString(), "the metrics log is empty");
        }
        return lines.get(first).stripLeading().startsWith("{") ? json(file, lines) : csv(file, lines, first);
    }

    /**
     * The epoch lines of the log, in file order: the log of one run, each epoch once and in increasing order (a run
     * resumed from a checkpoint may start after epoch 1).
     *
     * @throws InputException as {@link #read}; if the log has no epoch line; and at {@code file:line} for an epoch
     *     that is not after the one before it, as in two runs' logs in one file, or a resumed run's appended through
     *     a pipe or descriptor to the log it resumed (which repeats the epochs after the checkpoint)
     */
    public static List<Entry> epochs(Path file) {
        List<Located> located = located(file);
        List<Entry> all = located.stream().map(Located::entry).toList();
        List<Entry> epochs = new ArrayList<>();
        Located previous = null;
        for (Located l : located) {
            Entry e = l.entry();
            if (!e.isEpoch()) {
                continue;
            }
            if (previous != null && e.epoch() <= previous.entry().epoch()) {
                int line = previous.line();
                throw new InputException(l.where(), (e.epoch() == previous.entry().epoch()
                        ? "epoch " + e.epoch() + " again (also on line " + line + ")"
                        : "epoch " + e.epoch() + " after epoch " + previous.entry().epoch() + " (line " + line + ")")
                        + ": the log of one run has each epoch once, in order; was it appended to, e.g. by a "
                        + "resumed run through a pipe?");
            }
            epochs.add(e);
            previous = l;
        }
        if (epochs.isEmpty()) {
            long steps = all.stream().filter(Entry::isStep).count();
            throw new InputException(file.toString(), "the metrics log has no epoch lines (" + steps
                    + " step line" + (steps == 1 ? "" : "s") + ")");
        }
        return epochs;
    }

    private static List<Located> json(Path file, List<String> lines) {
        List<Located> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String where = file + ":" + (i + 1);
            Object value;
            try {
                value = Json.parse(line);
            } catch (Json.SyntaxError e) {
                Matcher m = OFFSET.matcher(e.getMessage());
                if (m.matches()) {
                    throw new InputException(where + ":" + (Integer.parseInt(m.group(2)) + 1), m.group(1));
                }
                throw new InputException(where, e.getMessage());
            }
            if (!(value instanceof Map<?, ?> map)) {
                throw new InputException(where, "expected a JSON object, found " + line.strip());
            }
            Map<String, Object> fields = new HashMap<>();
            map.forEach((k, v) -> fields.put((String) k, v));
            entries.add(new Located(entry(where, fields), file, i + 1));
        }
        return entries;
    }

    private static List<Located> csv(Path file, List<String> lines, int headerAt) {
        String[] header = lines.get(headerAt).strip().split(",", -1);
        for (String required : List.of("kind", "epoch")) {
            if (!List.of(header).contains(required)) {
                throw new InputException(file + ":" + (headerAt + 1), "expected a JSON object or a CSV header with "
                        + "the columns kind and epoch, found " + abbreviate(lines.get(headerAt).strip()));
            }
        }
        List<Located> entries = new ArrayList<>();
        for (int i = headerAt + 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            String[] values = line.strip().split(",", -1);
            String where = file + ":" + (i + 1);
            if (values.length != header.length) {
                throw new InputException(where, "expected " + header.length + " fields as in the header, found "
                        + values.length);
            }
            Map<String, Object> fields = new HashMap<>();
            for (int k = 0; k < header.length; k++) {
                String v = values[k].strip();
                if (v.isEmpty()) {
                    fields.put(header[k], null);
                } else if (header[k].equals("kind")) {
                    fields.put("kind", v);
                } else if (NON_FINITE.containsKey(v)) {
                    fields.put(header[k], v); // read as the JSON string it is in the other format
                } else {
                    try {
                        fields.put(header[k], Double.parseDouble(v));
                    } catch (NumberFormatException e) {
                        throw new InputException(where, "expected a number for " + header[k] + ", found '" + v + "'");
                    }
                }
            }
            entries.add(new Located(entry(where, fields), file, i + 1));
        }
        return entries;
    }

    private static Entry entry(String where, Map<String, Object> f) {
        Object kind = f.get("kind");
        if (!"epoch".equals(kind) && !"step".equals(kind) && !"threads".equals(kind)) {
            throw new InputException(where, "expected kind \"epoch\", \"step\" or \"threads\", found "
                    + (kind instanceof String s ? Json.quote(s) : String.valueOf(kind)));
        }
        double epoch = number(where, f, "epoch");
        if (Double.isNaN(epoch) || epoch < 1 || epoch != Math.rint(epoch) || epoch > Integer.MAX_VALUE) {
            throw new InputException(where, "expected a positive whole epoch number, found "
                    + (Double.isNaN(epoch) ? "none" : f.get("epoch")));
        }
        Set<String> nonFinite = new HashSet<>();
        for (Map.Entry<String, Object> e : f.entrySet()) {
            if (e.getValue() instanceof String s && NON_FINITE.containsKey(s)) {
                nonFinite.add(e.getKey());
            }
        }
        double step = number(where, f, "step");
        double threads = number(where, f, "threads");
        if ("threads".equals(kind) && !(threads >= 1 && threads == Math.rint(threads) && threads <= Integer.MAX_VALUE)) {
            throw new InputException(where, "expected a positive whole thread count, found "
                    + (Double.isNaN(threads) ? "none" : f.get("threads")));
        }
        return new Entry((String) kind, (int) epoch, Double.isNaN(step) ? -1 : (long) step, number(where, f, "loss"),
                number(where, f, "train_loss"), number(where, f, "test_loss"), accuracy(where, f, "test_accuracy"),
                number(where, f, "val_loss"), accuracy(where, f, "val_accuracy"), number(where, f, "lr"),
                number(where, f, "samples_per_s"), number(where, f, "epoch_s"), number(where, f, "wall_s"),
                Double.isNaN(threads) ? 0 : (int) threads, number(where, f, "pool_step_s"),
                number(where, f, "one_thread_step_s"), nonFinite);
    }

    /** {@link #number}, a fraction: between 0 and 1, or NaN. */
    private static double accuracy(String where, Map<String, Object> f, String key) {
        double v = number(where, f, key);
        if (v < 0 || v > 1) {
            throw new InputException(where, "expected " + key + " between 0 and 1 (a fraction of the samples), found "
                    + f.get(key));
        }
        return v;
    }

    /** The value of {@code key} as a double; NaN when absent or null, and NaN or an infinity when spelt so. */
    private static double number(String where, Map<String, Object> f, String key) {
        Object v = f.get(key);
        if (v == null) {
            return Double.NaN;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s && NON_FINITE.containsKey(s)) {
            return NON_FINITE.get(s);
        }
        throw new InputException(where, "expected a number for " + key + ", found "
                + (v instanceof String s ? Json.quote(s) : String.valueOf(v)));
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? "'" + s + "'" : "'" + s.substring(0, 37) + "...'";
    }
}
