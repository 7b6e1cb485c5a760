package netc.bench;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import netc.compiler.internal.load.JaninoLoader;

/**
 * Register-tile shapes for the emitter's kernels, measured at the MLP's shapes on one thread.
 *
 * <p>{@code GemmEmitter} hard-codes tiles of 4 rows x 4 {@code FloatVector}s (broadcast forms NN/TN: 16 accumulators
 * + 4 B vectors + 1 broadcast) and 4 x 4 dot products (NT: 16 accumulators + 4 + 4 loads). That fits the 32 vector
 * registers of AVX-512; with AVX2 (16 ymm registers, what this JVM uses when the CPU lacks AVX-512) C2 spills
 * accumulators to the stack inside the k loop. This probe generates kernels in the emitter's style (same loop order
 * and statement shapes, Janino-compiled) for other tile shapes and times them.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.TileShapes [--batch 128]
 *     [--repeats 5] [--seconds 0.3] [--dump FILE.java]
 * </pre>
 */
public final class TileShapes {
    private TileShapes() {
    }

    /** A kernel to generate: form NN/TN/NT, fixed extents, tile rows x cols (vectors for NN/TN, B rows for NT). */
    record Kernel(String name, String form, int m, int n, int k, int rows, int cols, boolean nOuter) {
        Kernel(String name, String form, int m, int n, int k, int rows, int cols) {
            this(name, form, m, n, k, rows, cols, false);
        }
    }

