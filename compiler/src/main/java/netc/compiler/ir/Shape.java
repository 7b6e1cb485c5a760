package netc.compiler.ir;

import java.util.Arrays;

/**
 * The per-sample shape of a tensor: {@code []} for a scalar, {@code [n]} for a vector, {@code [o, i]} for a matrix.
 * The batch axis is not part of the shape; {@link Node#batched()} says whether a value has one.
 */
public final class Shape {
    public static final Shape SCALAR = new Shape(new int[0]);

    private final int[] dims;

    private Shape(int[] dims) {
        this.dims = dims;
    }

    public static Shape of(int... dims) {
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("dimensions must be >= 1, got " + Arrays.toString(dims));
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int dim(int axis) {
        return dims[axis];
    }

    public int[] dims() {
        return dims.clone();
    }

    /** Number of elements (1 for a scalar). */
    public int size() {
        int n = 1;
        for (int d : dims) {
            n *= d;
        }
        return n;
    }

    public boolean isScalar() {
        return dims.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(s.dims, dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** As written in a {@code .net} file: {@code [512, 784]}, or {@code []} for a scalar. */
    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
