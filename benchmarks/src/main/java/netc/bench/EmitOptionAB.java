package netc.bench;

import java.util.Arrays;
import java.util.Locale;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Network;
import netc.runtime.Parallel;
import netc.runtime.data.Dataset;

/**
 * A training step of one network as two classes that differ in one {@link EmitOptions} switch, timed in one JVM,
 * alternately: what the switch gains, told apart from the host's drift (10-20% between two JVMs run one after the
 * other). Both classes must give bitwise the same loss and gradient (each switch promises that); then rounds of
 * about 0.5 s of {@code lossAndGradient} on the first batch of the network's benchmark data (after 3 s of warm-up
 * each), on/off in odd rounds and off/on in even ones, wall clock (the pool's threads work too); with
 * {@code --forward}, {@code forward} (inference) instead.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.EmitOptionAB
 *      convnet|mlp|mlp2048 fuseSamples|vectorElementwise [--batch 64] [--threads 2] [--rounds 11] [--forward]
 * </pre>
 */
public final class EmitOptionAB {

    private EmitOptionAB() {
    }

    public static void main(String[] argv) {
        if (argv.length < 2) {
            System.err.println("usage: EmitOptionAB NET fuseSamples|vectorElementwise [--batch 64] [--threads 2]"
                    + " [--rounds 11] [--forward]");
            System.exit(2);
        }
        String net = argv[0];
        String option = argv[1];
        int batch = 64;
        int threads = 2;
        int rounds = 11;
        boolean forward = false;
        for (int i = 2; i < argv.length; i++) {
            switch (argv[i]) {
                case "--batch": batch = Integer.parseInt(argv[++i]); break;
                case "--threads": threads = Integer.parseInt(argv[++i]); break;
                case "--rounds": rounds = Integer.parseInt(argv[++i]); break;
                case "--forward": forward = true; break;
                default: throw new IllegalArgumentException("unknown argument " + argv[i]);
            }
        }
        BenchNet on = BenchNet.compile(net);
        Compilation c = on.compilation;
        EmitOptions o = c.emitOptions();
        EmitOptions offOptions = switch (option) {
            case "fuseSamples" -> o.withFuseSamples(false);
            case "vectorElementwise" -> o.withVectorElementwise(false);
            default -> throw new IllegalArgumentException("option fuseSamples or vectorElementwise: " + option);
        };
        String offSource = ClassEmitter.emit(c.differentiated(), on.network.spec(), offOptions);
        if (offSource.equals(c.javaSource())) {
            System.out.println("EmitOptionAB: " + option + " does not change the class of " + net);
            return;
        }
        Network off = Compilation.instantiate(
                JaninoLoader.compile(o.qualifiedName(), offSource, Network.class.getClassLoader()).type());
        Dataset data = on.trainingData();
        int in = data.inputSize();
        int tv = on.network.spec().targetValues();
        float[] x = Arrays.copyOf(data.x(), batch * in);
        float[] y = Arrays.copyOf(data.y(), batch * tv);
        float[] w = on.params;
        float[] gOn = new float[w.length];
        float[] gOff = new float[w.length];
        try (Parallel parallel = Parallel.threads(threads)) {
            on.network.setParallel(parallel);
            off.setParallel(parallel);
            double lossOn = on.network.lossAndGradient(w, x, y, batch, gOn, null);
            double lossOff = off.lossAndGradient(w, x, y, batch, gOff, null);
            if (Double.doubleToLongBits(lossOn) != Double.doubleToLongBits(lossOff) || !Arrays.equals(gOn, gOff)) {
                throw new IllegalStateException(option + " on and off give different results");
            }
            Network[] nets = {on.network, off};
            float[] out = forward ? new float[batch * on.network.spec().outputSize()] : null;
            warm(off, w, x, y, batch, gOff, out);
            int steps = warm(on.network, w, x, y, batch, gOn, out);
            double[][] us = new double[2][rounds];
            for (int r = 0; r < rounds; r++) {
                for (int turn = 0; turn < 2; turn++) {
                    int v = (r + turn) % 2;
                    long t0 = System.nanoTime();
                    for (int s = 0; s < steps; s++) {
                        step(nets[v], w, x, y, batch, v == 0 ? gOn : gOff, out);
                    }
                    us[v][r] = (System.nanoTime() - t0) / 1e3 / steps;
                }
            }
            System.out.printf(Locale.ROOT, "EmitOptionAB: %s, %s at batch %d, %d thread(s), %d rounds of %d calls,"
                    + " bitwise equal results%n", net, forward ? "forward" : "lossAndGradient", batch, threads, rounds,
                    steps);
            String[] names = {option + " on ", option + " off"};
            for (int v = 0; v < 2; v++) {
                double[] sorted = us[v].clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "  %-26s %9.0f us/step median [%.0f-%.0f]%n", names[v],
                        sorted[rounds / 2], sorted[0], sorted[rounds - 1]);
            }
            double[] ratio = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                ratio[r] = us[1][r] / us[0][r];
            }
            Arrays.sort(ratio);
            System.out.printf(Locale.ROOT, "  off/on %.3f [%.3f-%.3f] (median of the rounds' ratios; > 1: on is"
                    + " faster)%n", ratio[rounds / 2], ratio[0], ratio[rounds - 1]);
        }
    }

    /** lossAndGradient, or with {@code out} forward. */
    private static void step(Network net, float[] w, float[] x, float[] y, int batch, float[] g, float[] out) {
        if (out != null) {
            net.forward(w, x, batch, out);
        } else {
            net.lossAndGradient(w, x, y, batch, g, null);
        }
    }

    /**
     * Runs steps for about three seconds (the JIT compiles the kernels in the first) and returns how many of the
     * last second's steps take about half a second.
     */
    private static int warm(Network net, float[] w, float[] x, float[] y, int batch, float[] g, float[] out) {
        long start = System.nanoTime();
        long lastSecond = start + 2_000_000_000L;
        int n = 0;
        long now;
        while ((now = System.nanoTime()) - start < 3_000_000_000L) {
            step(net, w, x, y, batch, g, out);
            if (now >= lastSecond) {
                n++;
            }
        }
        return Math.max(1, n / 2);
    }
}
