import java.lang.reflect.Field;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * What a 512-bit load that crosses a cache line costs, and which register tile the CPU prefers: GFLOP/s of an
 * NT-style dot-product tile (4 rows of A x 4 rows of B, 8 vector loads per 16 fmas) and of NN-style broadcast tiles
 * (4 x 4, 6 x 4, 8 x 2 vectors), all in L1, with their vectors starting 0-15 floats past the array's first element.
 * The offset that puts the loads on 64-byte boundaries is predicted from the array's address (sun.misc.Unsafe,
 * compressed oops shifted by 3: a heap below 32 GB and above 4 GB, e.g. this machine's default) and marked.
 *
 * <p>Not part of the build (it needs the Vector API at compile time); run it as a single-file program:
 * <pre>
 * java --add-modules jdk.incubator.vector benchmarks/probes/VectorAlignment.java
 * </pre>
 * Intel Xeon family 6 model 167 (2026-12-04, FMA peak 215 GFLOP/s): the dot-product tile ran at 102-105 GFLOP/s
 * on every offset but the aligned one, 133; NN 4 x 4 131-137 against 153 aligned; NN 6 x 4 153-160 on every offset,
 * alignment or not. Java arrays are aligned to 8 bytes only, so a kernel's vectors straddle cache lines unless an
 * offset is chosen per array; tiles with more fmas per load hide it (benchmarks/results/2026-12-04-intel-probes.md).
 */
public class VectorAlignment {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_512;
    static final sun.misc.Unsafe U = unsafe();

    static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The floats to skip from a[0] to the next 64-byte boundary, if compressed oops are shifted by 3. */
    static int alignedOffset(float[] a) {
        Object[] box = {a};
        long base = U.arrayBaseOffset(Object[].class);
        long address = U.arrayIndexScale(Object[].class) == 4 ? (U.getInt(box, base) & 0xffffffffL) << 3
                : U.getLong(box, base);
        long first = address + U.arrayBaseOffset(float[].class);
        return (int) (((64 - (first & 63)) & 63) / 4);
    }

