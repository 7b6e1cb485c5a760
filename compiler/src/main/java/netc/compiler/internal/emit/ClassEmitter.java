package netc.compiler.internal.emit;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.JavaFile;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import javax.lang.model.element.Modifier;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.schedule.Buffer;
import netc.compiler.internal.schedule.Kernel;
import netc.compiler.internal.schedule.Program;
import netc.compiler.internal.schedule.ProgramPrinter;
import netc.compiler.internal.schedule.Schedule;
import netc.compiler.internal.source.InternalCompilerError;
import netc.runtime.Init;
import netc.runtime.ModelSpec;
import netc.runtime.ParamSpec;

/**
 * Spells a differentiated graph as one Java class implementing {@code netc.runtime.Network}: four scheduled
 * programs ({@code forward}, {@code loss}, {@code lossAndOutput}, {@code lossAndGradient}), and for a VECTOR class
 * with wide layers two more on the weights laid out for inference ({@code forwardPrepared},
 * {@code lossAndOutputPrepared}; {@link InferenceWeights}), over shared kernel methods, scratch buffers sized for
 * the largest batch seen, and a {@code runStage} switch through which {@code netc.runtime.Parallel} splits each
 * matrix product's rows over the cores.
 *
 * <p>The emitter decides nothing about fusion (that is {@link Schedule}'s job); it only spells kernels. Java names
 * come from node ids ({@code t17}, {@code gemm17}); the user's names appear only as string literals in the model
 * spec. Output is deterministic: the same graph and options give byte-identical source.
 *
 * <p>With {@link EmitOptions#vector()} the class still runs on a JVM without the Vector API module: its matrix kernels
 * are the scalar ones, each handing its calls over to a vector twin in a nested class when the module is there
 * ({@code VectorKernelsClass}).
 */
public final class ClassEmitter {
    static final ClassName ACTIVATIONS = ClassName.get("netc.runtime", "Activations");
    static final ClassName ROW_OPS = ClassName.get("netc.runtime", "RowOps");
    private static final ClassName NETWORK = ClassName.get("netc.runtime", "Network");
    private static final ClassName STAGE_RUNNER = ClassName.get("netc.runtime", "StageRunner");
    private static final ClassName PARALLEL = ClassName.get("netc.runtime", "Parallel");
    private static final ClassName MODEL_SPEC = ClassName.get("netc.runtime", "ModelSpec");
    private static final ClassName PARAM_SPEC = ClassName.get("netc.runtime", "ParamSpec");
    private static final ClassName INIT = ClassName.get("netc.runtime", "Init");
    private static final ClassName TARGET_KIND = ClassName.get("netc.runtime", "TargetKind");
    private static final TypeName FLOATS = ArrayTypeName.of(TypeName.FLOAT);
    private static final TypeName DOUBLES = ArrayTypeName.of(TypeName.DOUBLE);

    private final Graph graph;
    private final ModelSpec spec;
    private final EmitOptions options;
    private final Map<String, Stage> stages = new LinkedHashMap<>();
    private final Map<Integer, Node> scratch = new TreeMap<>();
    /** Reordered kernel matrices that a forward product reads transposed ({@link GemmCall#onTransposedKernel}). */
    private final Set<Integer> transposedKernels = new java.util.TreeSet<>();
    /** Values kept in per-thread arrays of one sample ({@link SampleLoops}), by node id. */
    private final Map<Integer, Node> perThread = new TreeMap<>();
    /** The lane-by-lane activations that vector epilogues call, emitted once each after the kernels. */
    private final Set<VectorHelpers> vectorHelpers = EnumSet.noneOf(VectorHelpers.class);
    /** Kernel methods by body: the steps of an unrolled recurrence share them. */
    private final SharedMethods shared = new SharedMethods();
    /** Chunks of {@code forward}, {@code loss} and {@code lossAndGradient} when those would be too long. */
    private final List<MethodSpec> programChunks = new ArrayList<>();
    private final List<MethodSpec> allocations = new ArrayList<>();
    private Map<Integer, Node> nodesById;
    /** The text of each form of matrix kernel, spelt with a placeholder name; see {@link #gemmTextKey}. */
    private final Map<String, String> gemmTexts = new java.util.HashMap<>();

    /**
     * One kernel, the stage number {@code runStage} knows it by, and the name of its method; a {@code columns} stage
     * is the twin of a kernel's stage that runs its column entry ({@link GemmSpec.Split#ROWS_AND_COLUMNS}).
     */
    private record Stage(int id, Kernel kernel, Program program, String method, boolean columns) {
        /** The method {@code runStage} calls. */
        String entry() {
            return columns ? GemmSpec.columnEntryName(method) : method;
        }
    }

    /** What a column stage's key adds to the key of its kernel's stage ({@link #stageKey}). */
    private static final String COLUMN_STAGE = "\ncolumns";

    private ClassEmitter(Graph graph, ModelSpec spec, EmitOptions options) {
        this.graph = graph;
        this.spec = spec;
        this.options = options;
        for (Node n : graph.nodes()) {
            if (GemmCall.onTransposedKernel(n)) {
                transposedKernels.add(n.input(0).id());
            }
        }
    }

    /**
     * The source of the class for a differentiated graph (outputs {@code OUTPUT}, {@code LOSS} and gradients).
     *
     * @param spec the model's description, emitted as the class's {@code SPEC} constant
     */
    public static String emit(Graph differentiated, ModelSpec spec, EmitOptions options) {
        // a tiny dense network reads best, and runs fastest, spelt out element by element (TinyNetRule)
        String unrolled = UnrolledEmitter.emitIfTiny(differentiated, spec, options);
        return unrolled != null ? unrolled : emitTiled(differentiated, spec, options);
    }

    /** The class with tiled kernels, also for a network {@link UnrolledEmitter} would spell out: to compare both. */
    public static String emitTiled(Graph differentiated, ModelSpec spec, EmitOptions options) {
        return new ClassEmitter(differentiated, spec, options).emitFile();
    }

    /** The {@code SPEC} constant and the size constants, as every generated class has them. */
    static void addSpec(TypeSpec.Builder type, Graph differentiated, ModelSpec spec, EmitOptions options) {
        new ClassEmitter(differentiated, spec, options).addSpec(type);
    }

