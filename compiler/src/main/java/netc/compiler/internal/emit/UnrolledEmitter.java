package netc.compiler.internal.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;

/**
 * Spells a tiny dense network ({@link TinyNetRule}) as a class of straight-line code: {@code forward}, {@code loss}
 * and {@code lossAndGradient} each loop over the batch around the unrolled computation of one sample
 * ({@link UnrolledProgram}), with no tile methods, no scratch arrays and no thread hand-off, so that the class reads
 * like the math and a batch of one costs tens of nanoseconds.
 *
 * <p>It implements the same {@code netc.runtime.Network} contract as the tiled class: the same argument checks and
 * messages, the same results (bitwise those of the SCALAR-style tiled class, see {@link UnrolledProgram}), and
 * {@code setParallel} is accepted but the work always runs on the calling thread (a few hundred multiply-adds a
 * sample cost less than waking another thread), so any thread count gives bitwise the same results. Its
 * {@code kernels()} says {@code "unrolled"}. The Vector API options do not apply: there are no matrix kernels.
 */
public final class UnrolledEmitter {
    private static final ClassName NETWORK = ClassName.get("netc.runtime", "Network");
    private static final ClassName PARALLEL = ClassName.get("netc.runtime", "Parallel");
    private static final ClassName MODEL_SPEC = ClassName.get("netc.runtime", "ModelSpec");
    private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);

    /** What an unrolled class's {@code kernels()} returns. */
    public static final String KERNELS = "unrolled";

    private UnrolledEmitter() {
    }

    /** Whether a generated source is an unrolled class: the only one whose {@code kernels()} says so. */
    public static boolean isUnrolled(String javaSource) {
        return javaSource.contains("return \"" + KERNELS + "\";");
    }

    /**
     * The unrolled class of a differentiated graph if {@link TinyNetRule} allows it and its methods stay within
     * {@link TinyNetRule#MAX_METHOD_BYTES} by the estimate; null otherwise (the caller emits the tiled class).
     */
    public static String emitIfTiny(Graph differentiated, ModelSpec spec, EmitOptions options) {
        if (!TinyNetRule.shapeAllows(differentiated)) {
            return null;
        }
        CodeBlock forward = UnrolledProgram.build(differentiated, spec, UnrolledProgram.Mode.FORWARD);
        CodeBlock loss = UnrolledProgram.build(differentiated, spec, UnrolledProgram.Mode.LOSS);
        CodeBlock train = UnrolledProgram.build(differentiated, spec, UnrolledProgram.Mode.TRAIN);
        if (forward == null || loss == null || train == null) {
            return null;
        }
        for (CodeBlock body : new CodeBlock[] {forward, loss, train}) {
            if (estimatedBytes(body) > TinyNetRule.MAX_METHOD_BYTES) {
                return null;
            }
        }
        return emitFile(differentiated, spec, options, forward, loss, train);
    }

    /** Names, literals, operators and brackets: javac spends at most about this many bytes on each. */
    private static final Pattern TOKEN = Pattern.compile(
            "[A-Za-z_][A-Za-z0-9_.]*|[0-9][0-9.eE]*[fF]?|[-+*/<>=!?:]+|[\\[(]");

    /**
     * An upper bound of the bytecode of a method body, from its tokens: a local or an operator is one byte of
     * bytecode, an array element {@code params[12]} is four ({@code aload, bipush 12, faload}) over its three tokens,
     * a call three; two bytes a token covers all of them (checked against javac's output by
     * {@code UnrolledNetworkTest}).
     */
    static int estimatedBytes(CodeBlock body) {
        Matcher m = TOKEN.matcher(body.toString().replaceAll("//[^\n]*", ""));
        int tokens = 0;
        while (m.find()) {
            tokens++;
        }
        return 2 * tokens;
    }

    private static String emitFile(Graph graph, ModelSpec spec, EmitOptions options, CodeBlock forward,
            CodeBlock loss, CodeBlock train) {
        TypeSpec.Builder type = TypeSpec.classBuilder(options.className())
                .addJavadoc("The network {@code $L} compiled by netc: forward pass, loss and gradients, unrolled.\n"
                        + "\n<p>Parameters (in {@code params} and {@code grad}):\n<ul>\n$L</ul>\n",
                        ClassNames.safeComment(spec.name()), layout(spec))
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(NETWORK);
        ClassEmitter.addSpec(type, graph, spec, options);
        type.addMethod(MethodSpec.methodBuilder("spec").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(MODEL_SPEC).addStatement("return SPEC").build());
        type.addMethod(MethodSpec.methodBuilder("setParallel").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).addParameter(PARALLEL, "parallel")
                .addComment("everything runs on the calling thread: a sample costs less than a thread hand-off")
                .build());
        type.addMethod(checkMethod());
        type.addMethod(MethodSpec.methodBuilder("forward").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(TypeName.INT, "samples")
                .addParameter(FLOATS, "out")
                .addStatement("check(params, input, null, samples)")
                .addCode(forward)
                .build());
        type.addMethod(MethodSpec.methodBuilder("loss").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
                .addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(FLOATS, "target")
                .addParameter(TypeName.INT, "samples")
                .addStatement("check(params, input, target, samples)")
                .addCode(loss)
                .addStatement("return lossSum / samples")
                .build());
        type.addMethod(MethodSpec.methodBuilder("lossAndGradient").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
                .addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(FLOATS, "target")
                .addParameter(TypeName.INT, "samples").addParameter(FLOATS, "grad").addParameter(FLOATS, "out")
                .addStatement("check(params, input, target, samples)")
                .beginControlFlow("if (grad.length != PARAM_COUNT)")
                .addStatement("throw new $T($S + PARAM_COUNT + $S + grad.length)",
                        IllegalArgumentException.class, "expected ", " gradient values, got ")
                .endControlFlow()
                .addCode(train)
                .addStatement("return lossSum / samples")
                .build());
        if (hasClassLabels(graph)) {
            type.addMethod(labelMethod());
        }
        type.addMethod(MethodSpec.methodBuilder("kernels").addModifiers(Modifier.PUBLIC, Modifier.STATIC)
                .addJavadoc("Which kernels run: always {@code \"unrolled\"}, straight-line code for one sample.\n")
                .returns(String.class).addStatement("return $S", KERNELS).build());
        JavaFile file = JavaFile.builder(options.packageName(), type.build())
                .addFileComment("Generated by netc from $L. Do not edit.", ClassNames.safeComment(spec.sourceFile()))
                .skipJavaLangImports(false)
                .indent("    ")
                .build();
        return file.toString();
    }

    /** One list item per parameter: its name (comment-safe), shape and place in the parameter vector. */
    private static String layout(ModelSpec spec) {
        StringBuilder sb = new StringBuilder();
        for (ParamSpec p : spec.params()) {
            sb.append("<li>{@code ").append(ClassNames.safeComment(p.name())).append("} ")
                    .append(java.util.Arrays.toString(p.shape())).append(": {@code params[").append(p.offset())
                    .append("]} to {@code params[").append(p.offset() + p.size() - 1).append("]}</li>\n");
        }
        return sb.toString();
    }

    private static boolean hasClassLabels(Graph graph) {
        for (Node n : graph.nodes()) {
            boolean classIndex = n.op() == Op.SOFTMAX_CROSS_ENTROPY || n.op() == Op.CROSS_ENTROPY
                    || n.op() == Op.SOFTMAX_CROSS_ENTROPY_GRAD || n.op() == Op.CROSS_ENTROPY_GRAD;
            if (classIndex && n.input(1).op() == Op.LABELS) {
                return true;
            }
        }
        return false;
    }

    /** The argument checks of the tiled class's {@code prepare}, with the same messages. */
    private static MethodSpec checkMethod() {
        return BatchArgumentChecks.addTo(MethodSpec.methodBuilder("check").addModifiers(Modifier.PRIVATE,
                Modifier.STATIC)).build();
    }

    /** The class index of sample r, checked as {@code RowOps} checks it. */
    private static MethodSpec labelMethod() {
        return MethodSpec.methodBuilder("label").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(TypeName.INT)
                .addParameter(FLOATS, "target").addParameter(TypeName.INT, "r").addParameter(TypeName.INT, "classes")
                .addStatement("float v = target[r]")
                .addStatement("int k = (int) v")
                .beginControlFlow("if (k != v || k < 0 || k >= classes)")
                .addStatement("throw new $T($S + v + $S + r + $S + classes + $S)", IllegalArgumentException.class,
                        "label ", " of sample ", " is not a class index in [0, ", ")")
                .endControlFlow()
                .addStatement("return k")
                .build();
    }
}
