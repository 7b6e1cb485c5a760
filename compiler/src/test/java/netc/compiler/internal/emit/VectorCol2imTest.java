package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.TypeSpec;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.load.JaninoLoader;
import netc.runtime.SpatialOps;
import org.junit.jupiter.api.Test;

/**
 * The vector col2im of {@link VectorCol2im} gives bitwise what {@code SpatialOps.col2imAdd} gives for one sample, on
 * random geometries (channel counts around the lane count and its multiples, so that every group of channel vectors
 * and the scalar tail run; windows from 1 to 5, strides below, at and above the window, padding up to and past the
 * window, where whole windows lie in the padding) and on hostile values (NaN, both zeros, infinities), with offsets
 * into both arrays; what lies outside the sample must stay untouched.
 */
class VectorCol2imTest {
    private static final float[] HOSTILE = {Float.NaN, 0f, -0f, 1f, -1f, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, 2.5f};

    @Test
    void randomGeometriesAndValuesMatchCol2imAddBitwise() throws Exception {
        assumeTrue(JaninoLoader.vectorApiAvailable(), "the Vector API module is not in this JVM");
        SplittableRandom rng = new SplittableRandom(20261205);
        List<VectorCol2im.Geometry> geometries = new ArrayList<>();
        for (int t = 0; t < 60; t++) {
            int k = 1 + rng.nextInt(5);
            int stride = 1 + rng.nextInt(k + 1);
            int pad = rng.nextInt(k + 2);
            int h = 1 + rng.nextInt(9);
            int w = 1 + rng.nextInt(9);
            int ho = (h + 2 * pad - k) / stride + 1;
            int wo = (w + 2 * pad - k) / stride + 1;
            if (ho < 1 || wo < 1) {
                continue;
            }
            int[] channels = {1, 3, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 64, 67};
            geometries.add(new VectorCol2im.Geometry(channels[rng.nextInt(channels.length)], h, w, k, stride, pad,
                    ho, wo));
        }
        geometries.add(new VectorCol2im.Geometry(32, 14, 14, 5, 1, 2, 14, 14)); // the convnet's second layer
        Class<?> probe = compile(geometries);
        int cases = 0;
        for (int i = 0; i < geometries.size(); i++) {
            VectorCol2im.Geometry g = geometries.get(i);
            Method m = probe.getDeclaredMethod(VectorCol2im.methodName(i), float[].class, int.class, float[].class,
                    int.class);
            m.setAccessible(true);
            for (int mode = 0; mode < 2; mode++) {
                int pOff = rng.nextInt(5);
                int dxOff = rng.nextInt(5);
                int patches = g.ho() * g.wo() * g.k() * g.k() * g.c();
                int image = g.h() * g.w() * g.c();
                float[] dPatches = values(rng, pOff + patches + 3, mode);
                float[] garbage = values(rng, dxOff + image + 3, 0);
                float[] expected = garbage.clone();
                float[] actual = garbage.clone();
                SpatialOps.col2imAdd(dPatches, pOff, g.c(), g.h(), g.w(), g.k(), g.stride(), g.pad(), g.ho(), g.wo(),
                        expected, dxOff, 0, 1);
                m.invoke(null, dPatches, pOff, actual, dxOff);
                FloatBits.assertBitwise(expected, actual, g + " mode " + mode);
                cases++;
            }
        }
        assertTrue(cases > 80, "cases run: " + cases);
    }

    /** The generated source is plain: one method per geometry and its table, nothing else of the emitter's. */
    @Test
    void theVectorMethodReadsItsTableAndSumsInGroups() {
        VectorCol2im.Geometry g = new VectorCol2im.Geometry(32, 14, 14, 5, 1, 2, 14, 14);
        String source = VectorCol2im.vector(47, g).toString();
        assertTrue(source.contains("int[] t = COL2IM_WINDOWS47"), source);
        assertTrue(source.contains("for (; ci + 4 * LANES <= 32; ci += 4 * LANES)"), source);
        assertTrue(source.contains("for (; ci < 32; ci++)"), source);
        assertEquals("col2imGather47", VectorCol2im.outer(47, g,
                com.palantir.javapoet.ClassName.get("p", "Outer", "VectorKernels")).name());
    }

    private static Class<?> compile(List<VectorCol2im.Geometry> geometries) throws Exception {
        String name = KernelClasses.uniqueSimpleName("Col2imProbe");
        TypeSpec.Builder type = TypeSpec.classBuilder(name).addModifiers(Modifier.PUBLIC, Modifier.FINAL);
        GemmEmitter.addVectorFields(type);
        for (int i = 0; i < geometries.size(); i++) {
            type.addField(VectorCol2im.table(i, geometries.get(i)));
            type.addMethod(VectorCol2im.vector(i, geometries.get(i)));
        }
        String source = JavaFile.builder(KernelClasses.PACKAGE, type.build()).indent("    ").build().toString();
        return JaninoLoader.compile(KernelClasses.PACKAGE + "." + name, source).type();
    }

    private static float[] values(SplittableRandom rng, int n, int mode) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = mode == 0 ? (float) rng.nextGaussian() : HOSTILE[rng.nextInt(HOSTILE.length)];
        }
        return v;
    }
}
