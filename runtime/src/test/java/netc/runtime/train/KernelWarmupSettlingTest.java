package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** When the warm-up's steps count as settled, on made-up step times and JIT compile times. */
class KernelWarmupSettlingTest {

    private static final long MS = 1_000_000L;

    /**
     * Feeds steps of {@code stepNanos(i)} each, the JIT's total at step i being {@code jitMillis(i)}; returns the
     * first step at which the steps count as settled, or -1 within {@code steps}.
     */
    private static int settlesAt(int steps, LongUnaryOperator stepNanos, LongUnaryOperator jitMillis) {
        KernelWarmup.Settling s = new KernelWarmup.Settling(0, jitMillis.applyAsLong(0));
        long now = 0;
        for (int i = 0; i < steps; i++) {
            now += stepNanos.applyAsLong(i);
            if (s.settled(now, jitMillis.applyAsLong(i))) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void steadyStepsWithAnIdleJitSettleAfterTwoWindows() {
        // 1.3 ms steps: a window of 250 ms holds 193 steps; the second window's end is the first chance
        int at = settlesAt(2000, i -> 1_300_000L, i -> 5000);
        assertEquals(2 * 193 - 1, at);
    }

    @Test
    void stepsThatStillGetFasterHaveNotSettled() {
        // each step 0.2% faster than the one before: a window of 50 steps or more is over 8% faster than the last
        assertEquals(-1, settlesAt(1500, i -> (long) (5 * MS * Math.pow(0.998, i)), i -> 5000));
    }

    @Test
    void stepsAtOneSpeedWhileKernelsAreStillCompilingHaveNotSettled() {
        // a plateau at C1 speed while compilations end: 20 ms of compile time every 100 ms (50 ms a window)
        assertEquals(-1, settlesAt(400, i -> 5 * MS, i -> 5000 + 20 * (i / 20)));
        // once the compiles stop, two more windows settle it
        int at = settlesAt(800, i -> 5 * MS, i -> 5000 + 20 * (Math.min(i, 400) / 20));
        assertTrue(at > 400 && at <= 400 + 3 * 50, "settled at step " + at);
    }

    @Test
    void aWindowOfCompilingBeforeAQuietOneIsNotSettled() {
        // 5 ms steps: 150 ms of compiling ends in the first window, none in the second (a long compile still running)
        assertEquals(-1, settlesAt(100, i -> 5 * MS, i -> i < 40 ? 5000 + 3 * i : 5150));
        // a third window as quiet as the second settles it
        assertEquals(149, settlesAt(200, i -> 5 * MS, i -> i < 40 ? 5000 + 3 * i : 5150));
    }

    @Test
    void aFewSmallCompilationsDoNotHoldItBack() {
        // 2 ms of compiling per 250 ms window (the row operations' and entry methods' late C2 compiles)
        int at = settlesAt(2000, i -> 1_300_000L, i -> 5000 + 2 * (i / 193));
        assertEquals(2 * 193 - 1, at);
    }

    @Test
    void aSlowWindowFromADeoptimisationIsNotSettled() {
        // steady, but one 40 ms step in the second window makes it 16% slower than the first
        KernelWarmup.Settling s = new KernelWarmup.Settling(0, 0);
        long now = 0;
        boolean settled = false;
        for (int i = 0; i < 386 && !settled; i++) {
            now += i == 300 ? 40 * MS : 1_300_000L;
            settled = s.settled(now, 0);
        }
        assertFalse(settled);
    }
}