    static float dot(float[] a, float[] b, int off, int k) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int i = 0; i < k; i += 16) {
            FloatVector a0 = FloatVector.fromArray(S, a, off + i), a1 = FloatVector.fromArray(S, a, off + k + i);
            FloatVector a2 = FloatVector.fromArray(S, a, off + 2 * k + i), a3 = FloatVector.fromArray(S, a, off + 3 * k + i);
            FloatVector b0 = FloatVector.fromArray(S, b, off + i), b1 = FloatVector.fromArray(S, b, off + k + i);
            FloatVector b2 = FloatVector.fromArray(S, b, off + 2 * k + i), b3 = FloatVector.fromArray(S, b, off + 3 * k + i);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
        }
        return c00.add(c01).add(c02).add(c03).add(c10).add(c11).add(c12).add(c13).add(c20).add(c21).add(c22)
                .add(c23).add(c30).add(c31).add(c32).add(c33).reduceLanes(VectorOperators.ADD);
    }

    static float nn44(float[] a, float[] b, int off, int k, int w) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        for (int i = 0; i < k; i++) {
            int o = off + i * w;
            FloatVector b0 = FloatVector.fromArray(S, b, o), b1 = FloatVector.fromArray(S, b, o + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, o + 32), b3 = FloatVector.fromArray(S, b, o + 48);
            FloatVector a0 = FloatVector.broadcast(S, a[i]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[k + i]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[2 * k + i]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[3 * k + i]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
        }
        return c00.add(c01).add(c02).add(c03).add(c10).add(c11).add(c12).add(c13).add(c20).add(c21).add(c22)
                .add(c23).add(c30).add(c31).add(c32).add(c33).reduceLanes(VectorOperators.ADD);
    }

    static float nn64(float[] a, float[] b, int off, int k, int w) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c03 = z, c10 = z, c11 = z, c12 = z, c13 = z;
        FloatVector c20 = z, c21 = z, c22 = z, c23 = z, c30 = z, c31 = z, c32 = z, c33 = z;
        FloatVector c40 = z, c41 = z, c42 = z, c43 = z, c50 = z, c51 = z, c52 = z, c53 = z;
        for (int i = 0; i < k; i++) {
            int o = off + i * w;
            FloatVector b0 = FloatVector.fromArray(S, b, o), b1 = FloatVector.fromArray(S, b, o + 16);
            FloatVector b2 = FloatVector.fromArray(S, b, o + 32), b3 = FloatVector.fromArray(S, b, o + 48);
            FloatVector a0 = FloatVector.broadcast(S, a[i]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(S, a[k + i]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(S, a[2 * k + i]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(S, a[3 * k + i]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(S, a[4 * k + i]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(S, a[5 * k + i]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        return c00.add(c01).add(c02).add(c03).add(c10).add(c11).add(c12).add(c13).add(c20).add(c21).add(c22)
                .add(c23).add(c30).add(c31).add(c32).add(c33).add(c40).add(c41).add(c42).add(c43).add(c50).add(c51)
                .add(c52).add(c53).reduceLanes(VectorOperators.ADD);
    }

    static float nn82(float[] a, float[] b, int off, int k, int w) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        for (int i = 0; i < k; i++) {
            int o = off + i * w;
            FloatVector b0 = FloatVector.fromArray(S, b, o), b1 = FloatVector.fromArray(S, b, o + 16);
            FloatVector a0 = FloatVector.broadcast(S, a[i]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(S, a[k + i]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(S, a[2 * k + i]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(S, a[3 * k + i]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31);
            FloatVector a4 = FloatVector.broadcast(S, a[4 * k + i]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41);
            FloatVector a5 = FloatVector.broadcast(S, a[5 * k + i]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51);
            FloatVector a6 = FloatVector.broadcast(S, a[6 * k + i]);
            c60 = a6.fma(b0, c60); c61 = a6.fma(b1, c61);
            FloatVector a7 = FloatVector.broadcast(S, a[7 * k + i]);
            c70 = a7.fma(b0, c70); c71 = a7.fma(b1, c71);
        }
        return c00.add(c01).add(c10).add(c11).add(c20).add(c21).add(c30).add(c31).add(c40).add(c41).add(c50)
                .add(c51).add(c60).add(c61).add(c70).add(c71).reduceLanes(VectorOperators.ADD);
    }

    interface Tile {
        float run(float[] a, float[] b, int off);
    }

    public static void main(String[] args) {
        int k = 128;
        int w = 64;
        float[] a = new float[8 * 512];
        float[] b = new float[k * w + 4 * 512 + 16];
        java.util.Arrays.fill(a, 1e-3f);
        java.util.Arrays.fill(b, 1e-3f);
        String[] names = {"NT dot 4 x 4", "NN 4 x 4", "NN 6 x 4", "NN 8 x 2"};
        long[] flops = {16L * 512 * 2, 16L * 16 * k * 2, 24L * 16 * k * 2, 16L * 16 * k * 2};
        Tile[] tiles = {(x, y, o) -> dot(x, y, o, 512), (x, y, o) -> nn44(x, y, o, k, w),
                (x, y, o) -> nn64(x, y, o, k, w), (x, y, o) -> nn82(x, y, o, k, w)};
        float sink = 0;
        System.out.printf("vectors of %d bits; B's aligned offset now: %d floats (it moves when a collection moves B)%n",
                S.vectorBitSize(), alignedOffset(b));
        for (int t = 0; t < tiles.length; t++) {
            StringBuilder line = new StringBuilder(String.format("%-13s", names[t]));
            for (int rep = 0; rep < 2; rep++) {
                for (int off = 0; off < 16; off++) {
                    for (int i = 0; i < 20_000; i++) {
                        sink += tiles[t].run(a, b, off);
                    }
                    int n = 100_000;
                    long start = System.nanoTime();
                    for (int i = 0; i < n; i++) {
                        sink += tiles[t].run(a, b, off);
                    }
                    double gflops = (double) n * flops[t] / (System.nanoTime() - start);
                    // read after the timing: a collection may have moved b since the last offset
                    if (rep == 1) {
                        line.append(String.format(" %s%.0f", off == alignedOffset(b) ? "*" : "", gflops));
                    }
                }
            }
            System.out.println(line + "   (GFLOP/s at offsets 0-15, * = aligned)");
        }
        System.out.println("(checksum " + sink + ")");
    }
}
