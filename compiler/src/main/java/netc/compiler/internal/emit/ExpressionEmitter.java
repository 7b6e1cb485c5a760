package netc.compiler.internal.emit;

import com.palantir.javapoet.CodeBlock;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Shape;
import netc.compiler.internal.schedule.Buffer;
import netc.compiler.internal.schedule.Program;
import netc.compiler.internal.source.InternalCompilerError;

/**
 * Spells a fused elementwise expression tree as one Java float expression for element {@code (row, col)}: stored
 * operands become array reads, inlined operands are expanded in place, constants become literals, and one chosen
 * node (a matrix product feeding an epilogue) becomes a given value. Collects the arrays it reads so the kernel
 * method can take them as parameters.
 *
 * <p>Scratch arrays get parameter names by order of first use ({@code buf0}, {@code buf1}, ...), not the names of
 * their fields ({@code t17}): the same expression over other buffers (the next step of an unrolled recurrence) then
 * spells the same method body, which the class shares. The arguments and offsets are what differ.
 */
final class ExpressionEmitter {
    private final Program program;
    private final String row;
    private final String col;
    private final Node replaced;
    private final CodeBlock replacement;
    /** Arrays read or written so far: the caller's name (field or argument) to the kernel's parameter name. */
    private final Map<String, String> arrays = new LinkedHashMap<>();
    /** Offsets passed as {@code int} parameters (where a row slice starts), parameter name to value. */
    private final Map<String, Integer> offsets = new LinkedHashMap<>();
    /** The offset parameter of each buffer start read so far, keyed by array name and offset. */
    private final Map<String, String> offsetNames = new LinkedHashMap<>();
    private int rowsPerSample = 1;
    private int rowWidth = 1;
    /** The view of a value whose elements line up with the root's one for one. */
    private static final int FULL = 0;

    /**
     * @param row         the Java variable holding the row index: the sample, or for an image the pixel of all
     *                    samples (ignored for shared values)
     * @param col         the Java variable holding the element index within a row
     * @param replaced    a node to spell as {@code replacement} (the epilogue's product), or null
     */
    ExpressionEmitter(Program program, String row, String col, Node replaced, CodeBlock replacement) {
        this.program = program;
        this.row = row;
        this.col = col;
        this.replaced = replaced;
        this.replacement = replacement;
    }

    /** The kernel's parameter names of the arrays used so far, in order of first use. */
    Set<String> arrays() {
        return new LinkedHashSet<>(arrays.values());
    }

    /** The caller's names of the same arrays, in the same order: the arguments of a call of the kernel. */
    Set<String> arguments() {
        return new LinkedHashSet<>(arrays.keySet());
    }

    /**
     * The {@code int} parameters the kernel takes after its arrays, by name, with the value the caller passes: where
     * each row {@code xs[t]} starts, so that every step's slice runs the same method.
     */
    Map<String, Integer> offsets() {
        return offsets;
    }

    /** The parameter name of a buffer's array, registering it (an elementwise kernel registers its output first). */
    String param(Buffer b) {
        String actual = ArrayNames.name(b);
        return arrays.computeIfAbsent(actual, a -> b.home() == Buffer.Home.SCRATCH ? "buf" + scratchCount() : a);
    }

    private int scratchCount() {
        int n = 0;
        for (String p : arrays.values()) {
            n += p.startsWith("buf") ? 1 : 0;
        }
        return n;
    }

    /**
     * The value of {@code root} at (row, col), expanding its inlined operands. The loop runs over the root's rows
     * and columns: for a batched image, rows are the pixels of all samples and columns the channels; for any other
     * batched value, rows are samples; for a shared value, {@code col} runs over all its elements.
     */
    CodeBlock root(Node root) {
        space(root);
        return apply(root, FULL);
    }

    private void space(Node root) {
        rowsPerSample = root.batched() ? root.shape().rowsPerSample() : 1;
        rowWidth = root.batched() ? root.shape().rowWidth() : root.shape().size();
    }

    private CodeBlock operand(Node n, Node consumer, int consumerView) {
        if (n == replaced) {
            return replacement;
        }
        if (n.op() == netc.compiler.internal.ir.Op.CONST) {
            return JavaLiterals.floatLiteral((float) n.attrs().value());
        }
        int view = view(n, consumer, consumerView);
        if (program.isInlined(n)) {
            return apply(n, view);
        }
        return read(n, view);
    }

    /**
     * How an operand's elements line up with the root's: {@link #FULL} (element for element: every value of an
     * elementwise tree has the root's size per sample, as flatten and unflatten keep the memory order), or, for a
     * per-channel vector [C] under an image [C, H, W] (or a value computed from such vectors), the channel count C:
     * element {@code e % C} of the flat per-sample element index {@code e}. The consumer, not the root, decides a
     * broadcast: under {@code flatten}, the root's columns are not channels.
     */
    private static int view(Node n, Node consumer, int consumerView) {
        Shape c = consumer.shape();
        if (n.shape().isScalar() || n.shape().size() == c.size()) {
            return consumerView;
        }
        if (c.isImage() && n.shape().size() == c.dim(0) && consumerView == FULL) {
            return c.dim(0);
        }
        throw new InternalCompilerError("ExpressionEmitter", "operand " + n + " of " + consumer
                + " is neither of the same size nor a per-channel broadcast");
    }

