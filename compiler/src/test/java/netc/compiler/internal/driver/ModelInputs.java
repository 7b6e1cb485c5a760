package netc.compiler.internal.driver;

import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.interp.Interpreter;

/** Binds a generated network's float inputs to the reference interpreter, which works in double. */
final class ModelInputs {
    private ModelInputs() {
    }

    /** Binds every parameter from the flat vector {@code w} (declaration order), the input x and the target y. */
    static Interpreter bind(Interpreter in, CheckedModel model, float[] w, float[] x, float[] y) {
        int offset = 0;
        for (CheckedModel.Param p : model.params()) {
            in.bind(p.name(), toDouble(w, offset, p.size()));
            offset += p.size();
        }
        in.bind("x", toDouble(x, 0, x.length));
        return in.bind("y", toDouble(y, 0, y.length));
    }

    private static double[] toDouble(float[] v, int from, int n) {
        double[] d = new double[n];
        for (int i = 0; i < n; i++) {
            d[i] = v[from + i];
        }
        return d;
    }
}
