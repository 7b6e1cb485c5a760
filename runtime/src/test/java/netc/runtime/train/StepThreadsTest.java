package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import netc.runtime.Parallel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The choice between the trainer's pool and one thread, fed step times instead of a clock. */
class StepThreadsTest {
    private static final long MS = 1_000_000L;
    private Parallel pool;

    @BeforeEach
    void open() {
        pool = Parallel.threads(2);
    }

    @AfterEach
    void close() {
        pool.close();
    }

    /** Runs steps until {@code steps} have been recorded, each taking {@code poolNanos} or {@code serialNanos}. */
    private static int run(StepThreads t, int steps, Parallel pool, long poolNanos, long serialNanos) {
        int changes = 0;
        for (int i = 0; i < steps; i++) {
            Parallel p = t.next();
            if (t.stepDone(p == pool ? poolNanos : serialNanos, true)) {
                changes++;
            }
        }
        return changes;
    }

    @Test
    void thePoolRunsUntilTheFirstProbeAndStaysWhenItIsFaster() {
        StepThreads t = new StepThreads(pool, true);
        int before = (int) (StepThreads.FIRST_PROBE_NANOS / (2 * MS));
        for (int i = 0; i < before; i++) {
            assertSame(pool, t.next(), "step " + i);
            assertFalse(t.stepDone(2 * MS, true));
        }
        // the probe: the other choice (one thread) first, then the current one
        for (int i = 0; i < StepThreads.MAX_PROBE_STEPS; i++) {
            assertSame(Parallel.serial(), t.next());
            assertFalse(t.stepDone(3 * MS, true));
        }
        for (int i = 0; i < StepThreads.MAX_PROBE_STEPS - 1; i++) {
            assertSame(pool, t.next());
            assertFalse(t.stepDone(2 * MS, true));
        }
        assertSame(pool, t.next());
        assertFalse(t.stepDone(2 * MS, true), "the pool was faster: no change");
        assertFalse(t.serial());
        assertEquals(2 * MS, t.lastPoolNanos());
        assertEquals(3 * MS, t.lastSerialNanos());
        assertSame(pool, t.next());
    }

    @Test
    void oneThreadTakesOverWhenClearlyFasterAndHandsBackWhenThePoolRecovers() {
        StepThreads t = new StepThreads(pool, true);
        int steps = (int) (StepThreads.FIRST_PROBE_NANOS / (5 * MS)) + 2 * StepThreads.MAX_PROBE_STEPS;
        assertEquals(1, run(t, steps, pool, 5 * MS, 2 * MS));
        assertTrue(t.serial());
        assertSame(Parallel.serial(), t.next());
        assertEquals(5 * MS, t.lastPoolNanos());
        assertEquals(2 * MS, t.lastSerialNanos());
        // the pool is fast again: the next probe (after PROBE_INTERVAL_NANOS on one thread) hands the steps back
        int next = (int) (StepThreads.PROBE_INTERVAL_NANOS / (2 * MS)) + 2 * StepThreads.MAX_PROBE_STEPS;
        assertEquals(1, run(t, next, pool, MS, 2 * MS));
        assertFalse(t.serial());
        assertSame(pool, t.next());
    }

    @Test
    void aPoolJustAsFastStays() {
        StepThreads t = new StepThreads(pool, true);
        int steps = (int) (StepThreads.FIRST_PROBE_NANOS / (2 * MS)) + 2 * StepThreads.MAX_PROBE_STEPS;
        // one thread 10% faster: within the margin
        assertEquals(0, run(t, steps, pool, 2 * MS, 18 * MS / 10));
        assertFalse(t.serial());
    }

