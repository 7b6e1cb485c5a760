package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;
import netc.runtime.data.Dataset;
import netc.runtime.io.Json;

/** {@link MetricsLog} and {@link MetricsLogReader}: the lines a training run writes, in both formats. */
class MetricsLogTest {

    @TempDir
    Path dir;

    /** Twelve samples of two classes in 2D, separable along the first input. */
    private static Dataset data(String name) {
        float[] x = new float[24];
        float[] y = new float[12];
        for (int i = 0; i < 12; i++) {
            y[i] = i % 2;
            x[2 * i] = y[i] == 1 ? 1 + i * 0.1f : -1 - i * 0.1f;
            x[2 * i + 1] = i * 0.05f;
        }
        return Dataset.ofClasses(name, x, y, 2, 2);
    }

    /** Trains three epochs of 3 batches with the log listening; returns the trainer's reports. */
    private static List<EpochReport> train(MetricsLog log) {
        SoftmaxRegression net = new SoftmaxRegression(2, 2);
        float[] params = Initializer.initialize(net.spec(), 1);
        List<EpochReport> reports;
        try (log) {
            reports = Trainer.builder(net).optimizer(new Sgd(0.5)).epochs(3).batchSize(4).seed(2)
                    .schedule(LearningRateSchedule.COSINE).listener(log.learningRate(0.5, LearningRateSchedule.COSINE,
                            3)).build().train(params, data("train"), data("test"));
        }
        return reports;
    }

    @Test
    void validationFiguresAndTheWarmedUpRateAreLogged() throws Exception {
        Path file = dir.resolve("val.jsonl");
        SoftmaxRegression net = new SoftmaxRegression(2, 2);
        float[] params = Initializer.initialize(net.spec(), 1);
        List<EpochReport> reports;
        try (MetricsLog log = MetricsLog.open(file)) {
            reports = Trainer.builder(net).optimizer(new Sgd(0.5)).epochs(3).batchSize(4).seed(2).validation(0.25)
                    .warmup(5).schedule(LearningRateSchedule.COSINE)
                    .listener(log.learningRate(0.5, LearningRateSchedule.COSINE, 3, 5)).build()
                    .train(params, data("train"), data("test"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), String.join("\n", lines));
        for (int i = 0; i < 3; i++) {
            Map<?, ?> o = assertInstanceOf(Map.class, Json.parse(lines.get(i)), lines.get(i));
            assertEquals(reports.get(i).validationLoss(), o.get("val_loss"));
            long step = ((Number) o.get("step")).longValue();
            long steps = 3 * step / (i + 1);
            assertEquals(0.5 * Warmup.factor(LearningRateSchedule.COSINE, 5, step - 1, steps), o.get("lr"),
                    lines.get(i));
        }
        assertTrue(Double.isFinite(reports.get(0).validationLoss()));
    }

    @Test
    void jsonLinesHaveOneStrictJsonObjectPerEpochWithTheReportsValues() throws Exception {
        Path file = dir.resolve("run.jsonl");
        List<EpochReport> reports = train(MetricsLog.open(file));
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size(), String.join("\n", lines));
        for (int i = 0; i < 3; i++) {
            Map<?, ?> o = assertInstanceOf(Map.class, Json.parse(lines.get(i)), lines.get(i));
            EpochReport r = reports.get(i);
            assertEquals(List.of("kind", "epoch", "step", "train_loss", "test_loss", "test_accuracy", "val_loss",
                    "val_accuracy", "lr", "samples_per_s", "epoch_s", "wall_s"), List.copyOf(o.keySet()));
            assertEquals(null, o.get("val_loss"), "no validation set: null");
            assertEquals("epoch", o.get("kind"));
            assertEquals((long) r.epoch(), o.get("epoch"));
            assertEquals(3L * (i + 1), o.get("step"));
            assertEquals(r.trainLoss(), o.get("train_loss"));
            assertEquals(r.testLoss(), o.get("test_loss"));
            assertEquals(r.testAccuracy(), ((Number) o.get("test_accuracy")).doubleValue());
            assertEquals(r.samplesPerSecond(), o.get("samples_per_s"));
            assertEquals(r.seconds(), o.get("epoch_s"));
            // The rate of the epoch's last step, step 3(i+1) - 1 counted from 0 of 9 steps.
            assertEquals(0.5 * LearningRateSchedule.COSINE.factor(3L * (i + 1) - 1, 9), o.get("lr"));
            assertTrue(((Number) o.get("wall_s")).doubleValue() >= r.seconds(), lines.get(i));
        }
    }

