package netc.bench;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.emit.GemmEmitter;
import netc.compiler.internal.emit.GemmSpec;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.load.JaninoLoader;

/**
 * GFLOP/s of the emitted VECTOR matrix kernels at the shapes the MLP (batch 128), a 2048-wide MLP layer and the
 * convnet (batch 64, im2col products) run, on 1 and 2 threads, next to the register-only FMA peak of one core.
 * Kernels are emitted exactly as {@link GemmEmitter} emits them for a class, tiled for {@code --bits} (default: this
 * JVM's width, {@link GemmSpec#runningVectorBits()}; in-process compiles tile for 256 bits and take the wider tiles
 * on 16-lane JVMs through {@link GemmSpec#widensTile()}, so {@code --bits 256} times what they run). Two threads
 * split the rows (or, for a column-split TN kernel, the column panels) in two halves aligned to the tile, as
 * {@code Parallel} does. With {@code --cpu-time} one thread is timed by its CPU time (for a machine shared with
 * other jobs); two threads always by the wall clock.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.GemmShapes
 *      [--bits 256|512] [--threads 1,2] [--repeats 5] [--seconds 0.3] [--only NAME,...] [--nn RxV] [--tn RxV]
 *      [--cpu-time]
 * </pre>
 */
public final class GemmShapes {

    private GemmShapes() {
    }

    /** A kernel and its operands' sizes: rows of the call (batch, or rows of C for TN) and the batch argument. */
    private record Shape(String name, GemmSpec spec, int batch) {
        int rows() {
            return spec.form() == Form.TN ? spec.m() : batch;
        }

        double flop() {
            double m = spec.form() == Form.TN ? spec.m() : batch;
            double k = spec.form() == Form.TN ? batch : spec.k();
            return 2.0 * m * spec.n() * k;
        }

        int aSize() {
            return spec.form() == Form.TN ? batch * spec.m() : batch * spec.k();
        }

        int bSize() {
            return spec.form() == Form.TN ? batch * spec.n() : spec.n() * spec.k();
        }

        int cSize() {
            return (spec.form() == Form.TN ? spec.m() : batch) * spec.n();
        }
    }

    static List<Shape> shapes(int bits, GemmSpec.Tile nn, GemmSpec.Tile tn) {
        GemmSpec.Style v = GemmSpec.Style.VECTOR;
        List<Shape> s = new ArrayList<>();
        // MLP 784-512-256-10 at batch 128: forward (NT), input gradients (NN), weight gradients (TN)
        s.add(new Shape("mlp f1 NT 128x512x784", GemmSpec.nt("f1", 512, 784, v), 128));
        s.add(new Shape("mlp f2 NT 128x256x512", GemmSpec.nt("f2", 256, 512, v), 128));
        s.add(new Shape("mlp f3 NT 128x10x256", GemmSpec.nt("f3", 10, 256, v), 128));
        s.add(new Shape("mlp dH1 NN 128x512x256", GemmSpec.nn("dH1", 512, 256, v), 128));
        s.add(new Shape("mlp dH2 NN 128x256x10", GemmSpec.nn("dH2", 256, 10, v), 128));
        s.add(new Shape("mlp dW1 TN 512x784x128", GemmSpec.tn("dW1", 512, 784, v), 128));
        s.add(new Shape("mlp dW2 TN 256x512x128", GemmSpec.tn("dW2", 256, 512, v), 128));
        s.add(new Shape("mlp dW3 TN 10x256x128", GemmSpec.tn("dW3", 10, 256, v), 128));
        // one 2048-wide layer at batch 128
        s.add(new Shape("wide f NT 128x2048x2048", GemmSpec.nt("wf", 2048, 2048, v), 128));
        s.add(new Shape("wide dX NN 128x2048x2048", GemmSpec.nn("wdx", 2048, 2048, v), 128));
        s.add(new Shape("wide dW TN 2048x2048x128", GemmSpec.tn("wdw", 2048, 2048, v), 128));
        // convnet at batch 64: im2col products of the two convolutions, the dense layer
        s.add(new Shape("cnn conv1 NT 50176x32x25", GemmSpec.nt("c1", 32, 25, v), 64 * 784));
        s.add(new Shape("cnn conv2 NT 12544x64x800", GemmSpec.nt("c2", 64, 800, v), 64 * 196));
        s.add(new Shape("cnn dPatch2 NN 12544x800x64", GemmSpec.nn("dp2", 800, 64, v), 64 * 196));
        s.add(new Shape("cnn dK2 TN 64x800x12544 (cols)", GemmSpec.tn("dk2", 64, 800, v).withSplitColumns(true),
                64 * 196));
        s.add(new Shape("cnn dense NT 64x1024x3136", GemmSpec.nt("d3", 1024, 3136, v), 64));
        s.add(new Shape("cnn dH NN 64x3136x1024", GemmSpec.nn("dh3", 3136, 1024, v), 64));
        s.add(new Shape("cnn dW3 TN 1024x3136x64", GemmSpec.tn("dw3", 1024, 3136, v), 64));
        List<Shape> tiled = new ArrayList<>();
        for (Shape x : s) {
            GemmSpec t = x.spec.withVectorBits(bits);
            if (nn != null && t.form() == Form.NN) {
                t = t.withTile(nn);
            }
            if (tn != null && t.form() == Form.TN) {
                t = t.withTile(tn);
            }
            tiled.add(new Shape(x.name, t, x.batch));
        }
        return tiled;
    }

