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

    private CorePlacement() {
    }

    /** The median round trip in ns over {@code rounds} rounds of 20,000 trips each (a few ms per round). */
    public static double roundTripNanos(int rounds) {
        AtomicInteger line = new AtomicInteger();
        int total = rounds * TRIPS;
        Thread echo = new Thread(() -> {
            for (int i = 0; i < total; i++) {
                while (line.get() != 2 * i + 1) {
                    Thread.onSpinWait();
                }
                line.set(2 * i + 2);
            }
        }, "netc-core-placement");
        echo.setDaemon(true);
        echo.start();
        double[] ns = new double[rounds];
        int i = 0;
        for (int r = 0; r < rounds; r++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < TRIPS; k++, i++) {
                line.set(2 * i + 1);
                while (line.get() != 2 * i + 2) {
                    Thread.onSpinWait();
                }
            }
            ns[r] = (System.nanoTime() - t0) / (double) TRIPS;
        }
        Arrays.sort(ns);
        return ns[rounds / 2];
    }

    /** The round trip with what it most likely means on the EPYC hosts above (other CPUs have other figures). */
    public static String describe(int rounds) {
        double ns = roundTripNanos(rounds);
        String where = ns < 45 ? "one core's two hardware threads" : ns < 150 ? "one core complex"
                : "two core complexes";
        return String.format(Locale.ROOT, "cache-line round trip between two threads %.0f ns (on an EPYC: %s)", ns,
                where);
    }

    public static void main(String[] argv) {
        int rounds = argv.length == 2 && argv[0].equals("--rounds") ? Integer.parseInt(argv[1]) : 20;
        System.out.println(describe(rounds));
    }
}