    public static void main(String[] argv) throws Exception {
        int batch = 128;
        int repeats = 5;
        double seconds = 0.3;
        String dump = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--batch": batch = Integer.parseInt(argv[++i]); break;
                case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
                case "--seconds": seconds = Double.parseDouble(argv[++i]); break;
                case "--dump": dump = argv[++i]; break;
                default: throw new IllegalArgumentException(argv[i]);
            }
        }
        int[][] bcast = {{4, 4}, {4, 3}, {3, 4}, {2, 4}, {4, 2}, {6, 2}, {5, 2}, {8, 1}};
        int[][] dot = {{4, 4}, {3, 3}, {2, 4}, {4, 2}, {2, 2}};
        List<Kernel> kernels = new ArrayList<>();
        for (int[] t : bcast) {
            kernels.add(new Kernel("dW1_" + t[0] + "x" + t[1], "TN", 512, 784, 0, t[0], t[1]));
        }
        for (int[] t : bcast) {
            kernels.add(new Kernel("dW2_" + t[0] + "x" + t[1], "TN", 256, 512, 0, t[0], t[1]));
        }
        for (int[] t : bcast) {
            kernels.add(new Kernel("dH1_" + t[0] + "x" + t[1], "NN", 0, 512, 256, t[0], t[1]));
        }
        for (int[] t : bcast) {
            kernels.add(new Kernel("f1T_" + t[0] + "x" + t[1], "NN", 0, 512, 784, t[0], t[1]));
        }
        for (int[] t : dot) {
            kernels.add(new Kernel("f1_" + t[0] + "x" + t[1], "NT", 0, 512, 784, t[0], t[1]));
        }
        kernels.add(new Kernel("f1_4x4nOuter", "NT", 0, 512, 784, 4, 4, true));
        kernels.add(new Kernel("f1_2x4nOuter", "NT", 0, 512, 784, 2, 4, true));
        for (int[] t : dot) {
            kernels.add(new Kernel("f2_" + t[0] + "x" + t[1], "NT", 0, 256, 512, t[0], t[1]));
        }
        kernels.add(new Kernel("f2_4x4nOuter", "NT", 0, 256, 512, 4, 4, true));
        StringBuilder src = new StringBuilder();
        src.append("package netc.generated;\n\nimport jdk.incubator.vector.FloatVector;\n")
                .append("import jdk.incubator.vector.VectorOperators;\nimport jdk.incubator.vector.VectorSpecies;\n\n")
                .append("public final class TileShapesProbe {\n")
                .append("    static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED;\n")
                .append("    public static final int LANES = SPECIES.length();\n\n");
        for (Kernel kn : kernels) {
            src.append(kn.form().equals("NT") ? ntKernel(kn) : broadcastKernel(kn));
        }
        src.append("}\n");
        if (dump != null) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(dump), src);
        }
        Class<?> type = JaninoLoader.compile("netc.generated.TileShapesProbe", src.toString()).type();
        int lanes = type.getField("LANES").getInt(null);

        SplittableRandom rnd = new SplittableRandom(7);
        float[] a = random(rnd, 512 * 784);
        float[] b = random(rnd, 512 * 784);
        float[] c = new float[512 * 784];
        float[] ref = new float[512 * 784];
        Timing t = new Timing(repeats, seconds);
        CpuProbe probe = new CpuProbe();
        System.out.printf(Locale.ROOT, "TileShapes: %d float lanes per vector, batch %d, 1 thread; tile = rows x "
                + "vectors (NN/TN) or rows x B-rows (NT); live vector registers ~ accumulators + loads%n", lanes, batch);
        String group = "";
        for (Kernel kn : kernels) {
            String g = kn.name().substring(0, kn.name().indexOf('_'));
            boolean newGroup = !g.equals(group);
            int rows = kn.form().equals("TN") ? kn.m() : batch;
            Method m = type.getMethod(kn.name(), float[].class, float[].class, float[].class, int.class, int.class,
                    int.class);
            final int bt = batch;
            Runnable call = () -> {
                try {
                    m.invoke(null, a, b, c, bt, 0, rows);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            };
            call.run();
            if (newGroup) {
                group = g;
                System.arraycopy(c, 0, ref, 0, c.length);
                Kernel first = kn;
                System.out.printf(Locale.ROOT, "  %s: %s, M x N x K = %s x %d x %s%n", g, first.form(),
                        first.form().equals("TN") ? Integer.toString(first.m()) : "batch", first.n(),
                        first.form().equals("TN") ? "batch" : Integer.toString(first.k()));
            }
            double maxRel = 0;
            int used = kn.form().equals("TN") ? kn.m() * kn.n() : batch * kn.n();
            for (int i = 0; i < used; i++) {
                maxRel = Math.max(maxRel, Math.abs(c[i] - ref[i]) / (1 + Math.abs(ref[i])));
            }
            double us = t.median(call);
            double flop = 2.0 * (kn.form().equals("TN") ? (double) kn.m() * kn.n() * batch
                    : (double) batch * kn.n() * kn.k());
            int regs = kn.form().equals("NT") ? kn.rows() * kn.cols() + kn.rows() + kn.cols()
                    : kn.rows() * kn.cols() + kn.cols() + 1;
            System.out.printf(Locale.ROOT, "    tile %dx%d%s  (~%2d regs)  %8.1f us [%s]  %5.1f GFLOP/s   "
                    + "max rel. diff vs first %.1e%n", kn.rows(), kn.cols(), kn.nOuter() ? " B-blocks outer" : "", regs, us, t.range(), flop / (us * 1e3),
                    maxRel);
        }
        System.out.println("  noise: " + probe.stop());
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }

    /**
     * NN/TN in the emitter's style: column panels of cols vectors outside, blocks of rows inside, then 1-vector
     * panels, then scalar columns; remainder rows one at a time. Entry: (a, b, c, batch, mLo, mHi), offsets 0.
     */
    static String broadcastKernel(Kernel kn) {
        StringBuilder s = new StringBuilder();
        String name = kn.name();
        int n = kn.n();
        String k = kn.form().equals("TN") ? "batch" : Integer.toString(kn.k());
        s.append("    public static void ").append(name)
                .append("(float[] a, float[] b, float[] c, int batch, int mLo, int mHi) {\n")
                .append("        int n = 0;\n")
                .append("        for (; n + ").append(kn.cols()).append(" * LANES <= ").append(n).append("; n += ")
                .append(kn.cols()).append(" * LANES) {\n")
                .append("            int m = mLo;\n")
                .append("            for (; m + ").append(kn.rows()).append(" <= mHi; m += ").append(kn.rows())
                .append(") { ").append(name).append("T(a, b, c, batch, m, n); }\n")
                .append("            for (; m < mHi; m++) { ").append(name).append("R(a, b, c, batch, m, n); }\n")
                .append("        }\n")
                .append("        for (; n + LANES <= ").append(n).append("; n += LANES) {\n")
                .append("            for (int m = mLo; m < mHi; m++) { ").append(name)
                .append("V(a, b, c, batch, m, n); }\n")
                .append("        }\n")
                .append("        for (; n < ").append(n).append("; n++) {\n")
                .append("            for (int m = mLo; m < mHi; m++) {\n")
                .append("                float s = 0f;\n")
                .append("                for (int k = 0; k < ").append(k).append("; k++) { s = Math.fma(")
                .append(aElem(kn, "m", "0")).append(", b[k * ").append(n).append(" + n], s); }\n")
                .append("                c[m * ").append(n).append(" + n] = s;\n")
                .append("            }\n")
                .append("        }\n")
                .append("    }\n\n");
        s.append(broadcastTile(kn, name + "T", kn.rows(), kn.cols()));
        s.append(broadcastTile(kn, name + "R", 1, kn.cols()));
        s.append(broadcastTile(kn, name + "V", 1, 1));
        return s.toString();
    }

    private static String aElem(Kernel kn, String m, String r) {
        return kn.form().equals("TN") ? "a[k * " + kn.m() + " + " + m + " + " + r + "]"
                : "a[(" + m + " + " + r + ") * " + kn.k() + " + k]";
    }

    private static String broadcastTile(Kernel kn, String name, int rows, int vecs) {
        StringBuilder s = new StringBuilder();
        String k = kn.form().equals("TN") ? "batch" : Integer.toString(kn.k());
        s.append("    static void ").append(name).append("(float[] a, float[] b, float[] c, int batch, int m, int n) {\n");
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vecs; v++) {
                s.append("        FloatVector acc").append(r).append(v).append(" = FloatVector.zero(SPECIES);\n");
            }
        }
        s.append("        for (int k = 0; k < ").append(k).append("; k++) {\n")
                .append("            int bk = k * ").append(kn.n()).append(" + n;\n");
        for (int v = 0; v < vecs; v++) {
            s.append("            FloatVector vb").append(v).append(" = FloatVector.fromArray(SPECIES, b, bk + ")
                    .append(v).append(" * LANES);\n");
        }
        for (int r = 0; r < rows; r++) {
            s.append("            FloatVector va").append(r).append(" = FloatVector.broadcast(SPECIES, ")
                    .append(aElem(kn, "m", Integer.toString(r))).append(");\n");
            for (int v = 0; v < vecs; v++) {
                s.append("            acc").append(r).append(v).append(" = va").append(r).append(".fma(vb").append(v)
                        .append(", acc").append(r).append(v).append(");\n");
            }
        }
        s.append("        }\n");
        for (int r = 0; r < rows; r++) {
            for (int v = 0; v < vecs; v++) {
                s.append("        acc").append(r).append(v).append(".intoArray(c, (m + ").append(r).append(") * ")
                        .append(kn.n()).append(" + n + ").append(v).append(" * LANES);\n");
            }
        }
        s.append("    }\n\n");
        return s.toString();
    }

    /** NT in the emitter's style: row blocks outside, dot tiles of rows x cols inside, lane reduction per element. */
    static String ntKernel(Kernel kn) {
        StringBuilder s = new StringBuilder();
        String name = kn.name();
        int n = kn.n();
        if (kn.nOuter()) {
            // blocks of B rows (weights) outside, all row blocks of A inside: B is read once, A stays in L2
            s.append("    public static void ").append(name)
                    .append("(float[] a, float[] b, float[] c, int batch, int mLo, int mHi) {\n")
                    .append("        int n = 0;\n")
                    .append("        for (; n + ").append(kn.cols()).append(" <= ").append(n).append("; n += ")
                    .append(kn.cols()).append(") {\n")
                    .append("            int m = mLo;\n")
                    .append("            for (; m + ").append(kn.rows()).append(" <= mHi; m += ").append(kn.rows())
                    .append(") { ").append(name).append("T(a, b, c, m, n); }\n")
                    .append("            for (; m < mHi; m++) { ").append(name).append("R(a, b, c, m, n); }\n")
                    .append("        }\n")
                    .append("        for (; n < ").append(n).append("; n++) {\n")
                    .append("            for (int m = mLo; m < mHi; m++) { ").append(name).append("S(a, b, c, m, n); }\n")
                    .append("        }\n")
                    .append("    }\n\n");
            s.append(dotTile(kn, name + "T", kn.rows(), kn.cols()));
            s.append(dotTile(kn, name + "R", 1, kn.cols()));
            s.append(dotTile(kn, name + "S", 1, 1));
            return s.toString();
        }
        s.append("    public static void ").append(name)
                .append("(float[] a, float[] b, float[] c, int batch, int mLo, int mHi) {\n")
                .append("        int m = mLo;\n")
                .append("        for (; m + ").append(kn.rows()).append(" <= mHi; m += ").append(kn.rows())
                .append(") {\n")
                .append("            int n = 0;\n")
                .append("            for (; n + ").append(kn.cols()).append(" <= ").append(n).append("; n += ")
                .append(kn.cols()).append(") { ").append(name).append("T(a, b, c, m, n); }\n")
                .append("            for (; n < ").append(n).append("; n++) { ").append(name)
                .append("C(a, b, c, m, n); }\n")
                .append("        }\n")
                .append("        for (; m < mHi; m++) {\n")
                .append("            for (int n = 0; n < ").append(n).append("; n++) { ").append(name)
                .append("S(a, b, c, m, n); }\n")
                .append("        }\n")
                .append("    }\n\n");
        s.append(dotTile(kn, name + "T", kn.rows(), kn.cols()));
        s.append(dotTile(kn, name + "C", kn.rows(), 1));
        s.append(dotTile(kn, name + "S", 1, 1));
        return s.toString();
    }

    private static String dotTile(Kernel kn, String name, int rows, int cols) {
        StringBuilder s = new StringBuilder();
        int k = kn.k();
        s.append("    static void ").append(name).append("(float[] a, float[] b, float[] c, int m, int n) {\n")
                .append("        int kVec = ").append(k).append(" - ").append(k).append(" % LANES;\n");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                s.append("        FloatVector acc").append(r).append(j).append(" = FloatVector.zero(SPECIES);\n");
            }
        }
        s.append("        int k = 0;\n        for (; k < kVec; k += LANES) {\n");
        for (int r = 0; r < rows; r++) {
            s.append("            FloatVector va").append(r).append(" = FloatVector.fromArray(SPECIES, a, (m + ")
                    .append(r).append(") * ").append(k).append(" + k);\n");
        }
        for (int j = 0; j < cols; j++) {
            s.append("            FloatVector vb").append(j).append(" = FloatVector.fromArray(SPECIES, b, (n + ")
                    .append(j).append(") * ").append(k).append(" + k);\n");
        }
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                s.append("            acc").append(r).append(j).append(" = va").append(r).append(".fma(vb").append(j)
                        .append(", acc").append(r).append(j).append(");\n");
            }
        }
        s.append("        }\n");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                s.append("        float s").append(r).append(j).append(" = acc").append(r).append(j)
                        .append(".reduceLanes(VectorOperators.ADD);\n");
            }
        }
        s.append("        for (; k < ").append(k).append("; k++) {\n");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                s.append("            s").append(r).append(j).append(" = Math.fma(a[(m + ").append(r).append(") * ")
                        .append(k).append(" + k], b[(n + ").append(j).append(") * ").append(k).append(" + k], s")
                        .append(r).append(j).append(");\n");
            }
        }
        s.append("        }\n");
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                s.append("        c[(m + ").append(r).append(") * ").append(kn.n()).append(" + n + ").append(j)
                        .append("] = s").append(r).append(j).append(";\n");
            }
        }
        s.append("    }\n\n");
        return s.toString();
    }
}