    @Test
    void csvHasAHeaderAndTheSameNumberOfFieldsOnEveryLine() throws IOException {
        Path file = dir.resolve("run.CSV");
        List<EpochReport> reports = train(MetricsLog.open(file).everySteps(2));
        List<String> lines = Files.readAllLines(file);
        assertEquals(String.join(",", MetricsLog.COLUMNS), lines.get(0));
        // 9 steps: step lines after steps 2, 4, 6, 8, and 3 epoch lines.
        assertEquals(1 + 4 + 3, lines.size(), String.join("\n", lines));
        for (String line : lines) {
            assertEquals(MetricsLog.COLUMNS.size(), line.split(",", -1).length, line);
        }
        assertEquals(List.of("step", "epoch", "step", "step", "epoch", "step", "epoch"),
                lines.subList(1, lines.size()).stream().map(l -> l.substring(0, l.indexOf(','))).toList());
        List<MetricsLogReader.Entry> epochs = MetricsLogReader.epochs(file);
        assertEquals(3, epochs.size());
        for (int i = 0; i < 3; i++) {
            assertEqualsReport(reports.get(i), epochs.get(i));
        }
    }

    @Test
    void stepLinesCarryTheBatchLossAndTheReaderGivesBackEveryValue() throws Exception {
        Path file = dir.resolve("run.jsonl");
        List<Double> losses = new ArrayList<>();
        MetricsLog log = MetricsLog.open(file).everySteps(1);
        ProgressListener both = new ProgressListener() {
            @Override
            public void epochDone(EpochReport report) {
                log.epochDone(report);
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double loss) {
                losses.add(loss);
                log.batchDone(epoch, batch, batches, loss);
            }
        };
        SoftmaxRegression net = new SoftmaxRegression(2, 2);
        List<EpochReport> reports;
        try (log) {
            reports = Trainer.builder(net).optimizer(new Sgd(0.5)).epochs(2).batchSize(5).seed(2).listener(both)
                    .build().train(Initializer.initialize(net.spec(), 1), data("train"), null);
        }
        List<MetricsLogReader.Entry> all = MetricsLogReader.read(file);
        assertEquals(6 + 2, all.size());
        List<Double> stepLosses = all.stream().filter(MetricsLogReader.Entry::isStep).map(MetricsLogReader.Entry::loss).toList();
        assertEquals(losses, stepLosses);
        Map<?, ?> step = (Map<?, ?>) Json.parse(Files.readAllLines(file).get(0));
        assertEquals(List.of("kind", "epoch", "step", "loss", "lr", "wall_s"), List.copyOf(step.keySet()));
        assertNull(step.get("lr"), "no rate was given to the log");
        // Without a test set the test figures are there, as null.
        Map<?, ?> epoch = (Map<?, ?>) Json.parse(Files.readAllLines(file).get(3));
        assertEquals("epoch", epoch.get("kind"));
        assertTrue(epoch.containsKey("test_loss") && epoch.get("test_loss") == null, epoch.toString());
        List<MetricsLogReader.Entry> epochs = MetricsLogReader.epochs(file);
        for (int i = 0; i < 2; i++) {
            assertEqualsReport(reports.get(i), epochs.get(i));
        }
    }

