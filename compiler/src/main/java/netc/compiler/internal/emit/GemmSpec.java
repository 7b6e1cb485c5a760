package netc.compiler.internal.emit;

import com.palantir.javapoet.ParameterSpec;
import java.util.List;
import netc.runtime.InferenceParams;

/**
 * What {@link GemmEmitter} emits: one matrix-product kernel over row-major {@code float[]} operands.
 *
 * <p>Every kernel computes rows {@code [mLo, mHi)} of C and overwrites them (C = A·B, not +=):
 * <ul>
 *   <li>{@link Form#NT}: {@code C[m][n] = sum_k A[m][k] * B[n][k]}; A [batch, K], B [N, K], C [batch, N].
 *       Forward {@code W x} over a batch, W [out, in] as declared.
 *   <li>{@link Form#NN}: {@code C[m][n] = sum_k A[m][k] * B[k][n]}; A [batch, K], B [K, N], C [batch, N].
 *       Input gradient {@code dX = G W}.
 *   <li>{@link Form#TN}: {@code C[m][n] = sum_k A[k][m] * B[k][n]}; A [batch, M], B [batch, N], C [M, N].
 *       Weight gradient {@code dW = G^T X}; here the reduction runs over the batch.
 * </ul>
 * The extents that are not the batch are compile-time constants: {@code n} and {@code k} for NT and NN (then
 * {@code m} is 0), {@code m} and {@code n} for TN (then {@code k} is 0).
 *
 * @param form        which operand is read transposed
 * @param m           rows of C for TN; 0 for NT and NN, where the rows are the runtime batch
 * @param n           columns of C
 * @param k           reduction length for NT and NN; 0 for TN, where it is the runtime batch
 * @param methodName  name of the generated static method
 * @param epilogue    elementwise rewrite of each finished element, or null for a plain store
 * @param extraParams parameters appended after the fixed ones, for the epilogue's use
 * @param style       {@link Style#VECTOR} (needs {@code jdk.incubator.vector}) or {@link Style#SCALAR}
 * @param tile        register tile of the VECTOR NN and TN kernels (rows x {@code FloatVector}s), and of NT kernels
 *                    with a short reduction, which run as NN; other NT kernels and SCALAR kernels use 4 x 4 and
 *                    ignore it. See {@link Tile#broadcast(Form, int, int)} and {@link #widensTile()}.
 * @param split       what the range of a call covers ({@link Split}): rows; column panels of every row (TN); or
 *                    rows, with a second entry for column panels (NT and NN, for dense layers)
 * @param accumulates TN without epilogue only: the entry takes a last parameter {@code boolean accumulate}; when it
 *                    is true the kernel adds its sum to C instead of overwriting C, each element continuing the
 *                    chain of fmas that C's value ended (so a sum over the batch taken a sample per call is
 *                    bitwise the sum of one call over all samples)
 * @param fewRows     VECTOR NN only: calls with fewer rows than a tile take few-row tiles over wide panels
 *                    ({@code GemmEmitter.hasFewRowsPath}); set for the forward products on weights laid out for
 *                    inference, which {@code Predictor} calls with one sample, and whose B is in column panels
 *                    ({@link #bPanelWidth()}) or has padded rows ({@link #bRowStride()}) in every style
 */
