package netc.compiler.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;
import netc.compiler.emit.GemmSpec.Form;
import netc.compiler.emit.GemmSpec.Style;

/**
 * Emits one matrix-product kernel ({@link GemmSpec}) as a static Java method that Janino and javac both compile.
 *
 * <p>Signature: {@code static void name(float[] a, int aOff, float[] b, int bOff, float[] c, int cOff, int batch,
 * int mLo, int mHi, <extra params>)}. It computes rows {@code [mLo, mHi)} of C in blocks of {@link #TILE_ROWS} rows
 * (then single rows for the remainder) and applies the epilogue to each block as soon as it is done.
 *
 * <p>VECTOR style (shared/notes/java-kernels.md, measured on this machine): 4 rows x 4 {@code FloatVector}s of
 * accumulators, one local each, {@code fma}, the k loop straight-line and branch-free (a branch in a Vector API loop
 * makes JDK 17 box the vectors: 8x slower). NN and TN broadcast an element of A and stream rows of B, 4 x LANES
 * columns at a time, then one vector, then scalar columns; NT takes dot products along k (4 rows of A x 4 rows of
 * B), reduces the lanes once per element and finishes k with a scalar tail. The class that holds the kernel needs the
 * fields from {@link #addVectorFields}. SCALAR style uses the same tiles with {@code float} accumulators: 16
 * independent sums per tile hide the FMA latency; plain Java, so it runs on any JVM.
 *
 * <p>Size: the body is a fixed set of tiles whose loop bounds are literals, so the bytecode does not grow with N or K
 * (largest seen: about 2.4 KB, far below HotSpot's 8,000-byte limit for JIT compilation, past which a method runs
 * interpreted; shared/notes/java-kernels.md item 7). A caller-supplied epilogue is emitted twice per kernel.
 */
public final class GemmEmitter {

    /** Name of the {@code static final VectorSpecies<Float>} field that VECTOR kernels use. */
    public static final String SPECIES = "SPECIES";
    /** Name of the {@code static final int} field holding {@code SPECIES.length()}. */
    public static final String LANES = "LANES";
    /** Rows per block; give it to {@code netc.runtime.Parallel#run} as the alignment of row splits. */
    public static final int TILE_ROWS = 4;

    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName VECTOR_SPECIES = ClassName.get("jdk.incubator.vector", "VectorSpecies");
    static final ClassName VECTOR_OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");
    static final CodeBlock SPECIES_REF = CodeBlock.of(SPECIES);
    static final CodeBlock LANES_REF = CodeBlock.of(LANES);

    /** Columns (NT) or vectors (NN, TN) per tile. */
    private static final int TILE_COLS = 4;

    private static final Set<String> FIXED_NAMES =
            Set.of("a", "aOff", "b", "bOff", "c", "cOff", "batch", "mLo", "mHi");
    private static final Set<String> LOCAL_NAMES =
            Set.of("m", "n", "k", "i", "j", "ci", "ak", "bk", "v", "kVec", SPECIES, LANES);
    private static final Pattern NUMBERED_LOCAL = Pattern.compile("(a|c|br|va|vb|x|y|s|acc)[0-9]+");

    /**
     * Whether SCALAR kernels use {@code Math.fma} ({@code s = Math.fma(x, y, s)}) or a separate multiply and add
     * ({@code s += x * y}). Both are plain Java; Math.fma falls back to a slow software path on CPUs without FMA,
     * and measured no faster here (see GemmProbe in the tests), so the fallback style multiplies and adds.
     */
    static final boolean SCALAR_USES_FMA = false;

    private GemmEmitter() {
    }

    /** Whether {@code name} is a fixed parameter or a local of the generated kernels (not usable as extra param). */
    static boolean isReservedName(String name) {
        return FIXED_NAMES.contains(name) || LOCAL_NAMES.contains(name) || NUMBERED_LOCAL.matcher(name).matches();
    }

