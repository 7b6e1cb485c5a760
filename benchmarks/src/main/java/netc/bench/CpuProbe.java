package netc.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How much CPU other processes used while we measured: the same noise indicator as {@code CpuProbe} in
 * {@code shared/peers/common.py}, so netc rows and PyTorch rows carry comparable fields.
 *
 * <p>{@code foreign_cpu_pct}: CPU time of everything but this JVM (from the first line of {@code /proc/stat} minus
 * this process's CPU time), as a percentage of all cores' wall time. {@code steal_pct}: hypervisor steal, same unit.
 * {@code own_cpu_pct}: this JVM (JIT and GC threads included). On systems without {@code /proc/stat} the foreign and
 * steal fields are -1. {@code core_round_trip_ns}: {@link CorePlacement}'s figure taken at {@link #stop()}, which
 * tells where the host had the two vCPUs (one core, one core complex or two; -1 on one CPU or when the other CPU
 * was busy); a snapshot, since the host moves them every second or so.
 */
final class CpuProbe {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ; Linux reports /proc/stat in these units on every architecture netc runs on. */
    private static final double HZ = 100.0;

    private final int cpus = Runtime.getRuntime().availableProcessors();
    private long t0;
    private long[] stat0;
    private long own0;

    CpuProbe() {
        start();
    }

    void start() {
        t0 = System.nanoTime();
        stat0 = stat();
        own0 = ownCpuNanos();
    }

    /** The three percentages since {@link #start()}, rounded to 0.1. */
    Map<String, Object> stop() {
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] stat1 = stat();
        double own = (ownCpuNanos() - own0) / 1e9;
        double total = wall * cpus;
        Map<String, Object> m = new LinkedHashMap<>();
        if (stat0 != null && stat1 != null) {
            double busy = (stat1[0] - stat0[0]) / HZ;
            double steal = (stat1[1] - stat0[1]) / HZ;
            m.put("foreign_cpu_pct", round1(100 * Math.max(0, busy - own) / total));
            m.put("steal_pct", round1(100 * steal / total));
        } else {
            m.put("foreign_cpu_pct", -1.0);
            m.put("steal_pct", -1.0);
        }
        m.put("own_cpu_pct", round1(100 * own / total));
        // After the clock: a few ms of two threads passing a cache line, to say where the host had the vCPUs.
        m.put("core_round_trip_ns", (double) Math.round(CorePlacement.roundTripNanos(5)));
        return m;
    }

    /** {busy, steal} jiffies summed over all CPUs, with busy counted as in common.py; null if unreadable. */
    private static long[] stat() {
        try {
            String line = Files.readAllLines(PROC_STAT).get(0);
            String[] f = line.trim().split("\\s+");
            long[] v = new long[f.length - 1];
            for (int i = 1; i < f.length; i++) {
                v[i - 1] = Long.parseLong(f[i]);
            }
            long steal = v.length > 7 ? v[7] : 0;
            long busy = v[0] + v[1] + v[2] + v[5] + v[6] + steal;
            return new long[] {busy, steal};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ownCpuNanos() {
        java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean) {
            return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
        }
        return 0;
    }

    static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
