package netc.compiler.emit;

import com.palantir.javapoet.CodeBlock;

/**
 * Elementwise code fused into a matrix-product kernel: it rewrites each element of C right after a block of rows
 * has been computed, while the block is still in L1 ("bias and activation fused into the producing loop").
 *
 * <p>The kernel calls the epilogue in a loop over the rows of the finished block and all {@code N} columns. The
 * returned expressions may refer to the row and column variables handed in and to parameters the caller adds with
 * {@link GemmSpec#extraParams()} (for example a bias array and its offset); they must not refer to the kernel's own
 * locals. Example, {@code relu(v + bias[col])}:
 *
 * <pre>{@code
 * Epilogue e = Epilogue.biasRelu("w", "bOff");   // w[bOff + col] is the bias of column col
 * }</pre>
 */
public interface Epilogue {

    /**
     * A {@code float} expression for the value to store at ({@code row}, {@code col}) of C, given the raw product
     * {@code value} (itself a {@code float} expression that may be evaluated once). {@code row} is the absolute row
     * index in C (within {@code [mLo, mHi)}), {@code col} the column in {@code [0, N)}; both are {@code int} local
     * variable names.
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
