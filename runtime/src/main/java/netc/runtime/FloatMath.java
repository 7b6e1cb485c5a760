package netc.runtime;

/**
 * exp, log, tanh and sigmoid of a float, with the same bits on every JVM: the float32 training and inference paths
 * call these instead of {@code Math}.
 *
 * <p>Why: {@code Math.exp}, {@code log} and {@code tanh} may be replaced by JIT intrinsics whose last bit differs
 * between JDK versions and CPUs ({@code Math.tanh} became an x86 intrinsic in JDK 24; before, it was fdlibm), so the
 * same seed trained different weights on JDK 17 and JDK 25. These functions use only {@code +}, {@code -},
 * {@code *}, {@code /}, {@code Math.abs}, {@code Math.copySign}, bit manipulation and the conversions between float
 * and double, each of which the Java Language Specification defines to the bit (Java 17 evaluates every expression
 * strictly), so their results depend on nothing but the input. The one table is filled by {@code StrictMath.pow},
 * which is specified to give the fdlibm result on every JVM.
 *
 * <p>Accuracy: each computes in double with a relative error far below 1e-12 and rounds once to float, so the float
 * result is within 0.5 ulp plus a hair of the exact value (FloatMathTest measures the maximum over a sweep of the
 * whole float range against {@code StrictMath}); NaN, infinities, both zeros, subnormals and overflow and underflow
 * follow {@code Math}'s special cases. exp and tanh give {@code (float) StrictMath.exp(x)} and {@code tanh(x)} bit for
 * bit, for every float (all 2^32 compared when the exp kernel was last changed; FloatMathTest checks a sweep and the
 * inputs nearest a rounding midpoint); sigmoid's formula rounds twice more in double and misses that by one ulp at a
 * few dozen inputs.
 */
public final class FloatMath {
    private FloatMath() {
    }

    /** exp(x) = 2^(k/64) * exp(r): k = rint(x * 64 / ln 2), |r| <= ln 2 / 128. */
    private static final int TABLE_BITS = 6;
    private static final int TABLE_SIZE = 1 << TABLE_BITS;
    /** 2^(j/64) for j in [0, 64), each the double nearest (StrictMath.pow is fdlibm, correct to within 1 ulp). */
    private static final double[] TWO_TO_J_64 = new double[TABLE_SIZE];
    private static final double INV_LN2_64 = TABLE_SIZE / 0.6931471805599453;
    /**
     * ln 2 / 64 split into a high part with 21 trailing zero bits (so {@code k * hi} is exact for |k| < 2^21) and the
     * rest (the fdlibm constants ln2HI and ln2LO, divided by 64 exactly).
     */
    private static final double LN2_64_HI = 6.93147180369123816490e-01 / TABLE_SIZE;
    private static final double LN2_64_LO = 1.90821492927058770002e-10 / TABLE_SIZE;

    static {
        for (int j = 0; j < TABLE_SIZE; j++) {
            TWO_TO_J_64[j] = StrictMath.pow(2.0, j / (double) TABLE_SIZE);
        }
    }

    /** 1.5 * 2^52: adding it to a double below 2^51 in magnitude rounds that to an integer, held in the low bits. */
    private static final double ROUNDING_SHIFT = 0x1.8p52;

    /** e^x in double; see {@link #expKernel(double, double)}. */
    private static double expKernel(double x) {
        return expKernel(x, x * INV_LN2_64);
    }

    /**
     * e^x in double for x in [-708, 708] with a relative error below 1e-15, given also {@code xScaled = x * 64 / ln 2}
     * (tanh passes {@code a * (128 / ln 2)} for x = 2a, the same bits one multiply sooner). Outside that range 2^m is
     * not a normal double and the result is wrong; the callers clamp their inputs to [-110, 89].
     *
     * <p>Why it is written this way: a network at batch 1 (XOR: four tanh, then a sigmoid) waits for the latency of
     * this chain, not its throughput. So k comes from the rounding shift (an add, then k from the low bits, instead
     * of {@code Math.rint} and a conversion); the polynomial is evaluated as Estrin's scheme, r^2 alongside the
     * linear parts, instead of four nested steps; the low part of ln 2 / 64 enters as a factor (1 - c) of the scale,
     * computed beside the polynomial, instead of a second step of the reduction; and the table entry meets its scale
     * off the polynomial's path. Probe (JDK 17, Intel family 6 model 167), a dependent chain of tanh then sigmoid:
     * 54.3-55.1 -> 43.6-43.9 ns per pair. No fused multiply-add: without FMA hardware {@code Math.fma} takes a
     * software path.
     */
    private static double expKernel(double x, double xScaled) {
        double shifted = xScaled + ROUNDING_SHIFT;
        double kd = shifted - ROUNDING_SHIFT;
        int k = (int) Double.doubleToRawLongBits(shifted); // the low bits of 2^52 + 2^51 + k: k itself
        // kd * HI is exact and close to x, so r is exact; e^(r - c) = e^r (1 - c) within c^2 / 2 < 5e-16 (|c| < 3.1e-8
        // for x >= -110)
        double r = x - kd * LN2_64_HI;
        double c = kd * LN2_64_LO;
        // Taylor to r^5 (the first term left out, r^6 / 720, is below 4e-17 relative for |r| <= ln 2 / 128): in
        // Estrin's form the r^5 term costs no latency, as 1/24 + r/120 is ready with r^2. To r^4 (4e-14), as before
        // this form, 18 exp and 12 tanh results of the 2^32 were one ulp off (float) StrictMath; to r^5, none.
        double r2 = r * r;
        double p = (1.0 + r) + r2 * ((0.5 + r * (1.0 / 6)) + r2 * (1.0 / 24 + r * (1.0 / 120)));
        int j = k & (TABLE_SIZE - 1);
        int m = k >> TABLE_BITS; // floor(k / 64)
        double scale = Double.longBitsToDouble((long) (m + 1023) << 52);
        return p * (TWO_TO_J_64[j] * scale * (1.0 - c));
    }

