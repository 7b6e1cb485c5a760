package netc.runtime.train;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;

/**
 * Training steps on a copy of the parameters before the first epoch, so that the JIT has compiled the kernels when
 * the epoch clock starts; every {@value #EVALUATION_EVERY}th step also runs the test-set evaluation's pass.
 *
 * <p>Until C2 has compiled them, the generated kernels run interpreted or as C1 code, and the Vector API's
 * operations fall back to slow Java loops: epoch 1 of the MNIST MLP took several seconds longer than epoch 2
 * (benchmarks/results/2026-11-27-step-breakdown.md, section 2). The steps run on a batch of the training set's first
 * samples, with a copy of the parameters and a gradient of their own (netc's optimizers step the copy and get their
 * state back afterwards), so the trained weights, the optimizer's state and the shuffles are exactly those of a run
 * without warm-up (batch-norm statistics, kept in the parameter vector, change only in the copy). They stop once the
 * steps have settled ({@link Settling}: two windows of steps as fast as each other while the JIT compiled next to
 * nothing), or once the JIT compilers have been idle for {@value #QUIET_MILLIS} ms, or after the time allowed.
 *
 * <p>Waiting for a fully idle JIT alone cost the MNIST MLP about 1.3 s of steps that were already at full speed:
 * after the kernels, C2 still compiles small methods (row operations, the kernels' entry methods) now and then, and
 * each one restarted the idle clock (Zen 5, 2026-12-04: warm-up 4.9 s, of which the steps had settled after 3.6).
 */
final class KernelWarmup {

    /** Steps always run, even when the JVM does not report compilation time. */
    static final int MIN_STEPS = 20;
    /** Steps an epoch must have for the warm-up to run (60,000 samples in batches of 128 have 469). */
    static final int MIN_EPOCH_STEPS = 200;
    /**
     * How long the JIT must have been idle. The compile time it reports grows only when a compilation ends, so a
     * rule that tolerated a little compiling per window ended the warm-up while large kernels were still being
     * compiled (measured under load); a full silence is the safer signal.
     */
    static final long QUIET_MILLIS = 500;
    /** Every this many steps, one evaluation pass ({@link Network#lossAndOutputPrepared}) on the same batch. */
    static final int EVALUATION_EVERY = 4;
    /**
     * Every this many steps (at an offset from the evaluations), the first rows of the batch at one of the shorter
     * sizes the run will see, in turn: the epoch's last batch (a training step at that size and an evaluation pass) and
     * each evaluation's last batch (an evaluation pass only: a training step there could be one that the network
     * refuses, such as a batch norm's over 1 sample, and the run never takes one). Those sizes take kernel paths of
     * their own (tiles for leftover rows; in the MNIST MLP, 96 rows take the swapped forward's narrow tiles), which ran
     * once per epoch, cold, for several epochs: JFR found them in the Vector API's Java fallback at epochs 2 and 3
     * (2026-12-05).
     */
    static final int TAIL_EVERY = 4;

    /** A shorter batch size to warm: an evaluation pass of {@code rows}, and a training step too if {@code step}. */
    record Tail(int rows, boolean step) {
    }

    private KernelWarmup() {
    }

