package netc.runtime.train;

import netc.runtime.InputException;

/** Validation of hyper-parameters; every failure names the setting and the value given. */
final class Hyper {

    private Hyper() {
    }

    /**
     * Requires {@code value > 0} and finite as a float: the optimizers compute in float, so 1e39 would be an
     * infinite step just as Infinity is.
     */
    static float positive(String context, String setting, double value) {
        if (!(value > 0)) {
            throw new InputException(context, setting + " must be > 0, got " + value);
        }
        if (Float.isInfinite((float) value)) {
            throw new InputException(context, setting + " must be at most " + Float.MAX_VALUE
                    + " (the largest float), got " + value);
        }
        if ((float) value == 0f) {
            // trains silently at 0 otherwise: the run would end with the weights it started from
            throw new InputException(context, setting + " must be at least " + Float.MIN_VALUE
                    + " (the smallest float), got " + value);
        }
        return (float) value;
    }

    /** A learning-rate factor from a schedule: finite and {@code >= 0} (a bug in the caller otherwise). */
    static float rateFactor(double value) {
        if (!(value >= 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("rate factor must be finite and >= 0, got " + value);
        }
        return (float) value;
    }

    /** Requires {@code 0 <= value < 1}. */
    static float fraction(String context, String setting, double value) {
        if (!(value >= 0 && value < 1)) {
            throw new InputException(context, setting + " must be >= 0 and < 1, got " + value);
        }
        return (float) value;
    }

    /** Requires {@code value >= 1}. */
    static int atLeastOne(String context, String setting, int value) {
        if (value < 1) {
            throw new InputException(context, setting + " must be >= 1, got " + value);
        }
        return value;
    }

    static void sameLength(float[] params, float[] grad) {
        if (params.length != grad.length) {
            throw new IllegalArgumentException("params has " + params.length + " floats but grad " + grad.length);
        }
    }

    /** Optimizer state is sized to the first vector it sees; a different one later is a programming error. */
    static void sameVector(float[] state, float[] params, String optimizer) {
        if (state.length != params.length) {
            throw new IllegalStateException(optimizer + " state was created for " + state.length
                    + " parameters, now stepping " + params.length + "; use one optimizer per parameter vector");
        }
    }
}
