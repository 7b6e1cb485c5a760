import jdk.incubator.vector.*;
import netc.runtime.FloatMath;
import java.util.*;

/**
 * Where the XOR network's batch-1 time goes (issue #9 asks for at most 30 ns): its forward pass as netc generates it
 * (four tanh, then a sigmoid, through {@code FloatMath}); the same with the tanh left out (the floor: the dot products
 * and the sigmoid); and the four tanh as one 4-lane {@code DoubleVector} computation of the same operations, bitwise
 * equal to {@code FloatMath.tanh} (checked on 100,000 random inputs before timing). Alternated rounds of 5 million
 * calls, median of 15.
 *
 * <p>Not part of the build; compile and run against the runtime's classes:
 * <pre>
 * javac --add-modules jdk.incubator.vector -cp runtime/target/classes -d /tmp/xl benchmarks/probes/XorLatency.java
 * java --add-modules jdk.incubator.vector -cp runtime/target/classes:/tmp/xl XorLatency
 * </pre>
 * AMD EPYC Zen 5 (family 26 model 2), JDK 17.0.15, 2026-12-05 late: generated 38.0 ns (37.7-38.3), without the tanh
 * 6.8, vector tanh 76.0. So the four tanh cost about 31 ns although they are independent, and doing them as one
 * vector chain is twice as slow (the vector API's lane moves and the table gather through an int array): the call
 * waits on the latency of two exponentials, one after the other (tanh, then the sigmoid of their weighted sum), each
 * with a division, about 165 cycles (46 ns at 3.55 GHz) for one call alone; back-to-back calls overlap to 38 ns.
 */
public class XorLatency {
    static final float[] P = new float[17];
    static final int N = 64;
    static float[][] IN = new float[N][2];
    static float[] OUT = new float[1];

    static void scalar(float[] params, float[] input, float[] out) {
        float x0 = input[0], x1 = input[1];
        float t0 = FloatMath.tanh(params[0] * x0 + params[1] * x1 + params[8]);
        float t1 = FloatMath.tanh(params[2] * x0 + params[3] * x1 + params[9]);
        float t2 = FloatMath.tanh(params[4] * x0 + params[5] * x1 + params[10]);
        float t3 = FloatMath.tanh(params[6] * x0 + params[7] * x1 + params[11]);
        out[0] = FloatMath.sigmoid(params[12] * t0 + params[13] * t1 + params[14] * t2 + params[15] * t3 + params[16]);
    }
    static void floor(float[] params, float[] input, float[] out) {
        float x0 = input[0], x1 = input[1];
        float t0 = (params[0] * x0 + params[1] * x1 + params[8]);
        float t1 = (params[2] * x0 + params[3] * x1 + params[9]);
        float t2 = (params[4] * x0 + params[5] * x1 + params[10]);
        float t3 = (params[6] * x0 + params[7] * x1 + params[11]);
        out[0] = FloatMath.sigmoid(params[12] * t0 + params[13] * t1 + params[14] * t2 + params[15] * t3 + params[16]);
    }

    static final VectorSpecies<Double> D4 = DoubleVector.SPECIES_256;
    static final double[] TABLE = new double[64];
    static { for (int j = 0; j < 64; j++) TABLE[j] = StrictMath.pow(2.0, j / 64.0); }
    static final double INV_LN2_64 = 64 / 0.6931471805599453;
    static final double LN2_64_HI = 6.93147180369123816490e-01 / 64;
    static final double LN2_64_LO = 1.90821492927058770002e-10 / 64;
    static final double SHIFT = 0x1.8p52;
    static final long SHIFT_BITS = Double.doubleToRawLongBits(SHIFT);

