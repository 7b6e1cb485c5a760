package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ParallelTest {

    private static final int[] ROWS = {0, 1, 3, 7, 8, 9, 16, 17, 100, 513, 1000};
    private static final int[] ALIGNS = {1, 4, 8};

    /** Records which rows each call covered and the [lo, hi) parts. */
    private static final class Recorder implements StageRunner {
        final AtomicIntegerArray hits;
        final List<int[]> parts = Collections.synchronizedList(new ArrayList<>());

        Recorder(int rows) {
            hits = new AtomicIntegerArray(rows);
        }

        @Override
        public void runStage(int stage, int lo, int hi) {
            parts.add(new int[] {lo, hi, stage});
            for (int r = lo; r < hi; r++) {
                hits.incrementAndGet(r);
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void everyRowIsCoveredExactlyOnceWithAlignedBoundaries(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            for (int rows : ROWS) {
                for (int align : ALIGNS) {
                    Recorder rec = new Recorder(rows);
                    parallel.run(rec, 5, rows, align);
                    String what = rows + " rows, align " + align + ", " + threads + " threads";
                    for (int r = 0; r < rows; r++) {
                        assertEquals(1, rec.hits.get(r), "row " + r + " of " + what);
                    }
                    List<int[]> parts = new ArrayList<>(rec.parts);
                    parts.sort(Comparator.comparingInt(p -> p[0]));
                    assertTrue(parts.size() <= Parallel.CHUNKS_PER_THREAD * threads, what);
                    for (int i = 0; i < parts.size(); i++) {
                        int[] p = parts.get(i);
                        assertEquals(5, p[2], "stage number passed through");
                        assertEquals(0, p[0] % align, "part start aligned: " + what);
                        if (i < parts.size() - 1) {
                            assertEquals(0, p[1] % align, "inner boundary aligned: " + what);
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void enoughRowsAreSplitIntoChunksThatDependOnlyOnRowsAlignAndThreads(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            List<String> first = null;
            for (int round = 0; round < 20; round++) {
                Recorder rec = new Recorder(1000);
                parallel.run(rec, 0, 1000, 8);
                List<String> parts = new ArrayList<>();
                for (int[] p : rec.parts) {
                    parts.add(p[0] + ".." + p[1]);
                }
                Collections.sort(parts);
                assertEquals(Parallel.CHUNKS_PER_THREAD * threads, parts.size());
                if (first == null) {
                    first = parts;
                }
                assertEquals(first, parts, "the same chunks every time");
            }
        }
    }

    /**
     * The caller takes chunks from the front and the workers from the back, so each thread keeps its share of the
     * rows from one stage to the next: the caller's chunks are always a prefix of the rows, the workers' a suffix.
     */
    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void theCallerRunsAPrefixOfTheChunksAndTheWorkersTheRest(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            Thread caller = Thread.currentThread();
            int mixed = 0;
            // 200 rounds, more until one had both sides (on a busy host a worker may not run for a while).
            for (int round = 0; round < 200 || mixed == 0 && round < 5000; round++) {
                List<int[]> parts = Collections.synchronizedList(new ArrayList<>());
                StageRunner r = (stage, lo, hi) -> {
                    parts.add(new int[] {lo, Thread.currentThread() == caller ? 1 : 0});
                    long end = System.nanoTime() + 20_000;
                    while (System.nanoTime() < end) {
                        Thread.onSpinWait();
                    }
                };
                parallel.run(r, 0, 1000, 8);
                List<int[]> sorted = new ArrayList<>(parts);
                sorted.sort(Comparator.comparingInt(p -> p[0]));
                boolean workerSeen = false;
                for (int[] p : sorted) {
                    if (p[1] == 0) {
                        workerSeen = true;
                    } else {
                        assertTrue(!workerSeen, "round " + round + ": the caller ran chunk " + p[0]
                                + " after a worker's chunk");
                    }
                }
                if (workerSeen && sorted.get(0)[1] == 1) {
                    mixed++;
                }
            }
            assertTrue(mixed > 0, "in some round both the caller and a worker ran chunks");
        }
    }

    @Test
    void anIdlePoolsWorkerSleeps() throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadCpuTimeSupported());
        try (Parallel parallel = Parallel.threads(2)) {
            Thread caller = Thread.currentThread();
            Thread[] worker = new Thread[1];
            StageRunner r = (stage, lo, hi) -> {
                if (Thread.currentThread() != caller) {
                    worker[0] = Thread.currentThread();
                }
                long end = System.nanoTime() + 100_000;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            };
            for (int i = 0; i < 1000 && worker[0] == null; i++) {
                parallel.run(r, 0, 64, 1);
            }
            assertTrue(worker[0] != null, "a worker joined a stage");
            Thread.sleep(100);
            long cpu0 = mx.getThreadCpuTime(worker[0].getId());
            long t0 = System.nanoTime();
            Thread.sleep(400);
            double share = (double) (mx.getThreadCpuTime(worker[0].getId()) - cpu0) / (System.nanoTime() - t0);
            assertTrue(share < 0.02, "an idle worker used " + Math.round(share * 100) + "% of a core");
        }
    }

    @Test
    void theCallerFinishesTheStageWhenAWorkerIsStuck() throws Exception {
        try (Parallel parallel = Parallel.threads(2)) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Thread caller = Thread.currentThread();
            List<Integer> byCaller = Collections.synchronizedList(new ArrayList<>());
            // The worker blocks in its first chunk until the caller has run every other chunk.
            StageRunner r = (stage, lo, hi) -> {
                if (Thread.currentThread() == caller) {
                    byCaller.add(lo);
                } else {
                    try {
                        release.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            Thread watcher = new Thread(() -> {
                long end = System.nanoTime() + 5_000_000_000L;
                while (byCaller.size() < Parallel.CHUNKS_PER_THREAD * 2 - 1 && System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
                release.countDown();
            });
            watcher.start();
            parallel.run(r, 0, 800, 4);
            watcher.join();
            assertTrue(byCaller.size() >= Parallel.CHUNKS_PER_THREAD * 2 - 1,
                    "the caller ran all chunks but the stuck one: " + byCaller.size());
        }
    }

    @Test
    void fewRowsRunOnTheCallerAsOnePart() {
        try (Parallel parallel = Parallel.threads(3)) {
            Recorder rec = new Recorder(7);
            parallel.run(rec, 0, 7, 4);
            assertEquals(1, rec.parts.size());
        }
    }

    @Test
    void oneThreadIsTheSharedSerialInstance() {
        assertSame(Parallel.serial(), Parallel.threads(1));
        assertEquals(1, Parallel.serial().threads());
    }

    @Test
    void aFailureInAWorkerReachesTheCaller() {
        try (Parallel parallel = Parallel.threads(2)) {
            StageRunner failing = (stage, lo, hi) -> {
                if (lo > 0) {
                    throw new IllegalStateException("worker part failed");
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> parallel.run(failing, 0, 100,
                    1));
            assertEquals("worker part failed", e.getMessage());
            // The pool still works afterwards.
            Recorder rec = new Recorder(100);
            parallel.run(rec, 0, 100, 1);
            assertEquals(Parallel.CHUNKS_PER_THREAD * 2, rec.parts.size());
        }
    }

    @Test
    void ofSeveralFailingChunksTheFirstOnesFailureReachesTheCaller() {
        try (Parallel parallel = Parallel.threads(2)) {
            Thread caller = Thread.currentThread();
            for (int round = 0; round < 20; round++) {
                // the caller's chunk (rows from 0) fails late, so a worker's chunk has failed before it
                StageRunner failing = (stage, lo, hi) -> {
                    if (Thread.currentThread() == caller) {
                        sleepMillis(3);
                    }
                    throw new IllegalArgumentException("row " + lo + " failed");
                };
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> parallel.run(failing, 0, 100, 1));
                assertEquals("row 0 failed", e.getMessage(), "round " + round);
            }
            // an Error in a later chunk is not lost behind the first chunk's exception, which comes last; by chunk,
            // not by thread: a spinning worker may claim every chunk, the first included, before the caller starts
            // (a CI run saw it)
            StageRunner errorLater = (stage, lo, hi) -> {
                if (lo == 0) {
                    sleepMillis(3);
                    throw new IllegalArgumentException("row " + lo + " failed");
                }
                throw new AssertionError("chunk at row " + lo + " failed");
            };
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> parallel.run(errorLater, 0, 100, 1));
            assertEquals("row 0 failed", e.getMessage());
            assertTrue(java.util.Arrays.stream(e.getSuppressed()).anyMatch(s -> s instanceof AssertionError),
                    java.util.Arrays.toString(e.getSuppressed()));
        }
    }

    @Test
    void anErrorInAWorkersChunkReachesTheCaller() {
        try (Parallel parallel = Parallel.threads(2)) {
            Thread caller = Thread.currentThread();
            int workerRounds = 0;
            for (int round = 0; round < 50 && workerRounds < 3; round++) {
                boolean[] workerRan = new boolean[1];
                StageRunner failing = (stage, lo, hi) -> {
                    sleepMillis(2);
                    if (Thread.currentThread() != caller) {
                        workerRan[0] = true;
                        throw new AssertionError("worker chunk failed");
                    }
                };
                try {
                    parallel.run(failing, 0, 100, 1);
                    assertTrue(!workerRan[0], "a worker's Error was lost and the stage returned normally");
                } catch (AssertionError e) {
                    assertEquals("worker chunk failed", e.getMessage());
                    workerRounds++;
                }
            }
            assertTrue(workerRounds > 0, "a worker ran a chunk in some round");
            Recorder rec = new Recorder(100);
            parallel.run(rec, 0, 100, 1);
            for (int r = 0; r < 100; r++) {
                assertEquals(1, rec.hits.get(r), "the pool still covers every row, row " + r);
            }
        }
    }

    @Test
    void aParkedWorkerJoinsTheNextStage() {
        try (Parallel parallel = Parallel.threads(2)) {
            Thread caller = Thread.currentThread();
            int joined = 0;
            for (int round = 0; round < 5 && joined == 0; round++) {
                sleepMillis(50); // far past the spin phase: the worker is parked, its guard timeout 100 ms away
                boolean[] workerRan = new boolean[1];
                parallel.run((stage, lo, hi) -> {
                    if (Thread.currentThread() != caller) {
                        workerRan[0] = true;
                    }
                    sleepMillis(5);
                }, 0, 8, 1);
                joined += workerRan[0] ? 1 : 0;
            }
            assertTrue(joined > 0, "the caller's unpark woke the parked worker for a 40 ms stage");
        }
    }

    @Test
    void rowCountsNearTheIntLimitAreSplitWithoutOverflow() {
        try (Parallel parallel = Parallel.threads(2)) {
            int rows = Integer.MAX_VALUE - 3;
            List<int[]> parts = Collections.synchronizedList(new ArrayList<>());
            parallel.run((stage, lo, hi) -> parts.add(new int[] {lo, hi}), 0, rows, 7);
            List<int[]> sorted = new ArrayList<>(parts);
            sorted.sort(Comparator.comparingInt(p -> p[0]));
            int next = 0;
            for (int[] p : sorted) {
                assertEquals(next, p[0], "parts are contiguous");
                assertTrue(p[1] > p[0] && p[0] % 7 == 0, "part " + p[0] + ".." + p[1]);
                next = p[1];
            }
            assertEquals(rows, next, "the parts end at the last row");
        }
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aStageAllocatesNothingOnTheCallingThread() {
        com.sun.management.ThreadMXBean mx =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        StageRunner noop = (stage, lo, hi) -> { };
        try (Parallel parallel = Parallel.threads(2)) {
            for (int i = 0; i < 2000; i++) {
                parallel.run(noop, 0, 64, 1);
            }
            long before = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) {
                parallel.run(noop, i, 64, 1);
            }
            long bytes = mx.getCurrentThreadAllocatedBytes() - before;
            // an object per stage would be at least 16 bytes a stage, 16,000 in all
            assertTrue(bytes < 4096, bytes + " bytes for 1000 stages");
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {2, 3})
    void backToBackStagesNeverMixTheirChunks(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            for (int round = 0; round < 3000; round++) {
                int rows = round % 2 == 0 ? 64 : 37;
                int stage = round % 7;
                Recorder rec = new Recorder(rows);
                parallel.run(rec, stage, rows, 1);
                for (int r = 0; r < rows; r++) {
                    assertEquals(1, rec.hits.get(r), "row " + r + " of round " + round);
                }
                for (int[] p : new ArrayList<>(rec.parts)) {
                    assertEquals(stage, p[2], "round " + round);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2})
    void anAlignmentBelowOneIsRejected(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            for (int align : new int[] {0, -1, Integer.MIN_VALUE}) {
                Recorder rec = new Recorder(100);
                assertThrows(IllegalArgumentException.class, () -> parallel.run(rec, 1, 100, align));
                assertThrows(IllegalArgumentException.class, () -> parallel.runPerThread(rec, 1, 100, align));
                assertTrue(rec.parts.isEmpty(), "nothing ran with alignment " + align);
            }
        }
    }

    @Test
    void zeroThreadsIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.threads(0));
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void runPerThreadGivesOnePartPerThreadWhateverTheRowCount(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            for (int rows : new int[] {0, 1, 2, 3, 4, 5, 7, 13, 49, 63, 64, 1000}) {
                Recorder rec = new Recorder(rows);
                parallel.runPerThread(rec, 3, rows);
                String what = rows + " rows, " + threads + " threads";
                for (int r = 0; r < rows; r++) {
                    assertEquals(1, rec.hits.get(r), "row " + r + " of " + what);
                }
                List<int[]> parts = new ArrayList<>(rec.parts);
                parts.sort(Comparator.comparingInt(p -> p[0]));
                // an odd count of panels on two threads is split too (run() with an alignment of half the panels,
                // rounded up, kept it on one thread)
                int expected = rows == 0 ? 1 : rows < 2 ? 1 : threads == 1 ? 1
                        : (rows + (rows + Math.min(threads, rows) - 1) / Math.min(threads, rows) - 1)
                                / ((rows + Math.min(threads, rows) - 1) / Math.min(threads, rows));
                assertEquals(expected, parts.size(), what);
                assertTrue(threads == 1 || rows < 2 || parts.size() >= 2, "two threads share " + what);
                for (int[] p : parts) {
                    assertEquals(3, p[2]);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} threads")
    @ValueSource(ints = {1, 2, 3})
    void alignedRunPerThreadCutsWholeTilesOnePartPerThread(int threads) {
        try (Parallel parallel = Parallel.threads(threads)) {
            for (int align : new int[] {1, 5, 6}) {
                for (int rows : new int[] {0, 1, 5, 6, 11, 12, 13, 36, 256, 257, 512, 1000}) {
                    Recorder rec = new Recorder(rows);
                    parallel.runPerThread(rec, 4, rows, align);
                    String what = rows + " rows, align " + align + ", " + threads + " threads";
                    for (int r = 0; r < rows; r++) {
                        assertEquals(1, rec.hits.get(r), "row " + r + " of " + what);
                    }
                    List<int[]> parts = new ArrayList<>(rec.parts);
                    parts.sort(Comparator.comparingInt(p -> p[0]));
                    int tiles = (rows + align - 1) / align;
                    boolean serial = threads == 1 || rows < 2 * align;
                    assertEquals(serial, parts.size() == 1, what);
                    assertTrue(parts.size() <= threads, "at most a part per thread: " + what);
                    int longest = 0;
                    for (int i = 0; i < parts.size(); i++) {
                        int[] p = parts.get(i);
                        assertEquals(4, p[2]);
                        if (i < parts.size() - 1) {
                            assertEquals(0, p[1] % align, "a part ends on a tile boundary: " + what);
                        }
                        longest = Math.max(longest, (p[1] - p[0] + align - 1) / align);
                    }
                    // as short a longest part as whole tiles allow: the stage takes the time of one thread's share
                    assertEquals(serial ? tiles : (tiles + threads - 1) / threads, longest, what);
                }
            }
        }
    }

    @Test
    void runColumnsSplitsPerThreadBelowTheFewRowsAndInChunksFromThere() {
        try (Parallel two = Parallel.threads(2)) {
            Recorder few = new Recorder(13);
            two.runColumns(few, 1, 13, 3, 8);
            assertEquals(2, few.parts.size(), "13 panels, 3 rows: one part per thread");
            Recorder many = new Recorder(13);
            two.runColumns(many, 1, 13, 8, 8);
            assertEquals(7, many.parts.size(), "13 panels, 8 rows: chunks of 2 panels (4 per thread, rounded)");
        }
    }

    @Test
    void aColumnAlignmentGivesOnePartPerThreadBelowTheFewRowsOnly() {
        try (Parallel two = Parallel.threads(2); Parallel three = Parallel.threads(3)) {
            org.junit.jupiter.api.Assertions.assertEquals(4, two.columnAlignment(1, 8, 8));
            org.junit.jupiter.api.Assertions.assertEquals(4, two.columnAlignment(7, 7, 8));
            org.junit.jupiter.api.Assertions.assertEquals(1, two.columnAlignment(8, 8, 8));
            org.junit.jupiter.api.Assertions.assertEquals(3, three.columnAlignment(2, 8, 8));
            org.junit.jupiter.api.Assertions.assertEquals(8, Parallel.serial().columnAlignment(1, 8, 8));
        }
    }
}
