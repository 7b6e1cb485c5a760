package netc.compiler.internal.schedule;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.InternalCompilerError;

/**
 * Decides which nodes get memory, fuses the rest into their consumers, and orders the kernels.
 *
 * <pre>
 *   graph:   %3 = mat_vec %1 %0   %4 = add %3 %2   %5 = relu %4   %7 = mat_vec %6 %5 ...
 *   program: gemm %3 with epilogue %5 (relu(%3 + b1) per element, %3 and %4 never stored); gemm %7 ...
 * </pre>
 *
 * <p>Requires: a graph whose requested outputs exist. Guarantees: every kernel's operands are leaves, constants or
 * results of earlier kernels; every elementwise node is either stored (used twice, used by a non-elementwise op, or
 * an output) or inlined into exactly one consumer; a matrix product used once by an elementwise chain is that
 * chain's producer loop, so bias and activation cost no extra pass over memory.
 */
public final class Schedule {
    private final Graph graph;
    private final List<String> roles;
    private final int[] uses;
    private final boolean[] live;
    private final boolean[] isOutput;
    private final boolean[] inlined;
    private final Map<Integer, Node> fusedInto = new HashMap<>();
    private final boolean fuseSamples;

    private Schedule(Graph graph, List<String> roles, boolean fuseSamples) {
        this.graph = graph;
        this.roles = List.copyOf(roles);
        this.fuseSamples = fuseSamples;
        int size = graph.nodes().get(graph.nodes().size() - 1).id() + 1;
        this.uses = new int[size];
        this.live = new boolean[size];
        this.isOutput = new boolean[size];
        this.inlined = new boolean[size];
    }

    /** The program computing {@code roles} (e.g. {@code Graph.OUTPUT}, or the loss and every gradient). */
    public static Program build(Graph graph, List<String> roles) {
        return build(graph, roles, true);
    }

    /**
     * As {@link #build(Graph, List)}; {@code fuseSamples} false keeps every im2col, patch product and col2im a kernel
     * of its own over the whole batch (see {@link Kernel.GemmCol2im} and {@link Kernel.Im2colGemm}), to check that
     * the kernels that run a sample at a time give the same bits.
     */
    public static Program build(Graph graph, List<String> roles, boolean fuseSamples) {
        return new Schedule(graph, roles, fuseSamples).run();
    }

    private Program run() {
        for (String role : roles) {
            Node n = graph.output(role);
            isOutput[n.id()] = true;
            live[n.id()] = true;
        }
        markLive();
        for (Node n : graph.nodes()) {
            if (live[n.id()]) {
                for (Node in : n.inputs()) {
                    uses[in.id()]++;
                }
            }
        }
        boolean[] readByOtherLoop = readByNonElementwise();
        for (Node n : graph.nodes()) {
            if (live[n.id()] && n.op().isElementwise() && !mustStore(n, readByOtherLoop)) {
                inlined[n.id()] = true;
            }
        }
        limitReads();
        for (Node n : graph.nodes()) {
            if (live[n.id()] && n.op().isElementwise() && !inlined[n.id()]) {
                Node product = fusableProduct(n);
                if (product != null) {
                    fusedInto.put(n.id(), product);
                    inlined[product.id()] = true;
                }
            }
        }
        Map<Integer, Buffer> buffers = assignBuffers();
        List<Kernel> kernels = new ArrayList<>();
        for (Node n : graph.nodes()) {
            if (!live[n.id()] || inlined[n.id()] || n.op().kind() == Op.Kind.LEAF) {
                continue;
            }
            kernels.add(kernelFor(n));
        }
        if (fuseSamples) {
            fuseCol2im(kernels, buffers);
            fuseIm2col(kernels, buffers);
        }
        addOutputCopies(kernels, buffers);
        return new Program(graph, roles, kernels, buffers, inlined);
    }

    /** The most stored values one fused elementwise expression reads; a kernel method takes each as a parameter. */
    static final int MAX_READS = 32;

    /**
     * The deepest one fused elementwise expression nests. A long chain of single-use bindings ({@code h2 =
     * relu(h1)}, {@code h3 = relu(h2)}, ... and its backward chain) would otherwise become one expression thousands
     * of operations deep, which no Java compiler accepts and which every recursive walk over an inlined tree (the
     * emitter, the printers) follows; every {@code MAX_DEPTH} levels a value is stored instead.
     */
    static final int MAX_DEPTH = 48;

