package netc.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/** Keeps running a warm-up action until the JIT compilers have been idle for a while. */
final class JitQuiet {
    private JitQuiet() {
    }

    /**
     * Runs {@code action} repeatedly until {@code CompilationMXBean.getTotalCompilationTime()} has not changed for
     * {@code quietSeconds}, or {@code maxSeconds} have passed.
     *
     * @return whether the JIT went quiet (false: timed out, or the JVM does not report compilation time)
     */
    static boolean await(Runnable action, double quietSeconds, double maxSeconds) {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported() || quietSeconds <= 0) {
            return false;
        }
        long start = System.nanoTime();
        long quietNanos = (long) (quietSeconds * 1e9);
        long last = jit.getTotalCompilationTime();
        long lastChange = System.nanoTime();
        while (true) {
            action.run();
            long now = System.nanoTime();
            long total = jit.getTotalCompilationTime();
            if (total != last) {
                last = total;
                lastChange = now;
            } else if (now - lastChange >= quietNanos) {
                return true;
            }
            if (now - start >= maxSeconds * 1e9) {
                return false;
            }
        }
    }
}
