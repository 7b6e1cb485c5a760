package netc.runtime.train;

import java.io.Closeable;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import netc.runtime.InputException;
import netc.runtime.io.AtomicFiles;
import netc.runtime.io.Json;

/**
 * A {@link ProgressListener} that writes the metrics of a training run to a file, a line per epoch and optionally a
 * line every N steps, each flushed as it is written so that {@code tail -f} shows the run as it goes.
 *
 * <p>The format follows the file name: {@code .csv} gives CSV with a header row ({@link #COLUMNS}, an empty field
 * where a line has no such value), anything else JSON Lines, one object per line. The keys:
 * <ul>
 * <li>{@code kind}: {@code "epoch"} for the line after each epoch, {@code "step"} for the lines every N steps,
 * {@code "threads"} for a line each time training moves between the pool's threads and the calling thread alone (see
 * {@link ProgressListener#threadsChanged}), so that a change of {@code samples_per_s} has its reason in the log;
 * <li>{@code epoch}: the 1-based epoch number;
 * <li>{@code step}: optimizer steps (mini-batches) taken so far in the run, this one included;
 * <li>{@code loss} (step lines): the mean loss of that step's mini-batch;
 * <li>{@code train_loss}, {@code test_loss}, {@code test_accuracy}, {@code samples_per_s}, {@code epoch_s} (epoch
 * lines): {@link EpochReport#trainLoss()}, {@link EpochReport#testLoss()}, {@link EpochReport#testAccuracy()},
 * {@link EpochReport#samplesPerSecond()} and {@link EpochReport#seconds()}, written as Java's shortest exact decimal
 * form so that reading a line gives back the report's values bit for bit;
 * <li>{@code val_loss}, {@code val_accuracy} (epoch lines): {@link EpochReport#validationLoss()} and
 * {@link EpochReport#validationAccuracy()}, when the run holds out a validation set;
 * <li>{@code lr}: the learning rate of the step (for an epoch line, of its last step), when told with
 * {@link #learningRate};
 * <li>{@code threads}, {@code pool_step_s}, {@code one_thread_step_s} ({@code "threads"} lines): the thread count the
 * steps run on from then on, and the mean step of the probe that chose it on all the pool's threads and on the
 * calling thread alone, in seconds;
 * <li>{@code wall_s}: seconds since the run's first step began ({@link #trainingStarted}; for a trainer that does not
 * call it, since the log was opened).
 * </ul>
 * A value that does not exist (no test set, or a test set not evaluated that epoch; no accuracy for real-valued
 * targets; no learning rate given) is {@code null} in JSON and an empty field in CSV. A value that exists and is not
 * a finite number (a test loss of NaN or Infinity from weights that diverged on the test set) is the string
 * {@code "NaN"}, {@code "Infinity"} or {@code "-Infinity"} in JSON, which has no such numbers, and the same word
 * unquoted in CSV; so a reader can tell a diverged evaluation from none. {@link MetricsLogReader} reads both formats
 * back.
 *
 * <p>Writing a line that fails (a full disk) stops training with an {@link InputException}: a run whose log
 * silently stopped is worse than a run that says why it stopped.
 */
public final class MetricsLog implements ProgressListener, Closeable {

    /** The file formats. */
    public enum Format {
        /** One JSON object per line. */
        JSON_LINES,
        /** Comma-separated values with a header row. */
        CSV;

        /** {@link #CSV} for a name ending in {@code .csv} (any case), else {@link #JSON_LINES}. */
        public static Format of(Path file) {
            return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : JSON_LINES;
        }
    }

    /** The keys of a line, in the order they are written; the CSV header. */
    public static final List<String> COLUMNS = List.of("kind", "epoch", "step", "loss", "train_loss", "test_loss",
            "test_accuracy", "val_loss", "val_accuracy", "lr", "samples_per_s", "epoch_s", "wall_s", "threads",
            "pool_step_s", "one_thread_step_s");

    private final Path file;
    private final Format format;
    /**
     * Whether {@link #file} is appended to as it stands (a pipe, a device, a name of an open descriptor; see
     * {@link #isStream}) instead of created or replaced.
     */
    private final boolean stream;
    /** The open writer the lines go to, for {@link #open(Path, Writer)}; null for a log that opens its file. */
    private final Writer given;
    /** Null until training starts or the first line: a run that fails before leaves an existing file as it was. */
    private Writer out;
    /** When {@code wall_s} counts from: the log's opening, then the run's first step ({@link #trainingStarted}). */
    private long start = System.nanoTime();
    private int everySteps;
    private double baseRate = Double.NaN;
    private long warmupSteps;
    private LearningRateSchedule schedule;
    private long epochs;
    private long step;
    private int batchesPerEpoch;
    /** The epoch of the latest batch: a thread change comes between two steps, after at least one. */
    private int epoch = 1;
    /** For a resumed run ({@link #resumedAfter}): the steps its checkpoint had taken; -1 for a run from the start. */
    private long resumedAfter = -1;
    /** Added to {@code wall_s}: the last kept line's, when a resumed run goes on with an earlier log. */
    private double wallOffset;