    public static void main(String[] argv) throws Exception {
        int bits = GemmSpec.runningVectorBits();
        int[] threads = {1, 2};
        int repeats = 5;
        double seconds = 0.3;
        List<String> only = null;
        GemmSpec.Tile nn = null;
        GemmSpec.Tile tn = null;
        boolean cpuTime = false;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--bits": bits = Integer.parseInt(argv[++i]); break;
                case "--threads": threads = java.util.Arrays.stream(argv[++i].split(",")).mapToInt(Integer::parseInt)
                        .toArray(); break;
                case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
                case "--seconds": seconds = Double.parseDouble(argv[++i]); break;
                case "--only": only = List.of(argv[++i].split(",")); break;
                case "--nn": nn = tile(argv[++i]); break;
                case "--cpu-time": cpuTime = true; break;
                case "--tn": tn = tile(argv[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + argv[i]);
            }
        }
        if (!JaninoLoader.vectorApiAvailable()) {
            System.err.println("GemmShapes: needs java --add-modules jdk.incubator.vector");
            System.exit(2);
        }
        List<Shape> shapes = new ArrayList<>();
        for (Shape s : shapes(bits, nn, tn)) {
            if (only == null || only.stream().anyMatch(s.name::contains)) {
                shapes.add(s);
            }
        }
        TypeSpec.Builder type = TypeSpec.classBuilder("GemmShapesProbe").addModifiers(Modifier.PUBLIC,
                Modifier.FINAL);
        GemmEmitter.addVectorFields(type);
        for (Shape s : shapes) {
            for (MethodSpec m : GemmEmitter.emit(s.spec)) {
                type.addMethod(m.name().equals(s.spec.methodName())
                        ? m.toBuilder().addModifiers(Modifier.PUBLIC).build() : m);
            }
        }
        type.addField(float.class, "sink", Modifier.STATIC, Modifier.PUBLIC);
        type.addMethod(FmaPeak.peakMethod());
        String source = JavaFile.builder("netc.generated", type.build()).build().toString();
        Class<?> probe = JaninoLoader.compile("netc.generated.GemmShapesProbe", source).type();
        java.lang.reflect.Field lanesField = probe.getDeclaredField(GemmEmitter.LANES);
        lanesField.setAccessible(true);
        int lanes = lanesField.getInt(null);

