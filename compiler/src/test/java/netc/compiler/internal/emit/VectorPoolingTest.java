package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.SpatialOps;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The vector max pooling of {@link VectorPooling} gives bitwise what {@code SpatialOps} gives, on random shapes
 * (channel counts around the lane count, windows of side 1 to 4, strides below, at and above the side, images the
 * windows do not tile) and on hostile values: NaN, both zeros, infinities and many ties, where the choice of the
 * element that gets the gradient matters. Outputs outside the range of samples asked for must stay untouched.
 */
class VectorPoolingTest {
    private static Class<?> probe;
    private static int lanes;

    @BeforeAll
    static void compile() throws Exception {
        if (!JaninoLoader.vectorApiAvailable()) {
            return;
        }
        String name = KernelClasses.uniqueSimpleName("PoolProbe");
        TypeSpec.Builder type = TypeSpec.classBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        GemmEmitter.addVectorFields(type);
        Set<Integer> sizes = new TreeSet<>(List.of(1, 2, 3, 4));
        for (MethodSpec m : VectorPooling.vectorMethods(sizes)) {
            type.addMethod(m);
        }
        String source = JavaFile.builder(KernelClasses.PACKAGE, type.build()).indent("    ").build().toString();
        probe = JaninoLoader.compile(KernelClasses.PACKAGE + "." + name, source).type();
        java.lang.reflect.Field field = probe.getDeclaredField(GemmEmitter.LANES);
        field.setAccessible(true);
        lanes = field.getInt(null);
    }

    private static final float[] HOSTILE = {Float.NaN, 0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 2f};

    @Test
    void randomShapesAndValuesMatchSpatialOpsBitwise() throws Exception {
        assumeTrue(probe != null, "the Vector API module is not in this JVM");
        SplittableRandom rng = new SplittableRandom(20261203);
        int[] channels = {1, lanes / 2, lanes - 1, lanes, lanes + 1, 2 * lanes, 2 * lanes + 3};
        int cases = 0;
        int tiled = 0;
        for (int t = 0; t < 400; t++) {
            int size = 1 + rng.nextInt(VectorPooling.MAX_SIZE);
            int stride = 1 + rng.nextInt(size + 1);
            int c = channels[rng.nextInt(channels.length)];
            int h = size + rng.nextInt(7);
            int w = size + rng.nextInt(7);
            if (t % 3 == 0) { // images the windows tile exactly: the path that writes each element once
                h = size * (1 + rng.nextInt(4));
                w = size * (1 + rng.nextInt(4));
                stride = size;
            }
            int ho = (h - size) / stride + 1;
            int wo = (w - size) / stride + 1;
            boolean tiles = stride == size && ho * size == h && wo * size == w;
            tiled += tiles ? 1 : 0;
            int batch = 1 + rng.nextInt(4);
            int lo = rng.nextInt(batch);
            int hi = lo + 1 + rng.nextInt(batch - lo);
            int mode = rng.nextInt(3); // 0 gaussian, 1 hostile values with ties, 2 all one value
            int xOff = rng.nextInt(5);
            int gOff = rng.nextInt(5);
            int outOff = rng.nextInt(5);
            float[] x = values(rng, xOff + batch * h * w * c, mode);
            float[] g = values(rng, gOff + batch * ho * wo * c, mode == 2 ? 1 : mode);
            String what = "size " + size + " stride " + stride + " c " + c + " h " + h + " w " + w + " batch "
                    + batch + " [" + lo + ", " + hi + ") mode " + mode;

            float[] garbage = values(rng, outOff + batch * ho * wo * c, 0);
            float[] expected = garbage.clone();
            float[] actual = garbage.clone();
            SpatialOps.maxPool(x, xOff, c, h, w, size, stride, ho, wo, expected, outOff, lo, hi);
            forward(size).invoke(null, x, xOff, c, h, w, size, stride, ho, wo, actual, outOff, lo, hi);
            FloatBits.assertBitwise(expected, actual, "maxPool, " + what);

            float[] dxGarbage = values(rng, outOff + batch * h * w * c, 0);
            float[] dxExpected = dxGarbage.clone();
            float[] dxActual = dxGarbage.clone();
            SpatialOps.maxPoolGrad(x, xOff, g, gOff, c, h, w, size, stride, ho, wo, dxExpected, outOff, lo, hi);
            grad(size).invoke(null, x, xOff, g, gOff, c, h, w, size, stride, ho, wo, dxActual, outOff, lo, hi);
            FloatBits.assertBitwise(dxExpected, dxActual, "maxPoolGrad, " + what);
            cases++;
        }
        assertEquals(400, cases);
        assertTrue(tiled > 50, "the tiling path ran: " + tiled);
    }

    /** A method of a window side the call does not match falls back to SpatialOps rather than pooling wrongly. */
    @Test
    void aMismatchedWindowSideFallsBackToSpatialOps() throws Exception {
        assumeTrue(probe != null, "the Vector API module is not in this JVM");
        SplittableRandom rng = new SplittableRandom(7);
        int c = 2 * lanes;
        float[] x = values(rng, 9 * 9 * c, 1);
        float[] expected = new float[3 * 3 * c];
        float[] actual = new float[3 * 3 * c];
        SpatialOps.maxPool(x, 0, c, 9, 9, 3, 3, 3, 3, expected, 0, 0, 1);
        forward(2).invoke(null, x, 0, c, 9, 9, 3, 3, 3, 3, actual, 0, 0, 1);
        FloatBits.assertBitwise(expected, actual, "maxPool2 called with size 3");
    }

    private static Method forward(int size) throws NoSuchMethodException {
        Method m = probe.getDeclaredMethod(VectorPooling.methodName(false, size), float[].class, int.class, int.class,
                int.class, int.class, int.class, int.class, int.class, int.class, float[].class, int.class, int.class,
                int.class);
        m.setAccessible(true);
        return m;
    }

    private static Method grad(int size) throws NoSuchMethodException {
        Method m = probe.getDeclaredMethod(VectorPooling.methodName(true, size), float[].class, int.class,
                float[].class, int.class, int.class, int.class, int.class, int.class, int.class, int.class, int.class,
                float[].class, int.class, int.class, int.class);
        m.setAccessible(true);
        return m;
    }

    private static float[] values(SplittableRandom rng, int n, int mode) {
        float[] v = new float[n];
        float one = HOSTILE[rng.nextInt(HOSTILE.length)];
        for (int i = 0; i < n; i++) {
            v[i] = switch (mode) {
                case 0 -> (float) rng.nextGaussian();
                case 1 -> HOSTILE[rng.nextInt(HOSTILE.length)];
                default -> one;
            };
        }
        return v;
    }
}