public record GemmSpec(Form form, int m, int n, int k, String methodName, Epilogue epilogue,
        List<ParameterSpec> extraParams, Style style, Tile tile, Split split, boolean accumulates,
        boolean fewRows) {

    /**
     * How a call's range {@code [lo, hi)} is cut from C, so that two threads can share a call.
     */
    public enum Split {
        /** Rows {@code [mLo, mHi)}, every column: the entry method. */
        ROWS,
        /**
         * TN only: column panels {@code [pLo, pHi)} of every row ({@link #panelWidth()} columns each, {@link #panels()}
         * of them). For a long reduction (over the pixels of a batch of images) with few rows of C: split by rows,
         * every part would stream all of B.
         */
        COLUMNS,
        /**
         * NT (but short reductions, which run as NN) and NN: rows through the entry method, and besides it
         * {@code <name>Cols}, which computes column panels {@code [pLo, pHi)} of every row
         * ({@link #columnPanelWidth()} columns each, {@link #columnPanels()} of them). For the products of dense
         * layers, where B is W: split by rows, every part streams all of W; split by columns, each core reads its
         * part of W once (and at batch 1 there is a single row to split). Every element is the same dot product or
         * the same chain of fmas either way, so both entries give bitwise the same C.
         */
        ROWS_AND_COLUMNS
    }

    /** The vector width assumed when none is given: AVX2, the machine these kernels were measured on. */
    public static final int DEFAULT_VECTOR_BITS = 256;

    /**
     * A register tile: {@code rows} rows of C by {@code cols} columns (NT, SCALAR) or {@code FloatVector}s of
     * columns (VECTOR NN and TN), one accumulator each.
     */
    public record Tile(int rows, int cols) {
        /** The tile NT (but short ones) and SCALAR kernels use, and short-reduction NN ones above 256 bits. */
        public static final Tile FOUR_BY_FOUR = new Tile(4, 4);

        public Tile {
            if (rows < 1 || rows > 8 || cols < 1 || cols > 4) {
                throw new IllegalArgumentException("tile must be 1-8 rows x 1-4 columns, got " + rows + "x" + cols);
            }
        }

        /**
         * The broadcast (NN/TN) tile for {@code FloatVector}s of {@code vectorBits} bits, i.e. the
         * {@code FloatVector.SPECIES_PREFERRED.vectorBitSize()} of the JVM that will run the kernels. The generated
         * source does not depend on the JVM that emits it: the width is an explicit input (default
         * {@link GemmSpec#DEFAULT_VECTOR_BITS}).
         *
         * <p>Up to 256 bits (AVX2 and older x86 have 16 vector registers): 6 x 2 for NN and 5 x 2 for TN, 12 and 10
         * accumulators plus 2 B vectors and a broadcast. The 4 x 4 tile needs about 21 live vectors and C2 keeps 8
         * of its 16 accumulators in stack slots. On Zen 3 (benchmarks/results/2026-11-27-step-breakdown.md,
         * section 3, TileShapes: hand-written kernels, four runs of which three disturbed) 6 x 2 ran the NN dH1
         * kernel 128x512x256 at 49-58 GFLOP/s against 35-40 for 4 x 4, and 5 x 2 the TN dW1 kernel 512x784x128 at
         * 45-53 against 16-40 (dW2 256x512x128: 36-45 against 33-43), with bitwise the same C.
         * Wider vectors (AVX-512 has 32 registers, where 4 x 4 fits) keep 4 x 4 for NN: not told apart from 6 x 2
         * on a shared Zen 5 (2026-12-02-gemm-blocking.md); TN takes {@link #WIDE_TN}. Short-reduction NT kernels,
         * which run as NN, take the NN tile ({@code form} NT gives it).
         */
        public static Tile broadcast(Form form, int vectorBits) {
            checkVectorBits(vectorBits);
            if (vectorBits > 256) {
                return form == Form.TN ? WIDE_TN : FOUR_BY_FOUR;
            }
            return form == Form.TN ? new Tile(5, 2) : new Tile(6, 2);
        }

        /**
         * As {@link #broadcast(Form, int)}, for a product whose reduction is {@code k} long (NT and NN; TN's is the
         * runtime batch): with vectors wider than 256 bits, an NN kernel that cuts its reduction into blocks
         * ({@code GemmEmitter.nnKBlocks}, K &gt; {@code NN_K_BLOCK}) takes {@link #LONG_NN}. There the block of B
         * (128 rows of a column panel; all of k for the weights laid out for inference, {@code
         * GemmEmitter.nnKBlock}) is what every row tile reads again; 8 rows x 2 vectors load 2 vectors of it
         * per 16 fmas where 4 x 4 loads 4 (the first choice; {@link #LONG_NN} is now 6 x 4, see there). KernelAB, 1
         * thread, Zen 4, 512-bit vectors, medians of 9-11 alternated rounds in two sittings, bitwise the same C, 8 x 2
         * against 4 x 4: NN 128 x 512 x 256 (the MLP's input gradient) +8% and +6%,
         * 128 x 2048 x 1024 (the 2048-wide MLP's) +4% and +5%, 64 x 3136 x 1024 (the convnet's dense layer) +2% and
         * -1%, 128 x 2048 x 2048 -3%; but 12544 x 800 x 64 (a convolution's patch gradient, K = 64) -8% and 128 x
         * 256 x 10 -6%, and TN kernels with 8 x 2 ranged 0.82-1.08 (three of five shapes lost), so short reductions
         * keep 4 x 4 (TN: {@link #WIDE_TN}). Classes tiled for 256 bits (the default) take these tiles on 16-lane
         * JVMs through
         * {@link GemmSpec#widensTile()}.
         */
        public static Tile broadcast(Form form, int vectorBits, int k) {
            Tile tile = broadcast(form, vectorBits);
            return vectorBits > 256 && form == Form.NN && k > GemmEmitter.NN_K_BLOCK ? LONG_NN : tile;
        }

        /**
         * The TN tile on vectors wider than 256 bits ({@link #broadcast(Form, int)}): 6 rows x 4 vectors, as
         * {@link #LONG_NN} and for the same reason (a TN step of k broadcasts a row's element of A^T and loads
         * vectors of B, like NN). JMH {@code Kernels}, 1 thread, Intel Xeon family 6 model 167, two alternated
         * rounds, 4 x 4 -> 6 x 4 (GFLOP/s): 512 x 784 x 128 (the MLP's first weight gradient) 93-106 -> 130-132,
         * 256 x 512 x 128 99 -> 104-135, 1024 x 2048 x 128 112-125 -> 131, 1024 x 3136 x 64 106-115 -> 120; 8 x 3
         * and 5 x 4 were between. {@code StepAB} (2 threads, 9 rounds, against 6 x 4 NN alone): MLP batch 512
         * 1.050, batch 128 1.010, 2048-wide 1.023, convnet 1.005. On 2026-12-02 an older emitter's 24-accumulator
         * TN tiles ran at 0.2-5 GFLOP/s on a Zen 5 (C2 gave them up, 2026-12-02-gemm-blocking.md); today's tiles
         * (the first block from 0, no zeroing pass) compile with C2 here and a step allocates nothing
         * ({@code ConvolutionShapesTest}), which a tile left to C1 would break by boxing its vectors.
         */
        public static final Tile WIDE_TN = new Tile(6, 4);

        /**
         * The NN tile for long reductions on vectors wider than 256 bits ({@link #broadcast(Form, int, int)}): 6 rows
         * x 4 vectors, 24 accumulators, 4 B vectors and a broadcast in AVX-512's 32 registers; it also covers a
         * swapped NT kernel's 64 columns of C^T ({@code GemmEmitter.NT_SWAP_ROWS}) in one tile. 8 x 2 before: on an
         * Intel Xeon (family 6 model 167, 2026-12-04) an 8 x 2 tile issues 10 loads and 16 fmas per step of k with
         * their bounds checks and index arithmetic, and the core's issue width, not its two FMA units, set the pace;
         * 6 x 4 issues 10 loads per 24 fmas. JMH {@code Kernels}, 1 thread, two alternated rounds, 8 x 2 -> 6 x 4
         * (GFLOP/s): the MLP's forward 128 x 512 x 784 122 -> 138, 128 x 256 x 512 128 -> 137, input gradient 128 x
         * 512 x 256 120 -> 132-151, the 2048-wide MLP's forward 106 -> 127-133, the convnet's dense forward 115 ->
         * 131-134; {@code Inference} at batch 1024, 1 thread, 94 -> 105-108. {@code StepAB}, 2 threads, medians of 9
         * rounds: MLP batch 512 1.054, batch 128 1.012, 2048-wide 1.116. Not measured on a Zen: there 8 x 2 had
         * beaten 4 x 4 by 6-8% (above); 6 x 4 loads one B vector per 6 fmas where 8 x 2 loads one per 8. TN takes
         * the same tile ({@link #WIDE_TN}). Tiles do not change results.
         */
        public static final Tile LONG_NN = new Tile(6, 4);
    }

    /**
     * The width in bits of the {@code FloatVector}s that VECTOR kernels loaded into this JVM will use: the species
     * {@code GemmEmitter.addVectorFields} picks, {@code FloatVector.SPECIES_PREFERRED} capped by the system property
     * {@value GemmEmitter#MAX_VECTOR_BITS_PROPERTY}; {@link #DEFAULT_VECTOR_BITS} when this JVM has no Vector API
     * module (read reflectively, so the compiler never links the incubator module).
     */
    public static int runningVectorBits() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return DEFAULT_VECTOR_BITS;
        }
        int preferred;
        try {
            Class<?> floatVector = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = floatVector.getField("SPECIES_PREFERRED").get(null);
            preferred = (Integer) species.getClass().getMethod("vectorBitSize").invoke(species);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return DEFAULT_VECTOR_BITS;
        }
        int max = Math.min(GemmEmitter.MAX_VECTOR_BITS,
                Integer.getInteger(GemmEmitter.MAX_VECTOR_BITS_PROPERTY, GemmEmitter.MAX_VECTOR_BITS));
        return preferred <= max ? preferred : max >= 512 ? 512 : max >= 256 ? 256 : 128;
    }

    /** Rejects a vector width the Vector API cannot have (a power of two from 64 to 2048 bits). */
    public static int checkVectorBits(int vectorBits) {
        if (vectorBits < 64 || vectorBits > 2048 || Integer.bitCount(vectorBits) != 1) {
            throw new IllegalArgumentException("vector bits must be a power of two in [64, 2048], got " + vectorBits);
        }
        return vectorBits;
    }

    /** A spec that overwrites C. */
    public GemmSpec(Form form, int m, int n, int k, String methodName, Epilogue epilogue,
            List<ParameterSpec> extraParams, Style style, Tile tile, Split split) {
        this(form, m, n, k, methodName, epilogue, extraParams, style, tile, split, false, false);
    }

    /** A spec split by rows. */
    public GemmSpec(Form form, int m, int n, int k, String methodName, Epilogue epilogue,
            List<ParameterSpec> extraParams, Style style, Tile tile) {
        this(form, m, n, k, methodName, epilogue, extraParams, style, tile, Split.ROWS);
    }

    /** A spec whose tile is {@link Tile#broadcast}{@code (form, DEFAULT_VECTOR_BITS)}. */
    public GemmSpec(Form form, int m, int n, int k, String methodName, Epilogue epilogue,
            List<ParameterSpec> extraParams, Style style) {
        this(form, m, n, k, methodName, epilogue, extraParams, style,
                form == null ? null : Tile.broadcast(form, DEFAULT_VECTOR_BITS));
    }

    /** Which operand the kernel reads transposed; see the class comment. */
    public enum Form { NT, NN, TN }

    /** Vector API tiles, or plain Java loops for a JVM without {@code jdk.incubator.vector}. */
    public enum Style { VECTOR, SCALAR }

    public GemmSpec {
        if (form == null || style == null || tile == null || split == null) {
            throw new IllegalArgumentException("form, style, tile and split are required");
        }
        JavaLiterals.checkedIdentifier(methodName);
        extraParams = List.copyOf(extraParams);
        if (n < 1) {
            throw new IllegalArgumentException("n must be >= 1, got " + n);
        }
        if (form == Form.TN) {
            if (m < 1 || k != 0) {
                throw new IllegalArgumentException("TN needs m >= 1 and k = 0 (the batch), got m=" + m + ", k=" + k);
            }
        } else if (k < 1 || m != 0) {
            throw new IllegalArgumentException(form + " needs k >= 1 and m = 0 (the batch), got m=" + m + ", k=" + k);
        }
        if ((long) Math.max(m, 1) * n > Integer.MAX_VALUE || (long) n * Math.max(k, 1) > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("matrix too large for int indexing: m=" + m + ", n=" + n + ", k=" + k);
        }
        if (split == Split.COLUMNS && (form != Form.TN || epilogue != null)) {
            throw new IllegalArgumentException("only TN kernels without epilogue split by columns");
        }
        if (accumulates && (form != Form.TN || epilogue != null)) {
            throw new IllegalArgumentException("only TN kernels without epilogue accumulate");
        }
        if (split == Split.ROWS_AND_COLUMNS && (form == Form.TN || GemmEmitter.ntTransposes(form, k, n))) {
            throw new IllegalArgumentException("only NN kernels and NT kernels that take dot products have a column"
                    + " entry, got " + form + " with k=" + k);
        }
        for (ParameterSpec p : extraParams) {
            if (GemmEmitter.isReservedName(p.name())) {
                throw new IllegalArgumentException("extra parameter name '" + p.name()
                        + "' clashes with a kernel parameter or local");
            }
        }
    }

    /** {@code C[m][n] = sum_k A[m][k] * B[n][k]}, plain store. */
    public static GemmSpec nt(String methodName, int n, int k, Style style) {
        return new GemmSpec(Form.NT, 0, n, k, methodName, null, List.of(), style);
    }

    /** {@code C[m][n] = sum_k A[m][k] * B[k][n]}, plain store. */
    public static GemmSpec nn(String methodName, int n, int k, Style style) {
        return new GemmSpec(Form.NN, 0, n, k, methodName, null, List.of(), style);
    }

    /** {@code C[m][n] = sum_k A[k][m] * B[k][n]} over the batch k, plain store. */
    public static GemmSpec tn(String methodName, int m, int n, Style style) {
        return new GemmSpec(Form.TN, m, n, 0, methodName, null, List.of(), style);
    }

    /** This spec with an epilogue and the extra parameters it reads. */
    public GemmSpec withEpilogue(Epilogue newEpilogue, List<ParameterSpec> newExtraParams) {
        return new GemmSpec(form, m, n, k, methodName, newEpilogue, newExtraParams, style, tile,
                split, accumulates, fewRows);
    }

    /** This spec with another style. */
    public GemmSpec withStyle(Style newStyle) {
        return new GemmSpec(form, m, n, k, methodName, epilogue, extraParams, newStyle, tile,
                split, accumulates, fewRows);
    }

    /** This spec with another method name. */
    public GemmSpec withMethodName(String newName) {
        return new GemmSpec(form, m, n, k, newName, epilogue, extraParams, style, tile, split, accumulates, fewRows);
    }

    /** This spec with another VECTOR NN/TN register tile. */
    public GemmSpec withTile(Tile newTile) {
        return new GemmSpec(form, m, n, k, methodName, epilogue, extraParams, style, newTile,
                split, accumulates, fewRows);
    }

    /** This spec split by column panels instead of rows (TN only). */
    public GemmSpec withSplitColumns(boolean columns) {
        return withSplit(columns ? Split.COLUMNS : Split.ROWS);
    }

    /** This spec with another {@link Split}. */
    public GemmSpec withSplit(Split newSplit) {
        return new GemmSpec(form, m, n, k, methodName, epilogue, extraParams, style, tile,
                newSplit, accumulates, fewRows);
    }

    /** This spec with or without the {@code accumulate} parameter (see {@link #accumulates}). */
    public GemmSpec withAccumulate(boolean newAccumulates) {
        return new GemmSpec(form, m, n, k, methodName, epilogue, extraParams, style, tile,
                split, newAccumulates, fewRows);
    }

    /** This spec with or without few-row tiles (see {@link #fewRows}). */
    public GemmSpec withFewRows(boolean newFewRows) {
        return new GemmSpec(form, m, n, k, methodName, epilogue, extraParams, style, tile, split, accumulates,
                newFewRows);
    }

    /**
     * The distance between B's rows, in floats: {@code n} (NN, TN) or {@code k} (NT) as B is declared, but for NN
     * on W^T laid out for inference ({@link #fewRows}) the stride within a column panel of that layout
     * ({@link InferenceParams#panelRowStride}): rows on cache lines, one after the other in panels
     * ({@link #bPanelWidth()}), or padded to start on different cache sets in a single panel.
     */
    public int bRowStride() {
        if (form == Form.NN && fewRows) {
            return InferenceParams.panelRowStride(n);
        }
        return form == Form.NT ? k : n;
    }

    /**
     * Columns per panel of B: for NN on W^T laid out for inference ({@link #fewRows}) those of its layout
     * ({@link InferenceParams#panelWidth}), each panel [k][{@link #bRowStride()}] after the one before; otherwise
     * {@code n}, B's rows whole.
     */
    public int bPanelWidth() {
        return form == Form.NN && fewRows ? InferenceParams.panelWidth(n) : n;
    }

    /** Whether B is stored in more than one column panel ({@link #bPanelWidth()}). */
    public boolean bInPanels() {
        return bPanelWidth() < n;
    }

    /** Whether a call's range is column panels of every row ({@link Split#COLUMNS}). */
    public boolean splitColumns() {
        return split == Split.COLUMNS;
    }

    /** Whether the kernel has a second entry for column panels ({@link Split#ROWS_AND_COLUMNS}). */
    public boolean hasColumnEntry() {
        return split == Split.ROWS_AND_COLUMNS;
    }

    /** The name of the column entry ({@link Split#ROWS_AND_COLUMNS}). */
    public String columnEntryName() {
        return columnEntryName(methodName);
    }

    /** The name of the column entry of the kernel whose entry method is {@code methodName}. */
    public static String columnEntryName(String methodName) {
        return methodName + "Cols";
    }

    /**
     * Columns per panel of the column entry ({@link Split#ROWS_AND_COLUMNS}): {@code GemmEmitter.NT_PANEL} for NT,
     * {@code GemmEmitter.NN_PANEL} for NN; the same for both styles and every vector width.
     */
    public int columnPanelWidth() {
        return form == Form.NT ? GemmEmitter.NT_PANEL : GemmEmitter.NN_PANEL;
    }

    /** How many column panels the column entry of {@link Split#ROWS_AND_COLUMNS} has. */
    public int columnPanels() {
        return (n + columnPanelWidth() - 1) / columnPanelWidth();
    }

    /**
     * Columns per panel of a column-split kernel, as a Java expression: {@code cols * LANES} (VECTOR) or
     * {@code cols} (SCALAR).
     */
    public String panelWidth() {
        return panelWidth(GemmEmitter.LANES);
    }

    /** As {@link #panelWidth()}, with {@code lanes} for {@code LANES} (a field of another class). */
    public String panelWidth(String lanes) {
        if (swapsOperands()) {
            return String.valueOf(effectiveTile().rows());
        }
        if (widensTile()) {
            return "(" + lanes + " >= 16 ? " + wideTile().cols() + " : " + tile.cols() + ") * " + lanes;
        }
        return style == Style.VECTOR ? effectiveTile().cols() + " * " + lanes : String.valueOf(effectiveTile().cols());
    }

    /**
     * Whether a VECTOR column-split TN kernel computes C transposed, {@code C^T = B^T A} (A and B swapped), and then
     * stores it into C: when C has fewer columns than {@link #SWAP_MAX_N} and more rows than columns. The kernel
     * gradient of a one-channel 5x5 convolution (C 32 x 25, summed over 50,176 pixels at batch 64) left 9 of its 25
     * columns to one-column scalar tiles and its single panel to one thread: 5.3 ms of a 46 ms convnet step on 2
     * threads, at 15 GFLOP/s. Transposed, its 25 rows and 32 columns are whole vector tiles, and its panels are row
     * tiles of C^T. Each element is the same chain of fmas in k order (an fma does not depend on the order of its
     * factors), so the results are bitwise those of the kernel that does not swap.
     */
    public boolean swapsOperands() {
        return split == Split.COLUMNS && style == Style.VECTOR && n < SWAP_MAX_N && m > n;
    }

    /** See {@link #swapsOperands()}. */
    static final int SWAP_MAX_N = 64;

    /**
     * Columns per panel of a column-split kernel ({@link #panelWidth()}) on a JVM with {@code lanes}-float vectors
     * (1 for SCALAR kernels).
     */
    public int panelColumns(int lanes) {
        if (swapsOperands()) {
            return effectiveTile().rows();
        }
        if (style == Style.SCALAR) {
            return effectiveTile().cols();
        }
        return (widensTile() && lanes >= 16 ? wideTile().cols() : tile.cols()) * lanes;
    }

    /**
     * Whether a VECTOR NN or TN kernel with the default (256-bit) tile also holds a loop nest of {@link #wideTile()}
     * tiles and takes it where the JVM's vectors have 16 lanes: both nests are in the class and one is picked by
     * {@code LANES}, a static final constant, so the JIT keeps only the running width's. So a class tiled for AVX2
     * (every ahead-of-time class, and in-process compiles, which do not read the emitting JVM's width) runs
     * AVX-512's tiles on AVX-512. KernelAB, 1 thread, Zen 4, 512-bit vectors, the two tilings alternated in one JVM,
     * medians of 11 rounds, bitwise the same C: TN 512 x 784 x 128 +4%, 256 x 512 x 128 +20%, 1024 x 3136 x 64
     * +15%, 2048 x 1024 x 128 +23%; NN 128 x 512 x 256 +9%, 128 x 2048 x 1024 +9%, 64 x 3136 x 1024 +27%,
     * 12544 x 800 x 64 +11%, 196 x 64 x 800 +4%, 128 x 256 x 10 +1% (2026-12-03-kernel-experiments.md). Before,
     * only column-split TN kernels widened (the convnet's kernel gradient: 98 against 121-126 GFLOP/s). AVX2's 16
     * registers would spill the wide tiles (see {@link Tile#broadcast}), so narrower JVMs keep 6 x 2 and 5 x 2.
     * A product narrower than one wide panel (C of fewer than 64 columns: the XOR net's) keeps one nest, so
     * tiny networks' classes do not grow for tiles that would never run. Tiles do not change results.
     */
    public boolean widensTile() {
        return style == Style.VECTOR && form != Form.NT && !swapsOperands()
                && tile.equals(Tile.broadcast(form, DEFAULT_VECTOR_BITS)) && !wideTile().equals(tile)
                && n >= wideTile().cols() * 16;
    }

    /** The tile of {@link #widensTile()} kernels on 16-lane vectors: the one chosen for 512-bit vectors. */
    public Tile wideTile() {
        return Tile.broadcast(form, 512, k);
    }

    /** How many column panels a column-split kernel has, as a Java expression over {@code LANES}. */
    public String panels() {
        return panels(GemmEmitter.LANES);
    }

    /** As {@link #panels()}, with {@code lanes} for {@code LANES} (a field of another class). */
    public String panels(String lanes) {
        return "(" + n + " + " + panelWidth(lanes) + " - 1) / (" + panelWidth(lanes) + ")";
    }

    /** This spec with the NN/TN tile for {@code vectorBits}-bit vectors ({@link Tile#broadcast(Form, int, int)}). */
    public GemmSpec withVectorBits(int vectorBits) {
        return withTile(Tile.broadcast(form, vectorBits, k));
    }

    /**
     * The tile the emitted kernel really uses: {@link #tile} for VECTOR NN and TN and for a VECTOR NT kernel with a
     * short reduction (run as NN, see {@code GemmEmitter.NT_SHORT_K}), 4 x 4 otherwise. A swapped NT kernel
     * ({@code GemmEmitter.ntSwaps}) runs NN tiles of {@link #tile}'s width class on C^T; its splits align to its
     * blocks of rows ({@link #rowTile}).
     */
    public Tile effectiveTile() {
        return style == Style.VECTOR && (form != Form.NT || GemmEmitter.ntTransposes(this)) ? tile
                : Tile.FOUR_BY_FOUR;
    }

    /**
     * Rows per tile of the emitted kernel (of its nest for fewer than 16 lanes, if it {@link #widensTile()}: the
     * other nest's are {@code wideTile().rows()}); give it to {@code netc.runtime.Parallel#run} as the alignment of
     * row splits. Results do not depend on the split (see {@link GemmEmitter}); the alignment only keeps the rows of
     * a part off the slower one-row tail tiles.
     */
    public int rowTile() {
        if (GemmEmitter.ntSwaps(this)) {
            // its blocks of rows: a part's rows are transposed a block at a time
            return GemmEmitter.NT_SWAP_ROWS;
        }
        return split == Split.COLUMNS ? 1 : effectiveTile().rows();
    }
}
