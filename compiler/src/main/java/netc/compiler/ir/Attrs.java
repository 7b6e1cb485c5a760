package netc.compiler.ir;

/**
 * The non-tensor arguments of a node: the user's name of an input, target or parameter (for messages and the
 * weights file, never for Java identifiers), and one number (a constant's value, a leaky ReLU's slope).
 */
public record Attrs(String name, double value) {
    public static final Attrs NONE = new Attrs("", 0);

    public static Attrs named(String name) {
        return new Attrs(name, 0);
    }

    public static Attrs value(double value) {
        return new Attrs("", value);
    }

    @Override
    public boolean equals(Object o) {
        // Compare values bit for bit so that 0.0 and -0.0 (or two NaNs) intern as the right nodes.
        return o instanceof Attrs a && a.name.equals(name)
                && Double.doubleToLongBits(a.value) == Double.doubleToLongBits(value);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Double.hashCode(value);
    }
}
