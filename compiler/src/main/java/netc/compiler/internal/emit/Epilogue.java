package netc.compiler.internal.emit;

import com.palantir.javapoet.CodeBlock;

/**
 * Elementwise code fused into a matrix-product kernel ("bias and activation fused into the producing loop"): it
 * rewrites each element of C once the element is final, while C is still in cache.
 *
 * <p>The kernel emits the epilogue into a helper method {@code <name>Epilogue(float[] c, int cOff, int i, int nStart,
 * int nEnd, <extra params>)} that rewrites columns {@code [nStart, nEnd)} of row {@code i}. NT kernels call it for each
 * block of rows once all its columns are computed (still in L2); NN and TN kernels, which sweep column panels, call
 * it for every row of {@code [mLo, mHi)} at the end; both over the columns the call covers (all of them, or a column
 * entry's panels). The returned expressions may refer to the row and column variables handed in and to parameters
 * the caller adds with {@link GemmSpec#extraParams()} (for example a bias array and its offset); nothing else.
 * Example, {@code relu(v + bias[col])}:
 *
 * <pre>{@code
 * Epilogue e = Epilogue.biasRelu("bias", "biasOff");   // bias[biasOff + col] is the bias of column col
 * }</pre>
 */
public interface Epilogue {

    /**
     * A {@code float} expression for the value to store at ({@code row}, {@code col}) of C, given the raw product
     * {@code value} (a {@code float} expression without side effects, such as {@code c[ci + j]}). {@code row} is
     * the absolute row index in C (within {@code [mLo, mHi)}), {@code col} the column in {@code [0, N)}; both are
     * {@code int} local variable names.
     */
    CodeBlock scalar(String row, String col, CodeBlock value);

    /**
     * The same rewrite for {@code LANES} consecutive columns {@code col .. col + LANES - 1} of one row, as a
     * {@code FloatVector} expression of the vector {@code value}; or null when there is no vector form, in which
     * case the kernel uses {@link #scalar} for every column. Where both exist they must give identical results, so a
     * kernel's output does not depend on which form handled a column. Only VECTOR-style kernels call this.
     */
    default CodeBlock vector(String row, String col, CodeBlock value) {
        return null;
    }

    /** {@code value + bias[biasOff + col]}, with a vector form. */
    static Epilogue bias(String biasArray, String biasOffset) {
        return new BiasRelu(biasArray, biasOffset, false);
    }

    /** {@code max(value + bias[biasOff + col], 0)} (ReLU as {@code Math.max}: NaN stays NaN), with a vector form. */
    static Epilogue biasRelu(String biasArray, String biasOffset) {
        return new BiasRelu(biasArray, biasOffset, true);
    }

    /** {@code max(value, 0)}, with a vector form. */
    static Epilogue relu() {
        return new BiasRelu(null, null, true);
    }
}
