package netc.runtime.train;

import netc.runtime.ModelSpec;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.StageRunner;

/**
 * Whether every value of a gradient is finite, checked on all the threads of a pool; the {@link Trainer} asks it
 * after every step, before the optimizer touches the parameters.
 *
 * <p>The check is not fused into the optimizer's pass: a slice found non-finite there would come after other slices
 * were already updated, and the trainer promises that the parameters keep their last good values when training
 * diverges. A separate pass reads the gradient once more (2 MB for the MNIST MLP, mostly from cache), which costs far
 * less than the serial check did. An instance is reused every step and allocates nothing; it is not thread-safe.
 */
public final class FiniteCheck {

    private final Runner runner = new Runner();
    private final ParamSlices slices;

    /** A check of any vector, split over the pool in one piece. */
    public FiniteCheck() {
        this.slices = ParamSlices.WHOLE;
    }

    /**
     * A check of {@code spec}'s gradients, split over the pool tensor by tensor as the trainer splits the optimizer's
     * step, so that each thread reads the gradient rows its kernels wrote (see {@code ParamSlices}).
     */
    public FiniteCheck(ModelSpec spec) {
        this.slices = ParamSlices.of(spec);
    }

    /**
     * As {@link #FiniteCheck(ModelSpec)} for {@code network}'s gradients, each slice checked by {@link
     * Network#allFinite}: a class with vector kernels reads a vector at a time (the MNIST MLP's gradient, one thread,
     * a probe: 118 us one float at a time, 40 a vector at a time).
     */
    public FiniteCheck(Network network) {
        this.slices = ParamSlices.of(network.spec());
        runner.network = network;
    }

    /** Whether every value of {@code values} is finite (neither NaN nor infinite), split over {@code pool}. */
    public boolean allFinite(float[] values, Parallel pool) {
        runner.values = values;
        runner.bad = false;
        try {
            slices.run(runner, values.length, pool);
            return !runner.bad;
        } finally {
            runner.values = null;
        }
    }

    /** Whether every value of {@code values[lo, hi)} is finite, on the calling thread. */
    public static boolean allFinite(float[] values, int lo, int hi) {
        // The values' sum is finite if they all are, unless finite values overflow it; then the exact check decides.
        // One add per value where the exact check takes a multiply and an add: C2 vectorizes neither reduction, and
        // the check is bound by its scalar arithmetic (the MNIST MLP's gradient, 536K floats, StepBreakdown on one
        // thread, alternated: 147-153 us exact, 116-122 so).
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        int i = lo;
        for (; i + 8 <= hi; i += 8) {
            a0 += values[i];
            a1 += values[i + 1];
            a2 += values[i + 2];
            a3 += values[i + 3];
            a4 += values[i + 4];
            a5 += values[i + 5];
            a6 += values[i + 6];
            a7 += values[i + 7];
        }
        for (; i < hi; i++) {
            a0 += values[i];
        }
        float sum = (a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7);
        return sum - sum == 0 || exactlyFinite(values, lo, hi);
    }

    /** {@link #allFinite(float[], int, int)} without the sum's shortcut. */
    static boolean exactlyFinite(float[] values, int lo, int hi) {
        // v * 0 is +-0 for finite v and NaN for NaN and infinities. Eight independent sums, because one running sum
        // is a chain of dependent adds that C2 does not vectorize: it cost 0.5 ms per MLP step (~9% at 2 threads).
        float a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0, a7 = 0;
        int i = lo;
        for (; i + 8 <= hi; i += 8) {
            a0 += values[i] * 0f;
            a1 += values[i + 1] * 0f;
            a2 += values[i + 2] * 0f;
            a3 += values[i + 3] * 0f;
            a4 += values[i + 4] * 0f;
            a5 += values[i + 5] * 0f;
            a6 += values[i + 6] * 0f;
            a7 += values[i + 7] * 0f;
        }
        for (; i < hi; i++) {
            a0 += values[i] * 0f;
        }
        return (a0 + a1 + a2 + a3) + (a4 + a5 + a6 + a7) == 0;
    }

    /** The pool's stage: a slice only ever sets the flag, so the slices need no other coordination. */
    private static final class Runner implements StageRunner {
        Network network;
        float[] values;
        volatile boolean bad;

        @Override
        public void runStage(int stage, int lo, int hi) {
            if (!(network != null ? network.allFinite(values, lo, hi) : allFinite(values, lo, hi))) {
                bad = true;
            }
        }
    }
}