    private MetricsLog(Path file, Format format, boolean stream, Writer given) {
        this.file = file;
        this.format = format;
        this.stream = stream;
        this.given = given;
    }

    /**
     * A log to {@code file}, checked now (its directory exists, it is not a directory, it can be written) so that a
     * bad path is reported before any time is spent; call it before training. The file is created, or an existing
     * one replaced, when training starts ({@link #trainingStarted}, just before the first step) or at the first
     * line, whichever comes first: a run that fails while it compiles, loads or warms up leaves the log of an
     * earlier run as it was. It is streamed line by line, so it may also be a pipe or a device: such a file
     * ({@link #isStream}) is opened for appending, never truncated or replaced.
     *
     * @throws InputException {@code <file>: error: cannot write the metrics log: <reason>}
     */
    public static MetricsLog open(Path file) {
        if (Files.isDirectory(file)) {
            throw new InputException(file.toString(), "cannot write the metrics log: is a directory");
        }
        if (isStream(file)) {
            requireAppendable(file);
            return new MetricsLog(file, Format.of(file), true, null);
        }
        Path dir = file.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new InputException(file.toString(), "cannot write the metrics log: no such directory");
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            throw new InputException(file.toString(), "cannot write the metrics log: permission denied");
        }
        return new MetricsLog(file, Format.of(file), false, null);
    }

    /**
     * A log to a writer that is already open, such as the one of the process's standard output, named {@code file}
     * in messages and formatted as {@link Format#of} that name says: each line is written and flushed as it comes;
     * the writer is never closed, and a resumed run keeps no earlier lines. For {@code --log /dev/stdout} with
     * standard output redirected to a file: the file's own descriptor keeps one offset for the log and the console
     * lines, where a second opening of it would write over one with the other.
     */
    public static MetricsLog open(Path file, Writer out) {
        return new MetricsLog(file, Format.of(file), true, java.util.Objects.requireNonNull(out));
    }

    /**
     * Whether a log at {@code file} is appended to as it stands rather than created or replaced: a file that exists
     * and is neither a regular file nor a directory (a pipe, a terminal, {@code /dev/null}), or a name of an open
     * file descriptor ({@code /dev/stdout}, {@code /dev/stderr}, {@code /dev/fd/N}, {@code /proc/<pid>/fd/N}, or a
     * symbolic link to one) whatever it leads to: truncating the file behind such a name would cut the output of
     * whoever holds the descriptor, and a rename over it would replace the name itself.
     */
    public static boolean isStream(Path file) {
        return AtomicFiles.descriptorName(file) != null
                || Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file);
    }

    /**
     * Requires that a log at {@code file}, a stream ({@link #isStream}), can be appended to: a name of a descriptor
     * must name one this process has open for writing (its own descriptors, such as the JVM's modules file or netc's
     * jar, are open for reading, and appending to one would write into the JDK or netc itself), and the file must be
     * writable.
     *
     * @throws InputException {@code <file>: error: cannot write the metrics log: <reason>}
     */
    public static void requireAppendable(Path file) {
        Path descriptor = AtomicFiles.descriptorName(file);
        if (descriptor != null && !AtomicFiles.openForWriting(descriptor)) {
            throw new InputException(file.toString(), "cannot write the metrics log: not a descriptor open for "
                    + "writing; redirect it when starting netc, as in --log /dev/fd/3 3>>run.jsonl");
        }
        if (!Files.isWritable(file)) {
            throw new InputException(file.toString(), "cannot write the metrics log: permission denied");
        }
    }

    /** The file being written. */
    public Path file() {
        return file;
    }

    /** The format being written. */
    public Format format() {
        return format;
    }

    /**
     * Also writes a {@code "step"} line every {@code n} optimizer steps (counted over the run); 0, the default, writes
     * epoch lines only.
     *
     * @return this log
     * @throws InputException if {@code n} is negative
     */
    public MetricsLog everySteps(int n) {
        if (n < 0) {
            throw new InputException("metrics log", "steps between lines must be >= 0, got " + n);
        }
        this.everySteps = n;
        return this;
    }

    /**
     * Lets the log record the learning rate: the trainer's optimizer is built with {@code baseRate} and its rate is
     * scaled by {@code schedule} over {@code epochs} epochs, exactly as {@link Trainer} does it.
     *
     * @return this log
     */
    public MetricsLog learningRate(double baseRate, LearningRateSchedule schedule, int epochs) {
        return learningRate(baseRate, schedule, epochs, 0);
    }

    /**
     * As {@link #learningRate(double, LearningRateSchedule, int)} for a run that warms up over its first steps
     * ({@link Warmup}).
     *
     * @param baseRate    the optimizer's learning rate
     * @param schedule    the schedule after the warm-up
     * @param epochs      the run's epochs
     * @param warmupSteps steps of linear warm-up, 0 for none
     * @return this log
     */
    public MetricsLog learningRate(double baseRate, LearningRateSchedule schedule, int epochs, long warmupSteps) {
        this.baseRate = baseRate;
        this.schedule = schedule == null ? LearningRateSchedule.CONSTANT : schedule;
        this.epochs = epochs;
        this.warmupSteps = warmupSteps;
        return this;
    }

    /**
     * Makes this the log of a run resumed from a checkpoint taken after {@code stepsDone} optimizer steps: step
     * numbers, learning rates and the every-N-steps lines count over the whole run, as they would have without the
     * interruption. When the file is made, an existing log there keeps its lines up to that step (lines past it
     * came from steps this run takes again) and the new lines follow them, {@code wall_s} going on from the last kept
     * line's; a file that is not a log in this log's format is replaced, as in a run from the start. A stream
     * ({@link #isStream}) is appended to as always: whatever it holds stays, lines past the step included.
     *
     * @return this log
     * @throws InputException if {@code stepsDone} is negative
     */
    public MetricsLog resumedAfter(long stepsDone) {
        if (stepsDone < 0) {
            throw new InputException("metrics log", "steps done must be >= 0, got " + stepsDone);
        }
        this.resumedAfter = stepsDone;
        this.step = stepsDone;
        return this;
    }

    /**
     * {@code wall_s} counts from here on: the time to compile, load and warm up is not the run's. The file is made
     * (or replaced) now, with the CSV header, so that {@code tail -f} follows the run from its first step.
     */
    @Override
    public void trainingStarted() {
        start = System.nanoTime();
        openFile();
    }

    @Override
    public void batchDone(int epoch, int batch, int batches, double loss) {
        step++;
        batchesPerEpoch = batches;
        this.epoch = epoch;
        if (everySteps > 0 && step % everySteps == 0) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", "step");
            line.put("epoch", epoch);
            line.put("step", step);
            line.put("loss", loss);
            line.put("lr", noneIfNaN(rate()));
            line.put("wall_s", wallSeconds());
            write(line);
        }
    }

    @Override
    public void epochDone(EpochReport r) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", "epoch");
        line.put("epoch", r.epoch());
        line.put("step", step);
        line.put("train_loss", r.trainLoss());
        // an evaluation that ran and gave NaN is written as "NaN"; one that did not run is null
        line.put("test_loss", r.tested() ? r.testLoss() : null);
        line.put("test_accuracy", noneIfNaN(r.testAccuracy())); // NaN: real-valued targets, or not evaluated
        line.put("val_loss", r.validated() ? r.validationLoss() : null);
        line.put("val_accuracy", noneIfNaN(r.validationAccuracy()));
        line.put("lr", noneIfNaN(rate()));
        line.put("samples_per_s", noneIfNaN(r.samplesPerSecond())); // NaN: too fast to time
        line.put("epoch_s", r.seconds());
        line.put("wall_s", wallSeconds());
        write(line);
    }

    @Override
    public void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("kind", "threads");
        line.put("epoch", epoch);
        line.put("step", step);
        line.put("threads", threads);
        line.put("pool_step_s", poolStepNanos / 1e9);
        line.put("one_thread_step_s", oneThreadStepNanos / 1e9);
        line.put("wall_s", wallSeconds());
        write(line);
    }

    /**
     * Closes the file; the lines are already on disk (each was flushed). A log never started made no file. A writer
     * given to {@link #open(Path, Writer)} is left open.
     */
    @Override
    public void close() {
        if (out == null || out == given) {
            return;
        }
        try {
            out.close();
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot write the metrics log: " + AtomicFiles.reason(e), e);
        }
    }

    /** The rate of the latest step, or NaN when not told the rate. */
    private double rate() {
        if (Double.isNaN(baseRate) || step == 0) {
            return Double.NaN;
        }
        return baseRate * Warmup.factor(schedule, warmupSteps, step - 1, epochs * batchesPerEpoch);
    }

    private double wallSeconds() {
        return wallOffset + (System.nanoTime() - start) / 1e9;
    }

    /**
     * Writes one line: in JSON the keys in the map's order, in CSV every column of {@link #COLUMNS}. A null value is
     * none ({@code null}, an empty field); a NaN or infinite one is written as Java spells it ({@code NaN},
     * {@code Infinity}, {@code -Infinity}), in quotes in JSON.
     */
    private void write(Map<String, Object> values) {
        StringBuilder line = new StringBuilder(200);
        if (format == Format.CSV) {
            for (int i = 0; i < COLUMNS.size(); i++) {
                if (i > 0) {
                    line.append(',');
                }
                Object v = values.get(COLUMNS.get(i));
                if (v != null) {
                    line.append(v);
                }
            }
        } else {
            line.append('{');
            for (Map.Entry<String, Object> e : values.entrySet()) {
                if (line.length() > 1) {
                    line.append(',');
                }
                line.append('"').append(e.getKey()).append("\":");
                Object v = e.getValue();
                if (v == null) {
                    line.append("null");
                } else if (v instanceof String || v instanceof Double d && !Double.isFinite(d)) {
                    line.append(Json.quote(v.toString()));
                } else {
                    line.append(v);
                }
            }
            line.append('}');
        }
        writeLine(line.toString());
    }

    /** Null for NaN, the value meaning "none" in the figures where it can mean nothing else. */
    private static Double noneIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /**
     * Creates or truncates the file and writes the CSV header, once; a resumed run's log keeps its earlier lines. A
     * stream is opened for appending, as it stands.
     */
    private void openFile() {
        if (out != null) {
            return;
        }
        try {
            List<String> kept = resumedAfter >= 0 && !stream && Files.isRegularFile(file) ? linesToKeep() : List.of();
            if (stream) {
                out = given != null ? given : Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                        StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                if (format == Format.CSV) {
                    out.write(String.join(",", COLUMNS));
                    out.write('\n');
                }
            } else if (kept.isEmpty()) {
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                if (format == Format.CSV) {
                    out.write(String.join(",", COLUMNS));
                    out.write('\n');
                }
            } else {
                // the kept lines to a new file that replaces the old in one step, then appended to: a crash in
                // between leaves the old log whole
                Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".metrics", ".tmp");
                try {
                    Files.write(temp, kept, StandardCharsets.UTF_8);
                    Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(temp);
                }
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            }
            out.flush();
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot write the metrics log: " + AtomicFiles.reason(e), e);
        }
    }

    /**
     * The lines of the log already in the file that a resumed run keeps: its CSV header, and every line up to the
     * checkpoint's step; none when the file is not a log in this log's format. Sets {@link #wallOffset}.
     */
    private List<String> linesToKeep() throws IOException {
        List<String> lines;
        List<MetricsLogReader.Entry> entries;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            entries = MetricsLogReader.read(file);
        } catch (InputException | java.nio.charset.CharacterCodingException notALog) {
            return List.of();
        }
        List<String> data = new java.util.ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                data.add(line);
            }
        }
        boolean csv = !data.isEmpty() && !data.get(0).stripLeading().startsWith("{");
        if (csv != (format == Format.CSV) || csv && !data.get(0).equals(String.join(",", COLUMNS))) {
            return List.of();
        }
        List<String> body = csv ? data.subList(1, data.size()) : data;
        if (body.size() != entries.size()) {
            return List.of();
        }
        List<String> kept = new java.util.ArrayList<>();
        if (csv) {
            kept.add(data.get(0));
        }
        for (int i = 0; i < body.size(); i++) {
            MetricsLogReader.Entry e = entries.get(i);
            if (e.step() > resumedAfter) {
                break;
            }
            kept.add(body.get(i));
            if (Double.isFinite(e.wallSeconds())) {
                wallOffset = e.wallSeconds();
            }
        }
        return kept.size() == (csv ? 1 : 0) ? List.of() : kept;
    }

    private void writeLine(String line) {
        openFile();
        try {
            out.write(line);
            out.write('\n');
            out.flush();
            if (out instanceof java.io.PrintWriter p && p.checkError()) {
                throw new IOException("write failed"); // a PrintWriter keeps its IOException to itself
            }
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot write the metrics log: " + AtomicFiles.reason(e), e);
        }
    }
}
