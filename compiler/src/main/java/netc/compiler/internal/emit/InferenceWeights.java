package netc.compiler.internal.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.schedule.Kernel;
import netc.compiler.internal.schedule.Program;
import netc.runtime.InferenceParams;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;

/**
 * The weights a VECTOR class's inference programs read transposed ({@code forwardPrepared},
 * {@code lossAndOutputPrepared} on the parameters {@code prepareForInference} lays out): every W [out][in] whose only
 * uses in the output and the loss are forward products {@code W x} wide enough for NN tiles.
 *
 * <p>Why: a forward product on W as declared is NT. Dot products along k are bound by their loads on full-width
 * 512-bit FMA units (Zen 5: 104-120 GFLOP/s on 1 thread where NN on W^T reaches 154-170,
 * benchmarks/results/2026-12-04-nt-as-nn.md), so {@code forward} runs the wide ones as NN on its input transposed
 * per call ({@link GemmEmitter#ntSwaps}), which costs the transposes and, below 16 rows, a whole vector of rows. On
 * W^T laid out once (a trained model's weights do not change; {@code Predictor} does it once) the same fma chains
 * run as NN directly, and calls of a few rows take few-row tiles. Transposing W per call instead costs about one pass
 * over W, more than the product at small batches, and doing it only from some batch on made one sample's outputs
 * depend on the batch it came in (the morning of 2026-12-04).
 *
 * <p>The products are those that {@code forward} on W as declared computes as fma chains too
 * ({@link GemmEmitter#ntChains}: at least {@link GemmEmitter#NT_SWAP_MIN_N} columns, as NN on A transposed, or a
 * reduction so short that NT runs as NN on W transposed per call), so the two paths give the same bits. Narrower
 * products (a classifier's 10 outputs) keep dot products on both: NN would leave most of their columns to one-vector
 * and scalar tiles.
 */