    /**
     * Runs warm-up steps of {@code network} on {@code pool}.
     *
     * @param params     the parameters; only a copy is used
     * @param batchSize  the training batch size, also that of the warm-up steps
     * @param tails      shorter batch sizes the run will also see (see {@link #TAIL_EVERY}); rows outside
     *                   {@code [1, min(batchSize, train.n()))} are ignored
     * @param maxSeconds the most time to spend
     * @param update     the run's update, applied to the copy after each warm-up step, the optimizer's state restored
     *                   at the end (only for optimizers that {@link #restores}), or null to leave the optimizer alone
     * @return the number of steps run
     */
    static int run(Network network, Dataset train, int batchSize, List<Tail> tails, float[] params, Parallel pool,
                   double maxSeconds, StepUpdate update) {
        // The training batch size, not a smaller one: C2 compiles the kernels with the branch profile it sees, and a
        // warm-up on 32 rows left paths of the 128-row steps untaken, so the first real steps deoptimised and
        // recompiled (100 ms per MLP step instead of 5 for the first 20 steps, measured under load).
        int count = Math.min(batchSize, train.n());
        List<Tail> shorter = tails.stream().filter(t -> t.rows() >= 1 && t.rows() < count).distinct().toList();
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        float[] x = new float[count * train.inputSize()];
        float[] y = new float[count * train.targetValues()];
        BatchGather gather = new BatchGather();
        float[] p = params.clone();
        float[] g = new float[p.length];
        // the evaluation's kernels too (Evaluator runs on the inference layout, programs of their own): left cold, the
        // first test-set evaluation ran them interpreted and made epoch 1 of the MLP 0.7 s longer
        float[] prepared = network.prepareForInference(p);
        float[] out = new float[count * network.spec().outputSize()];
        FiniteCheck finite = new FiniteCheck(network);
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean watchJit = jit != null && jit.isCompilationTimeMonitoringSupported();
        long start = System.nanoTime();
        long deadline = start + (long) (maxSeconds * 1e9);
        long lastJit = watchJit ? jit.getTotalCompilationTime() : 0;
        long lastChange = start;
        Settling settling = new Settling(start, lastJit);
        OptimizerState saved = update == null ? null : update.optimizer().exportState();
        int steps = 0;
        // whole batches of the step's own rows: positions a caller gave for a share of a batch (Spark's partitions)
        // would not cover these rows, and the masks drawn here are thrown away with the copy of the parameters
        network.setTrainingStep(0, 0);
        try {
            while (true) {
                // the whole step as the trainer takes it, the gather and the update included (on the copy, reset
                // after each): without them, their code was compiled, and the pool's dispatch recompiled for their
                // stages, during the first hundred steps of epoch 1 (MLP, 2 threads: 0.12 s, 2026-12-05)
                gather.copy(train, order, 0, count, x, y, pool);
                Tail tail = !shorter.isEmpty() && steps % TAIL_EVERY == TAIL_EVERY - 1
                        ? shorter.get(steps / TAIL_EVERY % shorter.size()) : null;
                network.lossAndGradient(p, x, y, tail != null && tail.step() ? tail.rows() : count, g, null);
                finite.allFinite(g, pool);
                if (update != null) {
                    update.apply(p, g, 0, 1, pool);
                    System.arraycopy(params, 0, p, 0, p.length);
                }
                if (steps % EVALUATION_EVERY == 0) {
                    network.lossAndOutputPrepared(prepared, x, y, count, out);
                }
                if (tail != null) {
                    network.lossAndOutputPrepared(prepared, x, y, tail.rows(), out);
                }
                steps++;
                long now = System.nanoTime();
                if (watchJit) {
                    long total = jit.getTotalCompilationTime();
                    if (total != lastJit) {
                        lastJit = total;
                        lastChange = now;
                    }
                }
                boolean quiet = !watchJit || now - lastChange >= QUIET_MILLIS * 1_000_000L;
                boolean settled = watchJit && settling.settled(now, lastJit);
                if (steps >= MIN_STEPS && (quiet || settled) || now >= deadline) {
                    return steps;
                }
            }
        } finally {
            if (update != null) {
                update.optimizer().importState(saved);
            }
        }
    }

    /**
     * Whether the warm-up may step {@code optimizer} and then restore it: netc's own optimizers, whose {@code
     * importState} of what {@code exportState} returned (before their first step: no state) is exactly the state
     * before. An optimizer of the caller's own is left alone: its export may not hold all of its state.
     */
    static boolean restores(Optimizer optimizer) {
        return optimizer instanceof Sgd || optimizer instanceof Momentum || optimizer instanceof Adam;
    }

    /**
     * Whether warm-up steps have reached their steady speed: the steps are timed in consecutive windows of at least
     * {@value #WINDOW_MILLIS} ms and {@value #WINDOW_STEPS} steps, and they have settled once a window's mean step
     * time is within a relative {@value #SAME_SPEED} of the window before it (neither still getting faster nor slowed
     * by a deoptimisation) and in each of the two the JIT's total compile time grew by at most {@value #JIT_SHARE} of
     * the window's length. The second condition keeps the warm-up going while kernels are still being compiled: then
     * compilations end every few tens of milliseconds, each adding tens of milliseconds. Measured on the MNIST MLP (2
     * threads, Zen 5): settled windows differ by up to 5% and see 0-27 ms of compiling; before that, 100-330 ms per
     * window. A single large compilation that runs through two windows with nothing else ending can still pass for
     * settled (the total grows only when a compilation ends; seen only under load): epoch 1 is then somewhat slower,
     * nothing else.
     */
    static final class Settling {
        static final long WINDOW_MILLIS = 250;
        static final int WINDOW_STEPS = 10;
        static final double SAME_SPEED = 0.08;
        static final double JIT_SHARE = 0.12;

        private long windowStart;
        private long windowJit;
        private int windowSteps;
        private double lastMean = Double.NaN;
        private boolean lastJitQuiet;
        private boolean settled;

        Settling(long startNanos, long jitMillis) {
            windowStart = startNanos;
            windowJit = jitMillis;
        }

        /**
         * Counts a step that ended at {@code nowNanos}, when the JIT's total compile time was {@code jitMillis}.
         *
         * @return whether the steps have settled (once true, it stays true)
         */
        boolean settled(long nowNanos, long jitMillis) {
            windowSteps++;
            long length = nowNanos - windowStart;
            if (!settled && length >= WINDOW_MILLIS * 1_000_000L && windowSteps >= WINDOW_STEPS) {
                double mean = (double) length / windowSteps;
                boolean sameSpeed = Math.abs(mean - lastMean) <= SAME_SPEED * lastMean; // false for the first (NaN)
                boolean jitQuiet = (jitMillis - windowJit) * 1_000_000.0 <= JIT_SHARE * length;
                // both windows quiet: the speed compared against must not be one of compiled-while-compiling code
                settled = sameSpeed && jitQuiet && lastJitQuiet;
                lastMean = mean;
                lastJitQuiet = jitQuiet;
                windowStart = nowNanos;
                windowJit = jitMillis;
                windowSteps = 0;
            }
            return settled;
        }
    }
}
