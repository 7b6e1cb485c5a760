package netc.runtime.train;

import netc.runtime.ModelSpec;
import netc.runtime.Parallel;
import netc.runtime.ParamSpec;
import netc.runtime.StageRunner;

/**
 * The parameter vector cut at its tensors, for the passes over it that run on a pool (the optimizer's step, the
 * finite check): each tensor is split over the threads on its own, so that the calling thread takes the front of
 * every tensor and a worker its back, as the kernels split them.
 *
 * <p>Why: {@link Parallel} gives each thread about the same share of every stage by position (the caller from the
 * front, workers from the back), so a layer's weight rows and their gradient rows stay with one core from the forward
 * to the backward pass. One split of the whole vector cut across that: for the MNIST MLP the caller updated the
 * first 268k of 536k parameters, which is W1's rows 0-341, where the kernels give it rows 0-255. On two vCPUs in two
 * core complexes each such row crossed between their caches three times a step (gradient, then parameter and
 * velocity): the update took 191 us per step there against 98 in one complex.
 *
 * <p>Each element is still updated from its own values only, so any cut gives bitwise the same result. A tensor
 * smaller than two slices runs on the calling thread with no hand-off. One instance serves one run and is reused
 * every step: it allocates nothing and is not thread-safe.
 */
final class ParamSlices {

    /** One slice over the whole vector, whatever its length: for optimizers used without a spec. */
    static final ParamSlices WHOLE = new ParamSlices(null);

    /** Where each tensor ends, in order; null for {@link #WHOLE}. */
    private final int[] ends;
    private final Offset offset = new Offset();

    private ParamSlices(int[] ends) {
        this.ends = ends;
    }

    /** The slices of {@code spec}'s parameter vector (its tensors tile it in order: ModelSpec checks that). */
    static ParamSlices of(ModelSpec spec) {
        int[] ends = new int[spec.params().size()];
        for (int i = 0; i < ends.length; i++) {
            ParamSpec p = spec.params().get(i);
            ends[i] = p.offset() + p.size();
        }
        return ends.length == 0 ? WHOLE : new ParamSlices(ends);
    }

    /**
     * Runs {@code runner} over {@code [0, length)} on {@code pool}: tensor by tensor, each in slices aligned to
     * {@link RangeUpdate#ALIGN} from its start; over the whole range at once if {@code length} is not the vector's.
     */
    void run(StageRunner runner, int length, Parallel pool) {
        if (ends == null || ends[ends.length - 1] != length) {
            pool.run(runner, 0, length, RangeUpdate.ALIGN);
            return;
        }
        offset.inner = runner;
        try {
            int start = 0;
            for (int end : ends) {
                offset.start = start;
                pool.run(offset, 0, end - start, RangeUpdate.ALIGN);
                start = end;
            }
        } finally {
            offset.inner = null;
        }
    }

    /** A tensor's rows as the vector's: the pool's hand-off publishes these plain fields to the workers. */
    private static final class Offset implements StageRunner {
        StageRunner inner;
        int start;

        @Override
        public void runStage(int stage, int lo, int hi) {
            inner.runStage(stage, start + lo, start + hi);
        }
    }
}
