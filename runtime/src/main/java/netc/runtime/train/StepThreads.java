package netc.runtime.train;

import netc.runtime.Parallel;

/**
 * Whether the next training steps run on the trainer's pool or on the calling thread alone, chosen from the steps'
 * own times while training goes on.
 *
 * <p>Why: a host can make two threads slower than one. On a 2-vCPU cloud VM (AMD EPYC Zen 5, 2026-12-05) {@code netc
 * train} on the MNIST MLP ran at 26-31k samples/s on two threads for minutes, while one thread ran at 63k, and both
 * threads at 80-90k before and after; hosts move a VM's vCPUs between cores and let other guests onto them
 * (benchmarks/results/2026-12-03-chunk-affinity.md), and a step's dozen hand-offs between the threads then wait.
 * Every kernel and pass computes bitwise the same on any number of threads (DifferentialCheck compares one thread
 * with two for random networks), so the choice changes how fast training goes, never what it computes.
 *
 * <p>How: once {@link #FIRST_PROBE_NANOS} of full-batch steps have run (the kernels are compiled by then), and then
 * after every further {@link #PROBE_INTERVAL_NANOS}, a probe runs {@link #PROBE_STEPS} steps on the other choice and
 * then as many on the current one, and takes the calling thread alone when its steps took less than
 * {@link #SERIAL_MARGIN} times the pool's, the pool otherwise. Each half's first {@link #SETTLING_STEPS} steps do not
 * count (the scheduler moves the threads about when the pool stops or starts), and the rest count by their sum, not
 * their median: a loaded host slows a pool by the odd step that waits a whole time slice for a descheduled worker
 * (the MNIST MLP at batch 128 beside a busy loop on one of two vCPUs: median steps 2.97 ms on two threads and 2.90
 * on one, means 3.55 and 2.81 ms; the run went from 38.6k samples/s on two threads to 54-57k once it moved to one).
 * Probing costs little either way: on a quiet machine 20 steps of that MLP on one thread cost about 10 ms more than
 * on two, once every 5 s (0.2%). Only full batches count: an epoch's last, shorter batch takes less time
 * whatever runs it. One instance serves one run; not thread-safe.
 */
final class StepThreads {
    /** Steps per half of a probe. */
    static final int PROBE_STEPS = 20;
    /** Steps at the start of each half of a probe that do not count. */
    static final int SETTLING_STEPS = 4;
    /** Training time before the first probe: the kernels have been warmed before, the rest of the step by then. */
    static final long FIRST_PROBE_NANOS = 2_000_000_000L;
    /** Training time between the end of one probe and the start of the next. */
    static final long PROBE_INTERVAL_NANOS = 5_000_000_000L;
    /**
     * The calling thread alone must be at least this much faster than the pool to be chosen: a pool that is just as
     * fast stays, since the probe's halves run a few seconds' conditions apart from the steps they decide.
     */
    static final double SERIAL_MARGIN = 0.85;

    private final Parallel pool;
    private final boolean enabled;
    private boolean serial;
    /** 0 between probes; 1 while the probe times the other choice; 2 while it times the current one. */
    private int phase;
    private long sinceProbe;
    private boolean probed;
    private final long[] other = new long[PROBE_STEPS];
    private final long[] current = new long[PROBE_STEPS];
    private int count;
    private long lastPoolNanos = -1;
    private long lastSerialNanos = -1;

    /**
     * @param pool    the trainer's pool
     * @param enabled whether to choose at all; with false, or a pool of one thread, every step runs on {@code pool}
     */
    StepThreads(Parallel pool, boolean enabled) {
        this.pool = pool;
        this.enabled = enabled && pool.threads() > 1;
    }

    /** The pool the next step runs on: the trainer's, or {@link Parallel#serial()}. */
    Parallel next() {
        boolean serialNext = phase == 1 ? !serial : serial;
        return serialNext ? Parallel.serial() : pool;
    }

    /** Whether the steps now run on the calling thread alone (between probes). */
    boolean serial() {
        return serial;
    }

    /** The pool's mean step in the last probe (settling steps left out), in nanoseconds; -1 before the first. */
    long lastPoolNanos() {
        return lastPoolNanos;
    }

    /** One thread's mean step in the last probe (settling steps left out), in nanoseconds; -1 before the first. */
    long lastSerialNanos() {
        return lastSerialNanos;
    }

    /**
     * Records the step {@link #next()} chose, which took {@code nanos}; {@code full} is whether its batch had the
     * full batch size.
     *
     * @return whether the choice changed with this step (the steps from the next on run on the other pool)
     */
    boolean stepDone(long nanos, boolean full) {
        if (!enabled || !full) {
            return false;
        }
        switch (phase) {
            case 0 -> {
                sinceProbe += Math.max(0, nanos);
                if (sinceProbe >= (probed ? PROBE_INTERVAL_NANOS : FIRST_PROBE_NANOS)) {
                    phase = 1;
                    count = 0;
                }
                return false;
            }
            case 1 -> {
                other[count++] = nanos;
                if (count == PROBE_STEPS) {
                    phase = 2;
                    count = 0;
                }
                return false;
            }
            default -> {
                current[count++] = nanos;
                if (count < PROBE_STEPS) {
                    return false;
                }
                long otherMean = settledMean(other);
                long currentMean = settledMean(current);
                lastSerialNanos = serial ? currentMean : otherMean;
                lastPoolNanos = serial ? otherMean : currentMean;
                boolean wasSerial = serial;
                serial = lastSerialNanos < SERIAL_MARGIN * lastPoolNanos;
                phase = 0;
                sinceProbe = 0;
                probed = true;
                return serial != wasSerial;
            }
        }
    }

    /** The mean of a half's steps after its settling ones. */
    private static long settledMean(long[] steps) {
        long sum = 0;
        for (int i = SETTLING_STEPS; i < steps.length; i++) {
            sum += steps[i];
        }
        return sum / (steps.length - SETTLING_STEPS);
    }
}
