package netc.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a kernel's rows over a fixed set of threads.
 *
 * <p>The rows are cut into aligned chunks, about {@value #CHUNKS_PER_THREAD} per thread, that the caller and the
 * workers claim from a shared counter. The caller never waits for a chunk nobody has started: when the other core
 * is busy with another process and a worker is not scheduled, the caller runs the remaining chunks itself and the
 * stage costs about what it costs on one thread. A fixed one-part-per-thread split made the caller wait a scheduler
 * time slice per stage instead, and two threads ran 2-3.4x slower than one on a loaded machine
 * (benchmarks/results/2026-11-27-step-breakdown.md, section 4; on a quiet machine both split the same).
 *
 * <p>Chunk boundaries depend only on the row count, the alignment and the thread count, never on timing, and every
 * kernel computes a row the same way whichever thread runs it, so results are bitwise reproducible. Workers spin
 * briefly between stages and then park: a training step runs a dozen short stages back to back, and a park/unpark
 * hand-off per stage would cost more than the split gains.
 */
public final class Parallel implements AutoCloseable {

    /** Chunks per thread: enough to rebalance when a thread stalls, few enough that the claims stay cheap. */
    static final int CHUNKS_PER_THREAD = 4;

    private static final Parallel SERIAL = new Parallel(1);
    private static final int SPINS_BEFORE_PARK = 1 << 14;

    private final int threads;
    private final Worker[] workers;
    private volatile Job job;
    private volatile boolean stop;

    private Parallel(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(this, i + 1);
            workers[i].start();
        }
    }

    /** Runs everything on the calling thread. */
    public static Parallel serial() {
        return SERIAL;
    }

    /** A pool of {@code threads} threads in all, the caller included; close it when done. */
    public static Parallel threads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(threads);
    }

    /** Number of threads that share the work, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * Runs {@code runner.runStage(stage, lo, hi)} over a partition of {@code [0, rows)} and returns when all parts
     * are done. Part boundaries are multiples of {@code align} (the kernel's tile height) except the end. Not for
     * concurrent use: one caller at a time.
     */
    public void run(StageRunner runner, int stage, int rows, int align) {
        if (threads == 1 || rows < 2 * align) {
            runner.runStage(stage, 0, rows);
            return;
        }
        int tiles = (rows + align - 1) / align;
        int tilesPerChunk = Math.max(1, (tiles + CHUNKS_PER_THREAD * threads - 1) / (CHUNKS_PER_THREAD * threads));
        Job j = new Job(runner, stage, rows, tilesPerChunk * align);
        job = j;
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        j.work();
        int spins = 0;
        while (j.done.get() < j.chunks) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        if (j.failure != null) {
            throw j.failure;
        }
    }

    @Override
    public void close() {
        if (this == SERIAL) {
            return;
        }
        stop = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** One stage's work: its chunks and the counters that hand them out and count them done. */
    private static final class Job {
        final StageRunner runner;
        final int stage;
        final int rows;
        final int chunk;
        final int chunks;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        volatile RuntimeException failure;

        Job(StageRunner runner, int stage, int rows, int chunk) {
            this.runner = runner;
            this.stage = stage;
            this.rows = rows;
            this.chunk = chunk;
            this.chunks = (rows + chunk - 1) / chunk;
        }

        /** Claims and runs chunks until none is left; a failure is kept for the caller, the chunk counts as done. */
        void work() {
            int i;
            while ((i = next.getAndIncrement()) < chunks) {
                try {
                    runner.runStage(stage, i * chunk, Math.min(rows, (i + 1) * chunk));
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                } finally {
                    done.incrementAndGet();
                }
            }
        }
    }

    /** A worker joins each new job it sees; between jobs it spins briefly, then parks for up to 1 ms. */
    private static final class Worker extends Thread {
        private final Parallel pool;
        volatile boolean parked;

        Worker(Parallel pool, int index) {
            super("netc-worker-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = null;
            int spins = 0;
            while (!pool.stop) {
                Job j = pool.job;
                if (j != null && j != seen) {
                    seen = j;
                    spins = 0;
                    j.work();
                    continue;
                }
                if (++spins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (pool.job == seen && !pool.stop) {
                        LockSupport.parkNanos(this, 1_000_000L);
                    }
                    parked = false;
                    spins = 0;
                }
            }
        }
    }
}
