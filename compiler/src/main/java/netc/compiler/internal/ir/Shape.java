package netc.compiler.internal.ir;

import java.util.Arrays;

/**
 * The per-sample shape of a tensor: {@code []} for a scalar, {@code [n]} for a vector, {@code [o, i]} for a matrix,
 * {@code [C, H, W]} for an image (stored channel-last, see docs/spatial-and-recurrent.md), {@code [O, C, K, K]} for
 * a convolution kernel.
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

    /** An image {@code [C, H, W]}: stored channel-last, as {@code H * W} pixel rows of {@code C} values. */
    public boolean isImage() {
        return dims.length == 3;
    }

    /**
     * Values per memory row: the channels of an image (its rows are pixels), else the whole value. Kernels loop over
     * {@code rows x rowWidth()}, which for an image makes a per-channel operand a plain column index.
     */
    public int rowWidth() {
        return isImage() ? dims[0] : size();
    }

    /** Memory rows per sample: {@code H * W} for an image, else 1. */
    public int rowsPerSample() {
        return isImage() ? dims[1] * dims[2] : 1;
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
