package netc.runtime.train;

import netc.runtime.Parallel;
import netc.runtime.StageRunner;

/**
 * An elementwise pass over the parameter vector, cut into slices that the threads of a {@link Parallel} pool run.
 *
 * <p>The built-in optimizers update each element from its own gradient and state only, so any split gives bitwise
 * the result of one pass on one thread. One instance lives as long as its optimizer and is reused every step: the
 * arrays of the current step are set before the pass and cleared after it, so a step allocates nothing. The pool's
 * hand-off publishes these plain fields to the workers (a volatile write before they read them).
 */
abstract class RangeUpdate implements StageRunner {

    /**
     * Slice boundaries are multiples of this many floats (4 KiB), so two threads never write the same cache line
     * and each slice starts on a page.
     */
    static final int ALIGN = 1024;

    float[] params;
    float[] grad;
    /** How the pass is cut over the threads: by tensor once {@link StepUpdate} knows them. */
    ParamSlices tensors = ParamSlices.WHOLE;

    /** The pass of a built-in optimizer, or null for another one (which splits its step as it chooses). */
    static RangeUpdate of(Optimizer optimizer) {
        if (optimizer instanceof Sgd s) {
            return s.update;
        }
        if (optimizer instanceof Momentum m) {
            return m.update;
        }
        if (optimizer instanceof Adam a) {
            return a.update;
        }
        return null;
    }

    /** Updates elements {@code [lo, hi)}. */
    abstract void update(int lo, int hi);

    /** Runs the pass over all of {@code params} on {@code pool}'s threads. */
    final void run(float[] params, float[] grad, Parallel pool) {
        this.params = params;
        this.grad = grad;
        try {
            tensors.run(this, params.length, pool);
        } finally {
            this.params = null;
            this.grad = null;
        }
    }

    @Override
    public final void runStage(int stage, int lo, int hi) {
        update(lo, hi);
    }
}