    @Test
    void settlingStepsDoNotCountButASlowStepAfterThemDoes() {
        StepThreads t = new StepThreads(pool, true);
        int before = (int) (StepThreads.FIRST_PROBE_NANOS / (2 * MS));
        run(t, before, pool, 2 * MS, 2 * MS);
        // one thread: its settling steps very slow, then 3 ms; the pool: 2 ms, but one step waits 40 ms
        int counted = StepThreads.MAX_PROBE_STEPS - StepThreads.SETTLING_STEPS;
        for (int i = 0; i < StepThreads.MAX_PROBE_STEPS; i++) {
            assertSame(Parallel.serial(), t.next());
            t.stepDone(i < StepThreads.SETTLING_STEPS ? 100 * MS : 3 * MS, true);
        }
        for (int i = 0; i < StepThreads.MAX_PROBE_STEPS; i++) {
            assertSame(pool, t.next());
            assertEquals(i == StepThreads.MAX_PROBE_STEPS - 1,
                    t.stepDone(i == StepThreads.SETTLING_STEPS ? 40 * MS : 2 * MS, true));
        }
        assertEquals(3 * MS, t.lastSerialNanos());
        assertEquals(((counted - 1) * 2 * MS + 40 * MS) / counted, t.lastPoolNanos());
        assertTrue(t.serial(), "a pool whose steps wait now and then is slower on the whole");
    }

    @Test
    void longStepsProbeFewerStepsAndLessOften() {
        StepThreads t = new StepThreads(pool, true);
        // 1 s a step on the pool, 1.5 s on one thread: two steps reach the first probe, whose halves are the
        // fewest steps; it keeps the pool and waits PROBE_SPACING times its 20 s before the next one
        assertEquals(0, run(t, 2, pool, 1000 * MS, 1500 * MS));
        assertEquals(StepThreads.MIN_PROBE_STEPS, t.probeSteps());
        assertEquals(0, run(t, 2 * StepThreads.MIN_PROBE_STEPS, pool, 1000 * MS, 1500 * MS));
        assertEquals(1000 * MS, t.lastPoolNanos());
        long probe = StepThreads.MIN_PROBE_STEPS * 2500 * MS;
        int stepsBeforeNext = (int) (StepThreads.PROBE_SPACING * probe / (1000 * MS));
        for (int i = 0; i < stepsBeforeNext; i++) {
            assertSame(pool, t.next(), "no probe before " + stepsBeforeNext + " steps, step " + i);
            t.stepDone(1000 * MS, true);
        }
        assertSame(Parallel.serial(), t.next(), "the next probe");
        // the time spent on the slower choice: 8 extra half-seconds per 160 s of steps and 20 s of probe
        assertTrue(StepThreads.MIN_PROBE_STEPS * 500.0 / (stepsBeforeNext * 1000.0 + 2500.0 * 8) < 0.05);
    }

    @Test
    void betweenStepsTheSettledChoiceRunsNotTheProbes() {
        StepThreads t = new StepThreads(pool, true);
        int before = (int) (StepThreads.FIRST_PROBE_NANOS / (2 * MS));
        run(t, before, pool, 2 * MS, 2 * MS);
        assertSame(Parallel.serial(), t.next(), "the probe's first half");
        assertSame(pool, t.settled());
    }

    @Test
    void shortBatchesDoNotCount() {
        StepThreads t = new StepThreads(pool, true);
        for (int i = 0; i < 10_000; i++) {
            assertSame(pool, t.next());
            assertFalse(t.stepDone(StepThreads.FIRST_PROBE_NANOS, false));
        }
        assertFalse(t.stepDone(StepThreads.FIRST_PROBE_NANOS, true));
        assertSame(Parallel.serial(), t.next(), "a full step reached the first probe");
    }

    @Test
    void offOrOneThreadNeverChooses() {
        StepThreads off = new StepThreads(pool, false);
        assertEquals(0, run(off, 100_000, pool, 10 * MS, MS));
        assertSame(pool, off.next());
        try (Parallel one = Parallel.threads(1)) {
            StepThreads single = new StepThreads(one, true);
            assertEquals(0, run(single, 100_000, one, 10 * MS, MS));
            assertSame(one, single.next());
        }
    }
}