    @Test
    void aMoveBetweenThreadsIsALineWithTheProbesMeanStepsInEitherFormat() {
        for (String name : List.of("threads.jsonl", "threads.csv")) {
            Path file = dir.resolve(name);
            ScriptedNetwork net = new ScriptedNetwork();
            float[] x = new float[10];
            float[] y = new float[10];
            for (int i = 0; i < 10; i++) {
                x[i] = i;
                y[i] = i % 2;
            }
            // A clock that moves on by a step's cost each time it is read: 5 ms on the pool, 1 ms on one thread, so
            // the first probe (after 2 s) moves training to one thread and no later probe moves it back.
            long[] now = {0};
            try (MetricsLog log = MetricsLog.open(file).everySteps(50)) {
                Trainer.builder(net).optimizer(new Sgd(0.1)).batchSize(1).epochs(60).threads(2)
                        .schedule(LearningRateSchedule.CONSTANT).listener(log)
                        .clock(() -> now[0] += (net.parallel.threads() == 1 ? 1 : 5) * 1_000_000L).build()
                        .train(new float[2], Dataset.ofClasses("ten", x, y, 1, 2), null);
            }
            List<MetricsLogReader.Entry> all = MetricsLogReader.read(file);
            List<MetricsLogReader.Entry> moves = all.stream().filter(MetricsLogReader.Entry::isThreadsChange).toList();
            assertEquals(1, moves.size(), name);
            MetricsLogReader.Entry move = moves.get(0);
            assertEquals(1, move.threads(), name);
            assertEquals(0.005, move.poolStepSeconds(), name);
            assertEquals(0.001, move.oneThreadStepSeconds(), name);
            // 10 steps an epoch: the move comes in the epoch of the step before it, and the lines stay in step order.
            assertTrue(move.step() > 0 && move.step() < 600, name + ": " + move);
            assertEquals((move.step() - 1) / 10 + 1, move.epoch(), name);
            int at = all.indexOf(move);
            assertTrue(all.subList(0, at).stream().allMatch(e -> e.step() <= move.step()), name);
            assertTrue(all.subList(at + 1, all.size()).stream().allMatch(e -> e.step() > move.step()
                    || e.isEpoch() && e.step() == move.step()), name);
            assertEquals(60, MetricsLogReader.epochs(file).size(), name);
            assertEquals(600 / 50, all.stream().filter(MetricsLogReader.Entry::isStep).count(), name);
            assertTrue(all.stream().filter(e -> !e.isThreadsChange()).allMatch(e -> e.threads() == 0
                    && Double.isNaN(e.poolStepSeconds())), name);
        }
    }

    /** Feeds {@code log} epochs {@code from} to {@code to} of 3 batches, stopping after {@code lastBatch} of the last. */
    private static void feed(MetricsLog log, int from, int to, int lastBatch) {
        log.trainingStarted();
        for (int e = from; e <= to; e++) {
            int batches = e == to ? lastBatch : 3;
            for (int b = 1; b <= batches; b++) {
                log.batchDone(e, b, 3, 0.1 * (10 * e + b));
            }
            if (batches == 3) {
                log.epochDone(new EpochReport(e, 1.0 / e, 2.0 / e, 0.5, 100, 1));
            }
        }
    }

    /** The lines' values but the times. */
    private static List<String> untimed(Path file) {
        return MetricsLogReader.read(file).stream().map(e -> e.kind() + " " + e.epoch() + " " + e.step() + " "
                + e.loss() + " " + e.trainLoss() + " " + e.learningRate()).toList();
    }

    @Test
    void aResumedRunCountsStepsOverTheWholeRunAndKeepsTheEarlierLinesUpToItsCheckpoint() throws IOException {
        for (String name : List.of("run.jsonl", "run.csv")) {
            Path straight = dir.resolve("straight-" + name);
            try (MetricsLog log = MetricsLog.open(straight).everySteps(2).learningRate(0.5,
                    LearningRateSchedule.COSINE, 3, 2)) {
                feed(log, 1, 3, 3);
            }
            Path resumed = dir.resolve(name);
            // the first attempt: epoch 1 (its checkpoint after step 3), then two steps of epoch 2 before a kill
            try (MetricsLog log = MetricsLog.open(resumed).everySteps(2).learningRate(0.5,
                    LearningRateSchedule.COSINE, 3, 2)) {
                feed(log, 1, 2, 2);
            }
            try (MetricsLog log = MetricsLog.open(resumed).everySteps(2).learningRate(0.5,
                    LearningRateSchedule.COSINE, 3, 2).resumedAfter(3)) {
                feed(log, 2, 3, 3);
            }
            assertEquals(untimed(straight), untimed(resumed), name);
            List<MetricsLogReader.Entry> entries = MetricsLogReader.read(resumed);
            for (int i = 1; i < entries.size(); i++) {
                assertTrue(entries.get(i).wallSeconds() >= entries.get(i - 1).wallSeconds(), "wall_s goes on");
            }
        }
    }

