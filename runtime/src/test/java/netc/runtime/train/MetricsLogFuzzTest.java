package netc.runtime.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.code_intelligence.jazzer.junit.FuzzTest;

import netc.runtime.FuzzProperty;

/**
 * Fuzzes what reads a metrics log: {@link MetricsLogReader} ({@code netc plot}) and a resumed run's {@link MetricsLog},
 * which keeps an earlier log's lines up to its checkpoint. Any byte string, as a JSON Lines log and as a CSV one, is
 * read or rejected with a message that names the file (see {@link FuzzProperty}); the resumed log never fails on
 * what the file held (a file that is not its kind of log is replaced). Seeds and regression inputs:
 * {@code MetricsLogFuzzTestInputs/readAnyLog/} under this package's test resources.
 */
class MetricsLogFuzzTest {

    private static final Path DIR = scratchDir();

    private static Path scratchDir() {
        try {
            Path dir = Files.createTempDirectory("netc-fuzz-metrics-log");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "30s")
    void readAnyLog(byte[] input) throws IOException {
        for (String name : new String[] {"log.jsonl", "log.csv"}) {
            Path file = DIR.resolve(name);
            file.toFile().deleteOnExit();
            Files.write(file, input);
            FuzzProperty.readsOrRejects(file.toString(), () -> MetricsLogReader.read(file));
            FuzzProperty.readsOrRejects(file.toString(), () -> MetricsLogReader.epochs(file));
            try (MetricsLog resumed = MetricsLog.open(file).resumedAfter(3)) {
                resumed.trainingStarted();
                resumed.epochDone(new EpochReport(2, 0.5, Double.NaN, Double.NaN, 1000, 1, Double.NaN, Double.NaN,
                        false, false));
            }
            FuzzProperty.readsOrRejects(file.toString(), () -> MetricsLogReader.read(file));
        }
    }
}
