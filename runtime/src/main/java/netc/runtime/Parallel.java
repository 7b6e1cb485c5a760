package netc.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Splits a kernel's rows over a fixed set of threads: the caller runs the first part, each worker one other part.
 *
 * <p>The partition depends only on the row count, the thread count and the alignment, never on timing, so results
 * are bitwise reproducible for a given thread count. Workers spin briefly between stages and then park: a training
 * step runs a dozen short stages back to back, and a park/unpark hand-off per stage would cost more than the split
 * gains (measured in shared/notes/java-kernels.md: spinning 1.33-1.65x vs executor futures 1.11-1.50x).
 */
public final class Parallel implements AutoCloseable {

    private static final Parallel SERIAL = new Parallel(1);
    private static final int SPINS_BEFORE_PARK = 1 << 16;

    private final int threads;
    private final Worker[] workers;

    private Parallel(int threads) {
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker(i + 1);
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
     * are done. Part boundaries are multiples of {@code align} (the kernel's tile height) except the last.
     */
    public void run(StageRunner runner, int stage, int rows, int align) {
        int parts = threads;
        if (parts == 1 || rows < 2 * align) {
            runner.runStage(stage, 0, rows);
            return;
        }
        int tiles = (rows + align - 1) / align;
        parts = Math.min(parts, tiles);
        for (int p = 1; p < parts; p++) {
            workers[p - 1].submit(runner, stage, bound(p, parts, tiles, align, rows),
                    bound(p + 1, parts, tiles, align, rows));
        }
        RuntimeException failure = null;
        try {
            runner.runStage(stage, 0, bound(1, parts, tiles, align, rows));
        } catch (RuntimeException e) {
            failure = e;
        }
        for (int p = 1; p < parts; p++) {
            RuntimeException e = workers[p - 1].await();
            if (failure == null) {
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static int bound(int part, int parts, int tiles, int align, int rows) {
        return Math.min(rows, (int) ((long) tiles * part / parts) * align);
    }

    @Override
    public void close() {
        for (Worker w : workers) {
            w.shutdown();
        }
    }

    /** One worker thread with a single-slot mailbox; the phase counter orders submit, run and done. */
    private static final class Worker extends Thread {
        private final AtomicInteger phase = new AtomicInteger(); // even: idle or done, odd: work posted
        private volatile boolean stop;
        private StageRunner runner;
        private int stage;
        private int lo;
        private int hi;
        private RuntimeException failure;

        Worker(int index) {
            super("netc-worker-" + index);
            setDaemon(true);
        }

        void submit(StageRunner r, int s, int from, int to) {
            runner = r;
            stage = s;
            lo = from;
            hi = to;
            failure = null;
            phase.incrementAndGet();
            LockSupport.unpark(this);
        }

        RuntimeException await() {
            int spins = 0;
            while ((phase.get() & 1) != 0) {
                if (++spins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            return failure;
        }

        void shutdown() {
            stop = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            int spins = 0;
            while (!stop) {
                if ((phase.get() & 1) == 0) {
                    if (++spins < SPINS_BEFORE_PARK) {
                        Thread.onSpinWait();
                    } else {
                        LockSupport.parkNanos(this, 1_000_000L);
                    }
                    continue;
                }
                spins = 0;
                try {
                    runner.runStage(stage, lo, hi);
                } catch (RuntimeException e) {
                    failure = e;
                }
                runner = null;
                phase.incrementAndGet();
            }
        }
    }
}