        Timing t = new Timing(repeats, seconds);
        Method fma = probe.getMethod("fmaPeak", int.class);
        double fmaUs = t.median(() -> {
            try {
                fma.invoke(null, 100_000);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        double peak = 100_000.0 * FmaPeak.CHAINS * lanes * 2 / (fmaUs * 1e3);
        System.out.printf(Locale.ROOT, "GemmShapes: tiles for %d bits, JVM vectors %d bits; FMA peak one core %.1f"
                + " GFLOP/s; median of %d repeats [min-max GFLOP/s], %% of peak x threads%n", bits, lanes * 32, peak,
                repeats);
        ExecutorService pool = Executors.newFixedThreadPool(1, r -> {
            Thread th = new Thread(r, "gemm-shapes-worker");
            th.setDaemon(true);
            return th;
        });
        SplittableRandom rnd = new SplittableRandom(1);
        for (Shape s : shapes) {
            float[] a = random(rnd, s.aSize());
            float[] b = random(rnd, s.bSize());
            float[] c = new float[s.cSize()];
            Method m = entry(probe, s.spec.methodName());
            int parts = s.spec.splitColumns() ? panels(s.spec, lanes) : s.rows();
            int align = s.spec.rowTile();
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-34s", s.name));
            for (int th : threads) {
                Runnable run;
                if (th == 1) {
                    run = () -> call(m, a, b, c, s.batch, 0, parts);
                } else {
                    int half = Math.min(parts, (parts / 2 + align - 1) / align * align);
                    run = () -> {
                        Future<?> f = pool.submit(() -> call(m, a, b, c, s.batch, half, parts));
                        call(m, a, b, c, s.batch, 0, half);
                        try {
                            f.get();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    };
                }
                double us;
                double[] minMax;
                if (th == 1 && cpuTime) {
                    double[] samples = cpuMicros(run, repeats, seconds);
                    us = TrainThroughput.median(samples);
                    minMax = new double[] {java.util.Arrays.stream(samples).min().getAsDouble(),
                            java.util.Arrays.stream(samples).max().getAsDouble()};
                } else {
                    us = t.median(run);
                    String[] range = t.range().split("-");
                    minMax = new double[] {Double.parseDouble(range[0]), Double.parseDouble(range[1])};
                }
                double gflops = s.flop() / (us * 1e3);
                line.append(String.format(Locale.ROOT, "  %dT %6.1f [%5.1f-%5.1f] %3.0f%%", th, gflops,
                        s.flop() / (minMax[1] * 1e3), s.flop() / (minMax[0] * 1e3), 100 * gflops / (peak * th)));
            }
            System.out.println(line);
        }
    }

    /** "6x4": rows x vectors. */
    private static GemmSpec.Tile tile(String text) {
        String[] p = text.split("x");
        return new GemmSpec.Tile(Integer.parseInt(p[0]), Integer.parseInt(p[1]));
    }

    /**
     * Microseconds of this thread's CPU time per call, one sample per repeat: on a machine shared with other jobs,
     * time when the thread was not running is left out (cache disturbance by the others is not). Warm-up as
     * {@link Timing}.
     */
    private static double[] cpuMicros(Runnable r, int repeats, double seconds) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < 300_000_000L) {
            r.run();
        }
        JitQuiet.await(r, 0.3, 10);
        long c1 = mx.getCurrentThreadCpuTime();
        int k = 0;
        while (mx.getCurrentThreadCpuTime() - c1 < 50_000_000L || k < 3) {
            r.run();
            k++;
        }
        double per = (mx.getCurrentThreadCpuTime() - c1) / 1e9 / k;
        int calls = Math.max(3, (int) (seconds / per));
        double[] samples = new double[repeats];
        for (int i = 0; i < repeats; i++) {
            long s = mx.getCurrentThreadCpuTime();
            for (int c = 0; c < calls; c++) {
                r.run();
            }
            samples[i] = (mx.getCurrentThreadCpuTime() - s) / 1e3 / calls;
        }
        return samples;
    }

    private static int panels(GemmSpec spec, int lanes) {
        int width = spec.panelColumns(lanes);
        return (spec.n() + width - 1) / width;
    }

    private static Method entry(Class<?> probe, String name) {
        for (Method m : probe.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 9) {
                return m;
            }
        }
        throw new IllegalStateException("no method " + name);
    }

    private static void call(Method m, float[] a, float[] b, float[] c, int batch, int lo, int hi) {
        try {
            m.invoke(null, a, 0, b, 0, c, 0, batch, lo, hi);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }
}
