package netc.compiler.internal.emit;

import java.lang.invoke.MethodHandle;
import java.util.Random;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;

/**
 * Test helper: one kernel shape with seeded operands (uniform in [-1, 1), placed at nonzero offsets inside padded
 * arrays), a float64 reference and a tolerance check.
 *
 * @param m     rows of C for TN (constant); ignored otherwise
 * @param n     columns of C
 * @param k     reduction length for NT and NN; ignored for TN (the batch)
 * @param batch the runtime batch
 */
record GemmCase(Form form, Style style, int m, int n, int k, int batch) {

    static final float SENTINEL = -12345.5f;
    private static final int PAD = 7;

    static GemmCase of(Form form, Style style, int rowsOrM, int n, int k, int batch) {
        return form == Form.TN
                ? new GemmCase(form, style, rowsOrM, n, 0, batch)
                : new GemmCase(form, style, 0, n, k, batch);
    }

    GemmSpec spec(String methodName) {
        return switch (form) {
            case NT -> GemmSpec.nt(methodName, n, k, style);
            case NN -> GemmSpec.nn(methodName, n, k, style);
            case TN -> GemmSpec.tn(methodName, m, n, style);
        };
    }

    /** A method name that says what the case is, e.g. {@code ntVector_n17_k33_b5}. */
    String methodName() {
        String f = form.name().toLowerCase(java.util.Locale.ROOT);
        String s = style == Style.VECTOR ? "Vector" : "Scalar";
        return form == Form.TN
                ? f + s + "_m" + m + "_n" + n + "_b" + batch
                : f + s + "_n" + n + "_k" + k + "_b" + batch;
    }

    int rowsOfC() {
        return form == Form.TN ? m : batch;
    }

    int depth() {
        return form == Form.TN ? batch : k;
    }

    int aSize() {
        return form == Form.TN ? batch * m : batch * k;
    }

    int bSize() {
        return n * depth();
    }

    /** Operands for one run: a, b and c (c filled with SENTINEL), each with PAD floats before and after. */
    record Operands(float[] a, float[] b, float[] c) {
        int off() {
            return PAD;
        }
    }

    Operands operands(long seed) {
        Random random = new Random(seed);
        float[] a = new float[aSize() + 2 * PAD];
        float[] b = new float[bSize() + 2 * PAD];
        for (int i = 0; i < a.length; i++) {
            a[i] = random.nextFloat() * 2 - 1;
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = random.nextFloat() * 2 - 1;
        }
        float[] c = new float[rowsOfC() * n + 2 * PAD];
        java.util.Arrays.fill(c, SENTINEL);
        return new Operands(a, b, c);
    }

    void run(MethodHandle kernel, Operands o, int mLo, int mHi, Object... extras) {
        Object[] args = new Object[9 + extras.length];
        Object[] fixed = {o.a(), PAD, o.b(), PAD, o.c(), PAD, batch, mLo, mHi};
        System.arraycopy(fixed, 0, args, 0, fixed.length);
        System.arraycopy(extras, 0, args, fixed.length, extras.length);
        try {
            kernel.invokeWithArguments(args);
        } catch (Throwable t) {
            throw new AssertionError(this + " threw " + t, t);
        }
    }

    /** The exact product element (row, col) in double precision, and the sum of |a_i b_i| as its error scale. */
    double[] reference(Operands o, int row, int col) {
        double sum = 0;
        double abs = 0;
        for (int i = 0; i < depth(); i++) {
            double x = o.a()[PAD + (form == Form.TN ? i * m + row : row * k + i)];
            double y = o.b()[PAD + (form == Form.NT ? col * k + i : i * n + col)];
            sum += x * y;
            abs += Math.abs(x * y);
        }
        return new double[] {sum, abs};
    }

    /** Allowed |kernel - exact|: 1e-5 relative to the magnitude scale, times sqrt(K) (random-walk rounding). */
    double tolerance(double scale) {
        return 1e-5 * Math.sqrt(Math.max(1, depth())) * Math.max(scale, 1e-30);
    }

    /**
     * Checks rows [mLo, mHi) of C against the reference (after {@code post}, the epilogue applied to the float64
     * value) and that every other float of c, padding included, still holds the sentinel. Returns null or a message.
     */
    String check(Operands o, int mLo, int mHi, java.util.function.BiFunction<double[], Integer, Double> post) {
        float[] c = o.c();
        for (int i = 0; i < c.length; i++) {
            int rel = i - PAD;
            int row = rel >= 0 ? rel / n : -1;
            boolean inside = rel >= 0 && rel < rowsOfC() * n && row >= mLo && row < mHi;
            if (!inside) {
                if (Float.floatToRawIntBits(c[i]) != Float.floatToRawIntBits(SENTINEL)) {
                    return this + ": c[" + i + "] outside rows [" + mLo + ", " + mHi + ") was written: " + c[i];
                }
                continue;
            }
            int col = rel % n;
            double[] ref = reference(o, row, col);
            double expected = post == null ? ref[0] : post.apply(ref, col);
            double err = Math.abs(c[i] - expected);
            double tolerance = tolerance(ref[1] + (post == null ? 0 : 1)); // the epilogue's bias is in [-1, 1)
            if (!(err <= tolerance)) {
                return this + ": C[" + row + "][" + col + "] = " + c[i] + ", expected " + expected
                        + " (|err| " + err + " > " + tolerance + ")";
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return methodName();
    }
}