    /**
     * Adds {@code static final VectorSpecies<Float> SPECIES = FloatVector.SPECIES_PREFERRED} and
     * {@code static final int LANES = SPECIES.length()} to a class that will hold VECTOR kernels; call it once per
     * class. JavaPoet adds the {@code jdk.incubator.vector} imports when the file is written.
     */
    public static void addVectorFields(TypeSpec.Builder type) {
        FieldSpec species = FieldSpec.builder(ParameterizedTypeName.get(VECTOR_SPECIES, ClassName.get(Float.class)),
                        SPECIES, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.SPECIES_PREFERRED", FLOAT_VECTOR)
                .build();
        type.addField(species);
        type.addField(FieldSpec.builder(TypeName.INT, LANES, Modifier.STATIC, Modifier.FINAL)
                .initializer("$N.length()", species)
                .build());
    }

    /** The kernel method for {@code spec}; package-private {@code static}, add modifiers with {@code toBuilder()}. */
    public static MethodSpec emit(GemmSpec spec) {
        return emit(spec, SCALAR_USES_FMA);
    }

    /** As {@link #emit(GemmSpec)}, choosing the SCALAR multiply-add explicitly (for measurements). */
    static MethodSpec emit(GemmSpec spec, boolean scalarFma) {
        MethodSpec.Builder method = MethodSpec.methodBuilder(spec.methodName())
                .addModifiers(Modifier.STATIC)
                .returns(TypeName.VOID)
                .addParameter(float[].class, "a")
                .addParameter(int.class, "aOff")
                .addParameter(float[].class, "b")
                .addParameter(int.class, "bOff")
                .addParameter(float[].class, "c")
                .addParameter(int.class, "cOff")
                .addParameter(int.class, "batch")
                .addParameter(int.class, "mLo")
                .addParameter(int.class, "mHi")
                .addParameters(spec.extraParams());
        method.addCode(new Body(spec, scalarFma).build());
        return method.build();
    }

    /** The statements of one kernel. */
    private static final class Body {
        private final GemmSpec spec;
        private final boolean vector;
        private final boolean scalarFma;
        private final CodeBlock n;
        private final CodeBlock k;
        private final CodeBlock.Builder code = CodeBlock.builder();

        Body(GemmSpec spec, boolean scalarFma) {
            this.spec = spec;
            this.vector = spec.style() == Style.VECTOR;
            this.scalarFma = scalarFma;
            this.n = JavaLiterals.intLiteral(spec.n());
            this.k = spec.form() == Form.TN ? CodeBlock.of("batch") : JavaLiterals.intLiteral(spec.k());
        }

        CodeBlock build() {
            code.add(header());
            if (vector && spec.form() == Form.NT) {
                code.addStatement("int kVec = $L - $L % $L", k, k, LANES_REF);
            }
            code.addStatement("int m = mLo");
            code.beginControlFlow("for (; m + $L <= mHi; m += $L)", TILE_ROWS, TILE_ROWS);
            rowBlock(TILE_ROWS);
            code.endControlFlow();
            code.beginControlFlow("for (; m < mHi; m++)");
            rowBlock(1);
            code.endControlFlow();
            return code.build();
        }

        private CodeBlock header() {
            String formula = switch (spec.form()) {
                case NT -> "C[m][n] = sum_k A[m][k] * B[n][k]";
                case NN -> "C[m][n] = sum_k A[m][k] * B[k][n]";
                case TN -> "C[m][n] = sum_k A[k][m] * B[k][n]";
            };
            String shape = spec.form() == Form.TN
                    ? "M = " + spec.m() + ", N = " + spec.n() + ", K = batch"
                    : "M = batch, N = " + spec.n() + ", K = " + spec.k();
            String tile = spec.form() == Form.NT ? "4 x 4 dot products" : vector ? "4 rows x 4 vectors" : "4 x 4";
            String kind = vector ? "FloatVector" : "float";
            return CodeBlock.of("// $L for rows [mLo, mHi), $L\n// $L tiles of $L accumulators, then remainders\n",
                    formula, shape, tile, kind);
        }

        /** Computes rows m .. m + rows - 1 of C completely, then applies the epilogue to them. */
        private void rowBlock(int rows) {
            if (spec.form() == Form.NN || spec.form() == Form.NT) {
                code.addStatement("int a0 = aOff + m * $L", k);
                for (int r = 1; r < rows; r++) {
                    code.addStatement("int $L = $L + $L", id("a", r), id("a", r - 1), k);
                }
            }
            code.addStatement("int c0 = cOff + m * $L", n);
            for (int r = 1; r < rows; r++) {
                code.addStatement("int $L = $L + $L", id("c", r), id("c", r - 1), n);
            }
            code.addStatement("int n = 0");
            if (spec.form() == Form.NT) {
                code.beginControlFlow("for (; n + $L <= $L; n += $L)", TILE_COLS, n, TILE_COLS);
                dotTile(rows, TILE_COLS);
                code.endControlFlow();
            } else if (vector) {
                code.beginControlFlow("for (; n + $L * $L <= $L; n += $L * $L)", TILE_COLS, LANES_REF, n, TILE_COLS, LANES_REF);
                broadcastVectorTile(rows, TILE_COLS);
                code.endControlFlow();
                code.beginControlFlow("for (; n + $L <= $L; n += $L)", LANES_REF, n, LANES_REF);
                broadcastVectorTile(rows, 1);
                code.endControlFlow();
            } else {
                code.beginControlFlow("for (; n + $L <= $L; n += $L)", TILE_COLS, n, TILE_COLS);
                broadcastScalarTile(rows, TILE_COLS);
                code.endControlFlow();
            }
            code.beginControlFlow("for (; n < $L; n++)", n);
            if (spec.form() == Form.NT) {
                dotTile(rows, 1);
            } else {
                broadcastScalarTile(rows, 1);
            }
            code.endControlFlow();
            if (spec.epilogue() != null) {
                epilogue(rows);
            }
        }

        /**
         * NT tile: C[m + r][n + j] for r < rows, j < cols as dot products of rows of A and rows of B along k. VECTOR:
         * one FloatVector accumulator per element over the first kVec = K - K % LANES steps, one reduction per
         * element, then a scalar tail; SCALAR: one float accumulator per element.
         */
        private void dotTile(int rows, int cols) {
            code.addStatement("int br0 = bOff + n * $L", k);
            for (int j = 1; j < cols; j++) {
                code.addStatement("int $L = $L + $L", id("br", j), id("br", j - 1), k);
            }
            if (vector) {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        code.addStatement("$T $L = $T.zero($L)", FLOAT_VECTOR, acc(r, j), FLOAT_VECTOR, SPECIES_REF);
                    }
                }
                code.addStatement("int k = 0");
                code.beginControlFlow("for (; k < kVec; k += $L)", LANES_REF);
                for (int r = 0; r < rows; r++) {
                    code.addStatement("$T $L = $T.fromArray($L, a, $L + k)",
                            FLOAT_VECTOR, id("va", r), FLOAT_VECTOR, SPECIES_REF, id("a", r));
                }
                for (int j = 0; j < cols; j++) {
                    code.addStatement("$T $L = $T.fromArray($L, b, $L + k)",
                            FLOAT_VECTOR, id("vb", j), FLOAT_VECTOR, SPECIES_REF, id("br", j));
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        code.addStatement("$L = $L.fma($L, $L)", acc(r, j), id("va", r), id("vb", j), acc(r, j));
                    }
                }
                code.endControlFlow();
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        code.addStatement("float $L = $L.reduceLanes($T.ADD)", sum(r, j), acc(r, j), VECTOR_OPERATORS);
                    }
                }
                code.beginControlFlow("for (; k < $L; k++)", k);
            } else {
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        code.addStatement("float $L = 0f", sum(r, j));
                    }
                }
                code.beginControlFlow("for (int k = 0; k < $L; k++)", k);
            }
            for (int r = 0; r < rows; r++) {
                code.addStatement("float $L = a[$L + k]", id("x", r), id("a", r));
            }
            for (int j = 0; j < cols; j++) {
                code.addStatement("float $L = b[$L + k]", id("y", j), id("br", j));
            }
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    multiplyAdd(sum(r, j), id("x", r), id("y", j));
                }
            }
            code.endControlFlow();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    code.addStatement("c[$L] = $L", plus(CodeBlock.of("$L + n", id("c", r)), j), sum(r, j));
                }
            }
        }

        /**
         * NN/TN vector tile: C[m + r][n .. n + vecs * LANES_REF) for r < rows; per k, broadcast A's element of each
         * row and fma it with vecs vectors from row k of B.
         */
        private void broadcastVectorTile(int rows, int vecs) {
            for (int r = 0; r < rows; r++) {
                for (int v = 0; v < vecs; v++) {
                    code.addStatement("$T $L = $T.zero($L)", FLOAT_VECTOR, acc(r, v), FLOAT_VECTOR, SPECIES_REF);
                }
            }
            code.beginControlFlow("for (int k = 0; k < $L; k++)", k);
            kRowBases();
            for (int v = 0; v < vecs; v++) {
                code.addStatement("$T $L = $T.fromArray($L, b, $L)",
                        FLOAT_VECTOR, id("vb", v), FLOAT_VECTOR, SPECIES_REF, lanesOffset(CodeBlock.of("bk"), v));
            }
            for (int r = 0; r < rows; r++) {
                code.addStatement("$T $L = $T.broadcast($L, $L)", FLOAT_VECTOR, id("va", r), FLOAT_VECTOR, SPECIES_REF,
                        aElement(r));
                for (int v = 0; v < vecs; v++) {
                    code.addStatement("$L = $L.fma($L, $L)", acc(r, v), id("va", r), id("vb", v), acc(r, v));
                }
            }
            code.endControlFlow();
            for (int r = 0; r < rows; r++) {
                for (int v = 0; v < vecs; v++) {
                    code.addStatement("$L.intoArray(c, $L)", acc(r, v), lanesOffset(CodeBlock.of("$L + n", id("c", r)), v));
                }
            }
        }

        /** NN/TN scalar tile: C[m + r][n + j] for r < rows, j < cols, one float accumulator each. */
        private void broadcastScalarTile(int rows, int cols) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    code.addStatement("float $L = 0f", sum(r, j));
                }
            }
            code.beginControlFlow("for (int k = 0; k < $L; k++)", k);
            kRowBases();
            for (int j = 0; j < cols; j++) {
                code.addStatement("float $L = b[$L]", id("y", j), plus(CodeBlock.of("bk"), j));
            }
            for (int r = 0; r < rows; r++) {
                code.addStatement("float $L = $L", id("x", r), aElement(r));
                for (int j = 0; j < cols; j++) {
                    multiplyAdd(sum(r, j), id("x", r), id("y", j));
                }
            }
            code.endControlFlow();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    code.addStatement("c[$L] = $L", plus(CodeBlock.of("$L + n", id("c", r)), j), sum(r, j));
                }
            }
        }

        /** Inside a k loop of NN/TN: the offset of B[k][n] and, for TN, of A[k][m]. */
        private void kRowBases() {
            if (spec.form() == Form.TN) {
                code.addStatement("int ak = aOff + k * $L + m", JavaLiterals.intLiteral(spec.m()));
            }
            code.addStatement("int bk = bOff + k * $L + n", n);
        }

        /** A's element for row m + r at step k: A[m + r][k] (NN) or A[k][m + r] (TN). */
        private CodeBlock aElement(int r) {
            if (spec.form() == Form.TN) {
                return CodeBlock.of("a[$L]", plus(CodeBlock.of("ak"), r));
            }
            return CodeBlock.of("a[$L + k]", id("a", r));
        }

        private void multiplyAdd(CodeBlock acc, CodeBlock x, CodeBlock y) {
            if (vector || scalarFma) {
                code.addStatement("$L = Math.fma($L, $L, $L)", acc, x, y, acc);
            } else {
                code.addStatement("$L += $L * $L", acc, x, y);
            }
        }

        /** Rewrites rows m .. m + rows - 1 of C with the epilogue, LANES columns at a time where it has a vector form. */
        private void epilogue(int rows) {
            Epilogue e = spec.epilogue();
            code.beginControlFlow("for (int i = m; i < m + $L; i++)", rows);
            code.addStatement("int ci = cOff + i * $L", n);
            code.addStatement("int j = 0");
            CodeBlock vectorForm = vector ? e.vector("i", "j", CodeBlock.of("v")) : null;
            if (vectorForm != null) {
                code.beginControlFlow("for (; j + $L <= $L; j += $L)", LANES_REF, n, LANES_REF);
                code.addStatement("$T v = $T.fromArray($L, c, ci + j)", FLOAT_VECTOR, FLOAT_VECTOR, SPECIES_REF);
                code.addStatement("v = $L", vectorForm);
                code.addStatement("v.intoArray(c, ci + j)");
                code.endControlFlow();
            }
            code.beginControlFlow("for (; j < $L; j++)", n);
            code.addStatement("c[ci + j] = $L", e.scalar("i", "j", CodeBlock.of("c[ci + j]")));
            code.endControlFlow();
            code.endControlFlow();
        }

        private static CodeBlock acc(int r, int j) {
            return id("acc" + r, j);
        }

        private static CodeBlock sum(int r, int j) {
            return id("s" + r, j);
        }

        /** A generated local name: a fixed prefix and an index, e.g. {@code acc12}, {@code va3}. */
        private static CodeBlock id(String prefix, int index) {
            return CodeBlock.of("$L", JavaLiterals.checkedIdentifier(prefix + index));
        }

        private static CodeBlock plus(CodeBlock base, int offset) {
            return offset == 0 ? base : CodeBlock.of("$L + $L", base, offset);
        }

        /** base, base + LANES_REF, base + v * LANES. */
        private static CodeBlock lanesOffset(CodeBlock base, int v) {
            if (v == 0) {
                return base;
            }
            return v == 1 ? CodeBlock.of("$L + $L", base, LANES_REF) : CodeBlock.of("$L + $L * $L", base, v, LANES_REF);
        }
    }
}
