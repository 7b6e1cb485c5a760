package netc.bench;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import netc.runtime.StageRunner;

/**
 * A prototype replacement for {@code netc.runtime.Parallel.run}, for measurement only (StepBreakdown
 * {@code --chunked}): the rows of a stage are cut into aligned chunks (about 4 per thread) that the caller and the
 * workers claim from a shared counter, so the caller never waits for a part that a worker has not started. When a
 * worker is descheduled (another process holds the other core), the caller simply runs the remaining chunks itself
 * and the stage costs about what it costs on one thread, instead of a scheduler time slice.
 *
 * <p>Results stay bitwise reproducible: chunk boundaries depend only on rows, align and the thread count, and the
 * generated kernels compute each row the same way whichever thread runs it.
 *
 * <p>Generated code calls the static {@link #run}; the harness installs a pool with {@link #install}.
 */
public final class ChunkedParallel {

    private static volatile Pool pool;

    private ChunkedParallel() {
    }

    /** Uses {@code threads} threads (the caller included) from now on; 1 means serial. */
    public static synchronized void install(int threads) {
        if (pool != null) {
            pool.close();
        }
        pool = threads > 1 ? new Pool(threads) : null;
    }

    /** Same contract as {@code Parallel.run}. */
    public static void run(StageRunner runner, int stage, int rows, int align) {
        Pool p = pool;
        if (p == null || rows < 2 * align) {
            runner.runStage(stage, 0, rows);
            return;
        }
        p.run(runner, stage, rows, align);
    }

    /** One stage's work: immutable description plus its own counters. */
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

        void work() {
            int i;
            while ((i = next.getAndIncrement()) < chunks) {
                try {
                    runner.runStage(stage, i * chunk, Math.min(rows, (i + 1) * chunk));
                } catch (RuntimeException e) {
                    failure = e;
                }
                done.incrementAndGet();
            }
        }
    }

    private static final class Pool {
        private static final int SPINS = 1 << 14;
        final int threads;
        final Worker[] workers;
        volatile Job job;
        volatile boolean stop;

        Pool(int threads) {
            this.threads = threads;
            this.workers = new Worker[threads - 1];
            for (int i = 0; i < workers.length; i++) {
                workers[i] = new Worker(this, i + 1);
                workers[i].start();
            }
        }

        void run(StageRunner runner, int stage, int rows, int align) {
            int tiles = (rows + align - 1) / align;
            int perChunk = Math.max(1, (tiles + 4 * threads - 1) / (4 * threads));
            Job j = new Job(runner, stage, rows, perChunk * align);
            job = j;
            for (Worker w : workers) {
                if (w.parked) {
                    LockSupport.unpark(w);
                }
            }
            j.work();
            int spins = 0;
            while (j.done.get() < j.chunks) {
                if (++spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            if (j.failure != null) {
                throw j.failure;
            }
        }

        void close() {
            stop = true;
            for (Worker w : workers) {
                LockSupport.unpark(w);
            }
        }
    }

    private static final class Worker extends Thread {
        private final Pool pool;
        volatile boolean parked;

        Worker(Pool pool, int index) {
            super("netc-chunked-" + index);
            this.pool = pool;
            setDaemon(true);
        }

        @Override
        public void run() {
            Job seen = null;
            int spins = 0;
            while (!pool.stop) {
                Job j = pool.job;
                if (j != seen && j != null) {
                    seen = j;
                    spins = 0;
                    j.work();
                    continue;
                }
                if (++spins < Pool.SPINS) {
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