    /**
     * Where a buffer starts in its array (a parameter's place in {@code w}), as an {@code int} parameter rather
     * than a literal: the epilogues of a deep MLP's layers ({@code relu(W_i h + b_i)}) then spell one method body
     * that all layers share, instead of one copy of the whole matrix kernel per layer.
     */
    private String offsetParam(Buffer b) {
        String key = ArrayNames.name(b) + "@" + b.offset();
        String name = offsetNames.get(key);
        if (name == null) {
            name = "off" + offsetNames.size();
            offsetNames.put(key, name);
            offsets.put(name, b.offset());
        }
        return name;
    }

    /** An array read of a stored value, broadcasting shared values over samples and scalars over elements. */
    private CodeBlock read(Node n, int view) {
        String array = param(program.buffer(n));
        return CodeBlock.of("$L[$L]", array, index(n, view).code());
    }

    /** An index expression, and whether it is {@code base + col} (so LANES consecutive columns are contiguous). */
    record Index(CodeBlock code, boolean contiguous) {
    }

    /** The index of the element of stored value {@code n} at the root's (row, col), in {@code view}. */
    private Index index(Node n, int view) {
        Buffer b = program.buffer(n);
        int size = n.shape().size();
        int perSample = rowsPerSample * rowWidth;
        String sample = rowsPerSample == 1 ? row : "(" + row + " / " + rowsPerSample + ")";
        // the flat element index within the sample
        String element = rowsPerSample == 1 ? col : "(" + row + " % " + rowsPerSample + ") * " + rowWidth + " + " + col;
        String base = b.offset() != 0 ? offsetParam(b) + " + " : "";
        if (n.shape().isScalar()) {
            return new Index(CodeBlock.of("$L", n.batched() ? base + sample : b.offset() != 0 ? offsetParam(b) : "0"),
                    false);
        }
        if (view == FULL) {
            if (size != perSample) {
                throw new InternalCompilerError("ExpressionEmitter", "operand " + n + " is not of the size of "
                        + perSample + " per sample");
            }
            if (n.batched()) {
                String r = rowWidth == 1 ? row : row + " * " + rowWidth;
                return new Index(CodeBlock.of("$L$L + $L", base, r, col), true);
            }
            return new Index(CodeBlock.of("$L$L", base, element), true);
        }
        String channel;
        boolean contiguous = false;
        if (rowWidth == view) {
            channel = col;
            contiguous = !n.batched();
        } else if (rowsPerSample == 1 && rowWidth % view == 0) {
            channel = col + " % " + view;
        } else {
            channel = "(" + element + ") % " + view;
        }
        String s = n.batched() ? (view == 1 ? sample : sample + " * " + view) + " + " : "";
        return new Index(CodeBlock.of("$L$L$L", base, s, channel), contiguous);
    }

    private CodeBlock apply(Node n, int view) {
        switch (n.op()) {
            case ADD: return CodeBlock.of("($L + $L)", operand(n.input(0), n, view), operand(n.input(1), n, view));
            case SUB: return CodeBlock.of("($L - $L)", operand(n.input(0), n, view), operand(n.input(1), n, view));
            case MUL: return CodeBlock.of("($L * $L)", operand(n.input(0), n, view), operand(n.input(1), n, view));
            case DIV: return CodeBlock.of("($L / $L)", operand(n.input(0), n, view), operand(n.input(1), n, view));
            case NEG: return CodeBlock.of("(-$L)", operand(n.input(0), n, view));
            case FLATTEN: case UNFLATTEN: return operand(n.input(0), n, view); // same memory order
            case STEP: return call("step", n, view);
            case SOFTSIGN: return call("softsign", n, view);
            case SIGMOID: return call("sigmoid", n, view);
            case RELU: return call("relu", n, view);
            case TANH: return call("tanh", n, view);
            case EXP: return call("exp", n, view);
            case LOG: return call("log", n, view);
            case SOFTSIGN_GRAD: return call("softsignGrad", n, view);
            case SLICE: {
                // row t of a [T, D] value: element j is element t * D + j of the sample's row
                Node a = n.input(0);
                Buffer b = program.buffer(a);
                String start = "row" + offsets.size();
                offsets.put(start, b.offset() + (int) n.attrs().value() * n.shape().size());
                CodeBlock.Builder index = CodeBlock.builder();
                if (a.batched()) {
                    index.add("$L * $L + ", row, a.shape().size());
                }
                index.add("$L + $L", start, col);
                return CodeBlock.of("$L[$L]", param(b), index.build());
            }
            case LEAKY_RELU:
                return CodeBlock.of("$T.leakyRelu($L, $L)", ClassEmitter.ACTIVATIONS, operand(n.input(0), n, view),
                        JavaLiterals.floatLiteral((float) n.attrs().value()));
            case LEAKY_RELU_GRAD:
                return CodeBlock.of("$T.leakyReluGrad($L, $L)", ClassEmitter.ACTIVATIONS, operand(n.input(0), n, view),
                        JavaLiterals.floatLiteral((float) n.attrs().value()));
            default:
                throw new InternalCompilerError("ExpressionEmitter", "not an elementwise op: " + n);
        }
    }

