package netc.compiler.internal.emit;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.emit.GemmSpec.Form;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.emit.GemmSpec.Tile;

/**
 * Emits one matrix-product kernel ({@link GemmSpec}) as static Java methods that Janino and javac both compile.
 *
 * <p>The entry method has the signature {@code static void name(float[] a, int aOff, float[] b, int bOff, float[] c,
 * int cOff, int batch, int mLo, int mHi, <extra params>)} and computes rows {@code [mLo, mHi)} of C. It is a small
 * driver: the arithmetic lives in one helper method per tile shape ({@code nameDot4x4}, {@code nameVec1x4},
 * {@code nameScalar4x1}, ...) and the epilogue in {@code nameEpilogue}, which rewrites a range of one row of C. An NT
 * or NN kernel with {@link GemmSpec.Split#ROWS_AND_COLUMNS} has a second entry, {@code nameCols(..., batch, pLo, pHi,
 * <extra params>)}, computing every row of column panels {@code [pLo, pHi)}.
 *
 * <p>Why helpers: a kernel runs for milliseconds and is called rarely, so a single-method kernel is compiled through
 * on-stack replacement with a profile that has never seen its loop exits; C2 then plants an uncommon trap there, the
 * first completed call deoptimizes it, and it falls back to C1, where Vector API calls are not intrinsified and each
 * one allocates. Measured (GemmProbe, JDK 17): 0.1-1.5 GFLOP/s for one to two seconds, against 30-40 once compiled.
 * A tile method is invoked thousands of times per call with a complete profile and is compiled normally; the driver
 * may still deoptimize, but it only loops and calls.
 *
 * <p>VECTOR style (shared/notes/java-kernels.md, measured on this machine): register tiles of {@code FloatVector}
 * accumulators, one local each, {@code fma}, the k loop straight-line and branch-free (a branch in a Vector API loop
 * makes JDK 17 box the vectors: 8x slower). NN and TN broadcast an element of A and stream rows of B: tiles of
 * {@link GemmSpec#tile} rows x vectors (6 x 2 for NN and 5 x 2 for TN with 256-bit vectors, so that accumulators, B
 * vectors and the broadcast fit AVX2's 16 registers; with wider ones 4 x 4 for NN, 6 x 4 for TN and for NN with a
 * long reduction; a kernel tiled for 256 bits also holds a nest of the wider tiles, which 16-lane JVMs run: {@link
 * GemmSpec#widensTile()}), {@code cols} x LANES columns at a time,
 * then one vector, then scalar columns, with the column panel in the outer loop so the panel of B is reused across row
 * tiles from cache; leftover rows take one-row tiles; TN also cuts its reduction into blocks of {@link #TN_K_BLOCK}
 * rows (64 for 16-lane tiles: {@link #TN_PANEL_FLOATS}; outermost), the first block's tiles starting from 0, the
 * others adding to C's partial sums. Where rows of B (TN and long-reduction NN) or of A (TN) lie a multiple of 4 KB
 * apart ({@link #packs}), the kernel copies A's block of rows and each full-width panel of B into contiguous arrays
 * first, as BLAS packs its panels. An NT kernel of at
 * least {@link #NT_SWAP_MIN_N} columns (a dense layer's forward product) runs as NN on A transposed, {@code C^T = B
 * A^T}, 64 rows of A at a time ({@link #ntSwaps}); one with a short reduction as NN on B transposed
 * ({@link #NT_SHORT_K}). Other NT kernels take dot products
 * along k ({@link #ntTile}: 4 rows of A x 4 rows of B with 512-bit vectors), keeps {@link #NT_LANES} partial sums per
 * element in one, two or four vectors, adds them in a fixed tree and finishes k with a scalar tail; it loops over
 * blocks of rows whose part of A fits L2, then blocks of columns whose part of B fits L1 ({@link #ntRowBlock},
 * {@link #ntColumnBlock}), and a row block gets its epilogue once all its columns are done. SCALAR style uses 4 x 4
 * tiles of {@code float} accumulators for every form, plain Java for a JVM without {@code jdk.incubator.vector}. A
 * class holding VECTOR kernels needs the fields of {@link #addVectorFields}.
 *
 * <p>Results do not depend on how rows are split: every element of C goes through the same sequence of operations
 * whichever tile computes it, so a kernel called on [0, 13) and one called on [0, 5) and [5, 13) agree bit for bit,
 * and so do runs on one or two threads (a VECTOR NN call of fewer than {@link #NN_FEW_ROWS} rows may take other
 * tiles, {@code Kernel.fewRows}, with the same chain per element). Nor, for VECTOR kernels, on the vector width (128,
 * 256 or 512 bits) or the tile: NN and TN keep each element in one lane, in k order (so do swapped NT kernels), and
 * dot-product NT sums the same 16 partial sums in the same order on every width (VectorWidthTest). SCALAR kernels multiply and add where VECTOR ones fma, so
 * the two styles differ.
 *
 * <p>Size: every method is a fixed set of statements whose loop bounds are literals, so bytecode does not grow with
 * N or K; the NT 4x4 tile was 1,115 bytes (Janino and javac alike), the NT entry method, with a loop nest per vector
 * width, is larger but far below HotSpot's 8,000-byte limit past which a method is never JIT-compiled
 * (shared/notes/java-kernels.md item 7; GemmMethodSizeTest checks it).
 */
public final class GemmEmitter {

    /** Name of the {@code static final VectorSpecies<Float>} field that VECTOR kernels use. */
    public static final String SPECIES = "SPECIES";
    /** Name of the {@code static final int} field holding {@code SPECIES.length()}. */
    public static final String LANES = "LANES";
    static final ClassName FLOAT_VECTOR = ClassName.get("jdk.incubator.vector", "FloatVector");
    static final ClassName VECTOR_SPECIES = ClassName.get("jdk.incubator.vector", "VectorSpecies");
    static final ClassName VECTOR_OPERATORS = ClassName.get("jdk.incubator.vector", "VectorOperators");
    static final ClassName VECTOR_SHUFFLE = ClassName.get("jdk.incubator.vector", "VectorShuffle");
    static final CodeBlock SPECIES_REF = CodeBlock.of(SPECIES);
    static final CodeBlock LANES_REF = CodeBlock.of(LANES);

    private static final Set<String> FIXED_NAMES =
            Set.of("a", "aOff", "b", "bOff", "c", "cOff", "batch", "mLo", "mHi", "pLo", "pHi", "nStart", "nEnd",
                    "accumulate");
    private static final Set<String> LOCAL_NAMES =
            Set.of("m", "n", "k", "i", "j", "ci", "ak", "bk", "v", "kVec", "k0", "k1", "m0", "m1", "n0", "n1", "bt",
                    "bj", "ct", "bp", "ap", "at", "kb", "mb", "nb", "nb0", "nb1", "p", "panels", "panelSize", "from",
                    "to", "q0", "qLo", "qHi", "bPanel", "kBlock", SPECIES, LANES, "FOLD0", "FOLD1", "FOLD2", "FOLD3",
                    GemmEmitter.PACK_A_SCRATCH, GemmEmitter.PACK_B_SCRATCH, GemmEmitter.TRANSPOSED_SCRATCH,
                    "TMASK0", "TMASK1", "TMASK2", "TMASK3", "TRIGHT0", "TRIGHT1", "TRIGHT2", "TRIGHT3");

    /**
     * Rows of the reduction a TN kernel takes per pass: with a long reduction (a kernel gradient sums over every
     * pixel of the batch, 12,544 rows for the convnet's second layer at batch 64), one pass per tile would stream
     * all of B through the cache once per row tile. In blocks of 256 rows a 16-column panel of B (16 KB) stays in L1
     * while every row tile uses it. Tiles start from C's partial sums (C is zeroed first), so every element is still
     * the same chain of fmas in k order and the result does not depend on the block size.
     */
    static final int TN_K_BLOCK = 256;

    /**
     * Floats of B's column panel that one block of a VECTOR TN kernel's reduction reads (16 KB): the block is {@link
     * #TN_K_BLOCK} rows of k for AVX2's 16-float panels, but 64 for AVX-512's 64-float ones, whose 256 rows (64 KB)
     * overflowed a 48 KB L1, so each row tile read the panel from L2 (rows 3,200 bytes apart, beyond the L1 stride
     * prefetcher's reach). KernelAB, one thread, Intel family 6 model 167, 512-bit tiles, blocks of 64 against 256,
     * alternated, medians of 7: TN 64 x 800 x 196 (the convnet's second kernel gradient, per sample) 1.11, 64 x 800 x
     * 12544 1.12, 512 x 784 x 128 (the MLP's first weight gradient) 1.08, 512 x 784 x 512 1.15; blocks of 32 0.99 and
     * 0.94 against 64, of 128 0.94 and 0.95. Results do not depend on the block size (see {@link #TN_K_BLOCK}).
     */
    static final int TN_PANEL_FLOATS = 4096;

    /** The fewest rows of k per block of a VECTOR TN kernel's reduction (see {@link #TN_PANEL_FLOATS}). */
    static final int TN_K_BLOCK_MIN = 64;
    /**
     * Partial sums per element of a VECTOR NT kernel: lane i of a 512-bit vector, or of the second of two 256-bit
     * vectors (i - 8), or of the fourth of four 128-bit ones, sums k = i (mod 16). Fixed, not the JVM's lane count, so
     * that the kernels give bitwise the same results on 128-, 256- and 512-bit vectors (AVX-512, AVX2, SSE, NEON):
     * before, a 512-bit and a 256-bit JVM trained different weights from one seed.
     */
    static final int NT_LANES = 16;

    /**
     * The NT tile for {@code parts} vectors per element, so that accumulators and the vectors of one part fit the
     * registers: 4 x 4 with one (512-bit vectors, AVX-512's 32 registers: 16 accumulators, 4 + 4 loaded vectors);
     * 2 x 2 with two (256-bit, AVX2's 16 registers: 8 accumulators, 2 + 2 loaded per part; 4 x 4 would need 32
     * accumulators, and the one-part 4 x 4 tile used before, 24 live vectors, already spilled there); 2 x 2 with four
     * (128-bit: 16 accumulators, for NEON's 32 registers). The 256- and 128-bit tiles are chosen by register count,
     * not measured on such a CPU.
     */
    static Tile ntTile(int parts) {
        return parts == 1 ? Tile.FOUR_BY_FOUR : new Tile(2, 2);
    }

    /**
     * An NT kernel whose reduction is shorter than this (two 16-lane steps) and whose B has at most
     * {@link #NT_TRANSPOSE_MAX} elements runs as an NN kernel on B transposed once per call: with K = 25 (the first
     * convolution of the convnet, 5 x 5 x 1 patches) dot products left 9 of 25 steps to the scalar tail and ran at 8%
     * of the FMA peak. Each element is then an fma chain in k order, as in NN, on every vector width.
     */
    static final int NT_SHORT_K = 2 * NT_LANES;
    /** Largest B (N x K elements) that a short-reduction NT kernel transposes per call, into the thread's array. */
    static final int NT_TRANSPOSE_MAX = 64 * 1024;

    /** Whether {@code spec} is a VECTOR NT kernel that runs as NN on B transposed ({@link #NT_SHORT_K}). */
    static boolean ntTransposes(GemmSpec spec) {
        return spec.style() == Style.VECTOR && ntTransposes(spec.form(), spec.k(), spec.n());
    }

    /** Whether a VECTOR kernel of this form and shape would run as NN on B transposed. */
    static boolean ntTransposes(Form form, int k, int n) {
        return form == Form.NT && k < NT_SHORT_K && (long) n * k <= NT_TRANSPOSE_MAX;
    }

    /**
     * A VECTOR NT kernel of at least this many columns that takes dot products otherwise runs as NN instead, with
     * A and B's roles swapped ({@link #ntSwaps}).
     */
    static final int NT_SWAP_MIN_N = 64;
    /**
     * Rows of A a swapped NT kernel ({@link #ntSwaps}) transposes at a time: the columns of C^T its NN tiles compute
     * per pass over B, 4 vectors of 16 lanes (8 of 8): one panel of the 6 x 4-vector tiles of long reductions
     * ({@code Tile.LONG_NN}); with its block of 128 steps of k, the part of A^T the tiles share is 32 KB, in L1.
     */
    static final int NT_SWAP_ROWS = 64;
    /**
     * Row alignment of a swapped NT kernel's row splits below two blocks of {@link #NT_SWAP_ROWS} rows: a vector of
     * 16 lanes, so that a call of fewer than 128 rows still splits over two threads.
     */
    static final int NT_SWAP_SMALL_ROWS = 16;
    /**
     * The NN tile a swapped NT kernel runs on 16 lanes for a block of fewer than {@link #NT_SWAP_ROWS} rows of A,
     * whose C^T has 16-48 columns: 8 rows x 2 vectors, the long-reduction tile before {@code Tile.LONG_NN} became 6 x
     * 4, which covers 32 columns exactly and 16 or 48 with one-vector tiles of 8 rows.
     */
    static final Tile NARROW_SWAP_TILE = new Tile(8, 2);
    /** Rows of the tail tiles that broadcast kernels run on the rows their full tiles leave ({@code rowTiles}). */
    static final int TAIL_ROWS = 2;

    /**
     * Whether {@code spec} is a VECTOR NT kernel of a dense layer's forward product that runs as NN on A transposed:
     * {@code C^T = B A^T}, B (W, rows of K) broadcast and rows of A^T streamed, {@link #NT_SWAP_ROWS} rows of A at a
     * time (each block of A transposed into the thread's array, the block of C^T computed by NN tiles and transposed
     * back into C, then the epilogue). Why: dot products load a row of A and a row of B per fma pair and end in a
     * tree of 16 partial sums per element; the NN tiles load one vector per 8 fmas. KernelAB, 1 thread, Zen 5,
     * without the transposes: NT 128 x 1024 x 2048 (the 2048-wide MLP's second layer) 73 GFLOP/s, the same product as
     * NN 1024 x 128 x 2048 126-153; 64 x 1024 x 3136 (the convnet's dense layer) 84 against 147-159; 128 x 512 x 784
     * 148-149 against 166-172. The transposes cost (K + N) x rows elements where the product costs K x N x rows
     * fmas. Each element of C is then one fma chain in k order, as in NN on W^T: bitwise what the prepared
     * inference programs compute ({@code InferenceWeights}), on every batch, split and vector width. Narrower products
     * (a classifier's 10 outputs) keep dot products: as NN their rows of A^T would be single vectors.
     */
    static boolean ntSwaps(GemmSpec spec) {
        return spec.style() == Style.VECTOR && !ntTransposes(spec) && ntChains(spec.form(), spec.k(), spec.n());
    }

    /**
     * Whether a VECTOR kernel of this form and shape computes each element of C as one fma chain in k order although
     * it is NT: by swapping ({@link #ntSwaps}) or on B transposed ({@link #ntTransposes}). The prepared inference
     * programs lay out W^T for exactly these products ({@code InferenceWeights}), so both paths compute the same
     * chains.
     */
    static boolean ntChains(Form form, int k, int n) {
        return form == Form.NT && (n >= NT_SWAP_MIN_N || ntTransposes(form, k, n));
    }

