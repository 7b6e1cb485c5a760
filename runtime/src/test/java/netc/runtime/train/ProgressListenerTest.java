package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressListenerTest {
    private static EpochReport report(int epoch, double testLoss) {
        return new EpochReport(epoch, 1.0, testLoss, 0.5, 100, 1);
    }

    @Test
    void allTellsEveryListenerInOrderAndStopsWhenAnyAsks() {
        List<String> seen = new ArrayList<>();
        ProgressListener a = new ProgressListener() {
            @Override
            public void epochDone(EpochReport r) {
                seen.add("a" + r.epoch());
            }

            @Override
            public void batchDone(int epoch, int batch, int batches, double loss) {
                seen.add("a" + epoch + "." + batch);
            }

            @Override
            public void trainingStarted() {
                seen.add("a started");
            }

            @Override
            public void threadsChanged(int threads, long poolStepNanos, long oneThreadStepNanos) {
                seen.add("a threads " + threads);
            }
        };
        ProgressListener b = r -> seen.add("b" + r.epoch());
        ProgressListener stop = ProgressListener.stopWhen(r -> r.testLoss() < 0.5);
        ProgressListener all = ProgressListener.all(a, null, b, stop);
        all.trainingStarted();
        all.batchDone(1, 1, 2, 0.3);
        all.threadsChanged(1, 5, 1);
        all.epochDone(report(1, 0.9));
        assertFalse(all.stopRequested());
        all.epochDone(report(2, 0.4));
        assertTrue(all.stopRequested(), "the stopWhen listener asked");
        assertEquals(List.of("a started", "a1.1", "a threads 1", "a1", "b1", "a2", "b2"), seen);
    }

    @Test
    void allOfNoneOrOneIsThatListener() {
        ProgressListener one = r -> { };
        assertSame(one, ProgressListener.all(null, one));
        assertSame(ProgressListener.NONE, ProgressListener.all());
    }

    @Test
    void forwardingToReachesWhatTheArrayHoldsAtEachCall() {
        List<String> seen = new ArrayList<>();
        ProgressListener[] targets = {null};
        ProgressListener forwarding = ProgressListener.forwardingTo(targets);
        forwarding.epochDone(report(1, 0.9));
        assertFalse(forwarding.stopRequested(), "nothing to ask yet");
        targets[0] = ProgressListener.all(r -> seen.add("epoch " + r.epoch()), ProgressListener.stopWhen(r -> true));
        forwarding.epochDone(report(2, 0.9));
        assertTrue(forwarding.stopRequested());
        assertEquals(List.of("epoch 2"), seen);
    }
}
