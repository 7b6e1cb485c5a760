package netc.runtime.train;

import static netc.runtime.train.Specs.classifier;
import static netc.runtime.train.Specs.params;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.Parallel;
import netc.runtime.ParamSpec;
import netc.runtime.StageRunner;
import org.junit.jupiter.api.Test;

/**
 * The optimizer's step and the finite check are cut over the threads tensor by tensor: the calling thread takes the
 * front of each tensor, as the kernels split a layer's rows; every element once; bitwise the serial step.
 */
class ParamSlicesTest {

    /** An MLP's layout: 784-512-256-10 weights and biases, 535,818 parameters. */
    private static ModelSpec mlp() {
        return classifier("mlp", 784, 10, params("W1", new int[] {512, 784}, Init.HE, "b1", new int[] {512},
                Init.ZEROS, "W2", new int[] {256, 512}, Init.HE, "b2", new int[] {256}, Init.ZEROS,
                "W3", new int[] {10, 256}, Init.XAVIER, "b3", new int[] {10}, Init.ZEROS));
    }

    /** Records the ranges run. */
    private static final class Ranges implements StageRunner {
        final List<int[]> ranges = new ArrayList<>();
        final int[] hits;

        Ranges(int n) {
            hits = new int[n];
        }

        @Override
        public synchronized void runStage(int stage, int lo, int hi) {
            ranges.add(new int[] {lo, hi});
            for (int i = lo; i < hi; i++) {
                hits[i]++;
            }
        }
    }

    /**
     * Each tensor is cut on its own, in slices aligned from its start, so that Parallel's front-to-caller rule gives
     * the caller the front of each (ParallelTest checks that rule); every element once.
     */
    @Test
    void everyTensorIsCutOnItsOwnInSlicesAlignedFromItsStart() {
        ModelSpec spec = mlp();
        try (Parallel pool = Parallel.threads(2)) {
            Ranges ranges = new Ranges(spec.paramCount());
            ParamSlices.of(spec).run(ranges, spec.paramCount(), pool);
            for (int i = 0; i < ranges.hits.length; i++) {
                assertEquals(1, ranges.hits[i], "element " + i);
            }
            for (int[] r : ranges.ranges) {
                ParamSpec p = spec.params().stream().filter(q -> q.offset() <= r[0] && r[0] < q.offset() + q.size())
                        .findFirst().orElseThrow();
                assertTrue(r[1] <= p.offset() + p.size(), p.name() + ": slice " + r[0] + ".." + r[1]
                        + " crosses its end");
                assertEquals(0, (r[0] - p.offset()) % RangeUpdate.ALIGN, p.name() + ": slice " + r[0] + ".." + r[1]);
            }
            // W1 (401,408 floats) in several slices, each bias (fewer than two slices' worth) in one
            assertTrue(ranges.ranges.stream().filter(r -> r[1] <= 401_408).count() > 1, "W1 is split");
            assertEquals(1, ranges.ranges.stream().filter(r -> r[0] >= 401_408 && r[1] <= 401_920).count(), "b1");
        }
    }

    @Test
    void aVectorOfAnotherLengthIsCutAsOneRange() {
        try (Parallel pool = Parallel.threads(2)) {
            Ranges ranges = new Ranges(5000);
            ParamSlices.of(mlp()).run(ranges, 5000, pool);
            for (int i = 0; i < ranges.hits.length; i++) {
                assertEquals(1, ranges.hits[i], "element " + i);
            }
            for (int[] r : ranges.ranges) {
                assertEquals(0, r[0] % RangeUpdate.ALIGN, "slice " + r[0] + ".." + r[1]);
            }
        }
    }

    @Test
    void aStepCutByTensorsIsBitwiseTheSerialStep() {
        ModelSpec spec = mlp();
        SplittableRandom rng = new SplittableRandom(3);
        float[] start = new float[spec.paramCount()];
        float[] grad = new float[spec.paramCount()];
        for (int i = 0; i < start.length; i++) {
            start[i] = (float) rng.nextGaussian();
            grad[i] = (float) rng.nextGaussian() * 1e-2f;
        }
        for (Optimizer fresh : new Optimizer[] {new Sgd(0.1), new Momentum(0.05), new Adam(1e-3)}) {
            float[] serial = start.clone();
            StepUpdate one = new StepUpdate(spec, fresh, LearningRateSchedule.CONSTANT, 0, 0, 0);
            Optimizer other = fresh instanceof Sgd ? new Sgd(0.1) : fresh instanceof Momentum ? new Momentum(0.05)
                    : new Adam(1e-3);
            float[] split = start.clone();
            StepUpdate two = new StepUpdate(spec, other, LearningRateSchedule.CONSTANT, 0, 0, 0);
            try (Parallel pool = Parallel.threads(2)) {
                for (int step = 0; step < 3; step++) {
                    one.apply(serial, grad.clone(), step, 3, null);
                    two.apply(split, grad.clone(), step, 3, pool);
                }
            }
            assertArrayEquals(serial, split, fresh.name());
        }
    }

    @Test
    void theFiniteCheckCutByTensorsFindsANaNInAnyTensor() {
        ModelSpec spec = mlp();
        FiniteCheck check = new FiniteCheck(spec);
        try (Parallel pool = Parallel.threads(2)) {
            float[] g = new float[spec.paramCount()];
            assertTrue(check.allFinite(g, pool));
            for (ParamSpec p : spec.params()) {
                for (int at : new int[] {p.offset(), p.offset() + p.size() - 1}) {
                    g[at] = Float.NaN;
                    assertFalse(check.allFinite(g, pool), p.name() + " at " + at);
                    g[at] = 0f;
                }
            }
        }
    }
}
