package netc.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH secondary result counting floating-point operations in units of 10^9, so that with
 * {@code @OutputTimeUnit(SECONDS)} JMH prints {@code gflop} as GFLOP/s next to the primary ops/s. A multiply-add
 * counts as 2 operations (the convention of BLAS benchmarks and of the FMA peak).
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class FlopCounter {
    /** GFLOP done in this iteration. */
    public double gflop;

    /** JMH does not reset aux counters by itself. */
    @Setup(Level.Iteration)
    public void reset() {
        gflop = 0;
    }
}