    @Test
    void aResumedRunReplacesAFileThatIsNotALogAndStartsOneWhereThereIsNone() throws IOException {
        Path file = Files.writeString(dir.resolve("notes.jsonl"), "not a metrics log\n");
        try (MetricsLog log = MetricsLog.open(file).resumedAfter(3)) {
            feed(log, 2, 2, 3);
        }
        assertEquals(List.of("epoch 2 6 NaN 0.5 NaN"), untimed(file));
        Path none = dir.resolve("none.jsonl");
        try (MetricsLog log = MetricsLog.open(none).resumedAfter(3)) {
            feed(log, 2, 2, 3);
        }
        assertEquals(untimed(file), untimed(none));
    }

    @Test
    void aDivergedEvaluationIsWrittenAsNaNOrInfinityNotAsNoEvaluation() throws Exception {
        // epoch 1: no test set evaluated; 2: the test loss is NaN; 3: Infinity; 4: a validation loss of -Infinity
        List<EpochReport> reports = List.of(
                new EpochReport(1, 0.5, Double.NaN, Double.NaN, 100, 1, Double.NaN, Double.NaN, false, false),
                new EpochReport(2, 0.5, Double.NaN, 0.25, 100, 1, Double.NaN, Double.NaN, true, false),
                new EpochReport(3, 0.5, Double.POSITIVE_INFINITY, Double.NaN, 100, 1, Double.NaN, Double.NaN, true,
                        false),
                new EpochReport(4, 0.5, Double.NaN, Double.NaN, 100, 1, Double.NEGATIVE_INFINITY, 0.5, false, true));
        for (String name : List.of("nan.jsonl", "nan.csv")) {
            Path file = dir.resolve(name);
            try (MetricsLog log = MetricsLog.open(file)) {
                reports.forEach(log::epochDone);
            }
            List<String> lines = Files.readAllLines(file);
            if (name.endsWith(".jsonl")) {
                List<Map<?, ?>> o = lines.stream().<Map<?, ?>>map(l -> assertInstanceOf(Map.class, parse(l), l)).toList();
                // strict JSON: the values that are no numbers are strings, and an absent one stays null
                assertTrue(o.get(0).containsKey("test_loss") && o.get(0).get("test_loss") == null, lines.get(0));
                assertEquals("NaN", o.get(1).get("test_loss"), lines.get(1));
                assertEquals(0.25, o.get(1).get("test_accuracy"), lines.get(1));
                assertEquals("Infinity", o.get(2).get("test_loss"), lines.get(2));
                assertNull(o.get(2).get("test_accuracy"), "real-valued targets: no accuracy");
                assertNull(o.get(3).get("test_loss"), lines.get(3));
                assertEquals("-Infinity", o.get(3).get("val_loss"), lines.get(3));
                assertNull(o.get(0).get("lr"), "no rate given to the log");
            } else {
                int testLoss = MetricsLog.COLUMNS.indexOf("test_loss");
                assertEquals(List.of("", "NaN", "Infinity", ""), lines.subList(1, 5).stream()
                        .map(l -> l.split(",", -1)[testLoss]).toList(), String.join("\n", lines));
            }
            List<MetricsLogReader.Entry> read = MetricsLogReader.epochs(file);
            assertEquals(List.of(Set.of(), Set.of("test_loss"), Set.of("test_loss"), Set.of("val_loss")),
                    read.stream().map(MetricsLogReader.Entry::nonFinite).toList(), name);
            assertTrue(Double.isNaN(read.get(1).testLoss()), name);
            assertEquals(Double.POSITIVE_INFINITY, read.get(2).testLoss(), name);
            assertEquals(Double.NEGATIVE_INFINITY, read.get(3).validationLoss(), name);
            assertTrue(read.get(3).hasValidationLoss() && !read.get(0).hasValidationLoss(), name);
            // a resumed run keeps such lines: they are a log's, not a file to replace
            try (MetricsLog log = MetricsLog.open(file).resumedAfter(0)) {
                log.trainingStarted();
            }
            assertEquals(lines, Files.readAllLines(file), name);
        }
    }

