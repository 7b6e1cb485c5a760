package netc.compiler.internal.interp;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;

/**
 * Finds the first operation that produced a NaN or an infinity: evaluates a graph node by node in float (the
 * {@link Interpreter} rounding every value to float, as the generated code stores it) and returns the first node,
 * in evaluation order, with a non-finite element. Its inputs are all finite (they come earlier), so it is the
 * operation to blame: {@code log} of a negative number, a division by zero, an {@code exp} or a product that
 * overflows the float range, or a parameter that already held NaN.
 *
 * <p>Training uses it when a batch's loss or gradient is not finite, to say which expression of the {@code .net}
 * file went wrong instead of guessing that the learning rate was too high.
 */
public final class NonFiniteSearch {
    private NonFiniteSearch() {
    }

    /**
     * The first non-finite value.
     *
     * @param node   the operation (or leaf) that produced it; its inputs were all finite
     * @param value  the first non-finite element, NaN or an infinity
     * @param cause  why, from its inputs, e.g. {@code its input had negative values (-0.5)}; may be empty
     */
    public record Finding(Node node, double value, String cause) {
        /** {@code NaN}, {@code infinity} or {@code -infinity}. */
        public String valueText() {
            return Double.isNaN(value) ? "NaN" : value > 0 ? "infinity" : "-infinity";
        }
    }

    /**
     * Evaluates {@code graph} over {@code batch} samples with {@code leaves} bound by name (inputs, targets or labels,
     * parameters) and returns the first non-finite value, or null if every value is finite.
     */
    public static Finding find(Graph graph, Map<String, double[]> leaves, int batch) {
        Interpreter in = new Interpreter(graph, batch).roundingToFloat();
        leaves.forEach(in::bind);
        double[][] v = in.run();
        for (Node n : graph.nodes()) {
            double[] values = v[n.id()];
            for (double x : values) {
                if (!Double.isFinite(x)) {
                    return new Finding(n, x, cause(n, v));
                }
            }
        }
        return null;
    }

    /** Why {@code n} produced a non-finite value although its inputs were finite, judged from those inputs. */
    static String cause(Node n, double[][] v) {
        double[] a = n.inputs().isEmpty() ? null : v[n.input(0).id()];
        double[] b = n.inputs().size() > 1 ? v[n.input(1).id()] : null;
        switch (n.op()) {
            case PARAM:
            case INPUT:
            case TARGET:
            case LABELS:
                return "";
            case LOG: {
                double neg = firstBelow(a, 0);
                if (!Double.isNaN(neg)) {
                    return "its input had negative values, e.g. " + text(neg);
                }
                return "its input had zeros";
            }
            case DIV:
                if (!Double.isNaN(firstEqual(b, 0))) {
                    return "it divided by zero";
                }
                return overflow(n, v);
            case EXP:
                return "its input reached " + text(max(a)) + "; exp overflows the float range above 88.7";
            case CROSS_ENTROPY:
            case CROSS_ENTROPY_GRAD:
                return "the predicted probability of a sample's class was 0 (cross_entropy takes its log)";
            case BINARY_CROSS_ENTROPY:
            case BINARY_CROSS_ENTROPY_GRAD:
                return "a predicted probability was exactly 0 or 1 (binary_cross_entropy takes the log of p and"
                        + " of 1 - p)";
            default:
                return overflow(n, v);
        }
    }

    /** The result left the float range although every input was finite. */
    private static String overflow(Node n, double[][] v) {
        double largest = 0;
        for (Node in : n.inputs()) {
            largest = Math.max(largest, maxAbs(v[in.id()]));
        }
        return "its inputs were finite, up to " + text(largest) + " in magnitude, but the result is beyond the float"
                + " range";
    }

    private static double firstBelow(double[] xs, double limit) {
        for (double x : xs) {
            if (x < limit) {
                return x;
            }
        }
        return Double.NaN;
    }

    private static double firstEqual(double[] xs, double value) {
        if (xs == null) {
            return Double.NaN;
        }
        for (double x : xs) {
            if (x == value) {
                return x;
            }
        }
        return Double.NaN;
    }

    private static double max(double[] xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            m = Math.max(m, x);
        }
        return m;
    }

    static double maxAbs(double[] xs) {
        double m = 0;
        for (double x : xs) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }

    /** Four significant digits without trailing zeros, as training prints losses: {@code -0.5}, {@code 1.235E+30}. */
    public static String text(double x) {
        if (!Double.isFinite(x)) {
            return Double.toString(x);
        }
        BigDecimal d = new BigDecimal(x).round(new MathContext(4)).stripTrailingZeros();
        double abs = Math.abs(x);
        return abs == 0 || (abs >= 1e-4 && abs < 1e7) ? d.toPlainString() : d.toString();
    }
}
