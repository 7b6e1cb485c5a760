package netc.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>The caller claims chunks from the front and the workers from the back, so with two threads each keeps about
 * the same share of the rows from one stage to the next (by fraction, whatever the stages' row counts): the rows a
 * stage writes are mostly the rows its own thread reads in the next stage, out of its own cache. Where the two cores
 * do not share a cache this matters most: two vCPUs of an AMD EPYC sit on one core complex or on two, as the host
 * places them (a cache line passed between them takes 70 or 320 ns), and claiming from one counter moved about half
 * of each stage's rows from one core to the other (benchmarks/results/2026-12-03-chunk-affinity.md).
 *
 * <p>Chunk boundaries depend only on the row count, the alignment and the thread count, never on timing, and every
 * kernel computes a row the same way whichever thread runs it, so results are bitwise reproducible. Workers spin
 * briefly between stages and then park: a training step runs a dozen short stages back to back, and a park/unpark
 * hand-off per stage would cost more than the split gains.
 */
public final class Parallel implements AutoCloseable {

    /** Chunks per thread: enough to rebalance when a thread stalls, few enough that the claims stay cheap. */
    static final int CHUNKS_PER_THREAD = 4;
    /** The most threads a pool may have: a stage's chunk count must fit the 16 bits of a bound in {@link #claims}. */
    static final int MAX_THREADS = 4096;

    private static final Parallel SERIAL = new Parallel(1);
    private static final int SPINS_BEFORE_PARK = 1 << 14;
    /** The longest a parked worker sleeps before it looks for a stage by itself (see {@link Worker}). */
    private static final long PARK_NANOS = 100_000_000L;

    private final int threads;
    private final Worker[] workers;
    private volatile boolean stop;

    /*
     * The current stage, in fields reused by every stage so that a training step allocates nothing (a job object per
     * stage cost about 640 bytes per MLP step on two threads). The caller writes the plain fields, then publishes them
     * with the volatile write of "claims": generation (high 32 bits), then the unclaimed chunks [front, back) as
     * front (16 bits) and back (low 16 bits). The caller claims front, the workers back - 1, each by a
     * compare-and-set that also checks the generation, so a worker late from the previous stage can never take a
     * chunk of the next one; and it reads the plain fields only after a successful claim, when the stage cannot be
     * complete (its chunk is not done), so the caller has not rewritten them.
     */
    private final AtomicLong claims = new AtomicLong();
    private final AtomicInteger done = new AtomicInteger();
    private int generation;
    private StageRunner runner;
    private int stage;
    private int rows;
    private int chunk;
    private volatile Throwable failure;
    /** The chunk {@link #failure} came from: of several failing chunks the first is kept, whoever ran it. */
    private int failedChunk;
    /** Guards {@link #failure} and {@link #failedChunk} when chunks fail: private, so no caller can hold it. */
    private final Object failureLock = new Object();

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
        if (threads < 1 || threads > MAX_THREADS) {
            throw new IllegalArgumentException("threads must be >= 1 and <= " + MAX_THREADS + ", got " + threads);
        }
        return threads == 1 ? SERIAL : new Parallel(threads);
    }

    /** Number of threads that share the work, the caller included. */
    public int threads() {
        return threads;
    }

    /**
     * The alignment that made {@link #run} cut {@code panels} into one part per thread below {@code fewRows} rows, as
     * classes generated before 2026-12-04 (afternoon) call it. With an odd panel count on two threads {@code run} kept
     * such a call on one thread (2 x the alignment exceeds the panels); newer classes call {@link #runColumns}.
     *
     * @param rows    rows of the call (the batch)
     * @param panels  the parts to share (column panels)
     * @param fewRows the row count from which the kernel takes its row tiles
     */
    public int columnAlignment(int rows, int panels, int fewRows) {
        return rows < fewRows ? (panels + threads - 1) / threads : 1;
    }

    /**
     * A column entry's call: {@link #runPerThread} below {@code fewRows} rows (the few-row tiles want wide panels,
     * which chunks of one panel would not leave them), {@link #run} in chunks of panels from there on.
     *
     * @param panels  the parts to share (column panels)
     * @param rows    rows of the call (the batch)
     * @param fewRows the row count from which the kernel takes its row tiles
     */
    public void runColumns(StageRunner runner, int stage, int panels, int rows, int fewRows) {
        if (rows < fewRows) {
            runPerThread(runner, stage, panels);
        } else {
            run(runner, stage, panels, 1);
        }
    }

    /**
     * Runs {@code runner.runStage(stage, lo, hi)} over one contiguous part of {@code [0, rows)} per thread (fewer
     * when there are fewer rows than threads), the parts as equal as whole rows allow: for a stage whose every part
     * pays a fixed cost (a swapped NT kernel's column entry transposes all of A), so that each thread pays it once.
     * The caller still runs any part a worker has not started, as in {@link #run}.
     */
    public void runPerThread(StageRunner runner, int stage, int rows) {
        runPerThread(runner, stage, rows, 1);
    }

    /**
     * As {@link #runPerThread(StageRunner, int, int)}, with part boundaries at multiples of {@code align} (the kernel's
     * tile height) except the end: for a kernel that packs a panel of its other operand per call and per block of
     * rows, which chunks of a few tiles would pack again and again (a TN weight gradient: 8 chunks of 6 tiles on two
     * threads made the MNIST MLP's 256 x 512 x 128 kernel 1.23x slower than one part per thread).
     */
    public void runPerThread(StageRunner runner, int stage, int rows, int align) {
        requirePositiveAlignment(align);
        if (threads == 1 || rows < 2L * align) {
            runner.runStage(stage, 0, rows);
            return;
        }
        long tiles = ((long) rows + align - 1) / align;
        long parts = Math.min(threads, tiles);
        runChunks(runner, stage, rows, (tiles + parts - 1) / parts * align);
    }

    /**
     * Runs {@code runner.runStage(stage, lo, hi)} over a partition of {@code [0, rows)} and returns when all parts
     * are done. Part boundaries are multiples of {@code align} (the kernel's tile height) except the end. Not for
     * concurrent use: one caller at a time.
     */
    public void run(StageRunner runner, int stage, int rows, int align) {
        requirePositiveAlignment(align);
        if (threads == 1 || rows < 2L * align) {
            runner.runStage(stage, 0, rows);
            return;
        }
        // In long: row counts near Integer.MAX_VALUE must not wrap (the chunk count must fit 16 bits).
        long tiles = ((long) rows + align - 1) / align;
        long tilesPerChunk = Math.max(1, (tiles + CHUNKS_PER_THREAD * threads - 1) / (CHUNKS_PER_THREAD * threads));
        runChunks(runner, stage, rows, tilesPerChunk * align);
    }

    /** An alignment of 0 divided by zero below and a negative one ran nothing: a caller's bug, said as such. */
    private static void requirePositiveAlignment(int align) {
        if (align < 1) {
            throw new IllegalArgumentException("alignment must be >= 1, got " + align);
        }
    }

    /** Runs {@code [0, rows)} in chunks of {@code chunkRows} (the last shorter) claimed by the caller and the workers. */
    private void runChunks(StageRunner runner, int stage, int rows, long chunkRows) {
        int chunks = (int) ((rows + chunkRows - 1) / chunkRows);
        this.runner = runner;
        this.stage = stage;
        this.rows = rows;
        this.chunk = (int) Math.min(chunkRows, Integer.MAX_VALUE);
        this.failure = null;
        done.set(0);
        int gen = ++generation;
        claims.set((long) gen << 32 | chunks);
        for (Worker w : workers) {
            if (w.parked) {
                LockSupport.unpark(w);
            }
        }
        work(gen);
        int spins = 0;
        while (done.get() < chunks) {
            if (++spins < SPINS_BEFORE_PARK) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        this.runner = null;
        Throwable f = failure;
        if (f != null) {
            failure = null;
            if (f instanceof RuntimeException e) {
                throw e;
            }
            if (f instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(f);
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

    /** The generation of the stage published last. */
    private int currentGeneration() {
        return (int) (claims.get() >>> 32);
    }

    /**
     * Claims and runs chunks of stage {@code gen} until none is left or a newer stage has replaced it, from the front
     * on the caller and from the back on a worker; a failure is kept for the caller (the lowest chunk's), and the chunk
     * counts as done.
     */
    private void work(int gen) {
        // A worker of another pool that calls run() is this pool's caller: it claims from the front.
        boolean fromBack = Thread.currentThread() instanceof Worker w && w.pool == this;
        while (true) {
            long c = claims.get();
            int front = (int) (c >>> 16) & 0xffff;
            int back = (int) c & 0xffff;
            if ((int) (c >>> 32) != gen || front >= back) {
                return;
            }
            int next = fromBack ? back - 1 : front;
            if (!claims.compareAndSet(c, fromBack ? c - 1 : c + (1L << 16))) {
                continue;
            }
            try {
                runner.runStage(stage, next * chunk, (int) Math.min(rows, (long) (next + 1) * chunk));
            } catch (Throwable e) {
                // Errors too: an Error escaping a worker ended the thread with its chunk counted as done, and the
                // stage returned normally with those rows never computed.
                // The first chunk's failure, not the first to happen: with rows that each may fail (a label out of
                // range), the message then names the row a serial run would have failed on, at any thread count.
                // The others ride along as suppressed, so that an Error in a later chunk is not lost.
                synchronized (failureLock) {
                    Throwable kept = failure;
                    if (kept == null || next < failedChunk) {
                        failedChunk = next;
                        failure = e;
                        if (kept != null && kept != e) {
                            e.addSuppressed(kept);
                        }
                    } else if (kept != e) {
                        kept.addSuppressed(e);
                    }
                }
            } finally {
                done.incrementAndGet();
            }
        }
    }

    /**
     * A worker joins each new stage it sees; between stages it spins briefly, then parks until the caller unparks it
     * for a new stage (or the pool closes). The park is timed only as a guard: the caller unparks a worker that
     * shows {@code parked} after publishing the stage, and the worker checks for a stage after showing it, so no
     * wake-up is lost; and a worker that slept through a stage would cost time, not a result, since the caller
     * runs every chunk nobody has claimed.
     */
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
            int seen = 0;
            int spins = 0;
            while (!pool.stop) {
                int gen = pool.currentGeneration();
                if (gen != seen) {
                    seen = gen;
                    spins = 0;
                    pool.work(gen);
                    continue;
                }
                if (++spins < SPINS_BEFORE_PARK) {
                    Thread.onSpinWait();
                } else {
                    parked = true;
                    if (pool.currentGeneration() == seen && !pool.stop) {
                        LockSupport.parkNanos(this, PARK_NANOS);
                    }
                    parked = false;
                    // Park again at once: spinning anew after every timed park (of 1 ms then) kept an idle pool's
                    // worker busy 32% of the time for as long as the pool lived.
                    spins = SPINS_BEFORE_PARK;
                }
            }
        }
    }
}
