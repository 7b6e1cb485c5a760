package netc.compiler.emit;

import com.palantir.javapoet.ParameterSpec;
import java.util.List;

/**
 * What {@link GemmEmitter} emits: one matrix-product kernel over row-major {@code float[]} operands.
 *
 * <p>Every kernel computes rows {@code [mLo, mHi)} of C and overwrites them (C = A·B, not +=):
 * <ul>
 *   <li>{@link Form#NT}: {@code C[m][n] = sum_k A[m][k] * B[n][k]}; A [batch, K], B [N, K], C [batch, N].
 *       Forward {@code W x} over a batch, W [out, in] as declared.
 *   <li>{@link Form#NN}: {@code C[m][n] = sum_k A[m][k] * B[k][n]}; A [batch, K], B [K, N], C [batch, N].
 *       Input gradient {@code dX = G W}.
 *   <li>{@link Form#TN}: {@code C[m][n] = sum_k A[k][m] * B[k][n]}; A [batch, M], B [batch, N], C [M, N].
 *       Weight gradient {@code dW = G^T X}; here the reduction runs over the batch.
 * </ul>
 * The extents that are not the batch are compile-time constants: {@code n} and {@code k} for NT and NN (then
 * {@code m} is 0), {@code m} and {@code n} for TN (then {@code k} is 0).
 *
 * @param form        which operand is read transposed
 * @param m           rows of C for TN; 0 for NT and NN, where the rows are the runtime batch
 * @param n           columns of C
 * @param k           reduction length for NT and NN; 0 for TN, where it is the runtime batch
 * @param methodName  name of the generated static method
 * @param epilogue    elementwise rewrite of each finished element, or null for a plain store
 * @param extraParams parameters appended after the fixed ones, for the epilogue's use
 * @param style       {@link Style#VECTOR} (needs {@code jdk.incubator.vector}) or {@link Style#SCALAR}
 */
public record GemmSpec(Form form, int m, int n, int k, String methodName, Epilogue epilogue,
        List<ParameterSpec> extraParams, Style style) {

    /** Which operand the kernel reads transposed; see the class comment. */
    public enum Form { NT, NN, TN }

    /** Vector API tiles, or plain Java loops for a JVM without {@code jdk.incubator.vector}. */
    public enum Style { VECTOR, SCALAR }

    public GemmSpec {
        if (form == null || style == null) {
            throw new IllegalArgumentException("form and style are required");
        }
        JavaLiterals.checkedIdentifier(methodName);
        extraParams = List.copyOf(extraParams);
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (form == Form.TN) {
            if (m < 1 || k != 0) {
                throw new IllegalArgumentException("TN needs m >= 1 and k = 0 (the batch), got m=" + m + ", k=" + k);
            }
        } else if (k < 1 || m != 0) {
            throw new IllegalArgumentException(form + " needs k >= 1 and m = 0 (the batch), got m=" + m + ", k=" + k);
        }
        if ((long) Math.max(m, 1) * n > Integer.MAX_VALUE || (long) n * Math.max(k, 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matrix too large for int indexing: m=" + m + ", n=" + n + ", k=" + k);
        }
        for (ParameterSpec p : extraParams) {
            if (GemmEmitter.isReservedName(p.name())) {
                throw new IllegalArgumentException("extra parameter name '" + p.name()
                        + "' clashes with a kernel parameter or local");
            }
        }
    }

    /** {@code C[m][n] = sum_k A[m][k] * B[n][k]}, plain store. */
    public static GemmSpec nt(String methodName, int n, int k, Style style) {
        return new GemmSpec(Form.NT, 0, n, k, methodName, null, List.of(), style);
    }

    /** {@code C[m][n] = sum_k A[m][k] * B[k][n]}, plain store. */
    public static GemmSpec nn(String methodName, int n, int k, Style style) {
        return new GemmSpec(Form.NN, 0, n, k, methodName, null, List.of(), style);
    }

    /** {@code C[m][n] = sum_k A[k][m] * B[k][n]} over the batch k, plain store. */
    public static GemmSpec tn(String methodName, int m, int n, Style style) {
        return new GemmSpec(Form.TN, m, n, 0, methodName, null, List.of(), style);
    }

    /** This spec with an epilogue and the extra parameters it reads. */
    public GemmSpec withEpilogue(Epilogue newEpilogue, List<ParameterSpec> newExtraParams) {
        return new GemmSpec(form, m, n, k, methodName, newEpilogue, newExtraParams, style);
    }

    /** This spec with another style. */
    public GemmSpec withStyle(Style newStyle) {
        return new GemmSpec(form, m, n, k, methodName, epilogue, extraParams, newStyle);
    }

    /** This spec with another method name. */
    public GemmSpec withMethodName(String newName) {
        return new GemmSpec(form, m, n, k, newName, epilogue, extraParams, style);
    }
}
