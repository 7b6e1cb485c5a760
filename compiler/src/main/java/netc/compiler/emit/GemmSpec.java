package netc.compiler.emit;

import com.palantir.javapoet.ParameterSpec;
import java.util.List;

/**
 * One matrix-product kernel to emit: rows {@code [mLo, mHi)} of {@code C = A B} in one of three forms.
 *
 * @param m constant row count of C for TN (the weight's rows); ignored for NT and NN, where M is the batch
 * @param n constant column count of C
 * @param k constant reduction length for NT and NN; ignored for TN, where K is the batch
 */
public record GemmSpec(String methodName, Form form, int m, int n, int k, GemmEmitter.Epilogue epilogue,
                       List<ParameterSpec> extraParams, Style style) {

    /** Operand layouts; all arrays are row-major with an offset. */
    public enum Form {
        /** {@code C[m][n] = sum_k A[m][k] B[n][k]}: the forward {@code W x} with W as declared [out, in]. */
        NT,
        /** {@code C[m][n] = sum_k A[m][k] B[k][n]}: the input gradient {@code W^T g}. */
        NN,
        /** {@code C[m][n] = sum_k A[k][m] B[k][n]}: the weight gradient {@code sum_b g x^T}. */
        TN
    }

    /** Vector API tiles, or plain loops for JVMs without {@code jdk.incubator.vector}. */
    public enum Style { VECTOR, SCALAR }

    public GemmSpec {
        extraParams = List.copyOf(extraParams);
    }
}