    /**
     * {@code (double) x}, exactly, built from the float's bits for normal floats. Why: HotSpot converts with {@code
     * cvtss2sd}, which keeps the upper part of its destination register and so waits for the instruction that last
     * wrote it; with the {@code cvtsd2ss} of the result at the end, the calls of a loop (or the four tanh of the XOR
     * net) ran one after the other. Through an integer register the conversion depends on {@code x} alone: tanh over
     * an array 19.7 -> 6.0 ns per element (probe, JDK 17, Intel family 6 model 167; an exp from a double and back to a
     * float alone: 2.7-2.8 ns, from a float to a float 14-16).
     */
    static double widen(float x) {
        int bits = Float.floatToRawIntBits(x);
        int exponent = (bits >>> 23) & 0xff;
        if (exponent == 0 || exponent == 0xff) {
            return x; // zeros, subnormals, infinities and NaN: rare, and the plain conversion handles them
        }
        // sign to bit 63; exponent and fraction to bits 52-62 and 29-51, the exponent rebiased from 127 to 1023
        long magnitude = ((long) (bits & 0x7fff_ffff) << 29) + ((long) (1023 - 127) << 52);
        return Double.longBitsToDouble(((long) (bits & 0x8000_0000) << 32) | magnitude);
    }

    /** e^x; below about -103.97 the float result is 0, above about 88.72 it is infinite. */
    public static float exp(float x) {
        if (x != x) {
            return x;
        }
        if (x > 89f) {
            return Float.POSITIVE_INFINITY;
        }
        if (x < -110f) {
            return 0f;
        }
        return (float) expKernel(widen(x));
    }

    /**
     * The natural logarithm: NaN below 0, -infinity at either zero. Computes x = 2^e m with m in [sqrt(1/2),
     * sqrt(2)), then log m = 2 atanh(s) with s = (m - 1) / (m + 1), |s| &le; 0.1716, by its odd series to s^15 (the
     * first term left out is below 2e-12 relative), plus e ln 2.
     */
    public static float log(float x) {
        if (!(x > 0f)) {
            return x == 0f ? Float.NEGATIVE_INFINITY : Float.NaN;
        }
        if (x == Float.POSITIVE_INFINITY) {
            return x;
        }
        long bits = Double.doubleToRawLongBits(widen(x)); // a float's double is always normal
        int e = (int) (bits >>> 52) - 1023;
        double m = Double.longBitsToDouble((bits & 0x000f_ffff_ffff_ffffL) | 0x3ff0_0000_0000_0000L);
        if (m > 1.4142135623730951) {
            m *= 0.5;
            e++;
        }
        double s = (m - 1.0) / (m + 1.0);
        double s2 = s * s;
        double series = 1.0 + s2 * (1.0 / 3 + s2 * (1.0 / 5 + s2 * (1.0 / 7 + s2 * (1.0 / 9 + s2 * (1.0 / 11
                + s2 * (1.0 / 13 + s2 * (1.0 / 15)))))));
        return (float) (e * 0.6931471805599453 + 2.0 * s * series);
    }

    /**
     * The hyperbolic tangent, odd and exactly so ({@code tanh(-x) == -tanh(x)}). Near zero (|x| &lt; 1/16) an odd
     * Taylor polynomial to x^9 (the first term left out is below 1e-14 relative), elsewhere (e^2|x| - 1) /
     * (e^2|x| + 1); from |x| = 20 on the float result is 1.
     */
    public static float tanh(float x) {
        if (x != x) {
            return x;
        }
        double a = widen(Math.abs(x)); // the float's sign bit cleared, then widened: one step shorter
        double t;
        if (a < 0.0625) {
            double a2 = a * a;
            t = a * (1.0 + a2 * (-1.0 / 3 + a2 * (2.0 / 15 + a2 * (-17.0 / 315 + a2 * (62.0 / 2835)))));
        } else if (a < 20) {
            double e = expKernel(2 * a, a * (2 * INV_LN2_64));
            t = (e - 1.0) / (e + 1.0); // e - 1 and e + 1 side by side: one step shorter than 1 - 2 / (e + 1)
        } else {
            t = 1.0;
        }
        return Math.copySign((float) t, x);
    }

    /**
     * The logistic function 1 / (1 + e^-x), written so that the exponential never overflows: e^x / (1 + e^x) for
     * x &lt; 0.
     */
    public static float sigmoid(float x) {
        if (x != x) {
            return x;
        }
        if (x >= 0f) {
            if (x > 40f) {
                return 1f;
            }
            double w = widen(x);
            return (float) (1.0 / (1.0 + expKernel(-w, w * -INV_LN2_64))); // the negation off the path
        }
        if (x < -110f) {
            return 0f;
        }
        double e = expKernel(widen(x));
        return (float) (e / (1.0 + e));
    }
}
