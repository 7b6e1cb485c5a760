package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import javax.lang.model.element.Modifier;

/**
 * Emits in-register transposes of square blocks of {@code LANES x LANES} floats for VECTOR kernels: one method per
 * vector width, {@code name16}, {@code name8} and {@code name4}, each with the signature {@code (float[] s, int so,
 * int ss, float[] d, int dO, int ds)}, writing {@code d[dO + r * ds + i] = s[so + i * ss + r]}.
 *
 * <p>How: the rows are loaded as vectors and swapped in blocks of half, a quarter, ... of the width (a butterfly:
 * at the stage of block size b, row r and row r + b exchange the halves of each 2b-lane group, by one
 * {@code rearrange} that rotates the lanes by b and one {@code blend}), then stored. Per 16 x 16 block that is 16
 * loads, 64 rotations, 64 blends and 16 stores. A standalone probe (JDK 17, Zen 5, 512-bit) packed 64 rows of a
 * 784-wide matrix transposed at 0.19-0.36 ns per element this way, against 0.5-1.2 ns for a 16 x 16-blocked scalar
 * copy; the two-vector {@code rearrange(shuffle, v)} took 3.6 ns (JDK 17 does not intrinsify it).
 *
 * <p>The rotations are the class's {@code FOLD} shuffles (lane i takes lane i + b) and {@link #RIGHT} ones (lane i
 * takes lane i - b); the blends take {@link #MASK} masks (lanes whose index has bit b set). A transpose only moves
 * floats, so results never depend on it.
 */
final class TransposeBlocks {

    /** Prefix of the {@code VectorShuffle} fields rotating lanes right: {@code TRIGHT0 .. TRIGHT3}. */
    static final String RIGHT = "TRIGHT";
    /** Prefix of the {@code VectorMask} fields of the lanes a stage takes from the other row. */
    static final String MASK = "TMASK";
    /** Vector widths, in lanes, that get a transpose method. */
    static final int[] WIDTHS = {16, 8, 4};

    private static final ClassName VECTOR_MASK = ClassName.get("jdk.incubator.vector", "VectorMask");

    private TransposeBlocks() {
    }

    /**
     * Adds the {@code TRIGHT} shuffles and {@code TMASK} masks to a class holding VECTOR kernels (with {@link
     * GemmEmitter#addVectorFields}): field f is for blocks of b = LANES >> (f + 1) lanes.
     */
    static void addFields(TypeSpec.Builder type) {
        for (int f = 0; f < GemmEmitter.FOLDS; f++) {
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(GemmEmitter.VECTOR_SHUFFLE,
                                    ClassName.get(Float.class)), RIGHT + f, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$T.iota($L, $T.max(0, $L - ($L >> $L)), 1, true)", GemmEmitter.VECTOR_SHUFFLE,
                            GemmEmitter.SPECIES, Math.class, GemmEmitter.LANES, GemmEmitter.LANES, f + 1)
                    .build());
            // lanes whose index has bit b set, b = LANES >> (f + 1): the same pattern every 16 lanes
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(VECTOR_MASK, ClassName.get(Float.class)),
                            MASK + f, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$T.fromLong($L, maskOfBit($L >> $L))", VECTOR_MASK, GemmEmitter.SPECIES,
                            GemmEmitter.LANES, f + 1)
                    .build());
        }
        type.addMethod(MethodSpec.methodBuilder("maskOfBit")
                .addJavadoc("Bits of the lanes (of up to 64) whose index has bit {@code b} set.\n")
                .addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(long.class)
                .addParameter(int.class, "b")
                .addStatement("long bits = 0L")
                .beginControlFlow("for (int i = 0; i < 64; i++)")
                .beginControlFlow("if ((i & b) != 0)")
                .addStatement("bits |= 1L << i")
                .endControlFlow()
                .endControlFlow()
                .addStatement("return bits")
                .build());
    }

    /** The transpose of a {@code lanes x lanes} block, for a JVM whose {@code LANES} is {@code lanes}. */
    static MethodSpec method(String name, int lanes) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name)
                .addModifiers(Modifier.STATIC)
                .returns(TypeName.VOID)
                .addParameter(float[].class, "s")
                .addParameter(int.class, "so")
                .addParameter(int.class, "ss")
                .addParameter(float[].class, "d")
                .addParameter(int.class, "dO")
                .addParameter(int.class, "ds");
        m.addCode("// d[dO + r * ds + i] = s[so + i * ss + r] for r, i < $L: rows swap halves of ever smaller blocks\n",
                lanes);
        for (int r = 0; r < lanes; r++) {
            m.addStatement("$T x$L = $T.fromArray($L, s, so$L)", GemmEmitter.FLOAT_VECTOR, r,
                    GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES, r == 0 ? "" : " + " + r + " * ss");
        }
        m.addStatement("$T y0", GemmEmitter.FLOAT_VECTOR);
        m.addStatement("$T y1", GemmEmitter.FLOAT_VECTOR);
        int f = 0;
        for (int b = lanes / 2; b >= 1; b /= 2, f++) {
            for (int r = 0; r < lanes; r++) {
                if ((r & b) != 0) {
                    continue;
                }
                int s = r + b;
                // row r keeps its lanes without bit b and takes row s's, moved up by b, into the others; row s
                // takes row r's lanes with bit b, moved down by b, and keeps its own with bit b
                m.addStatement("y0 = x$L.blend(x$L.rearrange($L$L), $L$L)", r, s, RIGHT, f, MASK, f);
                m.addStatement("y1 = x$L.rearrange($L$L).blend(x$L, $L$L)", r, GemmEmitter.FOLD, f, s, MASK, f);
                m.addStatement("x$L = y0", r);
                m.addStatement("x$L = y1", s);
            }
        }
        for (int r = 0; r < lanes; r++) {
            m.addStatement("x$L.intoArray(d, dO$L)", r, r == 0 ? "" : " + " + r + " * ds");
        }
        return m.build();
    }

    /**
     * A call of the transpose of {@code prefix} for the running width: {@code s, so, ss, d, dO, ds} as given. Other
     * widths (a JVM limited to 64-bit vectors) get the exception the dot-product NT kernels throw, never a transpose
     * of another size, which would read and write past its block.
     */
    static CodeBlock call(String prefix, String args) {
        CodeBlock.Builder code = CodeBlock.builder();
        for (int i = 0; i < WIDTHS.length; i++) {
            if (i == 0) {
                code.beginControlFlow("if ($L == $L)", GemmEmitter.LANES, WIDTHS[i]);
            } else {
                code.nextControlFlow("else if ($L == $L)", GemmEmitter.LANES, WIDTHS[i]);
            }
            code.addStatement("$L$L($L)", prefix, WIDTHS[i], args);
        }
        code.nextControlFlow("else");
        code.addStatement("throw new $T($S + $L)", IllegalStateException.class,
                "vectors of 128, 256 or 512 bits expected, lanes: ", GemmEmitter.LANES);
        code.endControlFlow();
        return code.build();
    }
}
