package netc.runtime;

import java.util.Arrays;

/**
 * One parameter tensor of a model: its name in the {@code .net} file, its declared shape, where it lives in the
 * parameter vector and how it is initialised.
 */
public record ParamSpec(String name, int[] shape, int offset, Init init) {

    /** Copies the shape and checks it. */
    public ParamSpec {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("name must not be empty");
        }
        shape = shape.clone();
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        }
    }

    /**
     * Whether this is non-trainable state rather than a parameter: a batch norm's running statistics, named
     * {@code batchnorm0.running_mean} and {@code batchnorm0.running_var} (a dot, which no name in a {@code .net}
     * file has). State lives in the parameter vector so that it is saved, loaded and evaluated with the weights;
     * {@code lossAndGradient} updates it in place and reports a zero gradient for it, which leaves it unchanged
     * under every optimizer (SGD, momentum and Adam move a coordinate only for a nonzero gradient).
     */
    public boolean isState() {
        return isStateName(name);
    }

    /**
     * Whether a parameter of this name is state ({@link #isState}): the one place that says state names have a dot.
     *
     * @param name a parameter's name
     * @return whether it names non-trainable state
     */
    public static boolean isStateName(String name) {
        return name.indexOf('.') >= 0;
    }

    /** Number of elements, the product of the shape. */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** {@return a copy of the shape} */
    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Shape as written in a {@code .net} file, e.g. {@code [512, 784]}. */
    public String shapeText() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.offset == offset && p.init.equals(init);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + shapeText() + "@" + offset + " init " + init;
    }
}
