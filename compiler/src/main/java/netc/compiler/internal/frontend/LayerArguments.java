package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.source.Diagnostics;

/**
 * The arguments of the layer functions, bound to their parameter names as Python binds them: positional first, then
 * keywords, each parameter once.
 *
 * <pre>
 *   conv2d(x, kernel, bias, stride=1, pad=0)     bias optional; stride and pad whole numbers
 *   maxpool(x, size, stride=size)                 also avgpool; size and stride whole numbers
 *   flatten(x)                                    also global_avgpool
 *   concat(a, b)
 * </pre>
 */
final class LayerArguments {
    /**
     * The largest size, stride or pad: far beyond any useful window, small enough that window arithmetic over any
     * declared axis stays exact in a long (output sizes are then checked against what a value can hold).
     */
    static final int MAX_NUMBER = 1_000_000;

    /** One parameter of a layer function: a value (an expression) or a whole number with a default. */
    private record Param(String name, boolean number, boolean required) {
    }

    /** The bound arguments of a call; numbers absent from the call are null (their default applies). */
    record Bound(Map<String, Expr> values, Map<String, Integer> numbers) {
        Expr value(String name) {
            return values.get(name);
        }

        int number(String name, int fallback) {
            Integer n = numbers.get(name);
            return n == null ? fallback : n;
        }
    }

    private LayerArguments() {
    }

    private static List<Param> signature(Function f) {
        switch (f) {
            case CONV2D:
                return List.of(new Param("x", false, true), new Param("kernel", false, true),
                        new Param("bias", false, false), new Param("stride", true, false),
                        new Param("pad", true, false));
            case MAXPOOL: case AVGPOOL:
                return List.of(new Param("x", false, true), new Param("size", true, true),
                        new Param("stride", true, false));
            case FLATTEN: case GLOBAL_AVGPOOL:
                return List.of(new Param("x", false, true));
            case CONCAT:
                return List.of(new Param("a", false, true), new Param("b", false, true));
            default:
                throw new IllegalArgumentException("not a layer: " + f);
        }
    }

    /** How the call is written when right, for messages. */
    static String usage(Function f) {
        switch (f) {
            case CONV2D:
                return "conv2d(x, kernel, bias, stride=1, pad=0)";
            case FLATTEN: case GLOBAL_AVGPOOL:
                return f.spelling() + "(x)";
            case CONCAT:
                return "concat(a, b)";
            default:
                return f.spelling() + "(x, size, stride=size)";
        }
    }

    /** Binds the arguments, or reports the first problem and returns null. */
    static Bound bind(Function f, Call c, Diagnostics diagnostics) {
        List<Param> params = signature(f);
        Map<String, Argument> given = new LinkedHashMap<>();
        int positional = 0;
        boolean keyed = false;
        String fn = f.spelling();
        for (Argument a : c.args()) {
            Param p;
            if (a.key() == null) {
                if (keyed) {
                    diagnostics.error(a.span(), "a positional argument cannot follow a keyword argument");
                    return null;
                }
                if (positional >= params.size()) {
                    diagnostics.error(c.span(), fn + " takes at most " + params.size() + " argument"
                            + (params.size() == 1 ? "" : "s") + ", got " + c.args().size() + ": write "
                            + usage(f));
                    return null;
                }
                p = params.get(positional++);
            } else {
                keyed = true;
                p = find(params, a.key().text());
                if (p == null) {
                    diagnostics.error(a.key().span(), fn + " has no argument named '" + a.key().text()
                            + "': write " + usage(f));
                    return null;
                }
                if (given.containsKey(p.name())) {
                    diagnostics.error(a.key().span(), fn + " is given its " + p.name() + " twice");
                    return null;
                }
            }
            given.put(p.name(), a);
        }
        Map<String, Expr> values = new LinkedHashMap<>();
        Map<String, Integer> numbers = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        for (Param p : params) {
            Argument a = given.get(p.name());
            if (a == null) {
                if (p.required()) {
                    missing.add(p.name());
                }
                continue;
            }
            if (p.number()) {
                Double v = Function.literal(a.value());
                if (v == null || v != Math.rint(v) || v < 1 && !p.name().equals("pad") || v < 0) {
                    diagnostics.error(a.value().span(), "the " + p.name() + " of " + fn + " must be a whole number"
                            + (p.name().equals("pad") ? " >= 0" : " >= 1") + ", as in " + usage(f));
                    return null;
                }
                if (v > MAX_NUMBER) {
                    diagnostics.error(a.value().span(), "the " + p.name() + " of " + fn + " must be at most "
                            + MAX_NUMBER + ", got " + (v < 1e15 ? String.valueOf(v.longValue()) : String.valueOf(v)));
                    return null;
                }
                numbers.put(p.name(), (int) Math.round(v));
            } else {
                values.put(p.name(), a.value());
            }
        }
        if (!missing.isEmpty()) {
            diagnostics.error(c.span(), fn + " needs its " + Function.listed(missing) + ": write " + usage(f));
            return null;
        }
        return new Bound(values, numbers);
    }

    private static Param find(List<Param> params, String name) {
        for (Param p : params) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        return null;
    }
}