    /**
     * Stores an inlined node whose expression would read more than {@link #MAX_READS} stored values, so that no kernel
     * gets too many parameters (the JVM allows 255) or too long a body. It happens to sums over many steps, as the
     * gradient of a weight an unrolled recurrence uses at every step: {@code dWh = sum of 27 outer products}. Stores
     * one nested deeper than {@link #MAX_DEPTH} for the same reason.
     */
    private void limitReads() {
        int[] reads = new int[inlined.length];
        int[] depth = new int[inlined.length];
        for (Node n : graph.nodes()) {
            if (!live[n.id()] || !n.op().isElementwise()) {
                continue;
            }
            int r = 0;
            int d = 0;
            for (Node in : n.inputs()) {
                boolean expanded = inlined[in.id()] && in.op().isElementwise();
                r += expanded ? reads[in.id()] : in.op() == Op.CONST ? 0 : 1;
                d = Math.max(d, expanded ? depth[in.id()] : 0);
            }
            d++;
            if (inlined[n.id()] && (r > MAX_READS || d > MAX_DEPTH)) {
                inlined[n.id()] = false;
            }
            reads[n.id()] = inlined[n.id()] ? r : 1;
            depth[n.id()] = inlined[n.id()] ? d : 0;
        }
    }

    /**
     * Marks every input of a live node live. A loop over ids from the last down, not a recursion, so that a chain of
     * ten thousand bindings does not overflow the stack: a node's inputs have smaller ids, so each node is final
     * before the loop reaches it.
     */
    private void markLive() {
        List<Node> nodes = graph.nodes();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            if (live[n.id()]) {
                for (Node in : n.inputs()) {
                    live[in.id()] = true;
                }
            }
        }
    }

    /** Which nodes a live non-elementwise node reads (by id): one pass, not one search per node. */
    private boolean[] readByNonElementwise() {
        boolean[] read = new boolean[inlined.length];
        for (Node consumer : graph.nodes()) {
            if (live[consumer.id()] && !consumer.op().isElementwise()) {
                for (Node in : consumer.inputs()) {
                    read[in.id()] = true;
                }
            }
        }
        return read;
    }

    /** An elementwise node is stored when it is an output, used twice, or read by a loop other than an elementwise one. */
    private boolean mustStore(Node n, boolean[] readByOtherLoop) {
        return isOutput[n.id()] || uses[n.id()] != 1 || readByOtherLoop[n.id()];
    }

    /** The one matrix product in {@code root}'s inlined tree that can become its producer loop, or null. */
    private Node fusableProduct(Node root) {
        List<Node> candidates = new ArrayList<>();
        collectProducts(root, root, candidates);
        return candidates.size() == 1 ? candidates.get(0) : null;
    }

    private void collectProducts(Node root, Node n, List<Node> out) {
        for (Node in : n.inputs()) {
            if (inlined[in.id()]) {
                collectProducts(root, in, out);
            } else if ((in.op() == Op.MAT_VEC || in.op() == Op.MAT_T_VEC) && uses[in.id()] == 1
                    && !isOutput[in.id()] && in.batched() && root.batched() && in.shape().equals(root.shape())) {
                out.add(in);
            }
        }
    }

    private Kernel kernelFor(Node n) {
        Node product = fusedInto.get(n.id());
        if (product != null) {
            return new Kernel.Gemm(product, n);
        }
        switch (n.op().kind()) {
            case MATRIX:
                return new Kernel.Gemm(n, n);
            case ELEMENTWISE:
                return new Kernel.Elementwise(n);
            case REDUCE: case ROW: case LOSS: case LOSS_GRAD: case SPATIAL:
                return new Kernel.Row(n);
            default:
                throw new InternalCompilerError("Schedule", "no kernel for " + n);
        }
    }

    /**
     * The fewest pixel rows per sample for which a convolution's steps run a sample at a time: each per-sample call
     * of the product streams all of its kernel matrix B (and a short-reduction NT product transposes it first) for
     * only that sample's rows. A 1 x 1 convolution with 2,048 output channels on 4 x 4 images (16 rows) ran its
     * forward 2.8x slower fused than over the whole batch (the review of 2026-12-03); the convnet's 196 and 784 rows
     * gain (EmitOptionAB).
     */
    static final int MIN_SAMPLE_ROWS = 64;

    /**
     * The shortest patch row (C x k x k) for which im2col and the product run a sample at a time. It was set when the
     * forward product of a shorter one (an NT kernel below GemmEmitter.NT_SHORT_K, which GemmTileTest checks is this)
     * transposed the kernel matrix at every call, once per sample when fused: a 1 x 1 convolution of 24 channels into
     * 2,048 on 8 x 8 images ran its forward 1.45x slower fused. Forward products now read a kernel matrix transposed
     * once per step, but the kernel gradient of a short row, a narrow TN kernel that computes C transposed, still
     * pays per call: the convnet's first convolution (1 channel, 5 x 5) fused took 3,239 us for its kernel gradient
     * against 659 with stored patches, and gained nothing forward (2 threads, 2026-12-03). Longer rows were as fast
     * fused at 64 pixels (40 channels: 65-74 against 69 ms).
     */
    public static final int SHORT_REDUCTION = 32;

    /**
     * Replaces each col2im whose operand is a matrix product read by nothing else (a convolution's patch gradient)
     * and that product's kernel by one {@link Kernel.GemmCol2im} at the col2im's place (the product's operands are
     * ready by then, and nothing in between reads it), the product's buffer by one sample per thread; for images of
     * at least {@link #MIN_SAMPLE_ROWS} pixels.
     */
    private void fuseCol2im(List<Kernel> kernels, Map<Integer, Buffer> buffers) {
        Map<Integer, Integer> productKernel = new HashMap<>();
        for (int i = 0; i < kernels.size(); i++) {
            if (kernels.get(i) instanceof Kernel.Gemm g && !g.hasEpilogue()) {
                productKernel.put(g.product().id(), i);
            }
        }
        List<Integer> fused = new ArrayList<>();
        for (int i = 0; i < kernels.size(); i++) {
            if (!(kernels.get(i) instanceof Kernel.Row row) || row.result().op() != Op.COL2IM) {
                continue;
            }
            Node patches = row.result().input(0);
            Integer producer = productKernel.get(patches.id());
            if (producer == null || uses[patches.id()] != 1 || isOutput[patches.id()] || !patches.batched()
                    || !row.result().batched() || patches.shape().rowsPerSample() < MIN_SAMPLE_ROWS) {
                continue;
            }
            kernels.set(i, new Kernel.GemmCol2im((Kernel.Gemm) kernels.get(producer), row));
            fused.add(producer);
            buffers.put(patches.id(), new Buffer(Buffer.Home.PER_THREAD, patches.id(), 0, patches.shape().size(),
                    true));
        }
        fused.sort(java.util.Comparator.reverseOrder());
        for (int producer : fused) {
            kernels.remove(producer);
        }
    }

    /**
     * Replaces each matrix product whose right operand is an im2col's patches (a convolution) and that im2col's kernel
     * by one {@link Kernel.Im2colGemm} at the product's place, when every kernel in between is a row op that does not
     * read the patches (the kernel reordered for the product, typically); the patches' buffer becomes one sample per
     * thread. If the patches have other readers they must all be kernel gradients ({@link #kernelGradients}), and
     * each becomes an {@link Kernel.Im2colGemmTn} that builds them again. Not for small output images (see
     * {@link #MIN_SAMPLE_ROWS}; a 1 x 1 one is a dense layer's product, which may be split by columns) nor short
     * patch rows ({@link #SHORT_REDUCTION}). Storing the patches of the whole batch for the kernel gradient instead
     * (the convnet's second layer at batch 64: 40 MB written and read twice, from memory) ran the forward product at
     * 72 GFLOP/s where one sample's patches in L2 ran it at 87, and the kernel gradient at 67 against 92 (KernelAB,
     * one thread, 2026-12-03).
     */
    private void fuseIm2col(List<Kernel> kernels, Map<Integer, Buffer> buffers) {
        for (int j = 0; j < kernels.size(); j++) {
            if (!(kernels.get(j) instanceof Kernel.Gemm g) || g.product().op() != Op.MAT_VEC
                    || g.product().input(1).op() != Op.IM2COL
                    || g.product().shape().rowsPerSample() < MIN_SAMPLE_ROWS
                    || g.product().input(1).shape().dim(0) < SHORT_REDUCTION) {
                continue;
            }
            Node patches = g.product().input(1);
            List<Integer> gradients = kernelGradients(kernels, j, patches);
            if (isOutput[patches.id()] || uses[patches.id()] != 1 + gradients.size()) {
                continue;
            }
            int i = j - 1;
            while (i >= 0 && kernels.get(i) instanceof Kernel.Row r && r.result() != patches
                    && !r.result().inputs().contains(patches)) {
                i--;
            }
            if (i < 0 || !(kernels.get(i) instanceof Kernel.Row im2col) || im2col.result() != patches
                    || !patches.batched()) {
                continue;
            }
            kernels.set(j, new Kernel.Im2colGemm(im2col, g));
            for (int t : gradients) {
                kernels.set(t, new Kernel.Im2colGemmTn(im2col, (Kernel.Gemm) kernels.get(t)));
            }
            kernels.remove(i);
            j--;
            buffers.put(patches.id(), new Buffer(Buffer.Home.PER_THREAD, patches.id(), 0, patches.shape().size(),
                    true));
        }
    }

    /**
     * The kernels after {@code forward} that are a kernel gradient over {@code patches}: a TN product {@code sum
     * g patches^T} without epilogue, whose batched {@code g} is an image with a pixel per patch row (so the emitter
     * splits the product by column panels).
     */
    private static List<Integer> kernelGradients(List<Kernel> kernels, int forward, Node patches) {
        List<Integer> found = new ArrayList<>();
        for (int t = forward + 1; t < kernels.size(); t++) {
            if (kernels.get(t) instanceof Kernel.Gemm tn && !tn.hasEpilogue() && tn.product().op() == Op.OUTER_SUM
                    && tn.product().input(1) == patches && tn.product().input(0) != patches
                    && tn.product().input(0).batched() && tn.product().input(0).shape().isImage()
                    && tn.product().input(0).shape().rowsPerSample() == patches.shape().rowsPerSample()) {
                found.add(t);
            }
        }
        return found;
    }

    private Map<Integer, Buffer> assignBuffers() {
        Map<Integer, Buffer> buffers = new LinkedHashMap<>();
        int offset = 0;
        for (Node p : graph.leaves(Op.PARAM)) {
            buffers.put(p.id(), new Buffer(Buffer.Home.PARAMS, p.id(), offset, p.shape().size(), false));
            offset += p.shape().size();
        }
        Map<String, Integer> paramOffsets = new HashMap<>();
        for (Node p : graph.leaves(Op.PARAM)) {
            paramOffsets.put(p.attrs().name(), buffers.get(p.id()).offset());
        }
        for (String role : roles) {
            String param = Graph.paramOfGrad(role);
            Node n = graph.output(role);
            if (param != null && !buffers.containsKey(n.id()) && n.op().kind() != Op.Kind.LEAF) {
                buffers.put(n.id(), new Buffer(Buffer.Home.GRADS, n.id(), paramOffsets.get(param),
                        n.shape().size(), false));
            }
        }
        for (Node n : graph.nodes()) {
            if (!live[n.id()] || inlined[n.id()] || buffers.containsKey(n.id())) {
                continue;
            }
            switch (n.op()) {
                case INPUT -> buffers.put(n.id(), new Buffer(Buffer.Home.INPUT, n.id(), 0, n.shape().size(), true));
                case LABELS -> buffers.put(n.id(), new Buffer(Buffer.Home.TARGET, n.id(), 0, 1, true));
                case TARGET -> buffers.put(n.id(), new Buffer(Buffer.Home.TARGET, n.id(), 0, n.shape().size(), true));
                case CONST -> inlined[n.id()] = true;
                default -> buffers.put(n.id(), n.op().kind() == Op.Kind.LOSS
                        ? new Buffer(Buffer.Home.LOSS_ROWS, n.id(), 0, 1, true)
                        : new Buffer(Buffer.Home.SCRATCH, n.id(), 0, n.shape().size(), n.batched()));
            }
        }
        return buffers;
    }

    /** A node that answers several gradient roles is computed once and copied into the other gradient slices. */
    private void addOutputCopies(List<Kernel> kernels, Map<Integer, Buffer> buffers) {
        Map<String, Integer> paramOffsets = new HashMap<>();
        for (Node p : graph.leaves(Op.PARAM)) {
            paramOffsets.put(p.attrs().name(), buffers.get(p.id()).offset());
        }
        for (String role : roles) {
            String param = Graph.paramOfGrad(role);
            if (param == null) {
                continue;
            }
            Node n = graph.output(role);
            Buffer own = buffers.get(n.id());
            int offset = paramOffsets.get(param);
            if (own.home() != Buffer.Home.GRADS) {
                throw new InternalCompilerError("Schedule", "gradient of " + param + " is not a computed value: " + n);
            }
            if (own.offset() != offset) {
                kernels.add(new Kernel.Copy(n, offset));
            }
        }
    }
}
