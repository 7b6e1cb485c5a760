package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.TypeName;
import java.util.List;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.ir.Window;

/**
 * The col2im of a convolution's input gradient, one sample at a time ({@code Kernel.GemmCol2im}), with the channels
 * {@code LANES} at a time, for VECTOR-style classes: the generated class gets a method per col2im that hands the call
 * over to the nested vector class when the Vector API is there and calls {@code SpatialOps.col2imAdd} otherwise.
 *
 * <p>Why: {@code col2imAdd} scatters each patch row into the image, and the rows of neighbouring windows overlap, so
 * every add read a float that the previous window had just stored; the convnet's second input gradient (14 x 14 x
 * 32, 5 x 5 windows) spent 51-72 us a sample there, a quarter of its stage. The vector form gathers instead: per
 * pixel, per group of channel vectors, it sums the entries of the windows that cover the pixel, listed by {@code
 * SpatialOps.col2imWindows} in a table the nested class builds once, and stores the sums: 9 us a sample with one
 * vector of sums at a time (probe, Intel family 6 model 167, 16 lanes).
 *
 * <p>Bitwise {@code col2imAdd}'s result: the table lists a pixel's windows in the order in which {@code col2imAdd}
 * adds them, and the sums start from {@code +0}, as its zero-filled image does.
 */
final class VectorCol2im {
    private static final TypeName FLOATS = TypeName.get(float[].class);

    /** Groups of channel vectors summed side by side, largest first: independent sums hide the add's latency. */
    private static final int[] GROUPS = {4, 2, 1};

    private VectorCol2im() {
    }

    /** The name of the methods (outer and nested) for the col2im of node {@code id}. */
    static String methodName(int id) {
        return "col2imGather" + id;
    }

    /** The name of the nested class's table for the col2im of node {@code id}. */
    private static String tableName(int id) {
        return "COL2IM_WINDOWS" + id;
    }

    private static List<ParameterSpec> params() {
        return List.of(ParameterSpec.builder(FLOATS, "dPatches").build(),
                ParameterSpec.builder(TypeName.INT, "pOff").build(),
                ParameterSpec.builder(FLOATS, "dx").build(),
                ParameterSpec.builder(TypeName.INT, "dxOff").build());
    }

    /** The generated class's method: {@code SpatialOps.col2imAdd} of one sample, or the vector form. */
    static MethodSpec outer(int id, Geometry g, ClassName nested) {
        MethodSpec scalar = MethodSpec.methodBuilder(methodName(id)).addModifiers(Modifier.STATIC)
                .addJavadoc("{@code SpatialOps.col2imAdd} of one sample, or its vector form with the same bits where"
                        + " the Vector API is.\n")
                .addParameters(params())
                .addStatement("$T.col2imAdd(dPatches, pOff, $L, $L, $L, $L, $L, $L, $L, $L, dx, dxOff, 0, 1)",
                        SpatialCalls.SPATIAL_OPS, g.c, g.h, g.w, g.k, g.stride, g.pad, g.ho, g.wo)
                .build();
        return VectorKernelsClass.withHandOver(scalar, nested);
    }

    /** The nested class's table of windows for {@code image}. */
    static FieldSpec table(int id, Geometry g) {
        return FieldSpec.builder(TypeName.get(int[].class), tableName(id), Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .addJavadoc("Per pixel, where its windows' entries start ({@code SpatialOps.col2imWindows}).\n")
                .initializer("$T.col2imWindows($L, $L, $L, $L, $L, $L, $L, $L)", SpatialCalls.SPATIAL_OPS, g.c, g.h,
                        g.w, g.k, g.stride, g.pad, g.ho, g.wo)
                .build();
    }

    /** The nested class's method: per pixel, the sums of its windows' entries, channel vectors side by side. */
    static MethodSpec vector(int id, Geometry g) {
        CodeBlock.Builder b = CodeBlock.builder()
                .add("// per pixel, its windows' entries summed in the order col2imAdd adds them, from +0\n")
                .addStatement("int[] t = $L", tableName(id))
                .beginControlFlow("for (int q = 0; q < $L; q++)", g.h * g.w)
                .addStatement("int j0 = t[q]")
                .addStatement("int j1 = t[q + 1]")
                .addStatement("int d = dxOff + q * $L", g.c)
                .addStatement("int ci = 0");
        for (int group : GROUPS) {
            b.beginControlFlow("for (; ci + $L <= $L; ci += $L)", lanes(group), g.c, lanes(group));
            for (int v = 0; v < group; v++) {
                b.addStatement("$T s$L = $T.zero($L)", GemmEmitter.FLOAT_VECTOR, v, GemmEmitter.FLOAT_VECTOR,
                        GemmEmitter.SPECIES);
            }
            b.beginControlFlow("for (int j = j0; j < j1; j++)")
                    .addStatement("int e = pOff + t[j] + ci");
            for (int v = 0; v < group; v++) {
                b.addStatement("s$L = s$L.add($T.fromArray($L, dPatches, e$L))", v, v, GemmEmitter.FLOAT_VECTOR,
                        GemmEmitter.SPECIES, offset(v));
            }
            b.endControlFlow();
            for (int v = 0; v < group; v++) {
                b.addStatement("s$L.intoArray(dx, d + ci$L)", v, offset(v));
            }
            b.endControlFlow();
        }
        b.beginControlFlow("for (; ci < $L; ci++)", g.c)
                .addStatement("float s = 0f")
                .beginControlFlow("for (int j = j0; j < j1; j++)")
                .addStatement("s += dPatches[pOff + t[j] + ci]")
                .endControlFlow()
                .addStatement("dx[d + ci] = s")
                .endControlFlow()
                .endControlFlow();
        return MethodSpec.methodBuilder(methodName(id)).addModifiers(Modifier.STATIC)
                .addParameters(params())
                .addCode(b.build())
                .build();
    }

    private static String lanes(int group) {
        return group == 1 ? GemmEmitter.LANES : group + " * " + GemmEmitter.LANES;
    }

    private static String offset(int v) {
        return v == 0 ? "" : v == 1 ? " + " + GemmEmitter.LANES : " + " + v + " * " + GemmEmitter.LANES;
    }

    /** The image ({@code c} channels of {@code h x w}) and windows ({@code ho x wo} of them) of a col2im. */
    record Geometry(int c, int h, int w, int k, int stride, int pad, int ho, int wo) {
        /** The geometry of the col2im {@code image}: its output is the image, its input the patch gradient. */
        static Geometry of(Node image) {
            Shape s = image.shape();
            Shape patches = image.input(0).shape();
            Window win = image.attrs().window();
            return new Geometry(s.dim(0), s.dim(1), s.dim(2), win.size(), win.stride(), win.pad(), patches.dim(1),
                    patches.dim(2));
        }
    }
}
