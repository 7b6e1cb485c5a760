package netc.bench;

import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.emit.Epilogue;
import netc.compiler.internal.emit.GemmEmitter;
import netc.compiler.internal.emit.GemmSpec;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.Activations;

/**
 * What-if measurements for the emitter, using its own tile code ({@link GemmEmitter}) at the MLP's shapes, one thread:
 *
 * <ul>
 *   <li>the forward layers as emitted today (NT: dot products along k, one {@code reduceLanes} per element) against
 *       the same product in NN form on a transposed weight matrix (broadcast A, stream rows of B), plus the cost of
 *       that transpose;
 *   <li>today's scalar epilogue ({@code Activations.relu(v + bias[j])}, one element at a time) against the vector
 *       form that {@code Epilogue.biasRelu} already provides but the class emitter does not use;
 *   <li>the register-only FMA peak of one core (12 independent {@code FloatVector.fma} chains), as the ceiling.
 * </ul>
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp benchmarks/target/benchmarks.jar netc.bench.KernelForms [--batch 128]
 *      [--repeats 7] [--seconds 0.3] [--dump FILE.java]
 * </pre>
 */
public final class KernelForms {

    private KernelForms() {
    }

    private static final GemmSpec.Style V = GemmSpec.Style.VECTOR;

    /** Today's epilogue for relu(W x + b), as ClassEmitter writes it (scalar only). */
    private static final Epilogue CURRENT_BIAS_RELU = (row, col, value) ->
            CodeBlock.of("$T.relu(($L + bias[biasOff + $L]))", Activations.class, value, col);

