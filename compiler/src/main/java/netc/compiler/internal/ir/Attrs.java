package netc.compiler.internal.ir;

/**
 * The non-tensor arguments of a node: the user's name of an input, target or parameter (for messages and the
 * weights file, never for Java identifiers), one number (a constant's value, a leaky ReLU's slope), the window of a
 * convolution or pooling op, and a shape (the result shape of ops that cannot infer it: the input shape of a
 * gradient that undoes a window, the declared shape of a kernel's gradient).
 */
public record Attrs(String name, double value, Window window, Shape shape) {
    public static final Attrs NONE = new Attrs("", 0, null, null);

    public static Attrs named(String name) {
        return new Attrs(name, 0, null, null);
    }

    public static Attrs value(double value) {
        return new Attrs("", value, null, null);
    }

    public static Attrs window(Window window) {
        return new Attrs("", 0, window, null);
    }

    public static Attrs shape(Shape shape) {
        return new Attrs("", 0, null, shape);
    }

    public static Attrs window(Window window, Shape shape) {
        return new Attrs("", 0, window, shape);
    }

    @Override
    public boolean equals(Object o) {
        // Compare values bit for bit so that 0.0 and -0.0 (or two NaNs) intern as the right nodes.
        return o instanceof Attrs a && a.name.equals(name)
                && Double.doubleToLongBits(a.value) == Double.doubleToLongBits(value)
                && java.util.Objects.equals(a.window, window) && java.util.Objects.equals(a.shape, shape);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, Double.hashCode(value), window, shape);
    }
}
