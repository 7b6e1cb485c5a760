package netc.runtime.train;

import netc.runtime.Parallel;
import netc.runtime.StageRunner;
import netc.runtime.data.Dataset;

/**
 * Gathers a shuffled mini-batch on all of a pool's threads, each copying a contiguous part of its samples. Alone on the
 * calling thread, the gather of the MNIST MLP's batch of 128 (rows of 3 KB from all over 188 MB) took 50-84 us a step
 * while the other thread waited (2 threads; a probe: 50 -> 26-35 us on both). Reused every step; allocates nothing;
 * not thread-safe.
 */
final class BatchGather implements StageRunner {
    private Dataset data;
    private int[] order;
    private int start;
    private float[] x;
    private float[] y;

    /** Copies the samples {@code order[start .. start + count - 1]} into the first {@code count} rows of x and y. */
    void copy(Dataset data, int[] order, int start, int count, float[] x, float[] y, Parallel pool) {
        this.data = data;
        this.order = order;
        this.start = start;
        this.x = x;
        this.y = y;
        try {
            pool.run(this, 0, count, 1);
        } finally {
            this.data = null;
            this.order = null;
            this.x = null;
            this.y = null;
        }
    }

    @Override
    public void runStage(int stage, int lo, int hi) {
        data.copyBatch(order, start + lo, hi - lo, x, y, lo);
    }
}
