package netc.runtime.train;

import java.util.Arrays;
import java.util.SplittableRandom;

import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;

/**
 * Fills a parameter vector according to each parameter's {@link Init}, deterministically from one seed.
 *
 * <p>Fans: for a matrix {@code [out, in]} the fan-in is {@code in} and the fan-out {@code out}; for a vector both
 * are its length; for a scalar both are 1. For rank 3 and above (e.g. a convolution kernel {@code [out, in, kh,
 * kw]}) PyTorch's convention is used: fan-in {@code = in * kh * kw}, fan-out {@code = out * kh * kw}.
 *
 * <p>Each parameter draws from its own stream, split in declaration order from a {@link SplittableRandom} seeded
 * with the seed, so a parameter's values depend only on the seed and its position, not on the sizes of the
 * parameters before it. Gaussians come from the Marsaglia polar method in double precision and are cast to float
 * at the end; the same seed gives bitwise the same weights on every JVM.
 */
public final class Initializer {

    private Initializer() {
    }

    /** A new parameter vector for {@code spec}, initialised from {@code seed}. */
    public static float[] initialize(ModelSpec spec, long seed) {
        float[] params = new float[spec.paramCount()];
        fill(spec, params, seed);
        return params;
    }

    /** Overwrites {@code params} (at least {@link ModelSpec#paramCount()} floats) with fresh initial values. */
    public static void fill(ModelSpec spec, float[] params, long seed) {
        if (params.length < spec.paramCount()) {
            throw new IllegalArgumentException("params has " + params.length + " floats, the model needs "
                    + spec.paramCount());
        }
        SplittableRandom root = new SplittableRandom(seed);
        for (ParamSpec p : spec.params()) {
            SplittableRandom random = root.split();
            double std = std(p);
            int end = p.offset() + p.size();
            if (std == 0) {
                Arrays.fill(params, p.offset(), end, p.init().kind() == Init.Kind.ONES ? 1f : 0f);
                continue;
            }
            Gaussian gaussian = new Gaussian(random);
            for (int i = p.offset(); i < end; i++) {
                params[i] = (float) (std * gaussian.next());
            }
        }
    }

    /** The standard deviation {@code p}'s init asks for; 0 for zeros and ones. */
    public static double std(ParamSpec p) {
        Init init = p.init();
        switch (init.kind()) {
            case ZEROS:
            case ONES:
                return 0;
            case NORMAL:
                return init.std();
            case HE:
                return Math.sqrt(2.0 / fanIn(p.shape()));
            case XAVIER:
                return Math.sqrt(2.0 / (fanIn(p.shape()) + fanOut(p.shape())));
            default:
                throw new IllegalStateException("unknown init " + init);
        }
    }

    /** Number of inputs feeding each output unit: see the class comment. */
    public static long fanIn(int[] shape) {
        if (shape.length == 0) {
            return 1;
        }
        if (shape.length == 1) {
            return shape[0];
        }
        long n = 1;
        for (int d = 1; d < shape.length; d++) {
            n *= shape[d];
        }
        return n;
    }

    /** Number of output units each input feeds: see the class comment. */
    public static long fanOut(int[] shape) {
        if (shape.length == 0) {
            return 1;
        }
        long n = shape[0];
        for (int d = 2; d < shape.length; d++) {
            n *= shape[d];
        }
        return n;
    }

    /** Standard normal deviates by the Marsaglia polar method; each accepted pair yields two values. */
    private static final class Gaussian {
        private final SplittableRandom random;
        private double spare;
        private boolean hasSpare;

        Gaussian(SplittableRandom random) {
            this.random = random;
        }

        double next() {
            if (hasSpare) {
                hasSpare = false;
                return spare;
            }
            double u;
            double v;
            double s;
            do {
                u = 2 * random.nextDouble() - 1;
                v = 2 * random.nextDouble() - 1;
                s = u * u + v * v;
            } while (s >= 1 || s == 0);
            // StrictMath.log: Math.log may be an intrinsic whose last bit differs across CPUs; weights must not.
            double scale = StrictMath.sqrt(-2 * StrictMath.log(s) / s);
            spare = v * scale;
            hasSpare = true;
            return u * scale;
        }
    }
}