    /**
     * Columns per panel of an NT kernel's column entry ({@link GemmSpec.Split#ROWS_AND_COLUMNS}): a multiple of
     * every NT tile's columns (4 and 2), the same for both styles and every vector width, so that the caller's panel
     * count is a constant; 16 columns of a 784-long W are 50 KB, enough work per panel to be worth a claim.
     */
    static final int NT_PANEL = 16;

    /**
     * Columns per panel of an NN kernel's column entry: a multiple of every VECTOR NN tile's columns (4 x 16 lanes,
     * 2 x 16, 2 x 8, 2 x 4) and of the SCALAR tile's 4, so that panels other than the last are whole vector tiles.
     */
    static final int NN_PANEL = 64;

    /** Bytes of A a block of NT rows may take: half of a 1 MB L2 (Zen 4/5, Skylake-SP and later). */
    static final int NT_A_BLOCK_BYTES = 512 * 1024;
    /**
     * Bytes of B a block of NT columns may take: two thirds of a 48 KB L1, so that the block and the 4 rows of A a
     * tile reads along with it stay there together (32 KB L1s on older cores: then L2 serves part of it). With 40 KB
     * a 784-long reduction took 12 columns (37.6 KB) beside 12.5 KB of A; with full-width 512-bit FMA units (Zen 5)
     * dot products are bound by these loads. KernelAB, 1 thread, Zen 5, alternated in one JVM, three sittings of 7-9
     * rounds, bitwise the same C: 128 x 512 x 784 (the MLP's first layer) 1.087, 1.067, 1.105; 1024 x 512 x 784
     * 1.060, 1.109, 1.084; 128 x 2048 x 784 1.051, 1.087, 1.115; unchanged blocks (128 x 1024 x 2048) 1.002-1.019.
     * 24 KB lost 14% on 64 x 1024 x 3136 (2026-12-04-nt-as-nn.md).
     */
    static final int NT_B_BLOCK_BYTES = 32 * 1024;

    /** Rows per NT row block for reduction length {@code k}: a multiple of the tile's rows. */
    static int ntRowBlock(int k, int tileRows) {
        return Math.max(tileRows, NT_A_BLOCK_BYTES / (4 * k) / tileRows * tileRows);
    }

    /** Columns per NT column block for reduction length {@code k}: a multiple of the tile's columns. */
    static int ntColumnBlock(int k, int tileCols) {
        return Math.max(tileCols, NT_B_BLOCK_BYTES / (4 * k) / tileCols * tileCols);
    }

    private static final Pattern NUMBERED_LOCAL = Pattern.compile("(a|c|br|va|vb|x|y|s|acc)[0-9]+");

    /**
     * Whether SCALAR kernels use {@code Math.fma} ({@code s = Math.fma(x, y, s)}) or a multiply and an add
     * ({@code s += x * y}). GemmProbe on the MLP shapes (three runs, all eight kernels): 5.3-5.6 GFLOP/s with fma,
     * 4.5-5.1 without, a small gain on a noisy shared machine; but on a CPU without FMA, Math.fma takes a BigDecimal
     * software path, about 100x slower, so the fallback style multiplies and adds. VECTOR kernels use fma
     * throughout, scalar tails included.
     */
    static final boolean SCALAR_USES_FMA = false;

    private GemmEmitter() {
    }

    /**
     * Rows per block of a VECTOR NN kernel with a short reduction, or 0 for no blocking. Column panels are the outer
     * loop so that a panel of B is reused by every row tile; when there are many rows (the patch gradient of a
     * convolution has {@code batch * H * W} of them and K = 64 output channels) the rows' part of A no longer fits in
     * cache and is streamed again for every panel. With K <= 128, blocks of rows whose part of A is about 16 KB stay
     * in L1 across all panels. Every element is still computed by the same chain of fmas, so results are bitwise
     * those of the unblocked kernel; longer reductions (the MLP's) are left as they were, since there a panel of B is
     * the bigger operand.
     */
    static int nnRowBlock(GemmSpec spec, int rows) {
        if (spec.form() != Form.NN || spec.style() != Style.VECTOR) {
            return 0;
        }
        if (spec.k() > 128) {
            return Math.max(rows, NN_LONG_A_BLOCK_FLOATS / spec.k() / rows * rows);
        }
        return Math.max(rows, 4096 / spec.k() / rows * rows);
    }

    /**
     * Floats of A per block of rows of a VECTOR NN kernel with a long reduction (1 MB, half of a 2 MB L2): with many
     * rows (inference at batch 1024: A is 1024 x 784 floats, 3.2 MB) the rows' part of A went through L3 once per
     * column panel, eight times for 512 columns; in blocks of rows it stays in L2 while the panels pass over it, and B
     * is read once per block instead. Training's calls (128 rows or fewer per thread) are one block. Intel family 6
     * model 167, alternated in one JVM: StepAB forward on the weights prepared for inference, MLP batch 1024, one
     * thread 1.082 (2 MB blocks: 1.042), two threads 0.993; KernelAB NN 1024 x 512 x 784 1.11, 1024 x 256 x 512 1.05,
     * 512 x 512 x 784 0.94 (2 MB blocks: 1.05, 1.02, 0.99); MLP training at batch 512 on two threads 1.007.
     */
    static final int NN_LONG_A_BLOCK_FLOATS = 256 * 1024;

    /**
     * Reduction steps per block of a VECTOR NN kernel with a long reduction (see {@link #nnKBlocks}): inside each
     * column panel, the panel's part of B for one block (128 rows, 32 KB for four 512-bit vectors) is shared by all
     * row tiles from L1, where a whole panel (2048 rows of B, each on its own 4 KB page, for the 2048-wide MLP's
     * input gradient) went through L2 and the TLB once per row tile. GemmShapes, 1 thread, quiet Zen 5, alternated
     * pairs: wide dX NN 128x2048x2048 50 -> 89-99 GFLOP/s; cnn dH NN 64x3136x1024 122-134 -> 123-141 with blocks of
     * 128 (107-119 with 256, 110 with 512).
     */
    static final int NN_K_BLOCK = 128;

    /**
     * Calls of a VECTOR NN kernel with fewer rows than this take few-row tiles over all of k ({@code Kernel.fewRows}),
     * bitwise the results of the row tiles (at most 6 rows), which left such calls to their one-row tile on panels of
     * 2 vectors: that reads a large B down its rows a panel at a time, from L3, once per row. 1 thread, 512-bit, Zen 5,
     * B 784 x 512 (a probe of these loops): one row 1 x 16 vectors 19.3 us, 1 x 8 21.0, dot products on B^T (NT, the
     * forward on W as declared) about 25; two rows 2 x 8 22.5; four rows 4 x 4 28.9, 2 x 8 twice 35-37, NT 34.5.
     */
    static final int NN_FEW_ROWS = 8;

    /** The smallest B (N x K floats, 128 KB) for which an NN kernel has the few-row tiles; smaller ones stay in L2. */
    static final int NN_FEW_ROWS_MIN_B = 32 * 1024;

    /**
     * Whether calls of {@code spec}'s kernel with fewer than {@link #NN_FEW_ROWS} rows take few-row tiles: VECTOR NN
     * kernels that ask for them ({@link GemmSpec#fewRows}: the forward products on weights laid out for inference;
     * each adds about ten tile methods, so the training kernels, which see few rows only at tiny batches, do not)
     * with a B of at least {@link #NN_FEW_ROWS_MIN_B} floats. Their column entry then wants one part per
     * thread ({@code ClassEmitter}): chunks of one panel would leave the wide tiles nothing to cover.
     */
    static boolean hasFewRowsPath(GemmSpec spec) {
        return spec.fewRows() && spec.style() == Style.VECTOR && spec.form() == Form.NN
                && (long) spec.n() * spec.k() >= NN_FEW_ROWS_MIN_B;
    }

    /**
     * Whether a VECTOR NN kernel cuts its reduction into blocks of {@link #nnKBlock} steps (one block, all of k, for
     * the weights laid out for inference), as TN does: tiles of the first block start from 0, the others from C's
     * partial sums, so every element is still one chain of fmas in k order and the results are those of the unblocked
     * kernel, bit for bit.
     */
    static boolean nnKBlocks(GemmSpec spec) {
        return spec.form() == Form.NN && spec.style() == Style.VECTOR && spec.k() > NN_K_BLOCK;
    }

    /**
     * Steps of k per block of an NN kernel with {@link #nnKBlocks}: {@link #NN_K_BLOCK}, or all of k at once for W^T
     * laid out for inference ({@link GemmSpec#fewRows}) with a reduction of at most {@link #NN_PANEL_WHOLE_K}.
     */
    static int nnKBlock(GemmSpec spec) {
        return spec.fewRows() && spec.k() <= NN_PANEL_WHOLE_K ? spec.k() : NN_K_BLOCK;
    }

    /**
     * The longest reduction for which an NN kernel on W^T laid out for inference ({@link GemmSpec#fewRows}) runs its
     * tiles over all of k at once instead of in blocks of {@link #NN_K_BLOCK}. In that layout a tile's columns of B
     * lie in one panel, row after row on their own cache lines, which the prefetcher streams from L2 (784 rows of 64
     * columns: 200 KB); blocks of k only made every tile after the first block load C's partial sums again (the
     * 6 x 4 tile going on from C: 121 GFLOP/s, from zero 150; probe, 2026-12-05). The tiles still take k0 and k1 as
     * arguments: with the bounds as constants in the tile's loop, C2 compiled it into a slower loop (StepAB below:
     * 0.961 on one thread, 0.934 on two). StepAB, forward on the prepared weights, MLP batch 1024, Intel family 6
     * model 167, against blocks of 128, medians of 9 rounds in two runs: 1.046 and 1.039 on one thread, 1.013 and
     * 1.033 on two (a probe with one block for every NN kernel up to 1,024: 1.046 and 1.057; blocks of 256: 1.030 on
     * one). The MLP's reductions (784, 512, 256) are the only ones measured: the limit of 1,024 (a tile's 64 columns
     * then span 256 KB of B) was chosen to stay within the L2 of the CPUs we have run on (512 KB and more).
     */
    static final int NN_PANEL_WHOLE_K = 1024;

    /**
     * Row stride, in floats, whose multiples make a VECTOR kernel with blocks of the reduction (TN, and NN with
     * {@link #nnKBlocks}) pack its operands, as BLAS does: per block of k and block of rows (at most {@link
     * #PACKED_A_FLOATS} of A), the rows' part of A is copied tile by tile into a contiguous array (each tile's elements
     * in the order its k loop reads them), and per block of k the full-width column panels' part of B into another,
     * panel after panel ({@link #PACKED_B_FLOATS}; the narrower panels at the end of a row read B in place). The loops
     * then run k blocks outermost (C's partial sums carried from one block to the next, as TN always did), so every
     * element of C is still the same chain of fmas in k order and results do not change.
     *
     * <p>Why only such strides: rows 4 KB apart (a multiple of 1,024 floats) all map to the same set of a 48 KB,
     * 12-way L1 (64 sets of 64 bytes), so a block of 128 such rows cannot stay in L1 whatever its size, and each row
     * is on its own page. Packing helped exactly there and cost elsewhere (one JVM, both kernels alternated, CPU time,
     * 1 thread, Zen 4, medians of 11): TN 2048 x 2048 x 128 (the 2048-wide MLP's weight gradient) +9%, TN 1024 x 3136
     * x 64 (the convnet's dense weight gradient, A's rows 4 KB apart) +16%, NN 128 x 2048 x 2048 +5%; but TN 256 x
     * 512 x 128 -4%, NN 64 x 3136 x 1024 (A's rows 4 KB apart, B's not) -5%, TN 64 x 800 x 12544 and 512 x 784 x 128
     * +1%. So TN kernels pack when M (A's stride) or N (B's) is such a multiple, NN kernels when N is.
     */
    static final int PACK_STRIDE = 1024;

    /** Floats of A's packed block: at most 256 KB, a quarter of a 1 MB L2. */
    static final int PACKED_A_FLOATS = 64 * 1024;

    /**
     * Floats per step of k of a packed tile of {@code rows} rows of A: rows rounded up to a power of two, the rest
     * padding. A tile's k loop indexes its part as {@code ak = aOff + (k - k0) * stride}, and C2 (JDK 17) rewrites a
     * multiplication by a constant of two set bits, such as 6 or 5, into a sum of two shifts, which its range check
     * elimination does not recognize as a multiple of k: the 6 x 4 tile then kept two range checks and the index
     * arithmetic in its loop, on the ports its fmas need (disassembly, 2026-12-05). L1-resident tile alone, 512-bit,
     * 1 thread, Xeon model 167, 3 alternated runs: from 0 158/165/147 -> 188/174/169 GFLOP/s, from C's partial sums
     * 141/137/162 -> 167/162/171.
     */
    static int packedAStride(int rows) {
        return rows <= 1 ? 1 : Integer.highestOneBit(rows - 1) << 1;
    }

    /**
     * Floats of B's packed block (1 MB): per block of k, the full-width panels of up to this many floats' worth of
     * columns (2,048 for NN's 128 rows of k, 1,024 for TN's 256) are packed in one pass along B's rows before any
     * tile runs. Packed panel by panel, each row of a panel (64 to 256 bytes) came from its own page of B, and the
     * copies waited on memory one after the other. KernelAB, 1 thread, Zen 4, medians of 15-21 alternated rounds,
     * bitwise the same C: with 256-bit vectors (AVX2's width; panels of 16 floats) NN 128 x 2048 x 1024 (the
     * 2048-wide MLP's input gradient) 36 -> 50 GFLOP/s, TN 1024 x 2048 x 128 (its weight gradient) 44 -> 64; with
     * 512-bit vectors and 256-bit tiles (an ahead-of-time class on AVX-512; panels of 32) 55 -> 73 and 60 -> 67; with
     * 512-bit tiles (panels of 64) +3% and 0%, within the noise.
     */
    static final int PACKED_B_FLOATS = 256 * 1024;

    /** Rows of k per block of a VECTOR TN kernel whose panel of B is {@code panelFloats} wide (not packed). */
    static int tnKBlockRows(int panelFloats) {
        return Math.max(TN_K_BLOCK_MIN, Math.min(TN_K_BLOCK, TN_PANEL_FLOATS / panelFloats));
    }

    /** Whether the kernel of {@code spec} packs its operands (see {@link #PACK_STRIDE}). */
    static boolean packs(GemmSpec spec) {
        if (spec.style() != Style.VECTOR || spec.swapsOperands() || spec.bInPanels()) {
            return false;
        }
        boolean bAliases = spec.bRowStride() % PACK_STRIDE == 0;
        return spec.form() == Form.TN ? bAliases || spec.m() % PACK_STRIDE == 0 : nnKBlocks(spec) && bAliases;
    }

