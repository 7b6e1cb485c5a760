package netc.bench;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import netc.compiler.internal.load.JaninoLoader;

/**
 * Times hand-written kernel variants from a Java source file, compiled both by Janino and by javac: every
 * {@code public static void rep_X(float[] a, float[] b, float[] c, int reps)} with its {@code flop_X()} (FLOP per
 * rep), called with 1,000 reps on small random operands (a: 1,024 floats, b: 16,384, c: 1,024).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.SourceProbe FILE.java
 *     pkg.ClassName [--repeats 7] [--seconds 0.3] [--offsets 0,4,8,12] [--only REGEX]
 * </pre>
 */
public final class SourceProbe {
    private SourceProbe() {
    }

    public static void main(String[] argv) throws Exception {
        Path file = Path.of(argv[0]);
        String className = argv[1];
        int repeats = 7;
        double seconds = 0.3;
        int[] offsets = {0};
        String only = ".*";
        for (int i = 2; i < argv.length; i++) {
            switch (argv[i]) {
                case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
                case "--seconds": seconds = Double.parseDouble(argv[++i]); break;
                case "--only": only = argv[++i]; break;
                case "--offsets": offsets = TrainThroughput.Args.ints0(argv[++i]); break;
                default: throw new IllegalArgumentException(argv[i]);
            }
        }
        String source = Files.readString(file);
        Class<?> janino = JaninoLoader.compile(className, source).type();
        Class<?> javac = System.getProperty("sourceprobe.nojavac") != null ? null : javac(file, className);
        SplittableRandom rnd = new SplittableRandom(3);
        float[] a = new float[1024];
        float[] b = new float[16384];
        float[] c = new float[1024];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble();
        }
        Timing t = new Timing(repeats, seconds);
        List<Method> reps = new ArrayList<>();
        for (Method m : janino.getDeclaredMethods()) {
            if (m.getName().startsWith("rep_") && m.getName().substring(4).matches(only)) {
                reps.add(m);
            }
        }
        reps.sort(Comparator.comparing(Method::getName));
        System.out.printf(Locale.ROOT, "SourceProbe %s: GFLOP/s (median of %d, [min-max] us per 1000 reps)%n", file,
                repeats);
        for (Class<?> type : Arrays.asList(janino, javac)) {
            if (type == null) {
                continue;
            }
            String who = type == janino ? "janino" : "javac";
            for (Method mj : reps) {
              for (int off : offsets) {
                setOffsets(type, off);
                String name = mj.getName().substring(4);
                Method m = type.getMethod(mj.getName(), float[].class, float[].class, float[].class, int.class);
                double flop = (double) type.getMethod("flop_" + name).invoke(null) * 1000;
                double us = t.median(() -> {
                    try {
                        m.invoke(null, a, b, c, 1000);
                    } catch (ReflectiveOperationException e) {
                        throw new IllegalStateException(e);
                    }
                });
                System.out.printf(Locale.ROOT, "  %-7s %-12s off %2d  %6.1f GFLOP/s  (%.0f us [%s])%n", who, name,
                        off, flop / (us * 1e3), us, t.range());
              }
            }
        }
    }

    /** Sets the static int fields AOFF, BOFF and COFF (float offsets into a, b and c), if the class has them. */
    private static void setOffsets(Class<?> type, int off) throws ReflectiveOperationException {
        for (String f : new String[] {"AOFF", "BOFF", "COFF"}) {
            try {
                type.getField(f).setInt(null, off);
            } catch (NoSuchFieldException e) {
                if (off != 0) {
                    throw e;
                }
            }
        }
    }

    /** Compiles the file with the system javac into a temporary directory and loads the class from there. */
    private static Class<?> javac(Path file, String className) throws Exception {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        Path out = Files.createTempDirectory("sourceprobe");
        int rc = compiler.run(null, null, null, "--release", "17", "--add-modules", "jdk.incubator.vector",
                "-d", out.toString(), file.toString());
        if (rc != 0) {
            throw new IllegalStateException("javac failed: " + rc);
        }
        URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                SourceProbe.class.getClassLoader());
        return Class.forName(className, true, loader);
    }
}