    /**
     * The value of {@code root} at columns {@code col .. col + LANES - 1} of row {@code row}, as a {@code FloatVector}
     * expression (the replaced node stands for the vector given as replacement); or null when some operation in the
     * tree has no vector form, or an operand is not read contiguously by column. Every operation is spelled so
     * that each lane gets bitwise the value {@link #root} gives its column: IEEE add/sub/mul/div/neg lane by lane,
     * and the comparisons of {@code netc.runtime.Activations} ({@code x > 0}, false for NaN) through the helpers of
     * {@link VectorHelpers}, recorded in {@code helpers}.
     */
    CodeBlock vectorRoot(Node root, Set<VectorHelpers> helpers) {
        space(root);
        return vectorApply(root, FULL, helpers);
    }

    private CodeBlock vectorOperand(Node n, Node consumer, int consumerView, Set<VectorHelpers> helpers) {
        if (n == replaced) {
            return replacement;
        }
        if (n.op() == netc.compiler.internal.ir.Op.CONST) {
            return CodeBlock.of("$T.broadcast($L, $L)", GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES_REF,
                    JavaLiterals.floatLiteral((float) n.attrs().value()));
        }
        int view = view(n, consumer, consumerView);
        if (program.isInlined(n)) {
            return vectorApply(n, view, helpers);
        }
        if (n.shape().isScalar()) {
            return CodeBlock.of("$T.broadcast($L, $L)", GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES_REF,
                    read(n, view));
        }
        Index index = index(n, view);
        if (!index.contiguous()) {
            return null;
        }
        String array = param(program.buffer(n));
        return CodeBlock.of("$T.fromArray($L, $L, $L)", GemmEmitter.FLOAT_VECTOR, GemmEmitter.SPECIES_REF, array,
                index.code());
    }

    private CodeBlock vectorApply(Node n, int view, Set<VectorHelpers> helpers) {
        switch (n.op()) {
            case ADD: return vectorBinary("add", n, view, helpers);
            case SUB: return vectorBinary("sub", n, view, helpers);
            case MUL: return vectorBinary("mul", n, view, helpers);
            case DIV: return vectorBinary("div", n, view, helpers);
            case NEG: {
                CodeBlock a = vectorOperand(n.input(0), n, view, helpers);
                return a == null ? null : CodeBlock.of("$L.neg()", a);
            }
            case FLATTEN: case UNFLATTEN:
                return vectorOperand(n.input(0), n, view, helpers);
            case STEP: return vectorHelper(VectorHelpers.STEP, n, view, helpers);
            case RELU: return vectorHelper(VectorHelpers.RELU, n, view, helpers);
            case LEAKY_RELU: return vectorHelper(VectorHelpers.LEAKY_RELU, n, view, helpers);
            case LEAKY_RELU_GRAD: return vectorHelper(VectorHelpers.LEAKY_RELU_GRAD, n, view, helpers);
            default:
                return null; // tanh, sigmoid, exp, log, softsign, ...: scalar only
        }
    }

    private CodeBlock vectorBinary(String method, Node n, int view, Set<VectorHelpers> helpers) {
        CodeBlock a = vectorOperand(n.input(0), n, view, helpers);
        CodeBlock b = a == null ? null : vectorOperand(n.input(1), n, view, helpers);
        return b == null ? null : CodeBlock.of("$L.$L($L)", a, method, b);
    }

    private CodeBlock vectorHelper(VectorHelpers h, Node n, int view, Set<VectorHelpers> helpers) {
        CodeBlock a = vectorOperand(n.input(0), n, view, helpers);
        if (a == null) {
            return null;
        }
        helpers.add(h);
        if (h.hasSlope()) {
            return CodeBlock.of("$L($L, $L)", h.methodName(), a, JavaLiterals.floatLiteral((float) n.attrs().value()));
        }
        return CodeBlock.of("$L($L)", h.methodName(), a);
    }

    private CodeBlock call(String method, Node n, int view) {
        return CodeBlock.of("$T.$L($L)", ClassEmitter.ACTIVATIONS, method, operand(n.input(0), n, view));
    }

    /** Java names of the arrays behind buffers. */
    static final class ArrayNames {
        private ArrayNames() {
        }

        static String name(Buffer b) {
            switch (b.home()) {
                case PARAMS: return "w";
                case GRADS: return "g";
                case INPUT: return "x";
                case TARGET: return "y";
                case SCRATCH: case PER_THREAD: return "t" + b.nodeId();
                case LOSS_ROWS: return "lossRows";
                default: throw new AssertionError(b.home());
            }
        }
    }
}