    /**
     * Whether a VECTOR TN kernel that does not {@link #packs} packs its operands panel by panel instead: per block of
     * {@link #PANEL_K_BLOCK} steps of k, its rows of A once (tile by tile, as {@link #packs} does), and each
     * full-width column panel of B just before the row tiles that use it, into an array that stays in L1 (128 x 64
     * floats, 32 KB). It does when B's rows are a multiple of {@link #PANEL_PACK_STRIDE} floats apart (2 KB, and not
     * 4 KB, which {@link #packs}): the 128 rows of a panel then fall on 2 of a 48 KB L1's 64 sets and cannot stay in
     * L1 while the row tiles sweep them. KernelAB, one thread, Intel family 6 model 167, alternated: TN 256 x 512 x 128
     * (the MNIST MLP's second weight gradient) 1.176 and 1.050 in two sittings, at batch 32 1.162, at 512 1.015; TN 512
     * x 784 x 128, whose B rows are 3,136 bytes apart, 0.993 then (it packs now, for both reasons below). The MLP's
     * step on 2 threads:
     * 1.044 and 0.985 (StepAB, within its noise). {@link #packs}' packing (all of B's panels first, up to 1 MB) at 2 KB
     * strides lost on two threads (StepAB 0.947, each thread packing all of B;
     * benchmarks/results/2026-12-05-weight-lines.md).
     * It does as well when B's rows are 2 KB or more apart: a block of a panel then spans more pages (128 rows of
     * 2.5 KB or more: 80 pages and up) than L1's TLB maps (64 pages of 4 KB on this Xeon), and the packed copy, one
     * contiguous 32 KB, reads faster than B in place even after the copy's cost. KernelAB, one thread, Xeon model 167,
     * 2026-12-05, 9 rounds, against the kernel that read B in place: TN 300 x 640 x 128 1.106, 300 x 784 x 128
     * 1.106 (at batch 512 1.135, at 32 1.018), 100 x 784 x 128 1.085, 300 x 1000 x 128 1.164, 300 x 3000 x 128
     * 1.245; B's rows closer, 1000 x 500 x 64 1.015 and 128 x 300 x 128 0.935, so they keep reading B in place.
     * It does too when A's rows are a multiple of 2 KB apart (M a multiple of {@link #PANEL_PACK_STRIDE}): a tile's 6
     * floats of each step of k then sit on 2 of L1's sets as well. Since packed tiles of A have no range checks left
     * ({@link #packedAStride}), this pays: TN 512 x 784 x 128 (the MLP's first weight gradient) 1.138 [1.087-1.170]
     * (KernelAB, 9 rounds, 2026-12-05; 0.993 before that change), at batch 32 1.013, at 512 0.978 (C, 1.6 MB, comes
     * from L3 in every block of k either way). Packing all of B instead ({@link #packs}) gave 1.210 at 128 but 0.811
     * at 32.
     * Every element of C is the same chain of fmas in k order: results do not change. Not the kernels a convolution
     * calls once per sample ({@link GemmSpec#accumulates()}), which would pack per sample.
     */
    static boolean packsPanels(GemmSpec spec) {
        return spec.form() == Form.TN && spec.style() == Style.VECTOR && !packs(spec) && !spec.swapsOperands()
                && !spec.splitColumns() && !spec.accumulates()
                && (spec.bRowStride() >= PANEL_PACK_STRIDE || spec.m() % PANEL_PACK_STRIDE == 0)
                && spec.m() >= PANEL_PACK_MIN;
    }

    /**
     * The fewest rows of C for which an {@link #nnPacksPanels} kernel packs: below, the copy of a panel's block costs
     * more than its tiles gain. KernelAB NN x 512 x 256 (B's rows 2 KB apart), 1 thread, Xeon model 167, against B
     * read in place: 16 rows 0.841, 32 rows 0.941, 48 rows 0.994, 64 rows 1.086, 128 rows 1.150 and 1.166, 512 rows
     * 1.159; NN 64 x 3136 x 1024 (the convnet's dense input gradient, rows 12.5 KB apart) 1.057 and 1.089.
     */
    static final int NN_PANEL_PACK_ROWS = 64;

    /**
     * Whether a VECTOR NN kernel with blocks of k ({@link #nnKBlocks}) that does not {@link #packs} copies each
     * full-width panel's part of B for a block of k (128 x 64 floats, 32 KB) into an array that stays in L1 just
     * before the row tiles that use it, as {@link #packsPanels} does for TN: where B's rows are 2 KB or more apart (a
     * block of a panel read in place spans more pages than L1's TLB maps, or its rows alias in L1). Not for the
     * weights laid out for inference ({@link GemmSpec#fewRows}: one panel, rows on their own lines, streamed), nor the
     * kernels a convolution calls once per sample ({@link GemmSpec#accumulates()}). Every element of C is the same
     * chain of fmas in k order.
     */
    static boolean nnPacksPanels(GemmSpec spec) {
        return nnKBlocks(spec) && !packs(spec) && !spec.fewRows() && !spec.swapsOperands() && !spec.splitColumns()
                && !spec.accumulates() && spec.bRowStride() >= PANEL_PACK_STRIDE;
    }

    /**
     * 2 KB in floats: a TN kernel {@link #packsPanels} when B's rows are at least this far apart or M (A's row
     * stride) is a multiple of it; an NN kernel {@link #nnPacksPanels} when B's rows are at least this far apart.
     */
    static final int PANEL_PACK_STRIDE = 512;

    /** Steps of k per block of a {@link #packsPanels} kernel: a 64-column panel of B of 32 KB, in L1. */
    static final int PANEL_K_BLOCK = 128;

    /** The fewest rows of C for which a TN kernel {@link #packsPanels}: a classifier's 10 rows do not. */
    static final int PANEL_PACK_MIN = 64;

    /** Name of the packed block of B: a local array of the entry methods of {@link #packs} kernels. */
    private static final String PACKED_B = "bp";
    /** Name of the packed block of A, as {@link #PACKED_B}. */
    private static final String PACKED_A = "ap";

    /** Whether {@code name} is a fixed parameter or a local of the generated kernels (not usable as extra param). */
    static boolean isReservedName(String name) {
        return FIXED_NAMES.contains(name) || LOCAL_NAMES.contains(name) || NUMBERED_LOCAL.matcher(name).matches();
    }

    /**
     * The widest vectors the kernels use, in bits: 16 floats, the {@link #NT_LANES} partial sums of an NT element in
     * one vector. A wider JVM (SVE up to 2048 bits) gets 512-bit vectors.
     */
    public static final int MAX_VECTOR_BITS = 512;

    /** The system property that caps the kernels' vector width, in bits (see {@link #addVectorFields}). */
    public static final String MAX_VECTOR_BITS_PROPERTY = "netc.maxVectorBits";

