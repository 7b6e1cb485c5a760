package netc.bench;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the host has put our two vCPUs right now, told by how long a cache line takes to go from one thread to the
 * other and back. On the AMD EPYC (Zen 4) VMs of December 2026 the same pair of vCPUs measured about 30 ns (two
 * hardware threads of one core: they share its caches and its FMA units, so a second thread adds little compute),
 * about 70 ns (two cores of one core complex, sharing its L3) and about 320 ns (two core complexes), switching
 * between these every second or so; a step that passes rows between threads runs at very different speeds in the
 * three. A benchmark that prints this before and after tells which of them its figures saw.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar netc.bench.CorePlacement [--rounds 20]
 * </pre>
 */
public final class CorePlacement {
    private static final int TRIPS = 20_000;
    private static final long ROUND_NANOS = 20_000_000L;

    private CorePlacement() {
    }

    /**
     * The median round trip in ns over {@code rounds} rounds of up to 20,000 trips or 20 ms each; -1 with one CPU
     * (each trip would wait for a time slice of the other thread) or when one trip took over 20 ms past its round
     * (the other CPU busy with something else). On a busy machine a round ends at 20 ms with the trips it made, so
     * a figure of microseconds means the other thread was rarely running.
     */
    public static double roundTripNanos(int rounds) {
        if (rounds < 1) {
            throw new IllegalArgumentException("rounds must be >= 1, got " + rounds);
        }
        if (Runtime.getRuntime().availableProcessors() < 2) {
            return -1;
        }
        AtomicInteger line = new AtomicInteger();
        Thread echo = new Thread(() -> {
            while (true) {
                int v = line.get();
                if (v < 0) {
                    return;
                }
                if ((v & 1) == 1) {
                    line.compareAndSet(v, v + 1);
                } else {
                    Thread.onSpinWait();
                }
            }
        }, "netc-core-placement");
        echo.setDaemon(true);
        echo.start();
        // The echo's first answer (to -> 1, answered 2) shows it running before any round's clock starts.
        line.set(1);
        long started = System.nanoTime();
        while (line.get() != 2) {
            Thread.yield();
            if (System.nanoTime() - started > 20 * ROUND_NANOS) {
                line.set(-1);
                return -1;
            }
        }
        double[] ns = new double[rounds];
        int v = 2;
        try {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                long deadline = t0 + ROUND_NANOS;
                int trips = 0;
                long now = t0;
                while (trips < TRIPS && now < deadline) {
                    line.set(v + 1);
                    for (int spins = 1; line.get() != v + 2; spins++) {
                        Thread.onSpinWait();
                        if ((spins & 1023) == 0 && System.nanoTime() > deadline + ROUND_NANOS) {
                            return -1;
                        }
                    }
                    v += 2;
                    trips++;
                    if ((trips & 255) == 0) {
                        now = System.nanoTime();
                    }
                }
                ns[r] = (System.nanoTime() - t0) / (double) trips;
            }
        } finally {
            line.set(-1);
        }
        Arrays.sort(ns);
        return ns[rounds / 2];
    }

    /** The round trip with what it most likely means on the EPYC hosts above (other CPUs have other figures). */
    public static String describe(int rounds) {
        double ns = roundTripNanos(rounds);
        if (ns < 0) {
            return Runtime.getRuntime().availableProcessors() < 2 ? "one CPU: no cache line to pass between cores"
                    : "no cache-line round trip measured: the other CPU was busy";
        }
        String where = ns < 45 ? "one core's two hardware threads" : ns < 150 ? "one core complex"
                : ns < 1000 ? "two core complexes" : "the other CPU mostly busy";
        return String.format(Locale.ROOT, "cache-line round trip between two threads %.0f ns (on an EPYC: %s)", ns,
                where);
    }

    public static void main(String[] argv) {
        int rounds = argv.length == 2 && argv[0].equals("--rounds") ? Integer.parseInt(argv[1]) : 20;
        System.out.println(describe(rounds));
    }
}
