package netc.bench;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * A JMH secondary result counting samples, so that a throughput benchmark whose operation is one batch also reports
 * samples per second (the unit of issue #9's table and of the PyTorch peers) without a conversion by hand.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class SampleCounter {
    /** Samples processed in this iteration; JMH reports it per unit of time ({@code samples/s}). */
    public long samples;

    /** JMH does not reset aux counters by itself. */
    @Setup(Level.Iteration)
    public void reset() {
        samples = 0;
    }
}