    /**
     * Adds {@code static final VectorSpecies<Float> SPECIES}, {@code FloatVector.SPECIES_PREFERRED} up to
     * {@value #MAX_VECTOR_BITS} bits unless the system property {@value #MAX_VECTOR_BITS_PROPERTY} caps it lower (256,
     * or 128), and {@code static final int LANES = SPECIES.length()} to a class that will hold VECTOR kernels; call it
     * once per class. JavaPoet adds the {@code jdk.incubator.vector} imports when the file is written.
     *
     * <p>Why the JVM's width by default: capping it at 256 bits on an AVX-512 machine cost a quarter of the MLP's
     * training throughput (2 threads, batch 128: 54,700 against 74,900 samples/s, TrainThroughput, 2026-12-02). The
     * width does not change results: NN and TN accumulate each element of C in one lane, in k order, and NT sums a
     * fixed {@value #NT_LANES} partial sums per element in one fixed order whatever the number of lanes (see
     * {@link #NT_LANES}), so 128-, 256- and 512-bit kernels give bitwise the same C; the cap exists to measure and
     * to test that. One species per JVM: one JVM running kernels of two species (Float256Vector and Float512Vector)
     * pollutes the Vector API's shared call sites, and the TN kernels fell from about 30 GFLOP/s to 2 (GemmProbe,
     * JDK 17).
     */
    public static void addVectorFields(TypeSpec.Builder type) {
        CodeBlock max = CodeBlock.of("$T.min($L, $T.getInteger($S, $L))", Math.class, MAX_VECTOR_BITS,
                Integer.class, MAX_VECTOR_BITS_PROPERTY, MAX_VECTOR_BITS);
        FieldSpec species = FieldSpec.builder(ParameterizedTypeName.get(VECTOR_SPECIES, ClassName.get(Float.class)),
                        SPECIES, Modifier.STATIC, Modifier.FINAL)
                .initializer("$T.SPECIES_PREFERRED.vectorBitSize() <= $L ? $T.SPECIES_PREFERRED\n: $L >= 512 ? "
                        + "$T.SPECIES_512 : $L >= 256 ? $T.SPECIES_256 : $T.SPECIES_128", FLOAT_VECTOR, max,
                        FLOAT_VECTOR, max, FLOAT_VECTOR, max, FLOAT_VECTOR, FLOAT_VECTOR)
                .build();
        type.addField(species);
        type.addField(FieldSpec.builder(TypeName.INT, LANES, Modifier.STATIC, Modifier.FINAL)
                .initializer("$N.length()", species)
                .build());
        for (int f = 0; f < FOLDS; f++) {
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(VECTOR_SHUFFLE, ClassName.get(Float.class)),
                            FOLD + f, Modifier.STATIC, Modifier.FINAL)
                    .initializer("$T.iota($L, $T.max(1, $L >> $L), 1, true)", VECTOR_SHUFFLE, SPECIES, Math.class,
                            LANES, f + 1)
                    .build());
        }
        TransposeBlocks.addFields(type);
        for (String scratch : List.of(PACK_A_SCRATCH, PACK_B_SCRATCH, TRANSPOSED_SCRATCH)) {
            // of Object, not float[]: Janino erases get() to Object and needs the cast, which javac -Xlint would call
            // redundant on a ThreadLocal<float[]>
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(ThreadLocal.class, Object.class), scratch,
                            Modifier.STATIC, Modifier.FINAL)
                    .initializer("new $T<>()", ThreadLocal.class)
                    .build());
        }
    }

    /**
     * Names of the per-thread arrays that kernels packing their operands ({@link #packs}) copy A's and B's blocks
     * into, and that short-reduction NT kernels transpose B into ({@link #NT_SHORT_K}) and narrow column-split TN
     * kernels compute C transposed into ({@link GemmSpec#swapsOperands()}): kept from call to call, so that a step
     * allocates nothing (a new pair per call was about 1 MB per step of the 2048-wide MLP), and per thread, since
     * the pool's threads run the same kernel on different rows at once. A kernel that calls another (the transposing
     * ones) uses TRANSPOSED, the callee at most the other two.
     */
    static final String PACK_A_SCRATCH = "PACK_A";
    static final String PACK_B_SCRATCH = "PACK_B";
    static final String TRANSPOSED_SCRATCH = "TRANSPOSED";

    /** Name of the last parameter of an accumulating kernel ({@link GemmSpec#accumulates}). */
    static final String ACCUMULATE = "accumulate";
    /**
     * Prefix of the {@code VectorShuffle} fields that fold a vector onto itself, lane i taking lane i + LANES/2^(f+1)
     * (wrapping): {@code FOLD0 .. FOLD3}, enough for 16 lanes. An NT accumulator is summed by adding its folds in
     * turn, a fixed order on every JVM (unlike reduceLanes(ADD), whose order JDK 17 and 25 choose differently), in
     * four permute-and-add steps instead of sixteen lane extracts.
     */
    static final String FOLD = "FOLD";
    static final int FOLDS = 4;

    /**
     * The methods of the kernel for {@code spec}: first the entry method named {@code spec.methodName()}, then its
     * helpers, whose names all start with the entry's name. All are package-private {@code static}; add modifiers
     * with {@code toBuilder()} if needed.
     */
    public static List<MethodSpec> emit(GemmSpec spec) {
        return emit(spec, SCALAR_USES_FMA);
    }

    /** As {@link #emit(GemmSpec)}, choosing the SCALAR multiply-add explicitly (for measurements). */
    static List<MethodSpec> emit(GemmSpec spec, boolean scalarFma) {
        return new Kernel(spec, scalarFma).methods();
    }

    /** The methods of one kernel. */
    private static final class Kernel {
        private final GemmSpec spec;
        private final boolean vector;
        private final boolean scalarFma;
        private final CodeBlock n;
        /** The distance between rows of B in NN and TN ({@link GemmSpec#bRowStride()}). */
        private final CodeBlock bRowStride;
        private final CodeBlock k;
        /** Rows per tile ({@link GemmSpec#rowTile}); for a {@link GemmSpec#widensTile()} kernel, per loop nest. */
        private int tileRows;
        /** Columns (NT, SCALAR) or vectors (NN and TN, VECTOR) per tile. */
        private int tileCols;
        /** Whether the nest being emitted is {@link #perWidth}'s for 16-lane vectors. */
        private boolean wideNest;
        private final List<MethodSpec> helpers = new ArrayList<>();
        /** The variables bounding the rows a panel covers: the call's range, or an NN row block. */
        private String rowLo = "mLo";
        private String rowHi = "mHi";
        /** Whether the tiles being emitted read the packed block of B ({@link #packs}) instead of B. */
        private boolean packedB;
        /** Whether B's full-width panels are packed one at a time, just before their tiles ({@link #packsPanels}). */
        private boolean panelPacked;
        /** Whether the tiles being emitted are a full-width column panel's (the loop {@link #nnPacksPanels} packs). */
        private boolean fullPanel;
        /** Whether the tiles being emitted read the packed block of A instead of A. */
        private boolean packedA;
        /** Whether the tiles being emitted read A's few rows copied whole to the packed block ({@link #fewRows}). */
        private boolean copiedA;
        /**
         * What the tiles get as B's offset: {@code bOff}, or inside the loop over B's column panels
         * ({@link GemmSpec#bInPanels()}) the panel's {@code bPanel}.
         */
        private String bBase = "bOff";

        Kernel(GemmSpec spec, boolean scalarFma) {
            this.spec = spec;
            this.vector = spec.style() == Style.VECTOR;
            this.scalarFma = scalarFma;
            this.n = JavaLiterals.intLiteral(spec.n());
            this.bRowStride = JavaLiterals.intLiteral(spec.bRowStride());
            this.k = spec.form() == Form.TN ? CodeBlock.of("batch") : JavaLiterals.intLiteral(spec.k());
            this.tileRows = spec.effectiveTile().rows();
            this.tileCols = spec.effectiveTile().cols();
        }

        List<MethodSpec> methods() {
            if (ntTransposes(spec)) {
                return transposedNt();
            }
            if (ntSwaps(spec)) {
                return swappedNt();
            }
            if (spec.swapsOperands()) {
                return swappedTn();
            }
            MethodSpec.Builder entry = signature(spec.methodName(), spec.splitColumns() ? "pLo" : "mLo",
                    spec.splitColumns() ? "pHi" : "mHi").addParameters(spec.extraParams());
            accumulateParameter(entry);
            entry.addCode(header());
            entry.addCode(spec.form() == Form.NT ? rowBlocksOuter(false)
                    : spec.form() == Form.TN ? reductionBlocksOuter() : columnPanelsOuter(CodeBlock.of("0"), n));
            List<MethodSpec> all = new ArrayList<>();
            all.add(entry.build());
            if (spec.hasColumnEntry()) {
                all.add(columnEntry());
            }
            if (spec.epilogue() != null) {
                helpers.add(epilogueMethod());
            }
            all.addAll(helpers);
            return all;
        }

        /**
         * A short-reduction NT kernel: B transposed into the thread's TRANSPOSED array, then an NN kernel (see {@link
         * #NT_SHORT_K}).
         */
        private List<MethodSpec> transposedNt() {
            GemmSpec nn = new GemmSpec(Form.NN, 0, spec.n(), spec.k(), spec.methodName() + "Nn", spec.epilogue(),
                    spec.extraParams(), spec.style(), spec.tile(), GemmSpec.Split.ROWS);
            List<MethodSpec> nnMethods = new Kernel(nn, scalarFma).methods();
            MethodSpec.Builder entry = signature(spec.methodName(), "mLo", "mHi").addParameters(spec.extraParams());
            entry.addCode("// C[m][n] = sum_k A[m][k] * B[n][k] for rows [mLo, mHi), M = batch, N = $L, K = $L\n",
                    spec.n(), spec.k());
            entry.addCode("// a short reduction: B transposed, then NN tiles (each element an fma chain in k order)\n");
            transposedScratch(entry, "bt", CodeBlock.of("$L", spec.n() * spec.k()));
            entry.beginControlFlow("for (int j = 0; j < $L; j++)", n);
            entry.addStatement("int bj = bOff + j * $L", k);
            entry.beginControlFlow("for (int i = 0; i < $L; i++)", k);
            entry.addStatement("bt[i * $L + j] = b[bj + i]", n);
            entry.endControlFlow();
            entry.endControlFlow();
            CodeBlock.Builder args = CodeBlock.builder().add("a, aOff, bt, 0, c, cOff, batch, mLo, mHi");
            for (ParameterSpec p : spec.extraParams()) {
                args.add(", $N", p);
            }
            entry.addStatement("$N($L)", nnMethods.get(0), args.build());
            List<MethodSpec> all = new ArrayList<>();
            all.add(entry.build());
            all.addAll(nnMethods);
            return all;
        }

        /**
         * An NT kernel that runs as NN with A and B swapped ({@link #ntSwaps}): both entries call one range method
         * that, per block of {@link #NT_SWAP_ROWS} rows of A, transposes the block into this thread's array, computes
         * the block's C^T = B A^T on the columns asked for by NN tiles over whole vectors of rows (the rows past the
         * block's end are zeros), transposes it back into C and runs the epilogue on the block's rows.
         */
        private List<MethodSpec> swappedNt() {
            String base = spec.methodName();
            int kk = spec.k();
            int nn = spec.n();
            int width = NT_SWAP_ROWS;
            // the NN tile for the vectors this kernel was tiled for (a 256-bit kernel widens it on 16 lanes)
            int bits = spec.tile().equals(Tile.broadcast(Form.NT, GemmSpec.DEFAULT_VECTOR_BITS))
                    ? GemmSpec.DEFAULT_VECTOR_BITS : MAX_VECTOR_BITS;
            GemmSpec inner = new GemmSpec(Form.NN, 0, width, kk, base + "Swapped", null, List.of(), spec.style(),
                    Tile.broadcast(Form.NN, bits, kk), GemmSpec.Split.ROWS);
            List<MethodSpec> innerMethods = new Kernel(inner, scalarFma).methodsToColumn();
            // fewer than NT_SWAP_ROWS rows of A in a block (a small batch, a thread's part of one, the last block):
            // C^T has 16, 32 or 48 columns, where the 6 x 4 tile of 16 lanes would fall to 6 x 1 tiles and leave
            // rows to one-row tiles; 8 x 2 fits them (StepAB, MLP batch 32, 2 threads: forward 0.83 and step 0.91
            // with 6 x 4 alone)
            GemmSpec narrow = new GemmSpec(Form.NN, 0, width, kk, base + "SwappedNarrow", null, List.of(),
                    spec.style(), NARROW_SWAP_TILE, GemmSpec.Split.ROWS);
            List<MethodSpec> narrowMethods = new Kernel(narrow, scalarFma).methodsToColumn();
            String range = base + "Range";
            String transpose = base + "Transpose";
            CodeBlock.Builder extra = CodeBlock.builder();
            for (ParameterSpec p : spec.extraParams()) {
                extra.add(", $N", p);
            }
            List<MethodSpec> all = new ArrayList<>();
            MethodSpec.Builder entry = signature(base, "mLo", "mHi").addParameters(spec.extraParams());
            entry.addCode("// C[m][n] = sum_k A[m][k] * B[n][k] for rows [mLo, mHi), M = batch, N = $L, K = $L\n", nn,
                    kk);
            entry.addCode("// as C^T = B A^T by NN tiles, $L rows of A at a time: each element an fma chain in k order\n",
                    width);
            entry.addStatement("$L(a, aOff, b, bOff, c, cOff, mLo, mHi, 0, $L$L)", range, nn, extra.build());
            all.add(entry.build());
            if (spec.hasColumnEntry()) {
                MethodSpec.Builder columns = signature(spec.columnEntryName(), "pLo", "pHi")
                        .addParameters(spec.extraParams());
                columns.addCode("// C[m][n] = sum_k A[m][k] * B[n][k] for column panels [pLo, pHi) of $L columns, every"
                        + " row, N = $L, K = $L\n", spec.columnPanelWidth(), nn, kk);
                columns.addCode("// the row entry's blocks on columns [nStart, nEnd): bitwise its results\n");
                columns.addStatement("int nStart = pLo * $L", spec.columnPanelWidth());
                columns.addStatement("int nEnd = $T.min(pHi * $L, $L)", Math.class, spec.columnPanelWidth(), nn);
                columns.addStatement("$L(a, aOff, b, bOff, c, cOff, 0, batch, nStart, nEnd$L)", range,
                        extra.build());
                all.add(columns.build());
            }
            MethodSpec.Builder body = staticVoid(range, float[].class, "a", int.class, "aOff", float[].class, "b",
                    int.class, "bOff", float[].class, "c", int.class, "cOff", int.class, "mLo", int.class, "mHi",
                    int.class, "nStart", int.class, "nEnd")
                    .addParameters(spec.extraParams());
            body.addCode("// rows [mLo, mHi) x columns [nStart, nEnd) of C; bt holds A^T ($L x $L) and then C^T ((nEnd -"
                    + " nStart) x $L)\n", kk, width, width);
            body.beginControlFlow("if (nStart >= nEnd || mLo >= mHi)");
            body.addStatement("return");
            body.endControlFlow();
            // C^T only for the columns asked: a column entry's part of a wide layer needs a part of it
            transposedScratch(body, "bt", CodeBlock.of("($L + nEnd - nStart) * $L", kk, width));
            body.beginControlFlow("for (int m0 = mLo; m0 < mHi; m0 += $L)", width);
            body.addStatement("int mb = $T.min($L, mHi - m0)", Math.class, width);
            body.addStatement("int nb = $T.min($L, (mb + $L - 1) / $L * $L)", Math.class, width, LANES_REF, LANES_REF,
                    LANES_REF);
            body.addStatement("$LA(a, aOff + m0 * $L, bt, mb, nb)", transpose, kk);
            body.beginControlFlow("if ($L >= 16 && nb < $L)", LANES_REF, width);
            body.addStatement("$N(b, bOff, bt, 0, bt, $L - nStart * $L, $L, nStart, nEnd, nb)", narrowMethods.get(0),
                    kk * width, width, nn);
            body.nextControlFlow("else");
            body.addStatement("$N(b, bOff, bt, 0, bt, $L - nStart * $L, $L, nStart, nEnd, nb)", innerMethods.get(0),
                    kk * width, width, nn);
            body.endControlFlow();
            body.addStatement("$LC(bt, $L, c, cOff + m0 * $L, mb, nStart, nEnd)", transpose, kk * width, nn);
            if (spec.epilogue() != null) {
                body.beginControlFlow("for (int i = m0; i < m0 + mb; i++)");
                body.addStatement(epilogueCall(CodeBlock.of("nStart"), CodeBlock.of("nEnd")));
                body.endControlFlow();
            }
            body.endControlFlow();
            all.add(body.build());
            all.add(transposeA(transpose + "A", transpose, kk, width));
            all.add(transposeC(transpose + "C", transpose, nn, width));
            for (int lanes : TransposeBlocks.WIDTHS) {
                all.add(TransposeBlocks.method(transpose + lanes, lanes));
            }
            if (spec.epilogue() != null) {
                all.add(epilogueMethod());
            }
            all.addAll(innerMethods);
            all.addAll(narrowMethods);
            return all;
        }

        /**
         * {@code name(a, aOff, bt, mb, nb)}: bt[k * width + j] = a[aOff + j * K + k] for rows j < mb of A, in
         * LANES x LANES blocks where whole, and zeros for j in [mb, nb).
         */
        private static MethodSpec transposeA(String name, String transpose, int kk, int width) {
            CodeBlock.Builder code = CodeBlock.builder();
            code.add("// bt[k * $L + j] = A[j][k] for rows j < mb, zeros for j in [mb, nb)\n", width);
            code.addStatement("int j = 0");
            code.beginControlFlow("for (; j + $L <= mb; j += $L)", LANES_REF, LANES_REF);
            code.addStatement("int k = 0");
            code.beginControlFlow("for (; k + $L <= $L; k += $L)", LANES_REF, kk, LANES_REF);
            code.add(TransposeBlocks.call(transpose, "a, aOff + j * " + kk + " + k, " + kk + ", bt, k * " + width
                    + " + j, " + width));
            code.endControlFlow();
            code.beginControlFlow("for (; k < $L; k++)", kk);
            code.beginControlFlow("for (int i = 0; i < $L; i++)", LANES_REF);
            code.addStatement("bt[k * $L + j + i] = a[aOff + (j + i) * $L + k]", width, kk);
            code.endControlFlow();
            code.endControlFlow();
            code.endControlFlow();
            code.beginControlFlow("for (; j < mb; j++)");
            code.beginControlFlow("for (int k = 0; k < $L; k++)", kk);
            code.addStatement("bt[k * $L + j] = a[aOff + j * $L + k]", width, kk);
            code.endControlFlow();
            code.endControlFlow();
            code.beginControlFlow("for (; j < nb; j++)");
            code.beginControlFlow("for (int k = 0; k < $L; k++)", kk);
            code.addStatement("bt[k * $L + j] = 0f", width);
            code.endControlFlow();
            code.endControlFlow();
            return staticVoid(name, float[].class, "a", int.class, "aOff", float[].class, "bt", int.class, "mb",
                    int.class, "nb")
                    .addCode(code.build())
                    .build();
        }

        /**
         * {@code name(bt, ct, c, cOff, mb, nStart, nEnd)}: C[j][n] = bt[ct + (n - nStart) * width + j] for rows
         * j < mb and columns n in [nStart, nEnd), in LANES x LANES blocks where whole.
         */
        private static MethodSpec transposeC(String name, String transpose, int nn, int width) {
            CodeBlock.Builder code = CodeBlock.builder();
            code.add("// C[j][n] = C^T[n][j] for rows j < mb and columns n in [nStart, nEnd)\n");
            code.addStatement("int j = 0");
            code.beginControlFlow("for (; j + $L <= mb; j += $L)", LANES_REF, LANES_REF);
            code.addStatement("int n = nStart");
            code.beginControlFlow("for (; n + $L <= nEnd; n += $L)", LANES_REF, LANES_REF);
            code.add(TransposeBlocks.call(transpose, "bt, ct + (n - nStart) * " + width + " + j, " + width
                    + ", c, cOff + j * " + nn + " + n, " + nn));
            code.endControlFlow();
            code.beginControlFlow("for (; n < nEnd; n++)");
            code.beginControlFlow("for (int i = 0; i < $L; i++)", LANES_REF);
            code.addStatement("c[cOff + (j + i) * $L + n] = bt[ct + (n - nStart) * $L + j + i]", nn, width);
            code.endControlFlow();
            code.endControlFlow();
            code.endControlFlow();
            code.beginControlFlow("for (; j < mb; j++)");
            code.beginControlFlow("for (int n = nStart; n < nEnd; n++)");
            code.addStatement("c[cOff + j * $L + n] = bt[ct + (n - nStart) * $L + j]", nn, width);
            code.endControlFlow();
            code.endControlFlow();
            return staticVoid(name, float[].class, "bt", int.class, "ct", float[].class, "c", int.class, "cOff",
                    int.class, "mb", int.class, "nStart", int.class, "nEnd")
                    .addCode(code.build())
                    .build();
        }

        /**
         * An NN kernel's entry over rows [mLo, mHi) and columns [0, nEnd) only ({@code nEnd} its last parameter), and
         * its helpers: the inner kernel of {@link #swappedNt}.
         */
        List<MethodSpec> methodsToColumn() {
            MethodSpec.Builder entry = signature(spec.methodName(), "mLo", "mHi").addParameter(int.class, "nEnd");
            entry.addCode(header());
            entry.addCode("// columns [0, nEnd) only\n");
            entry.addCode(columnPanelsOuter(CodeBlock.of("0"), CodeBlock.of("nEnd")));
            List<MethodSpec> all = new ArrayList<>();
            all.add(entry.build());
            all.addAll(helpers);
            return all;
        }

        /**
         * A narrow column-split TN kernel ({@link GemmSpec#swapsOperands()}): rows [nStart, nEnd) of C^T = B^T A
         * by a TN kernel with A and B swapped, into the thread's TRANSPOSED array, then stored transposed into
         * columns [nStart, nEnd) of C.
         */
        private List<MethodSpec> swappedTn() {
            GemmSpec swapped = new GemmSpec(Form.TN, spec.n(), spec.m(), 0, spec.methodName() + "Swapped", null,
                    List.of(), spec.style(), spec.tile(), GemmSpec.Split.ROWS, spec.accumulates(), false);
            List<MethodSpec> swappedMethods = new Kernel(swapped, scalarFma).methods();
            MethodSpec.Builder entry = signature(spec.methodName(), "pLo", "pHi");
            accumulateParameter(entry);
            entry.addCode("// C[m][n] = sum_k A[k][m] * B[k][n] for column panels [pLo, pHi) of all rows, M = $L,"
                    + " N = $L, K = batch\n", spec.m(), spec.n());
            entry.addCode("// C has few columns: its transpose C^T = B^T A by TN tiles with A and B swapped (each"
                    + " element the same fma chain in k order), then stored into C\n");
            entry.addStatement("int nStart = pLo * ($L)", spec.panelWidth());
            entry.addStatement("int nEnd = $T.min(pHi * ($L), $L)", Math.class, spec.panelWidth(), n);
            entry.beginControlFlow("if (nStart >= nEnd)");
            entry.addStatement("return");
            entry.endControlFlow();
            transposedScratch(entry, "ct", CodeBlock.of("(nEnd - nStart) * $L", spec.m()));
            if (spec.accumulates()) {
                // C's sums so far, transposed, for the tiles to go on from
                entry.beginControlFlow("if ($L)", ACCUMULATE);
                columnsOfTransposedC(entry, CodeBlock.of("ct[ci + i] = c[cOff + i * $L + j]", n));
                entry.endControlFlow();
            }
            entry.addStatement("$N(b, bOff, a, aOff, ct, -nStart * $L, batch, nStart, nEnd$L)", swappedMethods.get(0),
                    spec.m(), spec.accumulates() ? ", " + ACCUMULATE : "");
            columnsOfTransposedC(entry, CodeBlock.of("c[cOff + i * $L + j] = ct[ci + i]", n));
            List<MethodSpec> all = new ArrayList<>();
            all.add(entry.build());
            all.addAll(swappedMethods);
            return all;
        }

        /**
         * A loop of {@code statement} over columns j in [nStart, nEnd) of C and its rows i, with {@code ci} where
         * column j starts in {@code ct}, C^T's array of a swapped kernel.
         */
        private void columnsOfTransposedC(MethodSpec.Builder entry, CodeBlock statement) {
            entry.beginControlFlow("for (int j = nStart; j < nEnd; j++)");
            entry.addStatement("int ci = (j - nStart) * $L", spec.m());
            entry.beginControlFlow("for (int i = 0; i < $L; i++)", spec.m());
            entry.addStatement(statement);
            entry.endControlFlow();
            entry.endControlFlow();
        }

        /** Adds {@code boolean accumulate} to an accumulating kernel's entry ({@link GemmSpec#accumulates}). */
        private void accumulateParameter(MethodSpec.Builder entry) {
            if (spec.accumulates()) {
                entry.addParameter(boolean.class, ACCUMULATE);
            }
        }

        /**
         * The condition to add to "C starts from 0" in an accumulating kernel: its tiles then go on from C's sums,
         * the way a later block of the reduction does.
         */
        private String notAccumulating() {
            return spec.accumulates() ? " && !" + ACCUMULATE : "";
        }

        /** Steps of k per block of the reduction. */
        private int kBlock() {
            return packsPanels(spec) ? PANEL_K_BLOCK : spec.form() == Form.TN ? TN_K_BLOCK : NN_K_BLOCK;
        }

        /**
         * Packed kernels ({@link #packs}): per block of k, per block of columns B's part packed, then per block of
         * rows A's part; then the column panels over those rows, tiles of the first block of k starting from 0 and
         * the others from C's partial sums.
         */
        private void packedBlocks(CodeBlock.Builder code, CodeBlock nStart, CodeBlock nEnd) {
            code.add("// per block of k: B's full-width panels (at most $L floats at a time), and A's rows of a\n"
                    + "// block of rows, packed (rows of at most $L floats in blocks of at most $L floats)\n",
                    PACKED_B_FLOATS, kBlock(), PACKED_A_FLOATS);
            code.addStatement("int kb = $T.max(0, $T.min($L, $L))", Math.class, Math.class, k, kBlock());
            code.addStatement("int mb = $T.max($L, $L / $T.max(1, kb) / $L * $L)", Math.class, tileRows,
                    PACKED_A_FLOATS, Math.class, packedAStride(tileRows), tileRows);
            code.addStatement("int nb = $T.max($L, $L / $T.max(1, kb) / $L * $L)", Math.class, packedWidth(),
                    PACKED_B_FLOATS, Math.class, packedWidth(), packedWidth());
            CodeBlock columns = nStart.toString().equals("0") ? nEnd : CodeBlock.of("$L - $L", nEnd, nStart);
            scratch(code, PACKED_B, PACK_B_SCRATCH, CodeBlock.of("kb * $T.max(0, $T.min(nb, $L))", Math.class,
                    Math.class, columns));
            scratch(code, PACKED_A, PACK_A_SCRATCH, packedASize());
            code.beginControlFlow("for (int k0 = 0; k0 < $L; k0 += $L)", k, kBlock());
            code.addStatement("int k1 = $T.min(k0 + $L, $L)", Math.class, kBlock(), k);
            code.beginControlFlow("for (int nb0 = $L; nb0 < $L; nb0 += nb)", nStart, nEnd);
            code.addStatement("int nb1 = $T.min(nb0 + nb, $L)", Math.class, nEnd);
            packB(code);
            packedRowBlocks(code, CodeBlock.of("nb0"), CodeBlock.of("nb1"));
            code.endControlFlow();
            code.endControlFlow();
        }

        /**
         * Per block of {@code mb} rows: A's part packed, then the column panels from {@code from} to {@code to} over
         * those rows, their tiles starting from 0 in the first block of k and from C's partial sums in the others.
         */
        private void packedRowBlocks(CodeBlock.Builder code, CodeBlock from, CodeBlock to) {
            code.beginControlFlow("for (int m0 = mLo; m0 < mHi; m0 += mb)");
            code.addStatement("int m1 = $T.min(m0 + mb, mHi)", Math.class);
            packA(code);
            rowLo = "m0";
            rowHi = "m1";
            packedA = true;
            code.beginControlFlow("if (k0 == 0$L)", notAccumulating());
            code.add(columnPanels(from, to, true));
            code.nextControlFlow("else");
            code.add(columnPanels(from, to, false));
            code.endControlFlow();
            packedA = false;
            rowLo = "mLo";
            rowHi = "mHi";
            code.endControlFlow();
        }

        /**
         * Kernels that pack panel by panel ({@link #packsPanels}): per block of k and block of rows A's part packed,
         * then the column panels, each full-width one's part of B packed just before its row tiles; tiles of the
         * first block of k start from 0 and the others from C's partial sums.
         */
        private void panelPackedBlocks(CodeBlock.Builder code, CodeBlock nStart, CodeBlock nEnd) {
            code.add("// per block of k: A's rows of a block of rows packed (in blocks of at most $L floats), then\n"
                    + "// per full-width column panel B's rows of the block packed ($L x $L floats, in L1)\n",
                    PACKED_A_FLOATS, kBlock(), packedWidth());
            code.addStatement("int kb = $T.max(0, $T.min($L, $L))", Math.class, Math.class, k, kBlock());
            code.addStatement("int mb = $T.max($L, $L / $T.max(1, kb) / $L * $L)", Math.class, tileRows,
                    PACKED_A_FLOATS, Math.class, packedAStride(tileRows), tileRows);
            scratch(code, PACKED_B, PACK_B_SCRATCH, CodeBlock.of("kb * $L", packedWidth()));
            scratch(code, PACKED_A, PACK_A_SCRATCH, packedASize());
            code.beginControlFlow("for (int k0 = 0; k0 < $L; k0 += $L)", k, kBlock());
            code.addStatement("int k1 = $T.min(k0 + $L, $L)", Math.class, kBlock(), k);
            panelPacked = true;
            packedRowBlocks(code, nStart, nEnd);
            panelPacked = false;
            code.endControlFlow();
        }

        /**
         * Local {@code name} of {@code size} floats for a transposed operand: this thread's {@link #TRANSPOSED_SCRATCH},
         * whatever the size. A new array per call for the small ones (up to 16 KB, once thought cheaper than the
         * ThreadLocal lookup) allocated 3-8 KB per call of a convolution's short-reduction products, 7-43 KB per
         * training step of the convnet and resnet_small (2026-12-04); an accumulating kernel, called once per
         * sample (SampleLoops), would allocate per sample and panel chunk.
         */
        private void transposedScratch(MethodSpec.Builder method, String name, CodeBlock size) {
            CodeBlock.Builder code = CodeBlock.builder();
            scratch(code, name, TRANSPOSED_SCRATCH, size);
            method.addCode(code.build());
        }

        /** Local {@code name}: this thread's array of {@code field}, replaced by a new one if shorter than size. */
        private void scratch(CodeBlock.Builder code, String name, String field, CodeBlock size) {
            code.addStatement("float[] $L = (float[]) $L.get()", name, field);
            code.beginControlFlow("if ($L == null || $L.length < $L)", name, name, size);
            code.addStatement("$L = new float[$L]", name, size);
            code.addStatement("$L.set($L)", field, name);
            code.endControlFlow();
        }

        /**
         * The call of the helper that copies rows [m0, m1) x k [k0, k1) of A into the packed block: tile by tile
         * (tiles of tileRows rows, then one-row tiles), a tile of R rows at {@link #packedAOffset} with element (k, r)
         * at (k - k0) * {@link #packedAStride}(R) + r, the order in which the tile's k loop reads them.
         */
        private void packA(CodeBlock.Builder code) {
            String name = spec.methodName() + "PackA" + tileRows;
            if (helpers.stream().noneMatch(h -> h.name().equals(name))) {
                CodeBlock.Builder body = CodeBlock.builder();
                body.add("// rows [m0, m1) x k [k0, k1) of A, tile by tile in the order the tiles read them\n");
                body.addStatement("int m = m0");
                packATiles(body, tileRows);
                packATiles(body, 1);
                helpers.add(packHelper(name, "a", PACKED_A, "m", body.build()));
            }
            code.addStatement("$L(a, aOff, $L, m0, m1, k0, k1)", JavaLiterals.checkedIdentifier(name), PACKED_A);
        }

        /**
         * A packing helper {@code name(from, fromOff, packed, lo0, lo1, k0, k1)}: copies the range [lo0, lo1) of
         * {@code lo}'s dimension (rows m of A, columns n of B) for k in [k0, k1) of {@code from} into {@code packed}.
         */
        private static MethodSpec packHelper(String name, String from, String packed, String lo, CodeBlock body) {
            return staticVoid(name, float[].class, from, int.class, from + "Off", float[].class, packed, int.class,
                    lo + "0", int.class, lo + "1", int.class, "k0", int.class, "k1")
                    .addCode(body)
                    .build();
        }

        /** A {@code static void} method {@code name} with the parameters given as (type, name) pairs. */
        private static MethodSpec.Builder staticVoid(String name, Object... typesAndNames) {
            MethodSpec.Builder m = MethodSpec.methodBuilder(name).addModifiers(Modifier.STATIC).returns(TypeName.VOID);
            for (int i = 0; i < typesAndNames.length; i += 2) {
                m.addParameter((Class<?>) typesAndNames[i], (String) typesAndNames[i + 1]);
            }
            return m;
        }

        private void packATiles(CodeBlock.Builder code, int rows) {
            if (rows > 1) {
                code.beginControlFlow("for (; m + $L <= m1; m += $L)", rows, rows);
            } else {
                code.beginControlFlow("for (; m < m1; m++)");
            }
            code.addStatement("int at = $L", packedAOffset());
            code.beginControlFlow("for (int k = k0; k < k1; k++)");
            code.addStatement(rows > 1 ? "int ak = at + (k - k0) * " + packedAStride(rows) : "int ak = at + k - k0");
            for (int r = 0; r < rows; r++) {
                CodeBlock element = spec.form() == Form.TN
                        ? CodeBlock.of("a[aOff + k * $L + m$L]", JavaLiterals.intLiteral(spec.m()),
                                r == 0 ? "" : " + " + r)
                        : CodeBlock.of("a[aOff + (m$L) * $L + k]", r == 0 ? "" : " + " + r, k);
                code.addStatement("$L[$L] = $L", PACKED_A, plus(CodeBlock.of("ak"), r), element);
            }
            code.endControlFlow();
            code.endControlFlow();
        }

        /**
         * Where row m's tile starts in a packed block of rows [m0, m1): tiles of tileRows rows take {@link
         * #packedAStride} floats per step of k, the single rows after them one.
         */
        private CodeBlock packedAOffset() {
            int stride = packedAStride(tileRows);
            return stride == tileRows ? CodeBlock.of("(m - m0) * (k1 - k0)")
                    : CodeBlock.of("((m - m0) / $L * $L + (m - m0) % $L) * (k1 - k0)", tileRows, stride, tileRows);
        }

        /** Floats of a packed block of A: its full tiles padded ({@link #packedAStride}), plus up to a tile more. */
        private CodeBlock packedASize() {
            int stride = packedAStride(tileRows);
            return stride == tileRows ? CodeBlock.of("$T.max(0, $T.min(mHi - mLo, mb)) * kb", Math.class, Math.class)
                    : CodeBlock.of("($T.max(0, $T.min(mHi - mLo, mb)) / $L + 1) * $L * kb", Math.class, Math.class,
                            tileRows, stride);
        }

        private MethodSpec.Builder signature(String name, String third, String fourth) {
            return staticVoid(name, float[].class, "a", int.class, "aOff", float[].class, "b", int.class, "bOff",
                    float[].class, "c", int.class, "cOff", int.class, "batch", int.class, third, int.class, fourth);
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
            // a kernel with a nest per vector width names both tiles' rows: the header used to name only the
            // narrower nest's, which 16-lane JVMs do not run
            String rows = spec.widensTile()
                    ? tileRows + " rows (" + spec.wideTile().rows() + " with 16 lanes)" : tileRows + " rows";
            String order = packs(spec)
                    ? "blocks of " + kBlock() + " k, then of columns (full panels of B packed), then of rows (A"
                            + " packed), then column panels, then blocks of " + rows
                    : packsPanels(spec)
                    ? "blocks of " + kBlock() + " k, then of rows (A packed), then column panels (each full one of B"
                            + " packed), then blocks of " + rows
                    : switch (spec.form()) {
                case NT -> "blocks of rows (A in L2), then blocks of columns (B in L1), then tiles";
                case NN -> {
                    // the blocks of k that panel() runs: none when one block holds all of k
                    String kBlocks = nnKBlocks(spec) && nnKBlock(spec) < spec.k()
                            ? "blocks of " + nnKBlock(spec) + " k" + (nnPacksPanels(spec)
                                    ? " (a full panel's block of B packed from " + NN_PANEL_PACK_ROWS + " rows on)" : "")
                                    + ", then " : "";
                    yield nnRowBlock(spec, tileRows) > 0
                            ? "blocks of " + nnRowBlock(spec, tileRows) + " rows outside, then column panels, then "
                                    + kBlocks + "blocks of " + rows
                            : kBlocks.isEmpty() ? "column panels outside, blocks of " + rows + " inside"
                            : "column panels outside, then " + kBlocks + "blocks of " + rows;
                }
                case TN -> "blocks of " + (vector ? tnBlockWords() : String.valueOf(TN_K_BLOCK))
                        + " k outside, then column panels, then blocks of " + rows;
            };
            return CodeBlock.of("// $L$L for $L, $L\n// $L tiles: $L\n", formula,
                    spec.accumulates() ? " (+= C's sums so far if accumulate)" : "",
                    spec.splitColumns() ? "column panels [pLo, pHi) of all rows" : "rows [mLo, mHi)", shape,
                    vector ? "FloatVector" : "float", order);
        }

        /**
         * The column entry ({@link GemmSpec.Split#ROWS_AND_COLUMNS}): every row of column panels [pLo, pHi), by the
         * same loops and tiles as the row entry, so each element is the same dot product (NT) or the same chain of
         * fmas in k order (NN).
         */
        private MethodSpec columnEntry() {
            MethodSpec.Builder entry = signature(spec.columnEntryName(), "pLo", "pHi")
                    .addParameters(spec.extraParams());
            int width = spec.columnPanelWidth();
            entry.addCode("// C[m][n] = sum_k A[m][k] * B[$L] for column panels [pLo, pHi) of $L columns, every row,"
                    + " N = $L, K = $L\n", spec.form() == Form.NT ? "n][k" : "k][n", width, spec.n(), spec.k());
            entry.addCode("// the row entry's loops and tiles on columns [nStart, nEnd): bitwise its results\n");
            entry.addStatement("int mLo = 0");
            entry.addStatement("int mHi = batch");
            entry.addStatement("int nStart = pLo * $L", width);
            entry.addStatement("int nEnd = $T.min(pHi * $L, $L)", Math.class, width, n);
            entry.addCode(spec.form() == Form.NT ? rowBlocksOuter(true)
                    : columnPanelsOuter(CodeBlock.of("nStart"), CodeBlock.of("nEnd")));
            return entry.build();
        }

        /**
         * NT: for each block of rows, every column, then the block's epilogue. VECTOR: one such loop nest per vector
         * width, each with tiles that hold the {@link #NT_LANES} partial sums of an element in {@code NT_LANES /
         * LANES} vectors; {@code LANES} is a static final constant, so the JIT keeps only the branch of the running
         * JVM's width and the other tiles are never compiled.
         */
        private CodeBlock rowBlocksOuter(boolean columnRange) {
            CodeBlock.Builder code = CodeBlock.builder();
            if (!vector) {
                rowLoops(code, tileRows, tileCols, 1, columnRange);
                return code.build();
            }
            int[] lanes = {16, 8, 4};
            for (int i = 0; i < lanes.length; i++) {
                int parts = NT_LANES / lanes[i];
                Tile t = ntTile(parts);
                if (i == 0) {
                    code.beginControlFlow("if ($L == $L)", LANES_REF, lanes[i]);
                } else {
                    code.nextControlFlow("else if ($L == $L)", LANES_REF, lanes[i]);
                }
                code.add("// $L lanes: $L vector$L per element, $L x $L tiles\n", lanes[i], parts,
                        parts == 1 ? "" : "s", t.rows(), t.cols());
                rowLoops(code, t.rows(), t.cols(), parts, columnRange);
            }
            code.nextControlFlow("else");
            code.addStatement("throw new $T($S + $L)", IllegalStateException.class,
                    "vectors of 128, 256 or 512 bits expected, lanes: ", LANES_REF);
            code.endControlFlow();
            return code.build();
        }

        /**
         * NT loops over blocks of rows ({@link #ntRowBlock}) and, inside, blocks of columns ({@link #ntColumnBlock}):
         * the rows' part of A stays in L2 and the columns' part of B in L1 while every tile of the block uses them,
         * where row tiles sweeping all of N streamed all of B through the cache once per tile (the convnet's dense
         * layer, 64 x 1024 x 3136, ran at 11% of the FMA peak). Each element is still one dot product computed by
         * one tile, so the blocks do not change results. A row block gets its epilogue once all its columns are done.
         * With {@code columnRange}, the columns are [nStart, nEnd) (the column entry's locals) instead of all N.
         */
        private void rowLoops(CodeBlock.Builder code, int rows, int cols, int parts, boolean columnRange) {
            CodeBlock nFirst = columnRange ? CodeBlock.of("nStart") : CodeBlock.of("0");
            CodeBlock nLast = columnRange ? CodeBlock.of("nEnd") : n;
            int rowBlock = ntRowBlock(spec.k(), rows);
            // all of B fits in L2 (4 bytes x N x K at most NT_A_BLOCK_BYTES): no column blocks, each row tile sweeps
            // B as before, keeping its rows of A in L1 (the convnet's conv2, 12544x64x800: 101 GFLOP/s so, 78 in
            // 12-column blocks, same sitting)
            int allColumns = (spec.n() + cols - 1) / cols * cols;
            int colBlock = 4L * spec.n() * spec.k() <= NT_A_BLOCK_BYTES ? allColumns
                    : Math.min(ntColumnBlock(spec.k(), cols), allColumns);
            code.beginControlFlow("for (int m0 = mLo; m0 < mHi; m0 += $L)", rowBlock);
            code.addStatement("int m1 = $T.min(m0 + $L, mHi)", Math.class, rowBlock);
            code.beginControlFlow("for (int n0 = $L; n0 < $L; n0 += $L)", nFirst, nLast, colBlock);
            code.addStatement("int n1 = $T.min(n0 + $L, $L)", Math.class, colBlock, nLast);
            code.addStatement("int m = m0");
            code.beginControlFlow("for (; m + $L <= m1; m += $L)", rows, rows);
            columnTiles(code, rows, cols, parts);
            code.endControlFlow();
            code.beginControlFlow("for (; m < m1; m++)");
            columnTiles(code, 1, cols, parts);
            code.endControlFlow();
            code.endControlFlow();
            if (spec.epilogue() != null) {
                code.beginControlFlow("for (int i = m0; i < m1; i++)");
                code.addStatement(epilogueCall(nFirst, nLast));
                code.endControlFlow();
            }
            code.endControlFlow();
        }

        /** The tiles of one block of rows from column n0 to n1. */
        private void columnTiles(CodeBlock.Builder code, int rows, int cols, int parts) {
            code.addStatement("int n = n0");
            code.beginControlFlow("for (; n + $L <= n1; n += $L)", cols, cols);
            code.addStatement(call(dotTile(rows, cols, parts)));
            code.endControlFlow();
            code.beginControlFlow("for (; n < n1; n++)");
            code.addStatement(call(dotTile(rows, 1, parts)));
            code.endControlFlow();
        }

        /**
         * TN: per block of the reduction, every column panel and row tile: the first block's tiles start from 0 and
         * store, the others add to C's partial sums. Before, C was zeroed first and every block loaded it: for the
         * MLP (batch 128, one block) that filled and read back all of C for nothing. Starting from 0 or from a C just
         * zeroed is the same chain of fmas, so results are unchanged.
         */
        private CodeBlock reductionBlocksOuter() {
            CodeBlock.Builder code = CodeBlock.builder();
            CodeBlock nStart = CodeBlock.of("0");
            CodeBlock nEnd = n;
            if (spec.splitColumns()) {
                // panels [pLo, pHi) of every row: columns [nStart, nEnd)
                code.addStatement("int mLo = 0");
                code.addStatement("int mHi = $L", spec.m());
                // an empty range past the last panel stays empty (nStart == nEnd == N)
                code.addStatement("int nStart = $T.min(pLo * ($L), $L)", Math.class, spec.panelWidth(), n);
                code.addStatement("int nEnd = $T.min(pHi * ($L), $L)", Math.class, spec.panelWidth(), n);
                code.beginControlFlow("if (batch <= 0$L)", notAccumulating());
                code.add("// an empty sum: no block of the reduction below, C = 0\n");
                code.beginControlFlow("for (int i = 0; i < $L; i++)", spec.m());
                code.addStatement("$T.fill(c, cOff + i * $L + nStart, cOff + i * $L + nEnd, 0f)",
                        java.util.Arrays.class, n, n);
                code.endControlFlow();
                code.endControlFlow();
                nStart = CodeBlock.of("nStart");
                nEnd = CodeBlock.of("nEnd");
            } else {
                code.beginControlFlow("if (batch <= 0$L)", notAccumulating());
                code.add("// an empty sum: no block of the reduction below, C = 0\n");
                code.addStatement("$T.fill(c, cOff + mLo * $L, cOff + mHi * $L, 0f)", java.util.Arrays.class, n, n);
                code.endControlFlow();
            }
            CodeBlock from = nStart;
            CodeBlock to = nEnd;
            code.add(perWidth(() -> {
                CodeBlock.Builder blocks = CodeBlock.builder();
                reductionBlocks(blocks, from, to);
                return blocks.build();
            }));
            if (spec.epilogue() != null) {
                code.beginControlFlow("for (int i = mLo; i < mHi; i++)");
                code.addStatement(epilogueCall());
                code.endControlFlow();
            }
            return code.build();
        }

        /**
         * The loop nest {@code nest} emits with the current tile, or for a {@link GemmSpec#widensTile()} kernel one
         * nest of {@link GemmSpec#wideTile()} tiles for 16-lane vectors and one of the spec's tiles for the others.
         */
        private CodeBlock perWidth(java.util.function.Supplier<CodeBlock> nest) {
            if (!spec.widensTile()) {
                return nest.get();
            }
            CodeBlock.Builder code = CodeBlock.builder();
            Tile wide = spec.wideTile();
            code.beginControlFlow("if ($L >= 16)", LANES_REF);
            code.add("// 16 lanes (AVX-512): $L x $L tiles\n", wide.rows(), wide.cols());
            tileRows = wide.rows();
            tileCols = wide.cols();
            wideNest = true;
            code.add(nest.get());
            wideNest = false;
            code.nextControlFlow("else");
            tileRows = spec.tile().rows();
            tileCols = spec.tile().cols();
            code.add("// fewer lanes: $L x $L tiles\n", tileRows, tileCols);
            code.add(nest.get());
            code.endControlFlow();
            return code.build();
        }

        /** TN: the blocks of the reduction over columns [nStart, nEnd), with the current tile. */
        private void reductionBlocks(CodeBlock.Builder code, CodeBlock nStart, CodeBlock nEnd) {
            if (packs(spec)) {
                packedBlocks(code, nStart, nEnd);
                return;
            }
            if (packsPanels(spec)) {
                panelPackedBlocks(code, nStart, nEnd);
                return;
            }
            CodeBlock kBlock = tnKBlock(code);
            code.beginControlFlow("for (int k0 = 0; k0 < batch; k0 += $L)", kBlock);
            code.addStatement("int k1 = $T.min(k0 + $L, batch)", Math.class, kBlock);
            code.beginControlFlow("if (k0 == 0$L)", notAccumulating());
            code.add(columnPanels(nStart, nEnd, true));
            code.nextControlFlow("else");
            code.add(columnPanels(nStart, nEnd, false));
            code.endControlFlow();
            code.endControlFlow();
        }

        /** How the comment atop a VECTOR TN kernel names its block of k. */
        private String tnBlockWords() {
            if (spec.widensTile()) {
                return tnKBlockRows(spec.tile().cols() * 8) + " (" + tnKBlockRows(spec.wideTile().cols() * 16)
                        + " with 16 lanes)";
            }
            return "kBlock";
        }

        /**
         * Rows of k per block of a TN kernel that does not pack, for the current tile: {@link #TN_PANEL_FLOATS} over
         * its panel's width, at least {@link #TN_K_BLOCK_MIN} and at most {@link #TN_K_BLOCK}. A constant in the
         * nest of 16-lane tiles (and in SCALAR kernels); in the others the local {@code kBlock}, which this declares
         * in {@code code} as an expression over {@code LANES} (a constant to the JIT).
         */
        private CodeBlock tnKBlock(CodeBlock.Builder code) {
            if (!vector) {
                return CodeBlock.of("$L", TN_K_BLOCK);
            }
            if (wideNest) {
                return CodeBlock.of("$L", tnKBlockRows(tileCols * 16));
            }
            code.add("// rows of k per block: B's panel of 16 KB, 64 to 256 rows\n");
            code.addStatement("int kBlock = $T.max($L, $T.min($L, $L / ($L * $L)))", Math.class, TN_K_BLOCK_MIN,
                    Math.class, TN_K_BLOCK, TN_PANEL_FLOATS, tileCols, LANES_REF);
            return CodeBlock.of("kBlock");
        }

        /** NN: for each panel of columns from {@code start} to {@code end}, every row; then the epilogue. */
        private CodeBlock columnPanelsOuter(CodeBlock start, CodeBlock end) {
            CodeBlock.Builder code = CodeBlock.builder();
            if (spec.bInPanels()) {
                // B in panels of P columns, each [K][P]: per panel, the columns asked for in it, with the panel's
                // offset shifted so that a tile's bPanel + k * P + n is element (k, n)
                int panel = spec.bPanelWidth();
                code.add("// B (W^T laid out for inference) in panels of $L columns, each [$L][$L]: panel by panel\n",
                        panel, spec.k(), spec.bRowStride());
                code.beginControlFlow("for (int q0 = $L / $L * $L; q0 < $L; q0 += $L)", start, panel, panel, end,
                        panel);
                code.addStatement("int qLo = $T.max($L, q0)", Math.class, start);
                code.addStatement("int qHi = $T.min($L, q0 + $L)", Math.class, end, panel);
                code.addStatement("int bPanel = bOff + q0 / $L * $L - q0", panel, spec.k() * spec.bRowStride());
                bBase = "bPanel";
                columnNests(code, CodeBlock.of("qLo"), CodeBlock.of("qHi"));
                bBase = "bOff";
                code.endControlFlow();
            } else {
                columnNests(code, start, end);
            }
            if (spec.epilogue() != null) {
                code.beginControlFlow("for (int i = mLo; i < mHi; i++)");
                code.addStatement(epilogueCall(start, end));
                code.endControlFlow();
            }
            return code.build();
        }

        /** The NN loop nests over columns [start, end): the few-row path when it has one, then the tiles'. */
        private void columnNests(CodeBlock.Builder code, CodeBlock start, CodeBlock end) {
            if (hasFewRowsPath(spec)) {
                code.beginControlFlow("if (mHi - mLo < $L)", NN_FEW_ROWS);
                code.add(fewRows(start, end));
                code.nextControlFlow("else");
                code.add(perWidth(() -> columnPanelsNest(start, end)));
                code.endControlFlow();
            } else {
                code.add(perWidth(() -> columnPanelsNest(start, end)));
            }
        }

        /**
         * NN on fewer rows than the row tiles have: on 16 lanes, groups of 4 rows in 4 x 4-vector tiles, then 2 rows
         * in 2 x 8, then one row in 1 x 16; on fewer lanes (fewer registers) one row at a time in 1 x 8. Each tile
         * runs all of k in registers, so each element is the same fma chain in k order from 0 as in the row tiles:
         * bitwise their results.
         */
        private CodeBlock fewRows(CodeBlock start, CodeBlock end) {
            CodeBlock.Builder code = CodeBlock.builder();
            code.add("// fewer rows than a tile: few-row tiles over wide panels, all of k in registers\n");
            if (reductionBlocks()) {
                code.addStatement("int k0 = 0");
                code.addStatement("int k1 = $L", k);
            }
            // The tiles read A a float at a time in k order, so rows that another core wrote (the caller's input,
            // the other thread's half of the layer before) would arrive one cache-line miss after another; one copy
            // asks for all their lines at once. MLP batch 1 on 2 threads, a fresh input a call: 1.088x (StepAB
            // --forward --prepared, benchmarks/results/2026-12-04-batch-one.md).
            scratch(code, PACKED_A, PACK_A_SCRATCH, CodeBlock.of("(mHi - mLo) * $L", k));
            code.addStatement("$T.arraycopy(a, aOff + mLo * $L, $L, 0, (mHi - mLo) * $L)", System.class, k, PACKED_A,
                    k);
            code.addStatement("int m = mLo");
            copiedA = true;
            code.beginControlFlow("if ($L >= 16)", LANES_REF);
            rowGroup(code, 4, List.of(4), start, end);
            rowGroup(code, 2, List.of(8, 4), start, end);
            rowGroup(code, 1, List.of(16, 8, 4), start, end);
            code.nextControlFlow("else");
            rowGroup(code, 1, List.of(8, 4), start, end);
            code.endControlFlow();
            copiedA = false;
            return code.build();
        }

        /**
         * Rows {@code rows} at a time from m: panels of each of {@code widths} vectors in turn (a thread's share of
         * the columns may be narrower than the widest), then of one vector, then single columns.
         */
        private void rowGroup(CodeBlock.Builder code, int rows, List<Integer> widths, CodeBlock start, CodeBlock end) {
            code.beginControlFlow("for (; m + $L <= mHi; m += $L)", rows, rows);
            code.addStatement("int n = $L", start);
            for (int vecs : widths) {
                code.beginControlFlow("for (; n + $L * $L <= $L; n += $L * $L)", vecs, LANES_REF, end, vecs,
                        LANES_REF);
                code.addStatement(call(broadcastVectorTile(rows, vecs, true)));
                code.endControlFlow();
            }
            code.beginControlFlow("for (; n + $L <= $L; n += $L)", LANES_REF, end, LANES_REF);
            code.addStatement(call(broadcastVectorTile(rows, 1, true)));
            code.endControlFlow();
            code.beginControlFlow("for (; n < $L; n++)", end);
            code.addStatement(call(broadcastScalarTile(rows, 1, true)));
            code.endControlFlow();
            code.endControlFlow();
        }

        /** NN: the column panels from {@code start} to {@code end} over rows [mLo, mHi), with the current tile. */
        private CodeBlock columnPanelsNest(CodeBlock start, CodeBlock end) {
            CodeBlock.Builder code = CodeBlock.builder();
            int block = nnRowBlock(spec, tileRows);
            if (nnPacksPanels(spec)) {
                scratch(code, PACKED_B, PACK_B_SCRATCH, CodeBlock.of("$L * $L", nnKBlock(spec), packedWidth()));
            }
            if (packs(spec)) {
                packedBlocks(code, start, end);
            } else if (block > 0) {
                // blocks of rows whose part of A stays in cache (L1 for a short reduction, L2 for a long one) while
                // every column panel passes over it
                code.beginControlFlow("for (int m0 = mLo; m0 < mHi; m0 += $L)", block);
                code.addStatement("int m1 = $T.min(m0 + $L, mHi)", Math.class, block);
                rowLo = "m0";
                rowHi = "m1";
                code.add(columnPanels(start, end));
                rowLo = "mLo";
                rowHi = "mHi";
                code.endControlFlow();
            } else {
                code.add(columnPanels(start, end));
            }
            return code.build();
        }

        /** Whether the tiles take a block [k0, k1) of the reduction (TN always, NN with {@link #nnKBlocks}). */
        private boolean reductionBlocks() {
            return spec.form() == Form.TN || nnKBlocks(spec);
        }

        /** Column panels of C from column {@code start} to {@code end}, each over rows [mLo, mHi). */
        private CodeBlock columnPanels(CodeBlock start, CodeBlock end) {
            return columnPanels(start, end, true);
        }

        /**
         * As {@link #columnPanels(CodeBlock, CodeBlock)}; for TN, {@code fromZero} picks tiles that start from 0
         * (the first block of the reduction) or from C's partial sums (the others).
         */
        private CodeBlock columnPanels(CodeBlock start, CodeBlock end, boolean fromZero) {
            CodeBlock.Builder code = CodeBlock.builder();
            code.addStatement("int n = $L", start);
            if (vector) {
                code.beginControlFlow("for (; n + $L * $L <= $L; n += $L * $L)",
                        tileCols, LANES_REF, end, tileCols, LANES_REF);
                // a packing kernel (packedBlocks has set packedA) packs B for its full-width panels only
                packedB = packedA;
                if (panelPacked) {
                    packB(code, CodeBlock.of("n"), CodeBlock.of("n + $L", packedWidth()));
                }
                fullPanel = true;
                panel(code, (r, zero) -> broadcastVectorTile(r, tileCols, zero), fromZero);
                fullPanel = false;
                packedB = false;
                code.endControlFlow();
                if (tileCols > 1) {
                    code.beginControlFlow("for (; n + $L <= $L; n += $L)", LANES_REF, end, LANES_REF);
                    panel(code, (r, zero) -> broadcastVectorTile(r, 1, zero), fromZero);
                    code.endControlFlow();
                }
            } else {
                code.beginControlFlow("for (; n + $L <= $L; n += $L)", tileCols, end, tileCols);
                panel(code, (r, zero) -> broadcastScalarTile(r, tileCols, zero), fromZero);
                code.endControlFlow();
            }
            code.beginControlFlow("for (; n < $L; n++)", end);
            panel(code, (r, zero) -> broadcastScalarTile(r, 1, zero), fromZero);
            code.endControlFlow();
            return code.build();
        }

        /** Makes the tile of {@code rows} rows of a column loop, starting from 0 or from C's partial sums. */
        private interface TileMaker {
            MethodSpec tile(int rows, boolean fromZero);
        }

        /**
         * The row tiles of one column panel; for an NN kernel with {@link #nnKBlocks}, once per block of the
         * reduction, so that the panel's part of B for one block is shared by all row tiles from L1/L2 and the
         * panel of C stays in cache across the blocks.
         */
        private void panel(CodeBlock.Builder code, TileMaker tiles, boolean fromZero) {
            if (nnKBlocks(spec) && !packedA) {
                int block = nnKBlock(spec);
                if (block >= spec.k()) {
                    code.add("// all of k in one block: the panel's part of B streams from L2\n");
                    code.addStatement("int k0 = 0");
                    code.addStatement("int k1 = $L", k);
                    rowTiles(code, tiles, true);
                    return;
                }
                boolean packing = fullPanel && nnPacksPanels(spec);
                if (packing) {
                    // a copy pays from a few tiles per block on: at 16 and 32 rows it lost (see NN_PANEL_PACK_ROWS)
                    code.addStatement("boolean packPanel = $L - $L >= $L", rowHi, rowLo, NN_PANEL_PACK_ROWS);
                }
                code.beginControlFlow("for (int k0 = 0; k0 < $L; k0 += $L)", k, block);
                code.addStatement("int k1 = $T.min(k0 + $L, $L)", Math.class, block, k);
                if (packing) {
                    code.beginControlFlow("if (packPanel)");
                    packB(code, CodeBlock.of("n"), CodeBlock.of("n + $L", packedWidth()));
                    packedB = true;
                    kBlockTiles(code, tiles);
                    packedB = false;
                    code.nextControlFlow("else");
                    kBlockTiles(code, tiles);
                    code.endControlFlow();
                } else {
                    kBlockTiles(code, tiles);
                }
                code.endControlFlow();
                return;
            }
            rowTiles(code, tiles, fromZero);
        }

        /** The row tiles of one block of k: from 0 in the first block, from C's partial sums in the others. */
        private void kBlockTiles(CodeBlock.Builder code, TileMaker tiles) {
            code.beginControlFlow("if (k0 == 0)");
            rowTiles(code, tiles, true);
            code.nextControlFlow("else");
            rowTiles(code, tiles, false);
            code.endControlFlow();
        }

        /**
         * Width of a packed block's rows: the panel's columns, parenthesized. {@code (k - k0) * 2 * LANES} is {@code
         * ((k - k0) * 2) * LANES} to javac, and C2 then addressed B in the tile's k loop more slowly: the packed NN
         * 6 x 2 tile ran at 87 GFLOP/s against 105 with {@code (k - k0) * (2 * LANES)} (one JVM, 512-bit, Zen 4, L1
         * resident, medians of 16 alternated rounds).
         */
        private CodeBlock packedWidth() {
            return tileCols == 1 ? CodeBlock.of("$L", LANES_REF) : CodeBlock.of("($L * $L)", tileCols, LANES_REF);
        }

        /**
         * The call of the helper that copies rows [k0, k1) of B's full-width panels in columns [n0, n1) into the
         * packed block ({@link #PACKED_B_FLOATS}), reading B along its rows: the panel at column n at (n - n0) * (k1 -
         * k0), its element (k, j) at (k - k0) * width + j, the order in which a tile's k loop reads them.
         */
        private void packB(CodeBlock.Builder code) {
            packB(code, CodeBlock.of("nb0"), CodeBlock.of("nb1"));
        }

        /** {@link #packB(CodeBlock.Builder)} for the full-width panels of columns [n0, n1). */
        private void packB(CodeBlock.Builder code, CodeBlock n0, CodeBlock n1) {
            // named by the tile's columns, like packA by its rows: a kernel that widens its tile on 16 lanes packs
            // panels of two widths
            String name = spec.methodName() + "PackB" + tileCols;
            if (helpers.stream().noneMatch(h -> h.name().equals(name))) {
                CodeBlock.Builder body = CodeBlock.builder();
                body.add("// rows [k0, k1) of the full-width panels of B in columns [n0, n1), panel after panel, read "
                        + "along B's rows\n");
                body.addStatement("int panels = (n1 - n0) / $L", packedWidth());
                body.addStatement("int panelSize = (k1 - k0) * $L", packedWidth());
                body.beginControlFlow("for (int k = k0; k < k1; k++)");
                body.addStatement("int from = bOff + k * $L + n0", bRowStride);
                body.addStatement("int to = (k - k0) * $L", packedWidth());
                body.beginControlFlow("for (int p = 0; p < panels; p++)");
                body.addStatement("$T.arraycopy(b, from + p * $L, $L, to + p * panelSize, $L)", System.class,
                        packedWidth(), PACKED_B, packedWidth());
                body.endControlFlow();
                body.endControlFlow();
                helpers.add(packHelper(name, "b", PACKED_B, "n", body.build()));
            }
            code.addStatement("$L(b, bOff, $L, $L, $L, k0, k1)", JavaLiterals.checkedIdentifier(name), PACKED_B, n0,
                    n1);
        }

        /**
         * Full tiles, then pairs of rows ({@link #TAIL_ROWS}) after 6 x 4 tiles (A not packed), then single rows.
         * The pairs
         * matter where few rows are left: with 6-row tiles a part of 16 rows of C (a batch of 32 on two threads)
         * left 4 rows to one-row tiles, which load a vector of B per fma (StepAB, MLP batch 16, 2 threads: 0.92
         * against the 8-row tiles before).
         */
        private void rowTiles(CodeBlock.Builder code, TileMaker tiles, boolean fromZero) {
            code.addStatement("int m = $L", rowLo);
            code.beginControlFlow("for (; m + $L <= $L; m += $L)", tileRows, rowHi, tileRows);
            code.addStatement(call(tiles.tile(tileRows, fromZero)));
            code.endControlFlow();
            // only after tiles of more than 16 accumulators (6 x 4), whose single rows lose the most against the
            // full tile, so that classes of small products (XOR's) do not grow; not on packed A: its blocks lay rows
            // out for the full tiles and for single rows only
            if (tileRows * tileCols > 16 && !packedA) {
                code.beginControlFlow("for (; m + $L <= $L; m += $L)", TAIL_ROWS, rowHi, TAIL_ROWS);
                code.addStatement(call(tiles.tile(TAIL_ROWS, fromZero)));
                code.endControlFlow();
            }
            code.beginControlFlow("for (; m < $L; m++)", rowHi);
            code.addStatement(call(tiles.tile(1, fromZero)));
            code.endControlFlow();
        }

        private CodeBlock call(MethodSpec tile) {
            if (copiedA) {
                // rows [mLo, mHi) of A copied to the start of the scratch: row m at (m - mLo) * K
                return CodeBlock.of(reductionBlocks() ? "$N($L, -mLo * $L, b, $L, c, cOff, batch, m, n, k0, k1)"
                        : "$N($L, -mLo * $L, b, $L, c, cOff, batch, m, n)", tile, PACKED_A, k, bBase);
            }
            if (packedB && !packedA) {
                // the panel's block of B packed (nnPacksPanels), A read in place
                return CodeBlock.of("$N(a, aOff, $L, 0, c, cOff, batch, m, n, k0, k1)", tile, PACKED_B);
            }
            if (packedA) {
                return CodeBlock.of("$N($L, $L, $L, $L, c, cOff, batch, m, n, k0, k1)", tile, PACKED_A,
                        packedAOffset(), packedB ? PACKED_B : "b",
                        !packedB ? bBase : panelPacked ? "0" : "(n - nb0) * (k1 - k0)");
            }
            if (reductionBlocks()) {
                return CodeBlock.of("$N(a, aOff, b, $L, c, cOff, batch, m, n, k0, k1)", tile, bBase);
            }
            return CodeBlock.of("$N(a, aOff, b, $L, c, cOff, batch, m, n)", tile, bBase);
        }

        /** Registers a helper (once per name) and returns it. */
        private MethodSpec helper(String suffix, CodeBlock comment, CodeBlock body) {
            String name = spec.methodName() + suffix;
            for (MethodSpec h : helpers) {
                if (h.name().equals(name)) {
                    return h;
                }
            }
            MethodSpec.Builder b = signature(name, "m", "n");
            if (reductionBlocks()) {
                b.addParameter(int.class, "k0").addParameter(int.class, "k1");
            }
            MethodSpec method = b.addCode(comment).addCode(body).build();
            helpers.add(method);
            return method;
        }

        /**
         * NT tile: C[m + r][n + j] for r < rows, j < cols as dot products of rows of A and rows of B along k. VECTOR:
         * the first kVec = K - K % {@link #NT_LANES} steps go to {@code NT_LANES} partial sums per element, partial
         * sum i taking k = i (mod NT_LANES), held in {@code parts} = NT_LANES / LANES vectors ({@code accRJQ}: part Q
         * holds partial sums Q * LANES ..); the parts are added pairwise (part q + part q + parts/2, which is the
         * first steps of the fold below done across vectors), then folded (see {@link #FOLD}) and the scalar tail
         * finishes k. Every width thus adds the same partial sums in the same order. SCALAR: one float
         * accumulator per element.
         */
        private MethodSpec dotTile(int rows, int cols, int parts) {
            CodeBlock.Builder code = CodeBlock.builder();
            rowBases(code, rows, true);
            code.addStatement("int br0 = bOff + n * $L", k);
            for (int j = 1; j < cols; j++) {
                code.addStatement("int $L = $L + $L", id("br", j), id("br", j - 1), k);
            }
            if (vector) {
                // K is a literal, so is kVec: the same on every JVM
                code.addStatement("int kVec = $L", spec.k() - spec.k() % NT_LANES);
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        for (int q = 0; q < parts; q++) {
                            code.addStatement("$T $L = $T.zero($L)", FLOAT_VECTOR, acc(r, j, q, parts), FLOAT_VECTOR,
                                    SPECIES_REF);
                        }
                    }
                }
                code.addStatement("int k = 0");
                code.beginControlFlow("for (; k < kVec; k += $L)", NT_LANES);
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < parts; q++) {
                        code.addStatement("$T $L = $T.fromArray($L, a, $L)", FLOAT_VECTOR, part("va", r, q, parts),
                                FLOAT_VECTOR, SPECIES_REF, lanesOffset(CodeBlock.of("$L + k", id("a", r)), q));
                    }
                }
                for (int j = 0; j < cols; j++) {
                    for (int q = 0; q < parts; q++) {
                        code.addStatement("$T $L = $T.fromArray($L, b, $L)", FLOAT_VECTOR, part("vb", j, q, parts),
                                FLOAT_VECTOR, SPECIES_REF, lanesOffset(CodeBlock.of("$L + k", id("br", j)), q));
                    }
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        for (int q = 0; q < parts; q++) {
                            code.addStatement("$L = $L.fma($L, $L)", acc(r, j, q, parts), part("va", r, q, parts),
                                    part("vb", j, q, parts), acc(r, j, q, parts));
                        }
                    }
                }
                code.endControlFlow();
                // parts added pairwise: partial sum i plus partial sum i + NT_LANES/2, then + NT_LANES/4, ... while
                // they are in different vectors
                for (int half = parts / 2; half >= 1; half /= 2) {
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) {
                            for (int q = 0; q < half; q++) {
                                code.addStatement("$L = $L.add($L)", acc(r, j, q, parts), acc(r, j, q, parts),
                                        acc(r, j, q + half, parts));
                            }
                        }
                    }
                }
                // then within the vector, in a fixed tree: lane i plus lane i + LANES/2, then + LANES/4, ..., + 1,
                // so lane 0 ends with ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)) for 8 lanes
                for (int f = 0; f < FOLDS; f++) {
                    code.beginControlFlow("if ($L >= $L)", LANES_REF, 2 << f);
                    for (int r = 0; r < rows; r++) {
                        for (int j = 0; j < cols; j++) {
                            code.addStatement("$L = $L.add($L.rearrange($L$L))", acc(r, j, 0, parts),
                                    acc(r, j, 0, parts), acc(r, j, 0, parts), FOLD, f);
                        }
                    }
                    code.endControlFlow();
                }
                for (int r = 0; r < rows; r++) {
                    for (int j = 0; j < cols; j++) {
                        code.addStatement("float $L = $L.lane(0)", sum(r, j), acc(r, j, 0, parts));
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
                    multiplyAdd(code, sum(r, j), id("x", r), id("y", j));
                }
            }
            code.endControlFlow();
            scalarStores(code, rows, cols);
            CodeBlock comment = parts == 1
                    ? CodeBlock.of("// C[$L][$L] as dot products along k\n", range("m", rows), range("n", cols))
                    : CodeBlock.of("// C[$L][$L] as dot products along k, $L vectors of $L lanes per element\n",
                            range("m", rows), range("n", cols), parts, NT_LANES / parts);
            return helper("Dot" + rows + "x" + cols + (parts == 1 ? "" : "p" + parts), comment, code.build());
        }

        /**
         * NN/TN vector tile: C[m + r][n .. n + vecs * LANES) for r < rows; per k, broadcast A's element of each
         * row and fma it with vecs vectors from row k of B.
         */
        private MethodSpec broadcastVectorTile(int rows, int vecs, boolean fromZero) {
            CodeBlock.Builder code = CodeBlock.builder();
            rowBases(code, rows, spec.form() == Form.NN && !packedA);
            boolean fromC = reductionBlocks() && !fromZero;
            for (int r = 0; r < rows; r++) {
                for (int v = 0; v < vecs; v++) {
                    if (fromC) {
                        code.addStatement("$T $L = $T.fromArray($L, c, $L)", FLOAT_VECTOR, acc(r, v), FLOAT_VECTOR,
                                SPECIES_REF, lanesOffset(id("c", r), v));
                    } else {
                        code.addStatement("$T $L = $T.zero($L)", FLOAT_VECTOR, acc(r, v), FLOAT_VECTOR, SPECIES_REF);
                    }
                }
            }
            kLoop(code);
            kRowBases(code, rows);
            for (int v = 0; v < vecs; v++) {
                code.addStatement("$T $L = $T.fromArray($L, b, $L)",
                        FLOAT_VECTOR, id("vb", v), FLOAT_VECTOR, SPECIES_REF, lanesOffset(CodeBlock.of("bk"), v));
            }
            for (int r = 0; r < rows; r++) {
                code.addStatement("$T $L = $T.broadcast($L, $L)", FLOAT_VECTOR, id("va", r), FLOAT_VECTOR,
                        SPECIES_REF, aElement(r));
                for (int v = 0; v < vecs; v++) {
                    code.addStatement("$L = $L.fma($L, $L)", acc(r, v), id("va", r), id("vb", v), acc(r, v));
                }
            }
            code.endControlFlow();
            for (int r = 0; r < rows; r++) {
                for (int v = 0; v < vecs; v++) {
                    code.addStatement("$L.intoArray(c, $L)", acc(r, v), lanesOffset(id("c", r), v));
                }
            }
            CodeBlock columns = vecs == 1
                    ? CodeBlock.of("n .. n + LANES - 1")
                    : CodeBlock.of("n .. n + $L * LANES - 1", vecs);
            CodeBlock comment = CodeBlock.of("// C[$L][$L]$L, broadcasting A$L\n", range("m", rows), columns,
                    fromC ? " plus its partial sums" : "", packedNote());
            return helper("Vec" + rows + "x" + vecs + (fromC ? "Add" : "") + packedSuffix(), comment, code.build());
        }

        /** NN/TN scalar tile: C[m + r][n + j] for r < rows, j < cols, one float accumulator each. */
        private MethodSpec broadcastScalarTile(int rows, int cols, boolean fromZero) {
            CodeBlock.Builder code = CodeBlock.builder();
            rowBases(code, rows, spec.form() == Form.NN && !packedA);
            boolean fromC = reductionBlocks() && !fromZero;
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    if (fromC) {
                        code.addStatement("float $L = c[$L]", sum(r, j), plus(id("c", r), j));
                    } else {
                        code.addStatement("float $L = 0f", sum(r, j));
                    }
                }
            }
            kLoop(code);
            kRowBases(code, rows);
            for (int j = 0; j < cols; j++) {
                code.addStatement("float $L = b[$L]", id("y", j), plus(CodeBlock.of("bk"), j));
            }
            for (int r = 0; r < rows; r++) {
                code.addStatement("float $L = $L", id("x", r), aElement(r));
                for (int j = 0; j < cols; j++) {
                    multiplyAdd(code, sum(r, j), id("x", r), id("y", j));
                }
            }
            code.endControlFlow();
            scalarStores(code, rows, cols);
            CodeBlock comment = CodeBlock.of("// C[$L][$L]$L, broadcasting A$L\n", range("m", rows), range("n", cols),
                    fromC ? " plus its partial sums" : "", packedNote());
            return helper("Scalar" + rows + "x" + cols + (fromC ? "Add" : "") + packedSuffix(), comment, code.build());
        }

        private String packedSuffix() {
            return packedA ? (packedB ? "Packed" : "PackedA") : packedB ? "PackedB" : "";
        }

        private String packedNote() {
            return packedA ? (packedB ? " (A and B packed)" : " (A packed)") : packedB ? " (B packed)" : "";
        }

        /** The k loop of a broadcast tile: all of K, or a block [k0, k1). */
        private void kLoop(CodeBlock.Builder code) {
            if (reductionBlocks()) {
                code.beginControlFlow("for (int k = k0; k < k1; k++)");
            } else {
                code.beginControlFlow("for (int k = 0; k < $L; k++)", k);
            }
        }

        /** Offsets of the tile's rows: A[m + r][0] (when A is read by rows) and C[m + r][n]. */
        private void rowBases(CodeBlock.Builder code, int rows, boolean aRows) {
            if (aRows) {
                code.addStatement("int a0 = aOff + m * $L", k);
                for (int r = 1; r < rows; r++) {
                    code.addStatement("int $L = $L + $L", id("a", r), id("a", r - 1), k);
                }
            }
            code.addStatement("int c0 = cOff + m * $L + n", n);
            for (int r = 1; r < rows; r++) {
                code.addStatement("int $L = $L + $L", id("c", r), id("c", r - 1), n);
            }
        }

        /** Inside a k loop of NN/TN: the offset of B[k][n] and, for TN, of A[k][m]. */
        private void kRowBases(CodeBlock.Builder code, int rows) {
            if (packedA) {
                code.addStatement(rows > 1 ? "int ak = aOff + (k - k0) * " + packedAStride(rows)
                        : "int ak = aOff + k - k0");
            } else if (spec.form() == Form.TN) {
                code.addStatement("int ak = aOff + k * $L + m", JavaLiterals.intLiteral(spec.m()));
            }
            if (packedB) {
                code.addStatement("int bk = bOff + (k - k0) * $L", packedWidth());
            } else {
                code.addStatement("int bk = bOff + k * $L + n", bRowStride);
            }
        }

        /** A's element for row m + r at step k: A[m + r][k] (NN) or A[k][m + r] (TN). */
        private CodeBlock aElement(int r) {
            if (spec.form() == Form.TN || packedA) {
                return CodeBlock.of("a[$L]", plus(CodeBlock.of("ak"), r));
            }
            return CodeBlock.of("a[$L + k]", id("a", r));
        }

        private void multiplyAdd(CodeBlock.Builder code, CodeBlock acc, CodeBlock x, CodeBlock y) {
            if (vector || scalarFma) {
                code.addStatement("$L = $T.fma($L, $L, $L)", acc, Math.class, x, y, acc);
            } else {
                code.addStatement("$L += $L * $L", acc, x, y);
            }
        }

        private static void scalarStores(CodeBlock.Builder code, int rows, int cols) {
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < cols; j++) {
                    code.addStatement("c[$L] = $L", plus(id("c", r), j), sum(r, j));
                }
            }
        }

        /** The epilogue of row i, all columns. */
        private CodeBlock epilogueCall() {
            return epilogueCall(CodeBlock.of("0"), n);
        }

        /** The epilogue of row i, columns [from, to). */
        private CodeBlock epilogueCall(CodeBlock from, CodeBlock to) {
            CodeBlock.Builder args = CodeBlock.builder().add("c, cOff, i, $L, $L", from, to);
            for (ParameterSpec p : spec.extraParams()) {
                args.add(", $N", p);
            }
            return CodeBlock.of("$L($L)", epilogueName(), args.build());
        }

        private CodeBlock epilogueName() {
            return CodeBlock.of("$L", JavaLiterals.checkedIdentifier(spec.methodName() + "Epilogue"));
        }

        /**
         * Rewrites columns [nStart, nEnd) of row i of C with the epilogue, LANES columns at a time where it has a
         * vector form (whose results equal the scalar form's, so where the vectors start does not matter).
         */
        private MethodSpec epilogueMethod() {
            Epilogue e = spec.epilogue();
            CodeBlock.Builder code = CodeBlock.builder();
            code.add("// C[i][j] = epilogue(C[i][j]) for j in [nStart, nEnd)\n");
            code.addStatement("int ci = cOff + i * $L", n);
            code.addStatement("int j = nStart");
            CodeBlock vectorForm = vector ? e.vector("i", "j", CodeBlock.of("v")) : null;
            if (vectorForm != null) {
                code.beginControlFlow("for (; j + $L <= nEnd; j += $L)", LANES_REF, LANES_REF);
                code.addStatement("$T v = $T.fromArray($L, c, ci + j)", FLOAT_VECTOR, FLOAT_VECTOR, SPECIES_REF);
                code.addStatement("v = $L", vectorForm);
                code.addStatement("v.intoArray(c, ci + j)");
                code.endControlFlow();
            }
            code.beginControlFlow("for (; j < nEnd; j++)");
            code.addStatement("c[ci + j] = $L", e.scalar("i", "j", CodeBlock.of("c[ci + j]")));
            code.endControlFlow();
            return MethodSpec.methodBuilder(epilogueName().toString())
                    .addModifiers(Modifier.STATIC)
                    .returns(TypeName.VOID)
                    .addParameter(float[].class, "c")
                    .addParameter(int.class, "cOff")
                    .addParameter(int.class, "i")
                    .addParameter(int.class, "nStart")
                    .addParameter(int.class, "nEnd")
                    .addParameters(spec.extraParams())
                    .addCode(code.build())
                    .build();
        }

        private static CodeBlock acc(int r, int j) {
            return id("acc" + r, j);
        }

        /** An NT accumulator: {@code accRJ} for one part, {@code accRJQ} for part Q of several. */
        private static CodeBlock acc(int r, int j, int q, int parts) {
            return parts == 1 ? acc(r, j) : id("acc" + r + j, q);
        }

        /** A loaded vector of row or column i: {@code vaI} for one part, {@code vaIQ} for part Q of several. */
        private static CodeBlock part(String prefix, int i, int q, int parts) {
            return parts == 1 ? id(prefix, i) : id(prefix + i, q);
        }

        private static CodeBlock sum(int r, int j) {
            return id("s" + r, j);
        }

        /** A generated local name: a fixed prefix and an index, e.g. {@code acc12}, {@code va3}. */
        private static CodeBlock id(String prefix, int index) {
            return CodeBlock.of("$L", JavaLiterals.checkedIdentifier(prefix + index));
        }

        /** {@code m} for one index, {@code m .. m + 3} for four. */
        private static CodeBlock range(String first, int count) {
            return count == 1 ? CodeBlock.of("$L", first) : CodeBlock.of("$L .. $L + $L", first, first, count - 1);
        }

        private static CodeBlock plus(CodeBlock base, int offset) {
            return offset == 0 ? base : CodeBlock.of("$L + $L", base, offset);
        }

        /** base, base + LANES, base + v * LANES. */
        private static CodeBlock lanesOffset(CodeBlock base, int v) {
            if (v == 0) {
                return base;
            }
            return v == 1 ? CodeBlock.of("$L + $L", base, LANES_REF) : CodeBlock.of("$L + $L * $L", base, v, LANES_REF);
        }
    }
}