    /** tanh of 4 doubles (widened floats), same operations as FloatMath.tanh. */
    static DoubleVector tanh4(DoubleVector z, int[] idx) {
        DoubleVector a = z.abs();
        DoubleVector a2 = a.mul(a);
        DoubleVector small = a.mul(a2.mul(a2.mul(a2.mul(a2.mul(62.0 / 2835).add(-17.0 / 315)).add(2.0 / 15)).add(-1.0 / 3)).add(1.0));
        DoubleVector x = a.mul(2);
        DoubleVector xs = a.mul(2 * INV_LN2_64);
        DoubleVector shifted = xs.add(SHIFT);
        DoubleVector kd = shifted.sub(SHIFT);
        LongVector k = shifted.reinterpretAsLongs().sub(SHIFT_BITS);
        DoubleVector r = x.sub(kd.mul(LN2_64_HI));
        DoubleVector c = kd.mul(LN2_64_LO);
        DoubleVector r2 = r.mul(r);
        DoubleVector p = r.add(1.0).add(r2.mul(r.mul(1.0 / 6).add(0.5).add(r2.mul(r.mul(1.0 / 120).add(1.0 / 24)))));
        LongVector j = k.and(63);
        LongVector m = k.lanewise(VectorOperators.ASHR, 6);
        DoubleVector scale = m.add(1023).lanewise(VectorOperators.LSHL, 52).reinterpretAsDoubles();
        ((IntVector) j.convertShape(VectorOperators.L2I, IntVector.SPECIES_128, 0)).intoArray(idx, 0);
        DoubleVector tab = DoubleVector.fromArray(D4, TABLE, 0, idx, 0);
        DoubleVector e = p.mul(tab.mul(scale).mul(c.neg().add(1.0)));
        DoubleVector big = e.sub(1.0).div(e.add(1.0));
        DoubleVector t = big.blend(small, a.compare(VectorOperators.LT, 0.0625));
        t = t.blend(1.0, a.compare(VectorOperators.GE, 20).or(a.compare(VectorOperators.NE, a)));
        return t;
    }
    static final int[] IDX = new int[4];

    static void vector(float[] params, float[] input, float[] out) {
        float x0 = input[0], x1 = input[1];
        // pre-activations as in scalar: params[2i]*x0 + params[2i+1]*x1 + b
        float z0 = params[0] * x0 + params[1] * x1 + params[8];
        float z1 = params[2] * x0 + params[3] * x1 + params[9];
        float z2 = params[4] * x0 + params[5] * x1 + params[10];
        float z3 = params[6] * x0 + params[7] * x1 + params[11];
        DoubleVector z = DoubleVector.fromArray(D4, new double[] {z0, z1, z2, z3}, 0);
        DoubleVector t = tanh4(z, IDX);
        // sign and float rounding: (float) t with sign of z
        double[] td = new double[4];
        t.intoArray(td, 0);
        float t0 = Math.copySign((float) td[0], z0);
        float t1 = Math.copySign((float) td[1], z1);
        float t2 = Math.copySign((float) td[2], z2);
        float t3 = Math.copySign((float) td[3], z3);
        out[0] = FloatMath.sigmoid(params[12] * t0 + params[13] * t1 + params[14] * t2 + params[15] * t3 + params[16]);
    }

    interface F { void run(float[] p, float[] in, float[] out); }

    static double time(F f, int reps) {
        long t0 = System.nanoTime();
        int next = 0;
        for (int i = 0; i < reps; i++) {
            f.run(P, IN[next], OUT);
            next = (next + 1) & (N - 1);
        }
        return (System.nanoTime() - t0) / (double) reps;
    }

    public static void main(String[] a) {
        Random r = new Random(1);
        for (int i = 0; i < 17; i++) P[i] = (float) r.nextGaussian();
        for (int i = 0; i < N; i++) { IN[i][0] = r.nextFloat(); IN[i][1] = r.nextFloat(); }
        // correctness
        float[] o1 = new float[1], o2 = new float[1];
        for (int i = 0; i < 100000; i++) {
            float[] in = {(float) r.nextGaussian() * 3, (float) r.nextGaussian() * 3};
            scalar(P, in, o1); vector(P, in, o2);
            if (Float.floatToRawIntBits(o1[0]) != Float.floatToRawIntBits(o2[0])) { System.out.println("MISMATCH " + Arrays.toString(in) + " " + o1[0] + " " + o2[0]); break; }
        }
        F[] fs = {XorLatency::scalar, XorLatency::floor, XorLatency::vector};
        String[] names = {"scalar", "floor", "vector"};
        double[][] res = new double[3][15];
        for (int round = 0; round < 20; round++) {
            for (int v = 0; v < 3; v++) {
                double t = time(fs[v], 5_000_000);
                if (round >= 5) res[v][round - 5] = t;
            }
        }
        for (int v = 0; v < 3; v++) { Arrays.sort(res[v]); System.out.printf("%s %.2f ns (%.2f-%.2f)%n", names[v], res[v][7], res[v][0], res[v][14]); }
    }
}