    public static void main(String[] argv) throws Exception {
        int batch = 128;
        int repeats = 7;
        double seconds = 0.3;
        java.nio.file.Path dump = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--batch": batch = Integer.parseInt(argv[++i]); break;
                case "--repeats": repeats = Integer.parseInt(argv[++i]); break;
                case "--seconds": seconds = Double.parseDouble(argv[++i]); break;
                case "--dump": dump = java.nio.file.Path.of(argv[++i]); break;
                default: throw new IllegalArgumentException("unknown argument " + argv[i]);
            }
        }
        if (!JaninoLoader.vectorApiAvailable()) {
            System.err.println("KernelForms: needs java --add-modules jdk.incubator.vector");
            System.exit(2);
        }
        List<ParameterSpec> biasParams = List.of(ParameterSpec.builder(float[].class, "bias").build(),
                ParameterSpec.builder(int.class, "biasOff").build());
        List<GemmSpec> specs = new ArrayList<>();
        specs.add(GemmSpec.nt("f1Nt", 512, 784, V));
        specs.add(GemmSpec.nt("f1NtCurEpi", 512, 784, V).withEpilogue(CURRENT_BIAS_RELU, biasParams));
        specs.add(GemmSpec.nt("f1NtVecEpi", 512, 784, V).withEpilogue(Epilogue.biasRelu("bias", "biasOff"),
                biasParams));
        specs.add(GemmSpec.nn("f1Nn", 512, 784, V));
        specs.add(GemmSpec.nn("f1NnCurEpi", 512, 784, V).withEpilogue(CURRENT_BIAS_RELU, biasParams));
        specs.add(GemmSpec.nn("f1NnVecEpi", 512, 784, V).withEpilogue(Epilogue.biasRelu("bias", "biasOff"),
                biasParams));
        specs.add(GemmSpec.nt("f2Nt", 256, 512, V));
        specs.add(GemmSpec.nn("f2Nn", 256, 512, V));
        specs.add(GemmSpec.nn("dH1Nn", 512, 256, V));
        specs.add(GemmSpec.tn("dW1Tn", 512, 784, V));
        specs.add(GemmSpec.tn("dW2Tn", 256, 512, V));
        specs.add(GemmSpec.tn("l1Tn", 4, 64, V));          // 4 x 64 columns: 34 KB of operands, fits L1
        specs.add(GemmSpec.tn("dW2PanelTn", 256, 64, V));
        specs.add(GemmSpec.tn("l1Tn32", 32, 64, V));        // 8 tiles of 4 x 64 per call, 40 KB of operands  // dW2 on a packed 64-column panel of h1
        TypeSpec.Builder type = TypeSpec.classBuilder("FormsProbe").addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        type.addMethod(MethodSpec.methodBuilder("repeatL1Tn").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addParameter(float[].class, "a").addParameter(float[].class, "b").addParameter(float[].class, "c")
                .addParameter(int.class, "reps")
                .beginControlFlow("for (int r = 0; r < reps; r++)")
                .addStatement("l1Tn(a, 0, b, 0, c, 0, 128, 0, 4)")
                .endControlFlow().build());
        type.addMethod(MethodSpec.methodBuilder("dW2Packed").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("dW2 = dZ2^T h1 panel by panel: copy 64 columns of h1 into a contiguous [batch][64] "
                        + "buffer, then TN on it. C comes out panel-major (timing only).\n")
                .addParameter(float[].class, "a").addParameter(float[].class, "b").addParameter(float[].class, "c")
                .addParameter(float[].class, "bp").addParameter(int.class, "batch")
                .beginControlFlow("for (int p = 0; p < 512; p += 64)")
                .beginControlFlow("for (int k = 0; k < batch; k++)")
                .addStatement("System.arraycopy(b, k * 512 + p, bp, k * 64, 64)")
                .endControlFlow()
                .addStatement("dW2PanelTn(a, 0, bp, 0, c, p * 256, batch, 0, 256)")
                .endControlFlow().build());
        GemmEmitter.addVectorFields(type);
        for (GemmSpec s : specs) {
            for (MethodSpec m : GemmEmitter.emit(s)) {
                type.addMethod(m.name().equals(s.methodName()) ? m.toBuilder().addModifiers(Modifier.PUBLIC).build()
                        : m);
            }
        }
        type.addMethod(FmaPeak.peakMethod());
        String source = JavaFile.builder("netc.generated", type.build()).build().toString();
        if (dump != null) {
            java.nio.file.Files.writeString(dump, source);
        }
        Class<?> probe = JaninoLoader.compile("netc.generated.FormsProbe", source).type();

        SplittableRandom rnd = new SplittableRandom(1);
        float[] x = random(rnd, batch * 784);
        float[] w1 = random(rnd, 512 * 784);
        float[] w1t = new float[784 * 512];
        float[] w2 = random(rnd, 256 * 512);
        float[] w2t = new float[512 * 256];
        float[] h1 = random(rnd, batch * 512);
        float[] g2 = random(rnd, batch * 256);
        float[] g1 = random(rnd, batch * 512);
        float[] bias = random(rnd, 512);
        float[] c1 = new float[batch * 512];
        float[] c1b = new float[batch * 512];
        float[] c2 = new float[batch * 256];
        float[] dw1 = new float[512 * 784];
        float[] dw2 = new float[256 * 512];
        float[] dh1 = new float[batch * 512];
        transpose(w1, 512, 784, w1t);
        transpose(w2, 256, 512, w2t);

        // correctness of the NN-on-transpose variant against NT
        invoke(method(probe, "f1Nt", 0), x, w1, c1, batch, batch);
        invoke(method(probe, "f1Nn", 0), x, w1t, c1b, batch, batch);
        double maxDiff = 0;
        for (int i = 0; i < c1.length; i++) {
            maxDiff = Math.max(maxDiff, Math.abs(c1[i] - c1b[i]) / (1 + Math.abs(c1[i])));
        }

        Timing t = new Timing(repeats, seconds);
        final int b = batch;
        System.out.printf(Locale.ROOT, "KernelForms: batch %d, 1 thread, median us of %d repeats [min-max], "
                + "GFLOP/s at the median; NN vs NT max rel. diff %.2e%n", batch, repeats, maxDiff);
        Method fma = probe.getMethod("fmaPeak", int.class);
        double fmaUs = t.median(() -> call(fma, 100_000));
        java.lang.reflect.Field lanesField = probe.getDeclaredField("LANES");
        lanesField.setAccessible(true);
        int lanes = lanesField.getInt(null);
        double fmaGflops = 100_000.0 * FmaPeak.CHAINS * lanes * 2 / (fmaUs * 1e3);
        System.out.printf(Locale.ROOT, "  %-44s %8.1f us [%s]  %6.1f GFLOP/s%n", "FMA peak (" + FmaPeak.CHAINS + " chains x " + lanes
                + " lanes)", fmaUs, t.range(), fmaGflops);
        row(t, "fwd L1 NT (today, no epilogue)", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "f1Nt", 0), x, w1, c1, b, b));
        row(t, "fwd L1 NT + today's scalar bias+relu", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "f1NtCurEpi", 2), x, w1, c1, b, b, bias, 0));
        row(t, "fwd L1 NT + vector bias+relu (BiasRelu)", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "f1NtVecEpi", 2), x, w1, c1, b, b, bias, 0));
        row(t, "transpose W1 512x784", 0, () -> transpose(w1, 512, 784, w1t));
        row(t, "fwd L1 NN on W1^T (no epilogue)", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "f1Nn", 0), x, w1t, c1, b, b));
        row(t, "fwd L1 NN + today's scalar bias+relu", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "f1NnCurEpi", 2), x, w1t, c1, b, b, bias, 0));
        row(t, "fwd L1 NN + vector bias+relu (BiasRelu)", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "f1NnVecEpi", 2), x, w1t, c1, b, b, bias, 0));
        row(t, "fwd L2 NT (today)", 2.0 * b * 256 * 512,
                () -> invoke(method(probe, "f2Nt", 0), h1, w2, c2, b, b));
        row(t, "transpose W2 256x512", 0, () -> transpose(w2, 256, 512, w2t));
        row(t, "fwd L2 NN on W2^T", 2.0 * b * 256 * 512,
                () -> invoke(method(probe, "f2Nn", 0), h1, w2t, c2, b, b));
        row(t, "dH1 = dZ2 W2, NN (today)", 2.0 * b * 512 * 256,
                () -> invoke(method(probe, "dH1Nn", 0), g2, w2, dh1, b, b));
        row(t, "dW1 = dZ1^T x, TN (today)", 2.0 * b * 512 * 784,
                () -> invoke(method(probe, "dW1Tn", 0), g1, x, dw1, b, 512));
        row(t, "dW2 = dZ2^T h1, TN (today)", 2.0 * b * 256 * 512,
                () -> invoke(method(probe, "dW2Tn", 0), g2, h1, dw2, b, 256));
        float[] bp = new float[batch * 64];
        Method packed = probe.getMethod("dW2Packed", float[].class, float[].class, float[].class, float[].class,
                int.class);
        row(t, "dW2 TN on packed 64-col panels of h1 (+pack)", 2.0 * b * 256 * 512, () -> {
            try {
                packed.invoke(null, g2, h1, dw2, bp, b);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
        float[] la = random(rnd, 128 * 4);
        float[] lb = random(rnd, 128 * 64);
        float[] lc = new float[4 * 64];
        Method l1 = probe.getMethod("repeatL1Tn", float[].class, float[].class, float[].class, int.class);
        row(t, "TN 4x64, K=128, operands in L1 (x1000)", 1000 * 2.0 * 4 * 64 * 128, () -> {
            try {
                l1.invoke(null, la, lb, lc, 1000);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static void row(Timing t, String what, double flop, Runnable r) {
        double us = t.median(r);
        System.out.printf(Locale.ROOT, "  %-44s %8.1f us [%s]  %s%n", what, us, t.range(),
                flop > 0 ? String.format(Locale.ROOT, "%6.1f GFLOP/s", flop / (us * 1e3)) : "");
    }

    private static Method method(Class<?> type, String name, int extra) {
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == 9 + extra) {
                return m;
            }
        }
        throw new IllegalStateException("no method " + name);
    }

    /** kernel(a, 0, b, 0, c, 0, batch, 0, rows, extra...). */
    private static void invoke(Method m, float[] a, float[] b, float[] c, int batch, int rows, Object... extra) {
        Object[] args = new Object[9 + extra.length];
        args[0] = a;
        args[1] = 0;
        args[2] = b;
        args[3] = 0;
        args[4] = c;
        args[5] = 0;
        args[6] = batch;
        args[7] = 0;
        args[8] = rows;
        System.arraycopy(extra, 0, args, 9, extra.length);
        try {
            m.invoke(null, args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void call(Method m, int n) {
        try {
            m.invoke(null, n);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** out[j][i] = in[i][j] for in [rows][cols], in 16 x 16 blocks. */
    static void transpose(float[] in, int rows, int cols, float[] out) {
        for (int i0 = 0; i0 < rows; i0 += 16) {
            int i1 = Math.min(rows, i0 + 16);
            for (int j0 = 0; j0 < cols; j0 += 16) {
                int j1 = Math.min(cols, j0 + 16);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        out[j * rows + i] = in[i * cols + j];
                    }
                }
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return v;
    }
}