final class InferenceWeights {
    private static final ClassName INFERENCE_PARAMS = ClassName.get("netc.runtime", "InferenceParams");
    private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);

    /** The field holding the layout of every transposed weight ({@link #layoutFields}). */
    static final String LAYOUT_FIELD = "TRANSPOSED_FOR_INFERENCE";

    /**
     * The most weights a class transposes: each adds six ints to the static initializer (about 8 bytes of bytecode
     * each), which the JVM limits to 64 KB with the model spec; a network of more wide layers than this keeps its
     * inference on W. 800: the 4,800 ints of the layout stay below the 5,000 of 1,000 weights at five ints each, the
     * limit before the panels; neither was tried at the limit.
     */
    static final int MAX_WEIGHTS = 800;

    /** The field holding where the region of transposed weights starts, before its shift. */
    static final String REGION_START_FIELD = "TRANSPOSED_START";
    /** The field holding the length of a prepared array. */
    static final String PREPARED_COUNT_FIELD = "PREPARED_COUNT";

    /**
     * The transposed weights by parameter offset, each as (rows, columns, region offset, row stride, panel width):
     * W [rows][columns] as declared, W^T in the region in panels of [columns][stride] ({@code InferenceParams}).
     */
    private final Map<Integer, int[]> byOffset;
    /** The ids of the PARAM nodes read transposed, with their offsets in the region. */
    private final Map<Integer, Integer> regionOffsets;
    private final int regionStart;
    private final long preparedCount;

    private InferenceWeights(Map<Integer, int[]> byOffset, Map<Integer, Integer> regionOffsets, int regionStart,
                             long preparedCount) {
        this.byOffset = byOffset;
        this.regionOffsets = regionOffsets;
        this.regionStart = regionStart;
        this.preparedCount = preparedCount;
    }

    private static InferenceWeights none() {
        return new InferenceWeights(Map.of(), Map.of(), 0, 0);
    }

    /** The weights {@code programs} (the inference ones) may read transposed; none for a SCALAR class. */
    static InferenceWeights of(Graph graph, ModelSpec spec, List<Program> programs, EmitOptions options) {
        if (!options.vector()) {
            return none();
        }
        Set<Node> products = new HashSet<>();
        Map<String, int[]> candidates = new TreeMap<>();
        for (Program p : programs) {
            for (Kernel k : p.kernels()) {
                if (k instanceof Kernel.Gemm gemm && wideForwardProduct(gemm, p)) {
                    products.add(gemm.product());
                    Node w = gemm.product().input(0);
                    candidates.put(w.attrs().name(), new int[] {w.shape().dim(0), w.shape().size() / w.shape().dim(0)});
                }
            }
        }
        // any other use of W in the output or the loss (a penalty on it, a product that keeps dot products) would
        // read the prepared array as declared
        Set<String> otherUses = new TreeSet<>();
        for (Node n : reachable(graph, List.of(Graph.OUTPUT, Graph.LOSS))) {
            for (int i = 0; i < n.inputs().size(); i++) {
                Node in = n.input(i);
                if (in.op() == Op.PARAM && !(i == 0 && products.contains(n))) {
                    otherUses.add(in.attrs().name());
                }
            }
        }
        Map<Integer, int[]> byOffset = new TreeMap<>();
        Map<String, Integer> chosen = new HashMap<>();
        long region = 0;
        for (ParamSpec ps : spec.params()) {
            int[] shape = candidates.get(ps.name());
            if (shape != null && !otherUses.contains(ps.name()) && !ps.isState()) {
                int stride = InferenceParams.panelRowStride(shape[0]);
                int panel = InferenceParams.panelWidth(shape[0]);
                // clamped only to stay an int: a region that large is refused below
                int at = (int) Math.min(region, Integer.MAX_VALUE);
                byOffset.put(ps.offset(), new int[] {shape[0], shape[1], at, stride, panel});
                chosen.put(ps.name(), at);
                region += (long) shape[0] / panel * shape[1] * stride;
            }
        }
        int regionStart = (spec.paramCount() + 1 + 15) / 16 * 16;
        long preparedCount = regionStart + 16L + region;
        // the prepared array and every index into it must fit an int
        if (byOffset.size() > MAX_WEIGHTS || preparedCount > Integer.MAX_VALUE - 16) {
            return none();
        }
        Map<Integer, Integer> ids = new TreeMap<>();
        for (Node n : graph.leaves(Op.PARAM)) {
            Integer offset = chosen.get(n.attrs().name());
            if (offset != null) {
                ids.put(n.id(), offset);
            }
        }
        return new InferenceWeights(byOffset, ids, regionStart, preparedCount);
    }

    /** A dense layer's forward product {@code W x} on a parameter W, wide enough or short enough for NN. */
    private static boolean wideForwardProduct(Kernel.Gemm gemm, Program p) {
        Node product = gemm.product();
        if (product.op() != Op.MAT_VEC || product.input(0).op() != Op.PARAM || GemmCall.onTransposedKernel(product)) {
            return false;
        }
        GemmCall call = GemmCall.of(gemm, p);
        return GemmEmitter.ntChains(call.form(), call.k(), call.n());
    }

    private static List<Node> reachable(Graph graph, List<String> roles) {
        Set<Integer> seen = new HashSet<>();
        List<Node> order = new ArrayList<>();
        List<Node> stack = new ArrayList<>();
        for (String role : roles) {
            stack.add(graph.output(role));
        }
        while (!stack.isEmpty()) {
            Node n = stack.remove(stack.size() - 1);
            if (!seen.add(n.id())) {
                continue;
            }
            order.add(n);
            stack.addAll(n.inputs());
        }
        return order;
    }

    boolean isEmpty() {
        return byOffset.isEmpty();
    }

    /** The ids of the PARAM nodes the inference programs read transposed, with their offsets in the region. */
    Map<Integer, Integer> regionOffsets() {
        return regionOffsets;
    }

    /**
     * The fields of the prepared layout: {@code TRANSPOSED_FOR_INFERENCE} (offset, rows and columns of each weight as
     * declared, its offset in the region, its row stride and its panel width, in offset order),
     * {@code TRANSPOSED_START} and {@code PREPARED_COUNT}.
     */
    List<FieldSpec> layoutFields() {
        CodeBlock.Builder values = CodeBlock.builder().add("{$>");
        boolean first = true;
        for (Map.Entry<Integer, int[]> e : byOffset.entrySet()) {
            int[] v = e.getValue();
            values.add(first ? "\n$L, $L, $L, $L, $L, $L" : ",\n$L, $L, $L, $L, $L, $L", e.getKey(), v[0], v[1], v[2],
                    v[3], v[4]);
            first = false;
        }
        values.add("$<");
        FieldSpec layout = FieldSpec.builder(ArrayTypeName.of(TypeName.INT), LAYOUT_FIELD, Modifier.PRIVATE,
                        Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("The weights {@code prepareForInference} stores transposed: offset, rows and columns of"
                        + " each as declared, then its offset in the region of transposed weights, its row stride"
                        + " and the width of its column panels.\n")
                .initializer(values.add("}").build()).build();
        FieldSpec start = FieldSpec.builder(TypeName.INT, REGION_START_FIELD, Modifier.PRIVATE, Modifier.STATIC,
                        Modifier.FINAL)
                .addJavadoc("Where the region of transposed weights starts in prepared parameters, before the shift"
                        + " that puts it on a cache line.\n")
                .initializer("$L", regionStart).build();
        FieldSpec count = FieldSpec.builder(TypeName.INT, PREPARED_COUNT_FIELD, Modifier.PUBLIC, Modifier.STATIC,
                        Modifier.FINAL)
                .addJavadoc("The length of the parameters {@code prepareForInference} lays out.\n")
                .initializer("$L", preparedCount).build();
        return List.of(layout, start, count);
    }

    /** {@code prepareForInference}: the parameters with the weights of {@link #layoutFields} transposed after them. */
    MethodSpec prepareMethod() {
        return MethodSpec.methodBuilder("prepareForInference").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(FLOATS).addParameter(FLOATS, "params")
                .addStatement("return $T.transposedInPanels(params, PARAM_COUNT, $L, $L, $L)", INFERENCE_PARAMS,
                        REGION_START_FIELD, PREPARED_COUNT_FIELD, LAYOUT_FIELD)
                .build();
    }

    /**
     * The statement a method on prepared parameters starts with: the region's start into the field the kernel calls
     * read it from, after checking that {@code params} was laid out for this class.
     */
    CodeBlock regionStartStatement(String field) {
        return CodeBlock.of("$L = $T.panelRegionStart(params, PARAM_COUNT, $L, $L, $L);\n", field, INFERENCE_PARAMS,
                REGION_START_FIELD, PREPARED_COUNT_FIELD, LAYOUT_FIELD);
    }
}
