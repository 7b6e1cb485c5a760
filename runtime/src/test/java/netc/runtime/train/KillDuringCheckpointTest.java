package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.ModelSpec;

/**
 * SIGKILL at arbitrary moments never leaves a checkpoint directory without a loadable newest checkpoint. A child JVM
 * trains with a checkpoint after every (tiny) epoch and resumes from the directory when restarted; the test kills
 * it ({@link Process#destroyForcibly()}, SIGKILL on Unix) at a seeded pseudo-random delay after the first
 * checkpoint of each incarnation, many times, and after each kill reads back every checkpoint in the directory. The delays only choose when to kill;
 * what is asserted is that every state left behind is loadable and that the run moves forward across kills.
 */
class KillDuringCheckpointTest {

    private static final int KILLS = 24;

    @TempDir
    Path tmp;
    private Path dir;

    @Test
    void everyKillLeavesTheNewestCheckpointLoadable() throws Exception {
        dir = Files.createDirectories(tmp.resolve("checkpoints"));
        ModelSpec spec = KillDuringCheckpointChild.network().spec();
        CheckpointStore store = new CheckpointStore(dir, 3);
        SplittableRandom random = new SplittableRandom(2026);
        int lastEpoch = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = start();
            int reported;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String first = out.readLine();
                assertEquals(kill == 0 ? "fresh" : "resumed after epoch " + lastEpoch, first,
                        "the child resumes from the newest checkpoint the test saw" + stderr(child));
                // Wait for this incarnation's first checkpoint, so that every kill has something to lose.
                String line = out.readLine();
                assertTrue(line != null && line.startsWith("epoch "), "child trained: " + line + stderr(child));
                reported = Integer.parseInt(line.substring("epoch ".length()));
                // Then up to 20 ms more per kill: early kills land in the next writes, later ones deep in the run.
                long delay = random.nextLong(1 + 20L * kill);
                assertFalse(child.waitFor(delay, TimeUnit.MILLISECONDS), "the child exited on its own"
                        + stderr(child));
            } finally {
                child.destroyForcibly(); // also when an assertion failed: the child would train forever
                child.waitFor();
            }
            List<Path> files = store.list();
            for (Path p : files) {
                Checkpoint c = Checkpoint.read(p);
                c.requireModel(spec, KillDuringCheckpointChild.HASH);
                assertEquals(p.getFileName().toString(), CheckpointStore.fileName(c.epoch()));
                for (float v : c.params()) {
                    assertTrue(Float.isFinite(v));
                }
            }
            List<String> warnings = new ArrayList<>();
            Checkpoint newest = store.latest(spec, KillDuringCheckpointChild.HASH, warnings::add);
            assertEquals(List.of(), warnings, "no checkpoint is ever torn");
            assertEquals(files.get(files.size() - 1), newest.file());
            assertTrue(newest.epoch() >= reported && newest.epoch() > lastEpoch, "newest epoch " + newest.epoch()
                    + ", the child reported " + reported + ", the previous kill left " + lastEpoch);
            // A kill between the rename and the pruning leaves one more; the next write deletes it.
            assertTrue(files.size() <= 4, "kept at most 3 + 1, found " + files);
            lastEpoch = newest.epoch();
            try (Stream<Path> all = Files.list(dir)) {
                for (Path p : all.toList()) {
                    String name = p.getFileName().toString();
                    assertTrue(files.contains(p) || name.startsWith(".checkpoint-"), "unexpected file " + name);
                }
            }
        }
    }

    private Process start() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), KillDuringCheckpointChild.class.getName(), dir.toString())
                .redirectError(tmp.resolve("child.stderr").toFile())
                .start();
    }

    private String stderr(Process child) {
        try {
            return "; stderr: " + Files.readString(tmp.resolve("child.stderr"));
        } catch (IOException e) {
            return "";
        }
    }
}