    private String emitFile() {
        Program train = Schedule.build(graph, graph.trainingRoles(), options.fuseSamples());
        Program forward = Schedule.build(graph, List.of(Graph.OUTPUT), options.fuseSamples());
        Program loss = Schedule.build(graph, List.of(Graph.LOSS), options.fuseSamples());
        Program evaluate = Schedule.build(graph, List.of(Graph.OUTPUT, Graph.LOSS), options.fuseSamples());
        for (Program p : List.of(train, forward, loss, evaluate)) {
            register(p);
        }
        InferenceWeights weights = InferenceWeights.of(graph, spec, List.of(forward, evaluate), options);
        Program forwardPrepared = forward.withTransposedParams(weights.regionOffsets());
        Program evaluatePrepared = evaluate.withTransposedParams(weights.regionOffsets());
        if (!weights.isEmpty()) {
            register(forwardPrepared);
            register(evaluatePrepared);
        }
        TypeSpec.Builder type = TypeSpec.classBuilder(options.className())
                .addJavadoc("The network {@code $L} compiled by netc: forward pass, loss and gradients.\n",
                        ClassNames.safeComment(spec.name()))
                .addModifiers(Modifier.PUBLIC, Modifier.FINAL)
                .addSuperinterface(NETWORK)
                .addSuperinterface(STAGE_RUNNER);
        addSpec(type);
        addFields(type);
        addModeFields(type);
        type.addMethod(MethodSpec.methodBuilder("spec").addAnnotation(Override.class).addModifiers(Modifier.PUBLIC)
                .returns(MODEL_SPEC).addStatement("return SPEC").build());
        type.addMethod(MethodSpec.methodBuilder("setParallel").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).addParameter(PARALLEL, "parallel")
                .addStatement("this.parallel = parallel").build());
        type.addMethod(prepareMethod());
        type.addMethods(allocations);
        type.addMethod(forwardMethod("forward", forward, null));
        type.addMethod(lossMethod(loss));
        type.addMethod(lossAndOutputMethod(evaluate));
        type.addMethod(lossAndGradientMethod(train));
        if (!weights.isEmpty()) {
            type.addFields(weights.layoutFields());
            type.addField(FieldSpec.builder(TypeName.INT, TRANSPOSED_BASE, Modifier.PRIVATE)
                    .addJavadoc("Where the transposed weights start in the prepared parameters of the current call.\n")
                    .build());
            type.addMethod(weights.prepareMethod());
            type.addMethod(forwardMethod("forwardPrepared", forwardPrepared, weights));
            type.addMethod(inferenceLossMethod("lossAndOutputPrepared", evaluatePrepared, true, weights));
        }
        type.addMethods(programChunks);
        type.addMethod(releaseMethod());
        addSampleLoopMethods(type);
        runStageMethods(type);
        // With vector kernels, the class holds the scalar ones and hands each call over to the nested class's vector
        // twin when the module is there (VectorKernelsClass): one class that runs on any JVM
        ClassName outer = ClassName.get(options.packageName(), options.className());
        ClassName nested = VectorKernelsClass.nestedName(outer);
        TypeSpec.Builder vectorType = options.vector() ? VectorKernelsClass.start(nested) : null;
        if (options.vector()) {
            VectorKernelsClass.addSelection(type, outer, nested);
            VectorKernelsClass.addFiniteCheck(type, vectorType, nested);
        } else {
            type.addMethod(VectorKernelsClass.scalarOnly());
        }
        java.util.Set<String> emitted = new java.util.HashSet<>();
        for (Stage s : stages.values()) {
            if (!s.columns() && emitted.add(s.method())) {
                type.addMethods(kernelMethods(s, GemmSpec.Style.SCALAR, options.vector() ? nested : null));
                if (options.vector() && (s.kernel() instanceof Kernel.Gemm || SampleLoops.gemmOf(s.kernel()) != null
                        || s.kernel() instanceof Kernel.Elementwise)) {
                    vectorType.addMethods(kernelMethods(s, GemmSpec.Style.VECTOR, null));
                }
            }
        }
        if (ownsSpatialVectors() && !maxPoolSizes().isEmpty()) {
            type.addMethods(VectorPooling.outerMethods(nested, maxPoolSizes()));
            vectorType.addMethods(VectorPooling.vectorMethods(maxPoolSizes()));
        }
        if (ownsSpatialVectors()) {
            for (Node image : col2imImages()) {
                VectorCol2im.Geometry g = VectorCol2im.Geometry.of(image);
                type.addMethod(VectorCol2im.outer(image.id(), g, nested));
                vectorType.addField(VectorCol2im.table(image.id(), g));
                vectorType.addMethod(VectorCol2im.vector(image.id(), g));
            }
        }
        if (options.vector()) {
            for (VectorHelpers h : vectorHelpers) {
                vectorType.addMethod(h.method());
            }
            type.addType(VectorKernelsClass.finish(vectorType));
        }
        JavaFile file = JavaFile.builder(options.packageName(), type.build())
                .addFileComment("Generated by netc from $L. Do not edit.", ClassNames.safeComment(spec.sourceFile()))
                // java.lang types are imported explicitly: a single-type import wins over a class of the same
                // name in the user's package, the implicit java.lang.* does not; JavaPoet spells a type in full
                // where the generated class itself takes its simple name (a network named math)
                .skipJavaLangImports(false)
                .indent("    ")
                .build();
        return file.toString();
    }

    private void register(Program p) {
        for (Kernel k : p.kernels()) {
            if (k instanceof Kernel.Copy) {
                continue;
            }
            String key = stageKey(k, p);
            Stage s = stages.computeIfAbsent(key, x -> new Stage(stages.size(), k, p, sharedMethodName(k, p), false));
            if (k instanceof Kernel.Im2colGemmTn f) {
                // each thread's copy of the kernel gradient (SampleLoops)
                perThread.put(f.result().id(), f.result());
            }
            if (k instanceof Kernel.Gemm gemm && hasColumnEntry(gemm.product(), GemmCall.of(gemm, p))) {
                stages.computeIfAbsent(key + COLUMN_STAGE, x -> new Stage(stages.size(), k, p, s.method(), true));
            }
        }
        for (Buffer b : p.buffers().values()) {
            if (b.home() == Buffer.Home.SCRATCH) {
                scratch.put(b.nodeId(), nodeById(b.nodeId()));
            } else if (b.home() == Buffer.Home.PER_THREAD) {
                perThread.put(b.nodeId(), nodeById(b.nodeId()));
            }
        }
    }

    /**
     * Two programs share a kernel's method only if it computes the same thing from the same buffers. The same
     * result node is not enough: a program that keeps an intermediate value for the backward pass reads it from its
     * buffer, while a forward-only program fuses it into the expression, so the two kernels differ.
     */
    private String stageKey(Kernel k, Program p) {
        // the form too: a product on W prepared for inference passes the same arrays as the one on W as declared
        String form = k instanceof Kernel.Gemm gemm ? "\n" + GemmCall.of(gemm, p).form() : "";
        return k.key() + "\n" + stageCall(k, p, "m") + "\n" + body(k, p) + form;
    }

    private static String body(Kernel k, Program p) {
        if (SampleLoops.gemmOf(k) != null) {
            return SampleLoops.method(k, p, "kernel", ClassEmitter::rowsCall, CodeBlock.of("w"), "", false).toString();
        }
        if (k instanceof Kernel.Gemm gemm) {
            return gemm.hasEpilogue()
                    ? new ExpressionEmitter(p, "r", "j", gemm.product(), CodeBlock.of("v")).root(gemm.result()).toString()
                    : "";
        }
        if (k instanceof Kernel.Elementwise) {
            ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", null, null);
            e.param(p.buffer(k.result()));
            return e.root(k.result()).toString();
        }
        return "";
    }

    /**
     * The method of a kernel: a new one, or the method of an earlier stage whose method text is the same (it is
     * spelt here with a placeholder name to compare).
     */
    private String sharedMethodName(Kernel k, Program p) {
        StringBuilder text = new StringBuilder();
        Kernel.Gemm fused = SampleLoops.gemmOf(k);
        if (fused != null || k instanceof Kernel.Gemm) {
            GemmSpec g = gemmSpec(k, p, "kernel");
            text.append(gemmTexts.computeIfAbsent(gemmTextKey(g), key -> GemmEmitter.emit(g).toString()));
        } else if (k instanceof Kernel.Elementwise) {
            text.append(elementwiseMethod(k.result(), p, "kernel", false));
        } else {
            return "";
        }
        return shared.nameFor(text.toString(), uniqueMethodName(fused != null ? fused : k));
    }

    /**
     * What a matrix kernel's text depends on: everything in its {@link GemmSpec} but the (placeholder) name, with the
     * epilogue spelt over fixed variable names. Emitting a kernel's text only to compare it costs milliseconds; a
     * deep MLP has thousands of kernels of a few forms, so each form is spelt once.
     */
    private static String gemmTextKey(GemmSpec g) {
        String epilogue = "";
        if (g.epilogue() != null) {
            epilogue = g.epilogue().scalar("r", "j", CodeBlock.of("v")).toString();
            if (g.style() == GemmSpec.Style.VECTOR) {
                // asked only of vector kernels: it records the vector helpers the class must then define
                epilogue += "\n" + g.epilogue().vector("r", "j", CodeBlock.of("v"));
            }
        }
        return g.form() + " " + g.m() + " " + g.n() + " " + g.k() + " " + g.style() + " " + g.tile() + " "
                + g.split() + " " + g.accumulates() + " " + g.fewRows() + " " + g.extraParams() + "\n" + epilogue;
    }

    private String uniqueMethodName(Kernel k) {
        String base = (k instanceof Kernel.Gemm ? "gemm" : "elementwise") + k.result().id();
        String name = base;
        for (int i = 2; shared.taken(name); i++) {
            name = base + "v" + i;
        }
        return name;
    }

    /** A map built once: a search per buffer would be quadratic in a graph of many thousand nodes. */
    private Node nodeById(int id) {
        if (nodesById == null) {
            nodesById = new java.util.HashMap<>();
            for (Node n : graph.nodes()) {
                nodesById.put(n.id(), n);
            }
        }
        Node n = nodesById.get(id);
        if (n == null) {
            throw new InternalCompilerError("ClassEmitter", "no node %" + id);
        }
        return n;
    }

    // ---- the model spec constant ------------------------------------------------------------------------------

    /**
     * The most parameters the {@code SPEC} initializer lists itself. The JVM limits a method, the static initializer
     * included, to 64 KB of bytecode, about 2,000 parameters' worth; beyond this many they are filled in by helper
     * methods of this many each, so a network of thousands of parameters (a 2,000-layer MLP) still compiles.
     */
    static final int SPEC_PARAMS_INLINE = 64;

    private void addSpec(TypeSpec.Builder type) {
        CodeBlock paramList;
        if (spec.params().size() <= SPEC_PARAMS_INLINE) {
            CodeBlock.Builder params = CodeBlock.builder();
            for (int i = 0; i < spec.params().size(); i++) {
                params.add(i == 0 ? "\n" : ",\n").add(paramSpec(spec.params().get(i)));
            }
            paramList = CodeBlock.of("$T.asList(new $T[] {$L})", java.util.Arrays.class, PARAM_SPEC, params.build());
        } else {
            paramList = CodeBlock.of("specParams()");
            addSpecParamMethods(type);
        }
        CodeBlock init = CodeBlock.builder()
                .add("new $T($L, $L, $L, $L, $L, $L, $T.$L, $L, $L,\n", MODEL_SPEC, text(spec.name()),
                        text(spec.sourceFile()), text(spec.inputName()), intArray(spec.inputShape()),
                        text(spec.outputName()), intArray(spec.outputShape()), TARGET_KIND, spec.targetKind().name(),
                        spec.targetSize(), text(spec.loss()))
                .indent().indent()
                .add("$L", paramList)
                .unindent().unindent()
                .add(")")
                .build();
        type.addField(FieldSpec.builder(MODEL_SPEC, "SPEC", Modifier.PUBLIC, Modifier.STATIC, Modifier.FINAL)
                .addJavadoc("Parameters, input, output and loss of this network; names are as in the .net file.\n")
                .initializer(init).build());
        type.addField(FieldSpec.builder(TypeName.INT, "PARAM_COUNT", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", spec.paramCount()).build());
        type.addField(FieldSpec.builder(TypeName.INT, "INPUT_SIZE", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", spec.inputSize()).build());
        type.addField(FieldSpec.builder(TypeName.INT, "OUTPUT_SIZE", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", spec.outputSize()).build());
        type.addField(FieldSpec.builder(TypeName.INT, "TARGET_VALUES", Modifier.PUBLIC, Modifier.STATIC,
                Modifier.FINAL).initializer("$L", spec.targetValues()).build());
    }

    /** Names and the file name as ASCII-only literals ({@link JavaLiterals#stringLiteral}); null stays null. */
    private static CodeBlock text(String value) {
        return value == null ? CodeBlock.of("null") : JavaLiterals.stringLiteral(value);
    }

    private CodeBlock paramSpec(ParamSpec p) {
        return CodeBlock.of("new $T($L, $L, $L, $L)", PARAM_SPEC, text(p.name()), intArray(p.shape()), p.offset(),
                initCode(p.init()));
    }

    /** {@code specParams()} and its helpers {@code specParams0(p)}, ..., each filling in at most 64 parameters. */
    private void addSpecParamMethods(TypeSpec.Builder type) {
        int count = spec.params().size();
        TypeName array = ArrayTypeName.of(PARAM_SPEC);
        MethodSpec.Builder all = MethodSpec.methodBuilder("specParams").addModifiers(Modifier.PRIVATE, Modifier.STATIC)
                .returns(ParameterizedTypeName.get(ClassName.get(List.class), PARAM_SPEC))
                .addStatement("$T p = new $T[$L]", array, PARAM_SPEC, count);
        for (int start = 0, chunk = 0; start < count; start += SPEC_PARAMS_INLINE, chunk++) {
            MethodSpec.Builder part = MethodSpec.methodBuilder("specParams" + chunk)
                    .addModifiers(Modifier.PRIVATE, Modifier.STATIC).addParameter(array, "p");
            for (int i = start; i < Math.min(count, start + SPEC_PARAMS_INLINE); i++) {
                part.addStatement("p[$L] = $L", i, paramSpec(spec.params().get(i)));
            }
            type.addMethod(part.build());
            all.addStatement("specParams$L(p)", chunk);
        }
        type.addMethod(all.addStatement("return $T.asList(p)", java.util.Arrays.class).build());
    }

    private static CodeBlock intArray(int[] values) {
        CodeBlock.Builder b = CodeBlock.builder().add("new int[] {");
        for (int i = 0; i < values.length; i++) {
            b.add(i == 0 ? "$L" : ", $L", values[i]);
        }
        return b.add("}").build();
    }

    private CodeBlock initCode(Init init) {
        switch (init.kind()) {
            case NORMAL:
                return CodeBlock.of("$T.normal($L)", INIT, JavaLiterals.doubleLiteral(init.std()));
            default:
                return CodeBlock.of("$T.$L", INIT, init.kind().name());
        }
    }

    // ---- fields and call set-up -------------------------------------------------------------------------------

    private void addFields(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(PARALLEL, "parallel", Modifier.PRIVATE)
                .initializer("$T.serial()", PARALLEL).build());
        type.addField(FieldSpec.builder(TypeName.INT, "capacity", Modifier.PRIVATE).build());
        for (String arg : List.of("w", "x", "y", "g")) {
            type.addField(FieldSpec.builder(FLOATS, arg, Modifier.PRIVATE).build());
        }
        type.addField(FieldSpec.builder(TypeName.INT, "batch", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(DOUBLES, "lossRows", Modifier.PRIVATE)
                .initializer("new double[0]").build());
        // Field initializers are code in the constructor, which the JVM limits to 64 KB like any method: with
        // thousands of buffers (a chain of thousands of bindings) the per-sample ones, which prepare allocates
        // before any use, get none.
        boolean initBatched = scratch.size() <= ALLOCATIONS_INLINE;
        for (Node n : scratch.values()) {
            String init = n.batched() ? "new float[0]" : "new float[" + n.shape().size() + "]";
            FieldSpec.Builder field = FieldSpec.builder(FLOATS, "t" + n.id(), Modifier.PRIVATE)
                    .addJavadoc("$L $L\n", n.ref(), n.shape() + (n.batched() ? " per sample" : ""));
            if (initBatched || !n.batched()) {
                field.initializer("$L", init);
            }
            type.addField(field.build());
        }
        for (int id : transposedKernels) {
            Node n = nodeById(id);
            type.addField(FieldSpec.builder(FLOATS, GemmCall.transposedKernel(n), Modifier.PRIVATE)
                    .addJavadoc("$L transposed, for the forward product\n", n.ref())
                    .initializer("new float[$L]", n.shape().size()).build());
        }
    }

    /** Whether the network has an op that differs between training and inference (dropout, batch norm). */
    private boolean hasModes() {
        return graph.hasModes();
    }

    /**
     * The mode and the dropout stream of a network with modes: {@code forward} and {@code loss} clear
     * {@code training}, {@code lossAndGradient} sets it; {@code setTrainingStep} sets the seed and step the masks
     * are drawn from, and the positions in the step's batch of the call's rows (null: row r is sample r), which
     * {@code Dropout.apply} reads. A network without such ops gets none of it (its source stays as it was).
     */
    private void addModeFields(TypeSpec.Builder type) {
        if (!hasModes()) {
            return;
        }
        type.addField(FieldSpec.builder(TypeName.BOOLEAN, "training", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(TypeName.LONG, "seed", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(TypeName.LONG, "step", Modifier.PRIVATE).build());
        type.addField(FieldSpec.builder(ArrayTypeName.of(TypeName.INT), "positions", Modifier.PRIVATE).build());
        type.addMethod(MethodSpec.methodBuilder("setTrainingStep").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).addParameter(TypeName.LONG, "runSeed")
                .addParameter(TypeName.LONG, "trainingStep")
                .addStatement("setTrainingStep(runSeed, trainingStep, null)").build());
        type.addMethod(MethodSpec.methodBuilder("setTrainingStep").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).addParameter(TypeName.LONG, "runSeed")
                .addParameter(TypeName.LONG, "trainingStep")
                .addParameter(ArrayTypeName.of(TypeName.INT), "batchPositions")
                .addStatement("seed = runSeed")
                .addStatement("step = trainingStep")
                // a copy, by Arrays.copyOf: Janino types an array's clone() as Object
                .addStatement("positions = batchPositions == null ? null : $T.copyOf(batchPositions, "
                        + "batchPositions.length)", java.util.Arrays.class).build());
    }

    private void setMode(MethodSpec.Builder m, boolean training) {
        if (hasModes()) {
            m.addStatement("training = $L", training);
        }
    }

    private MethodSpec prepareMethod() {
        MethodSpec.Builder m = BatchArgumentChecks.addTo(MethodSpec.methodBuilder("prepare")
                .addModifiers(Modifier.PRIVATE), true)
                .beginControlFlow("if (samples > capacity)");
        List<Node> batched = new ArrayList<>();
        for (Node n : scratch.values()) {
            if (n.batched()) {
                batched.add(n);
            }
        }
        if (batched.size() <= ALLOCATIONS_INLINE) {
            allocate(m, batched);
        } else {
            // thousands of buffers (a chain of thousands of bindings) would make prepare too large for the JVM
            for (int start = 0, chunk = 0; start < batched.size(); start += ALLOCATIONS_INLINE, chunk++) {
                MethodSpec.Builder part = MethodSpec.methodBuilder("allocate" + chunk).addModifiers(Modifier.PRIVATE)
                        .addParameter(TypeName.INT, "samples");
                allocate(part, batched.subList(start, Math.min(batched.size(), start + ALLOCATIONS_INLINE)));
                allocations.add(part.build());
                m.addStatement("allocate$L(samples)", chunk);
            }
        }
        m.addStatement("lossRows = new double[samples]")
                .addStatement("capacity = samples")
                .endControlFlow()
                .addStatement("w = params")
                .addStatement("x = input")
                .addStatement("y = target")
                .addStatement("batch = samples");
        return m.build();
    }

    /** The most scratch arrays {@code prepare} allocates itself; more go to helpers of this many each. */
    static final int ALLOCATIONS_INLINE = 256;

    private static void allocate(MethodSpec.Builder m, List<Node> batched) {
        for (Node n : batched) {
            m.addStatement("t$L = new float[samples * $L]", n.id(), n.shape().size());
        }
    }

    // ---- the four programs ------------------------------------------------------------------------------------

    /**
     * The field of the class's transposed weights' start in the prepared parameters ({@link InferenceWeights}), set
     * by the methods on prepared parameters and read by their kernel calls.
     */
    static final String TRANSPOSED_BASE = "transposedBase";

    /** {@code prepare(params, input, target, samples, count)}, on prepared parameters when {@code weights} is set. */
    private static void prepareCall(MethodSpec.Builder m, String target, InferenceWeights weights) {
        if (weights == null) {
            m.addStatement("prepare(params, input, $L, samples, PARAM_COUNT)", target);
        } else {
            m.addCode(weights.regionStartStatement(TRANSPOSED_BASE))
                    .addStatement("prepare(params, input, $L, samples, $L)", target,
                            InferenceWeights.PREPARED_COUNT_FIELD);
        }
    }

    private MethodSpec forwardMethod(String name, Program p, InferenceWeights weights) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(TypeName.INT, "samples")
                .addParameter(FLOATS, "out");
        prepareCall(m, "null", weights);
        setMode(m, false);
        runKernels(m, name, p);
        copyOutput(m, p);
        m.addStatement("release()");
        return m.build();
    }

    private MethodSpec lossMethod(Program p) {
        return inferenceLossMethod("loss", p, false, null);
    }

    /** {@code forward} and {@code loss} in one pass: the layers they share run once (an evaluation needs both). */
    private MethodSpec lossAndOutputMethod(Program p) {
        return inferenceLossMethod("lossAndOutput", p, true, null);
    }

    /**
     * The mean loss in inference mode, and with {@code output} the network's output copied into {@code out}; on
     * prepared parameters when {@code weights} is set.
     */
    private MethodSpec inferenceLossMethod(String name, Program p, boolean output, InferenceWeights weights) {
        MethodSpec.Builder m = MethodSpec.methodBuilder(name).addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
                .addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(FLOATS, "target")
                .addParameter(TypeName.INT, "samples");
        if (output) {
            m.addParameter(FLOATS, "out");
        }
        prepareCall(m, "target", weights);
        setMode(m, false);
        runKernels(m, name, p);
        if (output) {
            copyOutput(m, p);
        }
        m.addStatement("double mean = $T.sum(lossRows, samples) / samples", ROW_OPS)
                .addStatement("release()")
                .addStatement("return mean");
        return m.build();
    }

    private MethodSpec lossAndGradientMethod(Program p) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("lossAndGradient").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC).returns(TypeName.DOUBLE)
                .addParameter(FLOATS, "params").addParameter(FLOATS, "input").addParameter(FLOATS, "target")
                .addParameter(TypeName.INT, "samples").addParameter(FLOATS, "grad").addParameter(FLOATS, "out")
                .addStatement("prepare(params, input, target, samples, PARAM_COUNT)")
                .beginControlFlow("if (grad.length != PARAM_COUNT)")
                .addStatement("throw new $T($S + PARAM_COUNT + $S + grad.length)",
                        IllegalArgumentException.class, "expected ", " gradient values, got ")
                .endControlFlow()
                .addStatement("g = grad");
        setMode(m, true);
        for (ParamSpec ps : spec.params()) {
            if (!graph.outputs().containsKey(Graph.gradName(ps.name()))) {
                m.addComment("the loss does not depend on parameter $L", ps.offset())
                        .addStatement("$T.fill(grad, $L, $L, 0f)", java.util.Arrays.class, ps.offset(),
                                ps.offset() + ps.size());
            }
        }
        runKernels(m, "lossAndGradient", p);
        m.beginControlFlow("if (out != null)");
        copyOutput(m, p);
        m.endControlFlow()
                .addStatement("double mean = $T.sum(lossRows, samples) / samples", ROW_OPS)
                .addStatement("release()")
                .addStatement("return mean");
        return m.build();
    }

    private void copyOutput(MethodSpec.Builder m, Program p) {
        Node out = graph.output(Graph.OUTPUT);
        Buffer b = p.buffer(out);
        String size = out.batched() ? "samples * OUTPUT_SIZE" : "OUTPUT_SIZE";
        m.addStatement("$T.arraycopy($L, $L, out, 0, $L)", System.class, ExpressionEmitter.ArrayNames.name(b),
                b.offset(), size);
    }

    /**
     * The kernels of {@code p} in order, in {@code m} itself or, when they would make it too long, in chunk methods
     * {@code <m>Part0()}, {@code <m>Part1()}, ... that {@code m} calls in order (the kernels use only fields).
     */
    private void runKernels(MethodSpec.Builder m, String base, Program p) {
        List<MethodChunks.Item> items = new ArrayList<>();
        for (Kernel k : p.kernels()) {
            CodeBlock call;
            CodeBlock.Builder code = CodeBlock.builder();
            if (k instanceof Kernel.Copy c) {
                Buffer from = p.buffer(c.result());
                call = CodeBlock.of("$T.arraycopy(g, $L, g, $L, $L)", System.class, from.offset(), c.gradOffset(),
                        c.result().shape().size());
            } else {
                String key = stageKey(k, p);
                Stage s = stages.get(key);
                code.add("// $L\n", describe(k, p));
                if (k instanceof Kernel.Gemm gemm) {
                    GemmSpec spec = gemmSpec(gemm, p, s.method());
                    // a kernel that packs B per call and block of rows: one part per thread, so that each thread
                    // packs it once (in chunks of a few tiles the packing is paid again and again; an NN kernel's
                    // chunks of fewer than NN_PANEL_PACK_ROWS rows would not pack at all)
                    call = !spec.splitColumns() && (GemmEmitter.packs(spec) || GemmEmitter.packsPanels(spec)
                            || GemmEmitter.nnPacksPanels(spec))
                            ? CodeBlock.of("parallel.runPerThread(this, $L, $L, $L)", s.id(), rows(k),
                                    rowAlignment(spec, rows(k)))
                            : CodeBlock.of("parallel.run(this, $L, $L, $L)", s.id(),
                                    spec.splitColumns() ? panels(spec) : rows(k), rowAlignment(spec, rows(k)));
                    if (spec.hasColumnEntry()) {
                        // by columns when each core then reads its part of W once, where by rows every part streams
                        // all of it: when there are no more rows than W has columns (Parallel also runs fewer than
                        // two row tiles on one thread)
                        Stage twin = stages.get(key + COLUMN_STAGE);
                        // fewer rows than a tile: one part per thread, so the few-row tiles get wide panels; a
                        // swapped NT kernel: each part transposes all of A, so one part per thread; an NN kernel that
                        // packs B (rows a multiple of 4 KB apart): one part per thread, so that
                        // each core streams its half of every row of B in one run instead of chunks of 1 KB (the
                        // 2048-wide MLP's 128 x 2048 x 1024 input gradient; its step on 2 threads, StepAB, 15 rounds,
                        // either build first: 1.013 and 1.014, Zen 5, 2026-12-06; 1.026 and 1.032 on 2026-12-05)
                        CodeBlock columns = GemmEmitter.hasFewRowsPath(spec)
                                ? CodeBlock.of("parallel.runColumns(this, $L, $L, $L, $L)", twin.id(),
                                        spec.columnPanels(), rows(k), GemmEmitter.NN_FEW_ROWS)
                                : GemmEmitter.ntSwaps(spec) || GemmEmitter.packs(spec)
                                ? CodeBlock.of("parallel.runPerThread(this, $L, $L)", twin.id(), spec.columnPanels())
                                : CodeBlock.of("parallel.run(this, $L, $L, 1)", twin.id(), spec.columnPanels());
                        // a swapped NT kernel: by rows from two of its blocks of rows on, so that each thread
                        // transposes only its own rows of A; unless it is the only product on a weight that the
                        // step then updates (onlyProductOnTrainedWeight)
                        String byColumns = !GemmEmitter.ntSwaps(spec) ? rows(k) + " <= " + spec.n()
                                : onlyProductOnTrainedWeight(gemm, p) && spec.n() >= 4 * GemmEmitter.NT_SWAP_ROWS
                                ? rows(k) + " <= " + spec.n() / 2 : rows(k) + " < " + 2 * GemmEmitter.NT_SWAP_ROWS;
                        code.beginControlFlow("if ($L)", byColumns)
                                .addStatement(columns)
                                .nextControlFlow("else")
                                .addStatement(call)
                                .endControlFlow();
                        items.add(new MethodChunks.Item(items.size(), code.build(),
                                MethodChunks.callCost(columns) + MethodChunks.callCost(call) + MethodChunks.BRANCH));
                        continue;
                    }
                } else if (k instanceof Kernel.Im2colGemmTn) {
                    call = CodeBlock.of("parallel.run(this, $L, $L, 1)", s.id(),
                            panels(gemmSpec(k, p, s.method())));
                } else if (transposedKernels.contains(k.result().id())) {
                    // On one thread: split by output channel, every chunk wrote a column of the transposed matrix,
                    // so both threads wrote every one of its cache lines (the convnet's second kernel, 64 x 800:
                    // 38 us on one thread, 150 us split, 254 us in the step at batch 64, 2026-12-04).
                    call = CodeBlock.of("runStage($L, 0, $L)", s.id(), rows(k));
                } else if (splitsOverThreads(k)) {
                    call = CodeBlock.of("parallel.run(this, $L, $L, 1)", s.id(), rows(k));
                } else if (splitsChannelsOverThreads(k)) {
                    call = CodeBlock.of("parallel.run(this, $L, $L, $L)", s.id(), rows(k), CHANNELS_PER_LINE);
                } else if (splitsRowsOverThreads(k)) {
                    call = CodeBlock.of("parallel.run(this, $L, $L, $L)", s.id(), rows(k), ROW_SPLIT_ALIGN);
                } else {
                    call = CodeBlock.of("runStage($L, 0, $L)", s.id(), rows(k));
                }
            }
            code.addStatement(call);
            items.add(new MethodChunks.Item(items.size(), code.build(), MethodChunks.callCost(call)));
        }
        List<List<MethodChunks.Item>> chunks = MethodChunks.split(items);
        if (chunks.size() == 1) {
            for (MethodChunks.Item item : items) {
                m.addCode(item.code());
            }
            return;
        }
        for (int c = 0; c < chunks.size(); c++) {
            String name = base + "Part" + c;
            m.addStatement("$L()", name);
            MethodSpec.Builder chunk = MethodSpec.methodBuilder(name).addModifiers(Modifier.PRIVATE)
                    .addJavadoc("Kernels $L to $L of {@code $L}.\n", chunks.get(c).get(0).id(),
                            chunks.get(c).get(chunks.get(c).size() - 1).id(), base);
            for (MethodChunks.Item item : chunks.get(c)) {
                chunk.addCode(item.code());
            }
            programChunks.add(chunk.build());
        }
    }

    /**
     * Whether {@code gemm} is the forward product {@code W x} of a program that computes the gradient of W, and no
     * other product of the program reads W: a first layer, whose input needs no gradient. Such a product splits by
     * columns up to half as many rows as W has rows, although each thread then transposes all of A: each core reads
     * only its rows of W, and then updates them (the optimizer splits each tensor the same way, front and back).
     * Split by rows, both cores read all of W; the update that followed then had to take every line of W from the
     * other core's cache first. A probe of two threads that read all of a 2 MB vector and then updated a half each
     * took 172-249 us for the update, against 80-85 us when each had read only its half
     * (benchmarks/probes/UpdateAfterSharedRead.java); StepBreakdown (MNIST MLP,
     * batch 128, 2 threads, Intel family 6 model 167): momentum 318 -> 156 us, the step 1,953 -> 1,768 us.
     */
    private static boolean onlyProductOnTrainedWeight(Kernel.Gemm gemm, Program p) {
        Node product = gemm.product();
        Node w = product.input(0);
        if (product.op() != Op.MAT_VEC || w.op() != Op.PARAM
                || !p.outputs().contains(Graph.gradName(w.attrs().name()))) {
            return false;
        }
        for (Kernel k : p.kernels()) {
            if (k instanceof Kernel.Gemm other && other != gemm && other.product().inputs().contains(w)) {
                return false;
            }
        }
        return true;
    }

    /**
     * How many column panels a column-split kernel has: the scalar kernel's and the vector kernel's panels differ
     * in width, so a class with both asks {@code VECTOR} which kernel will run.
     */
    private String panels(GemmSpec spec) {
        if (!options.vector()) {
            return spec.panels();
        }
        return "(" + VectorKernelsClass.FLAG + " ? " + spec.panels(nestedLanes()) + " : "
                + spec.withStyle(GemmSpec.Style.SCALAR).panels() + ")";
    }

    /**
     * The alignment of a kernel's row splits: its tile height, which for a {@link GemmSpec#widensTile()} kernel is
     * the wide tile's where the vector kernels run on 16 lanes (splits at multiples of 6 left 8-row tiles a one-row
     * tail in every part).
     */
    private String rowAlignment(GemmSpec spec, String rows) {
        if (GemmEmitter.ntSwaps(spec)) {
            // whole blocks of rows of A from two blocks on; below, parts of a vector of rows (16 lanes), so that a
            // kernel without a column entry (a small W) still splits a batch of fewer than 128 rows
            return "(" + rows + " < " + 2 * GemmEmitter.NT_SWAP_ROWS + " ? " + GemmEmitter.NT_SWAP_SMALL_ROWS
                    + " : " + spec.rowTile() + ")";
        }
        if (!options.vector() || spec.splitColumns() || !spec.widensTile()
                || spec.wideTile().rows() == spec.rowTile()) {
            // one height whatever the lanes (the MLP's 6-row NN tiles on 8 and 16 lanes): the number alone
            return String.valueOf(spec.rowTile());
        }
        return "(" + VectorKernelsClass.FLAG + " && " + nestedLanes() + " >= 16 ? " + spec.wideTile().rows() + " : "
                + spec.rowTile() + ")";
    }

    /** {@code LANES} of the nested class of vector kernels, as the outer class spells it. */
    private String nestedLanes() {
        return VectorKernelsClass.nestedName(ClassName.get(options.packageName(), options.className())).simpleName()
                + "." + GemmEmitter.LANES;
    }

    /**
     * How many rows a stage's range covers: samples (pixels of all samples for an image), a weight gradient's rows,
     * or a shared value's elements.
     */
    private static String rows(Kernel k) {
        Node r = k.result();
        if (SampleLoops.gemmOf(k) != null) {
            return "batch";
        }
        if (k instanceof Kernel.Gemm gemm) {
            Node product = gemm.product();
            return product.op() == Op.OUTER_SUM ? String.valueOf(product.shape().dim(0))
                    : product.batched() ? GemmCall.rows(product) : "1";
        }
        if (r.op().kind() == Op.Kind.SPATIAL) {
            return SpatialCalls.rows(r);
        }
        if (r.op().kind() == Op.Kind.LOSS || RowCalls.perSample(r.op())) {
            return "batch";
        }
        if (RowCalls.perFeature(r.op())) {
            return String.valueOf(r.shape().rowWidth());
        }
        if (r.op() == Op.SUM_BATCH || !r.batched()) {
            return String.valueOf(r.shape().size());
        }
        return GemmCall.rows(r);
    }

    /**
     * Image kernels are large and memory-bound: split them over the threads like the matrix products. Not the bias
     * gradient of a convolution (a sum per channel over every pixel): its range is channels, and each chunk of a few
     * channels streams every cache line of the gradient, so 2 threads took 1,580 us where 1 took 670 (convnet, first
     * convolution, StepBreakdown 2026-12-02).
     */
    private static boolean splitsOverThreads(Kernel k) {
        Node r = k.result();
        return SampleLoops.gemmOf(k) != null || r.op().kind() == Op.Kind.SPATIAL && r.op() != Op.SUM_CHANNELS
                || k instanceof Kernel.Elementwise && r.batched()
                && r.shape().isImage() || RowCalls.perSample(r.op()) || RowCalls.perFeature(r.op());
    }

    /**
     * Softmax, the losses and their gradients: each row on its own, so any split gives the same rows. On the calling
     * thread alone the MNIST MLP's three (softmax, its cross-entropy, the gradient) took 45 us of a 2-thread step at
     * batch 128 (StepBreakdown, Intel family 6 model 167), where each thread wrote half of the logits.
     */
    private static boolean splitsRowsOverThreads(Kernel k) {
        Op op = k.result().op();
        return k instanceof Kernel.Row && (op == Op.SOFTMAX || op == Op.SOFTMAX_GRAD || op.kind() == Op.Kind.LOSS
                || op.kind() == Op.Kind.LOSS_GRAD);
    }

    /**
     * Rows per part of a split row stage ({@link #splitsRowsOverThreads}): a batch of fewer than twice as many runs on
     * the calling thread, where the hand-off would cost about what the other thread saves.
     */
    static final int ROW_SPLIT_ALIGN = 32;

    /** Floats per 64-byte cache line: a chunk of a channel split reads whole lines of each pixel row. */
    static final int CHANNELS_PER_LINE = 16;

    /**
     * The bias gradient of a convolution with at least two cache lines of channels, or of a dense layer with at least
     * {@link #SPLIT_BATCH_SUM_MIN} columns: split by whole lines of channels or columns,
     * so that each thread reads only its lines of every pixel row (chunks of a few channels made every chunk stream
     * every line: {@link #splitsOverThreads}). Each channel's sum is the same chain of additions in pixel order
     * whoever computes it, so the result does not depend on the split.
     */
    private static boolean splitsChannelsOverThreads(Kernel k) {
        Node r = k.result();
        return r.op() == Op.SUM_CHANNELS && r.shape().dim(0) >= 2 * CHANNELS_PER_LINE
                || r.op() == Op.SUM_BATCH && r.shape().size() >= SPLIT_BATCH_SUM_MIN;
    }

    /**
     * The fewest columns of a dense layer's bias gradient (a sum over the batch, column by column) that split over
     * the threads, by whole lines like a convolution's ({@link #splitsChannelsOverThreads}): each thread reads only
     * its lines of every row, which where the product that wrote the gradient split by columns are the ones it wrote.
     * On the calling thread alone the MNIST MLP's 512-wide one took 28 us on 2 threads against 16 on 1, split 19
     * (StepBreakdown, batch 128, Intel family 6 model 167); its 256-wide one, whose rows each thread wrote whole, 12
     * either way.
     */
    static final int SPLIT_BATCH_SUM_MIN = 256;

    /** A comment naming the kernel by IR formula and source position; never user text. */
    private String describe(Kernel k, Program p) {
        Node r = k.result();
        // The file's base name, as in the header comment: the same .net file gives the same source wherever it is.
        String where = r.span().isNone() ? "" : "  (" + ClassNames.safeComment(spec.sourceFile() + ":"
                + r.span().line() + ":" + r.span().column()) + ")";
        String formula = r.ref() + " = " + ProgramPrinter.formula(r, p, true);
        Node perSample = ProgramPrinter.perSampleOperand(k);
        if (perSample != null) {
            formula += " of " + perSample.ref() + " = " + ProgramPrinter.formula(perSample, p, true)
                    + ", a sample at a time";
        }
        if (k instanceof Kernel.Gemm gemm && p.readsTransposed(gemm.product().input(0))) {
            formula += ", " + gemm.product().input(0).ref() + " stored transposed";
        }
        return formula + where;
    }

    // ---- kernels that run a sample at a time ---------------------------------------------------------------------

    /**
     * The methods of the stages that run a sample at a time ({@link SampleLoops}), each once (two programs' stages of
     * one name must have the same text), and the {@code ThreadLocal} fields of their per-thread arrays.
     */
    private void addSampleLoopMethods(TypeSpec.Builder type) {
        Map<String, String> texts = new java.util.HashMap<>();
        for (Stage s : stages.values()) {
            Kernel.Gemm gemm = SampleLoops.gemmOf(s.kernel());
            if (gemm == null) {
                continue;
            }
            MethodSpec m = SampleLoops.method(s.kernel(), s.program(), s.method(), ClassEmitter::rowsCall,
                    panelWidth(gemmSpec(s.kernel(), s.program(), s.method())), describe(s.kernel(), s.program()),
                    ownsSpatialVectors());
            String before = texts.putIfAbsent(m.name(), m.toString());
            if (before == null) {
                type.addMethod(m);
            } else if (!before.equals(m.toString())) {
                throw new InternalCompilerError("ClassEmitter", "two sample loops named " + m.name());
            }
        }
        for (Node n : perThread.values()) {
            type.addField(FieldSpec.builder(ParameterizedTypeName.get(ThreadLocal.class, Object.class),
                    SampleLoops.perThreadField(n), Modifier.PRIVATE, Modifier.FINAL)
                    .initializer("new $T<>()", ThreadLocal.class).build());
        }
    }

    /**
     * {@code runStage}: a switch over the stages, or, when that would be too long, a dispatch on ranges of stage
     * numbers to {@code runStages0}, {@code runStages1}, ..., each a switch over its range.
     */
    private void runStageMethods(TypeSpec.Builder type) {
        List<MethodChunks.Item> items = new ArrayList<>();
        for (Stage s : stages.values()) {
            CodeBlock call = stageCall(s.kernel(), s.program(), s.entry());
            items.add(new MethodChunks.Item(s.id(), call, MethodChunks.callCost(call) + 8));
        }
        List<List<MethodChunks.Item>> chunks = MethodChunks.split(items);
        MethodSpec.Builder m = MethodSpec.methodBuilder("runStage").addAnnotation(Override.class)
                .addModifiers(Modifier.PUBLIC)
                .addParameter(TypeName.INT, "stage").addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi");
        if (chunks.size() == 1) {
            type.addMethod(stageSwitch(m, items).build());
            return;
        }
        for (int c = 0; c < chunks.size(); c++) {
            List<MethodChunks.Item> chunk = chunks.get(c);
            int last = chunk.get(chunk.size() - 1).id();
            if (c == 0) {
                m.beginControlFlow("if (stage <= $L)", last);
            } else if (c < chunks.size() - 1) {
                m.nextControlFlow("else if (stage <= $L)", last);
            } else {
                m.nextControlFlow("else");
            }
            m.addStatement("runStages$L(stage, lo, hi)", c);
        }
        m.endControlFlow();
        type.addMethod(m.build());
        for (int c = 0; c < chunks.size(); c++) {
            List<MethodChunks.Item> chunk = chunks.get(c);
            MethodSpec.Builder part = MethodSpec.methodBuilder("runStages" + c).addModifiers(Modifier.PRIVATE)
                    .addJavadoc("Stages $L to $L.\n", chunk.get(0).id(), chunk.get(chunk.size() - 1).id())
                    .addParameter(TypeName.INT, "stage").addParameter(TypeName.INT, "lo")
                    .addParameter(TypeName.INT, "hi");
            type.addMethod(stageSwitch(part, chunk).build());
        }
    }

    private static MethodSpec.Builder stageSwitch(MethodSpec.Builder m, List<MethodChunks.Item> items) {
        m.beginControlFlow("switch (stage)");
        for (MethodChunks.Item item : items) {
            m.addCode("case $L:\n", item.id()).addCode("$>");
            m.addStatement(item.code());
            m.addStatement("break").addCode("$<");
        }
        m.addCode("default:\n$>")
                .addStatement("throw new $T($S + stage)", IllegalArgumentException.class, "no stage ")
                .addCode("$<")
                .endControlFlow();
        return m;
    }

    private CodeBlock stageCall(Kernel k, Program p, String method) {
        if (SampleLoops.gemmOf(k) != null) {
            return CodeBlock.of("$L(lo, hi)", SampleLoops.methodName(k));
        }
        if (k instanceof Kernel.Gemm gemm) {
            GemmCall call = GemmCall.of(gemm, p);
            return rowsCall(gemm, p, method, CodeBlock.of("$L", call.aOff()), CodeBlock.of("$L", call.batchArg()),
                    CodeBlock.of("lo, hi"));
        }
        if (k instanceof Kernel.Elementwise) {
            CodeBlock.Builder args = CodeBlock.builder().add("$L(", method);
            for (String array : elementwiseArrays(k.result(), p, false)) {
                args.add("$L, ", array);
            }
            for (int offset : elementwiseOffsets(k.result(), p).values()) {
                args.add("$L, ", offset);
            }
            return args.add("lo, hi)").build();
        }
        if (k.result().op().kind() == Op.Kind.SPATIAL) {
            return SpatialCalls.call(k.result(), p, ownsSpatialVectors(), transposedKernels.contains(k.result().id()));
        }
        return RowCalls.call(k.result(), p);
    }

    /** A call of a product's row entry: A from {@code aOffset}, {@code batch} rows in all, rows {@code range}. */
    private static CodeBlock rowsCall(Kernel.Gemm gemm, Program p, String method, CodeBlock aOffset,
            CodeBlock batch, CodeBlock range) {
        GemmCall call = GemmCall.of(gemm, p);
        // W^T laid out for inference lies in the region of transposed weights, whose start each call reads
        CodeBlock bOffset = p.readsTransposed(gemm.product().input(0))
                ? CodeBlock.of("$L + $L", TRANSPOSED_BASE, call.bOff()) : CodeBlock.of("$L", call.bOff());
        CodeBlock.Builder args = CodeBlock.builder().add("$L(", method)
                .add("$L, $L, $L, $L, $L, $L, $L, $L", call.a(), aOffset, call.b(), bOffset, call.c(),
                        call.cOff(), batch, range);
        for (String array : epilogueArrays(gemm, p, false)) {
            args.add(", $L", array);
        }
        for (int offset : epilogueOffsets(gemm, p).values()) {
            args.add(", $L", offset);
        }
        return args.add(")").build();
    }

    /** The {@code int} parameters of an epilogue (where the rows it reads start), with their values. */
    private static Map<String, Integer> epilogueOffsets(Kernel.Gemm gemm, Program p) {
        if (!gemm.hasEpilogue()) {
            return Map.of();
        }
        ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", gemm.product(), CodeBlock.of("v"));
        e.root(gemm.result());
        return e.offsets();
    }

    /** The {@code int} parameters of an elementwise kernel (where the rows it reads start), with their values. */
    private static Map<String, Integer> elementwiseOffsets(Node result, Program p) {
        ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", null, null);
        e.param(p.buffer(result));
        e.root(result);
        return e.offsets();
    }

    /** The arrays an epilogue reads: as the kernel's parameters, or as the caller's arguments. */
    private static List<String> epilogueArrays(Kernel.Gemm gemm, Program p, boolean params) {
        if (!gemm.hasEpilogue()) {
            return List.of();
        }
        ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", gemm.product(), CodeBlock.of("v"));
        e.root(gemm.result());
        return new ArrayList<>(params ? e.arrays() : e.arguments());
    }

    // ---- kernel methods ---------------------------------------------------------------------------------------

    /**
     * The methods of a stage's kernel, its matrix product spelt in {@code style}; with {@code handOver}, the product's
     * entry method first hands the call over to that nested class's vector twin when the Vector API is there.
     */
    private List<MethodSpec> kernelMethods(Stage s, GemmSpec.Style style, ClassName handOver) {
        Kernel.Gemm fused = SampleLoops.gemmOf(s.kernel());
        Kernel k = fused != null ? fused : s.kernel();
        Program p = s.program();
        if (k instanceof Kernel.Gemm) {
            GemmSpec spec = gemmSpec(s.kernel(), p, s.method(), style);
            List<MethodSpec> methods = new ArrayList<>(GemmEmitter.emit(spec));
            if (handOver != null) {
                methods.replaceAll(m -> m.name().equals(spec.methodName()) || spec.hasColumnEntry()
                        && m.name().equals(spec.columnEntryName()) ? VectorKernelsClass.withHandOver(m, handOver) : m);
            }
            return methods;
        }
        if (k instanceof Kernel.Elementwise) {
            if (style == GemmSpec.Style.VECTOR) {
                MethodSpec vector = vectorElementwiseMethod(k.result(), p, s.method());
                return vector == null ? List.of() : List.of(vector);
            }
            MethodSpec scalar = elementwiseMethod(k.result(), p, s.method(), true);
            return List.of(handOver != null && vectorElementwiseMethod(k.result(), p, s.method()) != null
                    ? VectorKernelsClass.withHandOver(scalar, handOver) : scalar);
        }
        return List.of();
    }

    /**
     * Whether max pooling and the col2im of sample loops run through the class's own {@link VectorPooling} and
     * {@link VectorCol2im} methods.
     */
    private boolean ownsSpatialVectors() {
        return options.vector() && options.vectorElementwise();
    }

    /** The images of the {@code Kernel.GemmCol2im} stages, each once, in the order of their ids. */
    private java.util.Collection<Node> col2imImages() {
        Map<Integer, Node> images = new java.util.TreeMap<>();
        for (Stage s : stages.values()) {
            if (s.kernel() instanceof Kernel.GemmCol2im f) {
                images.putIfAbsent(f.result().id(), f.result());
            }
        }
        return images.values();
    }

    /** The window sides of the max pooling stages that have a vector form, in increasing order. */
    private Set<Integer> maxPoolSizes() {
        Set<Integer> sizes = new java.util.TreeSet<>();
        for (Stage s : stages.values()) {
            Node r = s.kernel().result();
            boolean pooling = r.op() == Op.MAXPOOL || r.op() == Op.MAXPOOL_GRAD;
            if (pooling && VectorPooling.covers(r.attrs().window().size())) {
                sizes.add(r.attrs().window().size());
            }
        }
        return sizes;
    }

    /**
     * The spec of the product of a kernel (a matrix product, or one run a sample at a time), in the style the options
     * ask for.
     */
    private GemmSpec gemmSpec(Kernel k, Program p, String method) {
        return gemmSpec(k, p, method, options.vector() ? GemmSpec.Style.VECTOR : GemmSpec.Style.SCALAR);
    }

    /** As {@link #gemmSpec(Kernel, Program, String)}, in {@code style}; a kernel gradient a sample at a time adds. */
    private GemmSpec gemmSpec(Kernel k, Program p, String method, GemmSpec.Style style) {
        Kernel.Gemm fused = SampleLoops.gemmOf(k);
        Kernel.Gemm gemm = fused != null ? fused : (Kernel.Gemm) k;
        return gemmSpec(gemm, p, method, style).withAccumulate(k instanceof Kernel.Im2colGemmTn);
    }

    /**
     * Columns per panel of a column-split kernel: the scalar kernel's and the vector kernel's differ, so a class with
     * both asks {@code VECTOR} which kernel will run (as {@link #panels}).
     */
    private CodeBlock panelWidth(GemmSpec spec) {
        if (!spec.splitColumns()) {
            return null;
        }
        if (!options.vector()) {
            return CodeBlock.of("$L", spec.panelWidth());
        }
        return CodeBlock.of("$L ? $L : $L", VectorKernelsClass.FLAG, spec.panelWidth(nestedLanes()),
                spec.withStyle(GemmSpec.Style.SCALAR).panelWidth());
    }

    private GemmSpec gemmSpec(Kernel.Gemm gemm, Program p, String method, GemmSpec.Style style) {
        List<ParameterSpec> extra = new ArrayList<>();
        for (String array : epilogueArrays(gemm, p, true)) {
            extra.add(ParameterSpec.builder(FLOATS, array).build());
        }
        for (String offset : epilogueOffsets(gemm, p).keySet()) {
            extra.add(ParameterSpec.builder(TypeName.INT, offset).build());
        }
        Epilogue epilogue = null;
        if (gemm.hasEpilogue()) {
            epilogue = new Epilogue() {
                @Override
                public CodeBlock scalar(String row, String col, CodeBlock value) {
                    return new ExpressionEmitter(p, row, col, gemm.product(), value).root(gemm.result());
                }

                @Override
                public CodeBlock vector(String row, String col, CodeBlock value) {
                    if (!options.vectorElementwise()) {
                        return null;
                    }
                    Set<VectorHelpers> used = EnumSet.noneOf(VectorHelpers.class);
                    CodeBlock form = new ExpressionEmitter(p, row, col, gemm.product(), value)
                            .vectorRoot(gemm.result(), used);
                    if (form != null) {
                        vectorHelpers.addAll(used);
                    }
                    return form;
                }
            };
        }
        GemmCall call = GemmCall.of(gemm, p);
        // a forward product on W^T laid out for inference: Predictor calls it with single samples
        boolean fewRows = p.readsTransposed(gemm.product().input(0));
        return new GemmSpec(call.form(), call.m(), call.n(), call.k(), method, epilogue, extra,
                style, GemmSpec.Tile.broadcast(call.form(), options.vectorBits(), call.k()),
                splitsColumns(gemm) ? GemmSpec.Split.COLUMNS
                        : hasColumnEntry(gemm.product(), call) ? GemmSpec.Split.ROWS_AND_COLUMNS
                        : GemmSpec.Split.ROWS).withFewRows(fewRows);
    }

    /**
     * A product of a dense layer over samples (not pixels) where B is W: the forward {@code W x} (NT, unless its
     * reduction is short and it runs as NN on W transposed) and the input gradient {@code W^T g} (NN). It gets a
     * column entry as well when W has at least two panels of columns to share and is large enough for its traffic
     * to matter ({@link #COLUMN_SPLIT_MIN_WEIGHTS}).
     */
    private static boolean hasColumnEntry(Node product, GemmCall call) {
        if (call.form() == GemmSpec.Form.TN || !product.batched() || product.shape().rowsPerSample() != 1
                || GemmEmitter.ntTransposes(call.form(), call.k(), call.n())
                || (long) call.n() * call.k() < COLUMN_SPLIT_MIN_WEIGHTS) {
            return false;
        }
        return call.n() > (call.form() == GemmSpec.Form.NT ? GemmEmitter.NT_PANEL : GemmEmitter.NN_PANEL);
    }

    /**
     * The fewest elements of W for which a dense product gets a column entry: 32K floats (128 KB). The input
     * gradient of the 2048-wide MLP's output layer (NN 128x1024x10, W 40 KB) ran at 94-113 us split by columns against
     * 66-71 split by rows (StepBreakdown, 2 threads, alternated, 2026-12-02); its 2048x1024 one (8 MB) at 3,244-3,271
     * against 3,978-4,097.
     */
    static final int COLUMN_SPLIT_MIN_WEIGHTS = 32 * 1024;

    /** A weight gradient summed over the pixels of a batch of images: long reduction, few rows, split by columns. */
    private static boolean splitsColumns(Kernel.Gemm gemm) {
        return gemm.product().op() == Op.OUTER_SUM && gemm.product().input(0).shape().isImage();
    }

    /**
     * The arrays an elementwise kernel takes, its output first, then what it reads in order of first use: as the
     * kernel's parameters, or as the caller's arguments.
     */
    private static List<String> elementwiseArrays(Node result, Program p, boolean params) {
        ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", null, null);
        e.param(p.buffer(result));
        e.root(result);
        return new ArrayList<>(params ? e.arrays() : e.arguments());
    }

    private MethodSpec elementwiseMethod(Node result, Program p, String method, boolean javadoc) {
        ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", null, null);
        String out = e.param(p.buffer(result));
        CodeBlock value = e.root(result);
        int outOff = p.buffer(result).offset();
        int size = result.batched() ? result.shape().rowWidth() : result.shape().size();
        MethodSpec.Builder m = MethodSpec.methodBuilder(method)
                .addModifiers(Modifier.STATIC);
        if (javadoc) {
            int others = shared.users(method) - 1;
            m.addJavadoc("$L\n", describe(new Kernel.Elementwise(result), p)
                    + (others > 0 ? "\n(and " + others + " more " + (others == 1 ? "kernel" : "kernels")
                    + " of the same form, on other buffers)" : ""));
        }
        addElementwiseParams(m, result, p);
        if (result.batched()) {
            m.beginControlFlow("for (int r = lo; r < hi; r++)")
                    .beginControlFlow("for (int j = 0; j < $L; j++)", size)
                    .addStatement("$L[$L + r * $L + j] = $L", out, outOff, size, value)
                    .endControlFlow()
                    .endControlFlow();
        } else {
            m.beginControlFlow("for (int j = lo; j < hi; j++)")
                    .addStatement("$L[$L + j] = $L", out, outOff, value)
                    .endControlFlow();
        }
        return m.build();
    }

    /**
     * The VECTOR twin of {@link #elementwiseMethod}: {@code LANES} columns of a row at a time through
     * {@link ExpressionEmitter#vectorRoot}, the columns past the last whole vector of a row by the scalar expression;
     * each lane gets bitwise the scalar value. Null where the expression has no vector form, where the vector forms
     * are off, or where a row is narrower than the narrowest vector (4 lanes) so that no vector would run; the scalar
     * method then stays as it is.
     */
    private MethodSpec vectorElementwiseMethod(Node result, Program p, String method) {
        int size = result.batched() ? result.shape().rowWidth() : result.shape().size();
        if (!options.vectorElementwise() || size < MIN_VECTOR_ROW) {
            return null;
        }
        ExpressionEmitter e = new ExpressionEmitter(p, "r", "j", null, null);
        String out = e.param(p.buffer(result));
        Set<VectorHelpers> used = EnumSet.noneOf(VectorHelpers.class);
        CodeBlock vector = e.vectorRoot(result, used);
        if (vector == null) {
            return null;
        }
        vectorHelpers.addAll(used);
        ExpressionEmitter tail = new ExpressionEmitter(p, "r", "j", null, null);
        tail.param(p.buffer(result)); // the same parameter names as the vector expression's
        CodeBlock scalar = tail.root(result);
        int outOff = p.buffer(result).offset();
        MethodSpec.Builder m = MethodSpec.methodBuilder(method).addModifiers(Modifier.STATIC);
        addElementwiseParams(m, result, p);
        if (result.batched()) {
            m.beginControlFlow("for (int r = lo; r < hi; r++)")
                    .addStatement("int j = 0")
                    .beginControlFlow("for (; j <= $L - $L; j += $L)", size, GemmEmitter.LANES, GemmEmitter.LANES)
                    .addStatement("$T v = $L", GemmEmitter.FLOAT_VECTOR, vector)
                    .addStatement("v.intoArray($L, $L + r * $L + j)", out, outOff, size)
                    .endControlFlow()
                    .beginControlFlow("for (; j < $L; j++)", size)
                    .addStatement("$L[$L + r * $L + j] = $L", out, outOff, size, scalar)
                    .endControlFlow()
                    .endControlFlow();
        } else {
            m.addStatement("int j = lo")
                    .beginControlFlow("for (; j <= hi - $L; j += $L)", GemmEmitter.LANES, GemmEmitter.LANES)
                    .addStatement("$T v = $L", GemmEmitter.FLOAT_VECTOR, vector)
                    .addStatement("v.intoArray($L, $L + j)", out, outOff)
                    .endControlFlow()
                    .beginControlFlow("for (; j < hi; j++)")
                    .addStatement("$L[$L + j] = $L", out, outOff, scalar)
                    .endControlFlow();
        }
        return m.build();
    }

    /** The narrowest row an elementwise kernel gets a vector twin for: the lanes of a 128-bit float vector. */
    private static final int MIN_VECTOR_ROW = 4;

    /** An elementwise kernel's parameters: its arrays, where the rows it reads start, and its range. */
    private static void addElementwiseParams(MethodSpec.Builder m, Node result, Program p) {
        for (String array : elementwiseArrays(result, p, true)) {
            m.addParameter(FLOATS, array);
        }
        for (String offset : elementwiseOffsets(result, p).keySet()) {
            m.addParameter(TypeName.INT, offset);
        }
        m.addParameter(TypeName.INT, "lo").addParameter(TypeName.INT, "hi");
    }

    private static MethodSpec releaseMethod() {
        return MethodSpec.methodBuilder("release").addModifiers(Modifier.PRIVATE)
                .addJavadoc("Drops the caller's arrays so this object does not keep them alive.\n")
                .addStatement("w = null").addStatement("x = null").addStatement("y = null").addStatement("g = null")
                .build();
    }
}
