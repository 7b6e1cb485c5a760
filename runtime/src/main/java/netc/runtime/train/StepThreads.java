package netc.runtime.train;

import netc.runtime.Parallel;

/**
 * Whether the next training steps run on the trainer's pool or on the calling thread alone, chosen from the steps'
 * own times while training goes on.
 *
 * <p>Why: a host can make two threads slower than one. On a 2-vCPU cloud VM (AMD EPYC Zen 5, 2026-12-05) {@code netc
 * train} on the MNIST MLP ran at 23.7-30.9k samples/s on two threads for minutes, while one thread ran at 63-64.5k,
 * and both threads at 80-90k before and after; hosts move a VM's vCPUs between cores and let other guests onto them
 * (benchmarks/results/2026-12-03-chunk-affinity.md), and a step's dozen hand-offs between the threads then wait.
 * Every kernel and pass computes bitwise the same on any number of threads (DifferentialCheck compares one thread
 * with two for random networks), so the choice changes how fast training goes, never what it computes.
 *
 * <p>How: once {@link #FIRST_PROBE_NANOS} of full-batch steps have run (the kernels are compiled by then), and then
 * after every further {@link #PROBE_INTERVAL_NANOS} (or {@link #PROBE_SPACING} times the last probe's duration, if
 * longer), a probe runs some steps on the other choice and then as many on the current one, and takes the calling
 * thread alone when its steps took less than {@link #SERIAL_MARGIN} times the pool's, the pool otherwise. Each
 * half's first {@link #SETTLING_STEPS} steps do not count (the scheduler moves the threads about when the pool stops
 * or starts), and the rest count by their mean, not their median: a loaded host slows a pool by the odd step that
 * waits a whole time slice for a descheduled worker (the MNIST MLP at batch 128 beside a busy loop on one of two
 * vCPUs: median steps 2.97 ms on two threads and 2.90 on one, means 3.55 and 2.81 ms; the run went from 38.6k
 * samples/s on two threads to 54-57k once it moved to one).
 *
 * <p>What probing costs: a half has {@link #MAX_PROBE_STEPS} steps where they are short, fewer where they are long
 * (as many as {@link #PROBE_HALF_NANOS} holds, at least {@link #MIN_PROBE_STEPS}), and probes are at least
 * {@link #PROBE_SPACING} probes' durations apart, so that the steps spent on the slower choice stay within about 5%
 * of the run whatever a step takes, and far less for short steps: the MNIST MLP on a quiet machine spends 20 steps on
 * one thread every 5 s, about 10 ms more than on two (0.2%); a step of 130 ms on two threads and 175 on one spends
 * 8 steps on one thread every 51 s or so (0.7%). Only full batches count: an epoch's last, shorter batch takes less
 * time whatever runs it. One instance serves one run; not thread-safe.
 */
final class StepThreads {
    /** The most steps per half of a probe (short steps). */
    static final int MAX_PROBE_STEPS = 20;
    /** Steps at the start of each half of a probe that do not count. */
    static final int SETTLING_STEPS = 4;
    /** The fewest steps per half of a probe (long steps): the settling ones and four that count. */
    static final int MIN_PROBE_STEPS = SETTLING_STEPS + 4;
    /** The time a half of a probe aims at, for steps so long that {@link #MAX_PROBE_STEPS} would take longer. */
    static final long PROBE_HALF_NANOS = 100_000_000L;
    /** Probes are at least this many times their own duration apart. */
    static final int PROBE_SPACING = 20;
    /** Training time before the first probe: the kernels have been warmed before, the rest of the step by then. */
    static final long FIRST_PROBE_NANOS = 2_000_000_000L;
    /** Training time between the end of one probe and the start of the next (at least; see {@link #PROBE_SPACING}). */
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
    private final long[] other = new long[MAX_PROBE_STEPS];
    private final long[] current = new long[MAX_PROBE_STEPS];
    private int count;
    /** Full steps since the last probe (or the start), for their mean duration. */
    private int stepsSinceProbe;
    /** Steps per half of the probe under way. */
    private int probeSteps;
    /** Training time the next probe waits for. */
    private long interval = FIRST_PROBE_NANOS;
    private long probeNanos;
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
        if (phase != 1) {
            return settled();
        }
        return serial ? pool : Parallel.serial(); // the probe's first half: the other choice
    }

    /** Whether the steps now run on the calling thread alone (between probes). */
    boolean serial() {
        return serial;
    }

    /**
     * The pool the last probe chose, whether or not a probe is under way: for work between steps (the evaluation at
     * an epoch's end), which should not run on the probe's choice.
     */
    Parallel settled() {
        return serial ? Parallel.serial() : pool;
    }

    /** Steps per half of the probe under way (or the last one). */
    int probeSteps() {
        return probeSteps;
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
        long step = Math.max(0, nanos);
        switch (phase) {
            case 0 -> {
                sinceProbe += step;
                stepsSinceProbe++;
                if (sinceProbe >= interval) {
                    long mean = sinceProbe / stepsSinceProbe;
                    probeSteps = (int) Math.max(MIN_PROBE_STEPS, Math.min(MAX_PROBE_STEPS,
                            mean <= 0 ? MAX_PROBE_STEPS : (PROBE_HALF_NANOS + mean - 1) / mean));
                    phase = 1;
                    count = 0;
                    probeNanos = 0;
                }
                return false;
            }
            case 1 -> {
                probeNanos += step;
                other[count++] = step;
                if (count == probeSteps) {
                    phase = 2;
                    count = 0;
                }
                return false;
            }
            default -> {
                probeNanos += step;
                current[count++] = step;
                if (count < probeSteps) {
                    return false;
                }
                long otherMean = settledMean(other, probeSteps);
                long currentMean = settledMean(current, probeSteps);
                lastSerialNanos = serial ? currentMean : otherMean;
                lastPoolNanos = serial ? otherMean : currentMean;
                boolean wasSerial = serial;
                serial = lastSerialNanos < SERIAL_MARGIN * lastPoolNanos;
                phase = 0;
                sinceProbe = 0;
                stepsSinceProbe = 0;
                interval = Math.max(PROBE_INTERVAL_NANOS, PROBE_SPACING * probeNanos);
                return serial != wasSerial;
            }
        }
    }

    /** The mean of a half's first {@code n} steps after its settling ones. */
    private static long settledMean(long[] steps, int n) {
        long sum = 0;
        for (int i = SETTLING_STEPS; i < n; i++) {
            sum += steps[i];
        }
        return sum / (n - SETTLING_STEPS);
    }
}