    @Test
    void aReportThatDoesNotSayWhatWasEvaluatedTakesANaNLossForNone() {
        EpochReport r = new EpochReport(1, 0.5, Double.NaN, Double.NaN, 100, 1);
        assertTrue(!r.tested() && !r.validated());
        assertTrue(new EpochReport(1, 0.5, 0.25, 0.5, 100, 1).tested());
    }

    private static Object parse(String line) {
        try {
            return Json.parse(line);
        } catch (Json.SyntaxError e) {
            throw new AssertionError(line, e);
        }
    }

    @Test
    void aThreadsLineWithoutAWholeThreadCountIsAnError() throws IOException {
        Path json = dir.resolve("threads.jsonl");
        Files.writeString(json, "{\"kind\":\"threads\",\"epoch\":1,\"step\":4,\"pool_step_s\":0.5}\n");
        assertEquals(json + ":1: error: expected a positive whole thread count, found none",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        Files.writeString(json, "{\"kind\":\"threads\",\"epoch\":1,\"step\":4,\"threads\":1.5}\n");
        assertEquals(json + ":1: error: expected a positive whole thread count, found 1.5",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        Files.writeString(json, "{\"kind\":\"pause\",\"epoch\":1}\n");
        assertEquals(json + ":1: error: expected kind \"epoch\", \"step\" or \"threads\", found \"pause\"",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
    }

    @Test
    void wallSecondsCountFromTheFirstStepNotFromOpeningTheLog() throws Exception {
        Path file = dir.resolve("wall.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            Thread.sleep(500); // compiling, loading and warming up
            log.trainingStarted();
            log.epochDone(new EpochReport(1, 0.5, 0.25, 0.75, 1000, 2));
        }
        double wall = MetricsLogReader.epochs(file).get(0).wallSeconds();
        assertTrue(wall >= 0 && wall < 0.5, "wall_s " + wall);
    }

    @Test
    void theFileIsMadeOrReplacedWhenTrainingStarts() throws IOException {
        Path file = dir.resolve("old.csv");
        Files.writeString(file, "kind,epoch\nepoch,1\n");
        MetricsLog.open(file).close(); // a run that fails while it compiles, loads or warms up
        assertEquals("kind,epoch\nepoch,1\n", Files.readString(file), "an earlier run's log is kept");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.trainingStarted();
            assertEquals(String.join(",", MetricsLog.COLUMNS) + "\n", Files.readString(file),
                    "the header is there when the first step starts, for tail -f");
            log.epochDone(new EpochReport(1, 0.5, 0.25, 0.75, 1000, 2));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(List.of(String.join(",", MetricsLog.COLUMNS)), lines.subList(0, 1));
        assertEquals(2, lines.size(), String.join("\n", lines));
        Path never = dir.resolve("never.jsonl");
        MetricsLog.open(never).close();
        assertTrue(Files.notExists(never));
    }

    @Test
    void eachLineIsOnDiskAsSoonAsItIsWritten() throws IOException {
        Path file = dir.resolve("live.jsonl");
        try (MetricsLog log = MetricsLog.open(file)) {
            log.epochDone(new EpochReport(1, 0.5, 0.25, 0.75, 1000, 2));
            // Read by another reader while the log is still open: nothing waits in a buffer.
            assertEquals(1, Files.readAllLines(file).size());
            assertEquals(0.25, MetricsLogReader.epochs(file).get(0).testLoss());
        }
    }

    /**
     * A link in {@code dir} to {@code /proc/self/fd/N}, N being a descriptor this test holds open on {@code file}: a
     * name like {@code /dev/stdout} for a redirected standard output, without touching the real one.
     */
    private Path descriptorLink(String name, Path file) throws IOException {
        Path real = file.toRealPath();
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).equals(real)) {
                        return Files.createSymbolicLink(dir.resolve(name), Path.of("/proc/self/fd")
                                .resolve(fd.getFileName()));
                    }
                } catch (IOException gone) {
                    // the descriptor of the listing itself
                }
            }
        }
        throw new AssertionError("no descriptor open on " + real);
    }

    @Test
    void aNameOfAnOpenDescriptorIsAppendedToNeitherTruncatedNorReplaced() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux /proc");
        Path console = dir.resolve("console.txt");
        try (java.io.FileOutputStream held = new java.io.FileOutputStream(console.toFile())) {
            held.write("network x: 3 parameters\n".getBytes(StandardCharsets.UTF_8));
            Path stdout = descriptorLink("stdout", console);
            assertTrue(MetricsLog.isStream(stdout) && MetricsLog.isStream(Path.of("/dev/stdout")));
            assertTrue(!MetricsLog.isStream(console) && !MetricsLog.isStream(dir.resolve("none.jsonl")));
            try (MetricsLog log = MetricsLog.open(stdout)) {
                feed(log, 1, 1, 3);
            }
            List<String> lines = Files.readAllLines(console);
            assertEquals(2, lines.size(), String.join("\n", lines));
            assertEquals("network x: 3 parameters", lines.get(0), "what was there is kept");
            assertTrue(lines.get(1).startsWith("{\"kind\":\"epoch\",\"epoch\":1,\"step\":3,"), lines.get(1));
            // a resumed run given a whole log behind such a name: appended to, and the name stays a link
            Files.writeString(console, "");
            try (MetricsLog log = MetricsLog.open(stdout)) {
                feed(log, 1, 2, 3);
            }
            try (MetricsLog log = MetricsLog.open(stdout).resumedAfter(3)) {
                feed(log, 2, 2, 3);
            }
            assertTrue(Files.isSymbolicLink(stdout), "not replaced by a renamed file");
            assertEquals(List.of("epoch 1 3", "epoch 2 6", "epoch 2 6"), MetricsLogReader.read(console).stream()
                    .map(e -> e.kind() + " " + e.epoch() + " " + e.step()).toList());
            // which is not the log of one run: epochs() (netc plot) says so
            assertEquals(console + ":3: error: epoch 2 again (also on line 2): the log of one run has each epoch "
                    + "once, in order; was it appended to, e.g. by a resumed run through a pipe?",
                    assertThrows(InputException.class, () -> MetricsLogReader.epochs(console)).getMessage());
        }
    }

    @Test
    void aDescriptorOpenOnlyForReadingIsRefusedAndItsFileLeftAlone() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fdinfo")), "Linux /proc");
        // as the JVM holds its modules file and netc's jar: --log /dev/fd/3 without 3>>file named one of them
        Path jar = dir.resolve("netc.jar");
        Files.writeString(jar, "jar bytes");
        try (java.io.FileInputStream held = new java.io.FileInputStream(jar.toFile())) {
            assertTrue(held.getFD().valid());
            Path fd = descriptorLink("fd3", jar);
            assertTrue(MetricsLog.isStream(fd));
            assertEquals(fd + ": error: cannot write the metrics log: not a descriptor open for writing; redirect it "
                    + "when starting netc, as in --log /dev/fd/3 3>>run.jsonl",
                    assertThrows(InputException.class, () -> MetricsLog.open(fd)).getMessage());
            assertThrows(InputException.class, () -> MetricsLog.requireAppendable(fd));
        }
        assertEquals("jar bytes", Files.readString(jar));
        // a descriptor that is not open at all
        Path closed = Files.createSymbolicLink(dir.resolve("fd999"), Path.of("/proc/self/fd/999"));
        assertTrue(assertThrows(InputException.class, () -> MetricsLog.open(closed)).getMessage()
                .contains("not a descriptor open for writing"));
    }

    @Test
    void aLogToAnOpenWriterWritesItsLinesThereAndLeavesItOpen() {
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter out = new java.io.PrintWriter(text);
        try (MetricsLog log = MetricsLog.open(Path.of("/dev/stdout.csv"), out)) {
            log.epochDone(new EpochReport(1, 0.5, 0.25, 0.75, 1000, 2));
        }
        out.println("saved weights");
        assertEquals(List.of(String.join(",", MetricsLog.COLUMNS), "saved weights"),
                List.of(text.toString().split("\n")).stream().filter(l -> !l.startsWith("epoch,")).toList());
        assertTrue(text.toString().contains("\nepoch,1,0,,0.5,0.25,0.75,"), text.toString());
    }

    @Test
    void aPathThatCannotBeWrittenIsAnErrorWhenOpened() {
        InputException e = assertThrows(InputException.class,
                () -> MetricsLog.open(dir.resolve("missing").resolve("run.jsonl")));
        assertEquals(dir.resolve("missing").resolve("run.jsonl") + ": error: cannot write the metrics log: no such "
                + "directory", e.getMessage());
        e = assertThrows(InputException.class, () -> MetricsLog.open(dir));
        assertEquals(dir + ": error: cannot write the metrics log: is a directory", e.getMessage());
    }

    @Test
    void readerNamesTheLineOfAMalformedEntry() throws IOException {
        Path json = dir.resolve("bad.jsonl");
        Files.writeString(json, "{\"kind\":\"epoch\",\"epoch\":1,\"train_loss\":0.5}\n{\"kind\":\"epoch\",\"epoch\":2,}\n");
        assertEquals(json + ":2:27: error: expected a string key, found '}'",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        Files.writeString(json, "{\"kind\":\"epoch\",\"epoch\":1,\"train_loss\":\"low\"}\n");
        assertEquals(json + ":1: error: expected a number for train_loss, found \"low\"",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        Files.writeString(json, "{\"kind\":\"epoch\",\"epoch\":1,\"test_accuracy\":0.5}\n"
                + "{\"kind\":\"epoch\",\"epoch\":2,\"test_accuracy\":1.5}\n");
        assertEquals(json + ":2: error: expected test_accuracy between 0 and 1 (a fraction of the samples), found 1.5",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        Files.writeString(json, "{\"kind\":\"epoch\",\"epoch\":1,\"val_accuracy\":-1}\n");
        assertEquals(json + ":1: error: expected val_accuracy between 0 and 1 (a fraction of the samples), found -1",
                assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        Files.writeString(json, "{\"kind\":\"epoch\",\"epoch\":1,\"test_accuracy\":\"Infinity\"}\n");
        assertEquals(json + ":1: error: expected test_accuracy between 0 and 1 (a fraction of the samples), found "
                + "Infinity", assertThrows(InputException.class, () -> MetricsLogReader.read(json)).getMessage());
        // epochs out of order: read() takes the lines as they are, epochs() wants the log of one run
        Files.writeString(json, "{\"kind\":\"epoch\",\"epoch\":2}\n{\"kind\":\"step\",\"epoch\":1,\"step\":1}\n"
                + "{\"kind\":\"epoch\",\"epoch\":3}\n{\"kind\":\"epoch\",\"epoch\":1}\n");
        assertEquals(4, MetricsLogReader.read(json).size());
        assertEquals(json + ":4: error: epoch 1 after epoch 3 (line 3): the log of one run has each epoch once, in "
                + "order; was it appended to, e.g. by a resumed run through a pipe?",
                assertThrows(InputException.class, () -> MetricsLogReader.epochs(json)).getMessage());
        Path csv = dir.resolve("bad.csv");
        Files.writeString(csv, "kind,epoch,train_loss\nepoch,1,0.5\nepoch,2\n");
        assertEquals(csv + ":3: error: expected 3 fields as in the header, found 2",
                assertThrows(InputException.class, () -> MetricsLogReader.read(csv)).getMessage());
        Files.writeString(csv, "\n\n");
        assertEquals(csv + ": error: the metrics log is empty",
                assertThrows(InputException.class, () -> MetricsLogReader.read(csv)).getMessage());
        assertEquals(dir.resolve("none.jsonl") + ": error: no such file",
                assertThrows(InputException.class, () -> MetricsLogReader.read(dir.resolve("none.jsonl")))
                        .getMessage());
    }

    private static void assertEqualsReport(EpochReport r, MetricsLogReader.Entry e) {
        assertEquals(r.epoch(), e.epoch());
        assertEquals(r.trainLoss(), e.trainLoss());
        assertEquals(r.testLoss(), e.testLoss());
        assertEquals(r.testAccuracy(), e.testAccuracy());
        assertEquals(r.samplesPerSecond(), e.samplesPerSecond());
        assertEquals(r.seconds(), e.epochSeconds());
    }
}
