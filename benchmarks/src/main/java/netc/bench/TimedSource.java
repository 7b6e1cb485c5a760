package netc.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a generated network class into an instrumented copy for {@link StepBreakdown}, by text substitution on
 * the emitter's (stable, JavaPoet-formatted) output. The kernels themselves are not touched.
 *
 * <ul>
 *   <li>the class is renamed {@code <Name>Timed};
 *   <li>every stage call in {@code lossAndGradient} ({@code parallel.run(this, s, ...)} or {@code runStage(s, ...)})
 *       is wrapped in {@code System.nanoTime()} and adds to {@code STAGE_NS[s]} (about 25 ns per stage, 14 stages);
 *   <li>{@code bind(...)} sets the fields that {@code lossAndGradient} sets, so kernels can be run one at a time
 *       through the public {@code runStage}, and {@code epilogue(s, lo, hi)} runs only the epilogue of a gemm stage
 *       over rows {@code [lo, hi)}.
 * </ul>
 *
 * <p>It also parses, per stage: what it calls (gemm method or RowOps function), the row count it is split over,
 * whether it goes through {@code Parallel}, and for gemm stages the form and M, N, K from the kernel's comment.
 */
final class TimedSource {

    /** One stage of {@code lossAndGradient}. */
    /** {@code (16 >= 16 ? 4 : 2)}: a tile chosen by the lane count, once the lanes are substituted. */
    private static final Pattern LANES_CHOICE = Pattern.compile("\\((\\d+) >= (\\d+) \\? (\\d+) : (\\d+)\\)");

    record Stage(int id, String call, String rowsExpr, boolean parallel, String gemm, String form, String m,
                 String n, String k, boolean hasEpilogue, String line) {

        boolean isGemm() {
            return gemm != null;
        }

        /** Rows the stage covers, with {@code batch} substituted. */
        int rows(int batch) {
            return eval(rowsExpr, batch);
        }

        /** 2 M N K, or 0 for a row stage. */
        double flop(int batch) {
            if (!isGemm()) {
                return 0;
            }
            return 2.0 * eval(m, batch) * eval(n, batch) * eval(k, batch);
        }

        /**
         * {@code batch}, {@code batch * 196} (pixel rows of images), a number, or a column-split kernel's panel count
         * {@code (VECTOR ? <vector panels> : <scalar panels>)}, of which the vector one counts; a panel width that
         * depends on the lanes ({@code (LANES >= 16 ? 4 : 2) * LANES}) is resolved for this JVM's.
         */
        private static int eval(String expr, int batch) {
            String e = expr.replace("VectorKernels.", "").replace("LANES", Integer.toString(lanes()));
            Matcher m = LANES_CHOICE.matcher(e);
            StringBuilder resolved = new StringBuilder();
            while (m.find()) {
                boolean wide = Integer.parseInt(m.group(1)) >= Integer.parseInt(m.group(2));
                m.appendReplacement(resolved, wide ? m.group(3) : m.group(4));
            }
            m.appendTail(resolved);
            e = resolved.toString();
            int q = e.indexOf('?');
            if (q >= 0) {
                e = e.substring(q + 1, e.indexOf(':', q));
            }
            return new Arithmetic(e.replace("batch", Integer.toString(batch))).value();
        }
    }

    /**
     * Integer arithmetic ({@code + - * /}, parentheses) over the row-count expressions the emitter writes:
     * {@code batch}, {@code batch * 196}, {@code (800 + 2 * LANES - 1) / (2 * LANES)} with the names substituted.
     */
    static final class Arithmetic {
        private final String text;
        private int pos;

        Arithmetic(String text) {
            this.text = text.replace(" ", "");
        }

        int value() {
            int v = sum();
            if (pos != text.length()) {
                throw new IllegalArgumentException("cannot evaluate " + text);
            }
            return v;
        }

        private int sum() {
            int v = product();
            while (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                char op = text.charAt(pos++);
                int r = product();
                v = op == '+' ? v + r : v - r;
            }
            return v;
        }

        private int product() {
            int v = atom();
            while (pos < text.length() && (text.charAt(pos) == '*' || text.charAt(pos) == '/')) {
                char op = text.charAt(pos++);
                int r = atom();
                v = op == '*' ? v * r : v / r;
            }
            return v;
        }

        private int atom() {
            if (text.charAt(pos) == '(') {
                pos++;
                int v = sum();
                pos++; // ')'
                return v;
            }
            int start = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            return Integer.parseInt(text.substring(start, pos));
        }
    }

    /** {@code FloatVector.SPECIES_PREFERRED.length()} of this JVM (read reflectively), or 1 without the module. */
    static int lanes() {
        try {
            Object species = Class.forName("jdk.incubator.vector.FloatVector").getField("SPECIES_PREFERRED").get(null);
            return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("length").invoke(species);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 1;
        }
    }

    /** A method that runs a convolution's steps a sample at a time ({@code SampleLoops}), and its first product call. */
    private static final Pattern SAMPLE_LOOP = Pattern.compile("(?:col2im|im2colGemm|im2colGemmTn)\\d+");
    private static final Pattern GEMM_CALL = Pattern.compile("(gemm\\d+(?:v\\d+)?)\\(([^;]*)\\);");

    /**
     * For a sample loop's method, the product kernel it calls per sample and that kernel's rows over the whole
     * batch ({@code batch * 196}: the call passes one sample's, or all samples' when it keeps rows' numbers); null
     * for any other method.
     */
    private static String[] sampleLoopGemm(String source, String method) {
        if (!SAMPLE_LOOP.matcher(method).matches()) {
            return null;
        }
        int start = source.indexOf("private void " + method + "(int lo, int hi) {");
        if (start < 0) {
            start = source.indexOf("private void " + method + "(int pLo, int pHi) {");
        }
        if (start < 0) {
            return null;
        }
        // the last call: the one in the loop over samples (a kernel gradient's first one is for an empty batch)
        Matcher g = GEMM_CALL.matcher(source.substring(start, source.indexOf("\n    }\n", start)));
        String[] found = null;
        while (g.find()) {
            String rows = g.group(2).split(",\\s*")[6];
            found = new String[] {g.group(1), rows.contains("batch") ? rows : "batch * " + rows};
        }
        return found;
    }

    private static final Pattern CLASS_DECL = Pattern.compile("public final class (\\w+) implements");
    /** A row split's alignment: a literal, or the choice by the vector kernels' width of a widened kernel. */
    private static final String ALIGNMENT = "(?:\\d+|\\(VECTOR && \\w+\\.LANES >= 16 \\? \\d+ : \\d+\\)"
            + "|\\(\\w+(?: \\* \\d+)? < \\d+ \\? \\d+ : \\d+\\))";
    /**
     * A column entry's call: in chunks of panels, one part per thread (a swapped NT kernel) or either by the batch
     * (few-row tiles).
     */
    private static final String COLUMN_CALL = "(?:parallel\\.run\\(this, \\d+, \\d+, 1\\)"
            + "|parallel\\.runPerThread\\(this, \\d+, \\d+\\)"
            + "|parallel\\.runColumns\\(this, \\d+, \\d+, [\\w ()*/+-]+?, \\d+\\))";
    /**
     * A stage call: {@code parallel.run(...)}, an aligned {@code parallel.runPerThread(...)} (a weight gradient that
     * packs B) or {@code runStage(...)}, or the choice between a forward product's
     * column entry and its row split ({@code if (batch <= 512) { parallel.run(...cols...); } else {
     * parallel.run(...rows...); }}, the column call any of {@link #COLUMN_CALL}), timed as one stage under the row
     * stage's number.
     */
    private static final Pattern STAGE_CALL = Pattern.compile(
            "^(\\s*)(if \\([^\\n]*\\) \\{\\n\\s*" + COLUMN_CALL + ";\\n\\s*\\} else \\{\\n\\s*"
                    + "parallel\\.run(?:PerThread)?\\(this, (\\d+), ([\\w ()*/+-]+?), " + ALIGNMENT + "\\);\\n\\s*\\}"
                    + "|parallel\\.run(?:PerThread)?\\(this, (\\d+), ([\\w ()*/+?:.>=-]+?), " + ALIGNMENT + "\\);"
                    + "|runStage\\((\\d+), 0, (\\w+(?: \\* \\d+)?)\\);)$",
            Pattern.MULTILINE);
    private static final Pattern CASE = Pattern.compile(
            "case (\\d+):\\s*\\n\\s*(?:if \\(training\\) )?((\\w+(?:\\.\\w+)?)\\(([^;]*)\\));", Pattern.MULTILINE);
    private static final Pattern GEMM_HEADER = Pattern.compile(
            "static void (gemm\\d+)\\(float\\[\\] a,[^)]*\\) \\{\\s*\\n\\s*// C\\[m\\]\\[n\\] = sum_k (A\\[\\w\\]\\[\\w\\]) \\* "
                    + "(B\\[\\w\\]\\[\\w\\])(?: \\(\\+= C's sums so far if accumulate\\))? "
                    + "for (?:rows \\[mLo, mHi\\)|column panels \\[pLo, pHi\\) of all rows), "
                    + "M = (\\w+), N = (\\w+), K = (\\w+)");

    final String className;
    final String timedName;
    final String source;
    final List<Stage> stages;

    private TimedSource(String className, String timedName, String source, List<Stage> stages) {
        this.className = className;
        this.timedName = timedName;
        this.source = source;
        this.stages = stages;
    }

    static TimedSource instrument(String original) {
        Matcher cm = CLASS_DECL.matcher(original);
        if (!cm.find()) {
            throw new IllegalStateException("no 'public final class X implements' in the generated source");
        }
        String name = cm.group(1);
        String timed = name + "Timed";

        // gemm headers: form and shape
        Map<String, String[]> gemmInfo = new LinkedHashMap<>();
        Matcher gm = GEMM_HEADER.matcher(original);
        while (gm.find()) {
            String a = gm.group(2);
            String b = gm.group(3);
            String form = (a.equals("A[m][k]") ? "N" : "T") + (b.equals("B[n][k]") ? "T" : "N");
            gemmInfo.put(gm.group(1), new String[] {form, gm.group(4), gm.group(5), gm.group(6)});
        }
        // runStage cases: what each stage calls and with which arguments
        Map<Integer, String[]> cases = new LinkedHashMap<>();
        Matcher km = CASE.matcher(original);
        while (km.find()) {
            cases.put(Integer.parseInt(km.group(1)), new String[] {km.group(3), km.group(4)});
        }

        int lgStart = original.indexOf("public double lossAndGradient(");
        int lgEnd = original.indexOf("\n    }\n", lgStart);
        if (lgStart < 0 || lgEnd < 0) {
            throw new IllegalStateException("no lossAndGradient method in the generated source");
        }
        String body = original.substring(lgStart, lgEnd);
        List<Stage> stages = new ArrayList<>();
        StringBuilder newBody = new StringBuilder();
        Matcher sm = STAGE_CALL.matcher(body);
        int last = 0;
        StringBuilder epilogueCases = new StringBuilder();
        while (sm.find()) {
            int g = sm.group(3) != null ? 3 : sm.group(5) != null ? 5 : 7;
            boolean par = g < 7;
            int id = Integer.parseInt(sm.group(g));
            String rows = sm.group(g + 1);
            String[] c = cases.get(id);
            if (c == null) {
                throw new IllegalStateException("no case " + id + " in runStage");
            }
            String call = c[0];
            String gemm = gemmInfo.containsKey(call) ? call : null;
            String[] info = gemm == null ? new String[4] : gemmInfo.get(call).clone();
            if (gemm != null) {
                // the kernel's "batch" parameter is the row count the call passes (pixels of all samples for images)
                String batchArg = c[1].split(",\\s*")[6];
                for (int j = 1; j < 4; j++) {
                    info[j] = info[j].equals("batch") ? batchArg : info[j];
                }
            } else {
                String[] inner = sampleLoopGemm(original, call);
                if (inner != null && gemmInfo.containsKey(inner[0])) {
                    gemm = inner[0];
                    info = gemmInfo.get(gemm).clone();
                    for (int j = 1; j < 4; j++) {
                        info[j] = info[j].equals("batch") ? inner[1] : info[j];
                    }
                }
            }
            // a sample loop's epilogue runs inside its per-sample calls: not timed on its own
            boolean epi = gemm != null && gemm.equals(call) && original.contains("static void " + gemm + "Epilogue(");
            if (epi) {
                // gemmNN(a, aOff, b, bOff, c, cOff, batch, lo, hi, extra...)
                //     -> gemmNNEpilogue(c, cOff, i, 0, N, extra...): all columns of row i
                String[] args = c[1].split(",\\s*");
                StringBuilder eargs = new StringBuilder(args[4] + ", " + args[5] + ", i, 0, " + info[2]);
                for (int j = 9; j < args.length; j++) {
                    eargs.append(", ").append(args[j]);
                }
                // the epilogue the kernel runs: VectorKernels' when the class has one (vector kernels call theirs;
                // the outer class's scalar loop, branching per element, measured 3-5x slower)
                String declaration = "static void " + gemm + "Epilogue(";
                boolean vectorEpi = original.indexOf(declaration) != original.lastIndexOf(declaration);
                String scalarCall = gemm + "Epilogue(" + eargs + ");";
                String callEpi = vectorEpi
                        ? "if (VECTOR) VectorKernels." + scalarCall + " else " + scalarCall : scalarCall;
                epilogueCases.append("            case ").append(id).append(":\n")
                        .append("                for (int i = lo; i < hi; i++) {\n")
                        .append("                    ").append(callEpi).append("\n")
                        .append("                }\n")
                        .append("                break;\n");
            }
            stages.add(new Stage(id, call, rows, par, gemm, info[0], info[1], info[2], info[3], epi,
                    sm.group(2)));
            newBody.append(body, last, sm.start());
            String indent = sm.group(1);
            String stmt = sm.group(2);
            // qualified: a net named system has a class System of its own
            newBody.append(indent).append("{ long t0_ = java.lang.System.nanoTime(); ").append(stmt)
                    .append(" STAGE_NS[").append(id).append("] += java.lang.System.nanoTime() - t0_; }");
            last = sm.end();
        }
        newBody.append(body.substring(last));

        String extra = "\n"
                + "    /** Nanoseconds spent in each stage of lossAndGradient since the last reset (caller's wall time). */\n"
                + "    public static final long[] STAGE_NS = new long[256];\n"
                + "\n"
                + "    /** Sets what lossAndGradient sets, so that runStage and epilogue can be called directly. */\n"
                + "    public void bind(float[] params, float[] input, float[] target, int samples, float[] grad) {\n"
                + "        prepare(params, input, target, samples, PARAM_COUNT);\n"
                + "        g = grad;\n"
                + "    }\n"
                + "\n"
                + "    /** Only the epilogue of a gemm stage, on rows [lo, hi). */\n"
                + "    public void epilogue(int stage, int lo, int hi) {\n"
                + "        switch (stage) {\n"
                + epilogueCases
                + "            default:\n"
                + "                throw new IllegalArgumentException(\"stage \" + stage + \" has no epilogue\");\n"
                + "        }\n"
                + "    }\n";
        String src = original.substring(0, lgStart) + newBody + original.substring(lgEnd);
        int classOpen = src.indexOf('{', src.indexOf("public final class " + name));
        src = src.substring(0, classOpen + 1) + extra + src.substring(classOpen + 1);
        // every reference to the class (its declaration, Name.class in the vector-module probe) follows the rename;
        // not a qualified name of another class (a net named activations has netc.runtime.Activations too)
        src = src.replaceAll("(?<![.\\w])" + Pattern.quote(name) + "\\b", timed);
        return new TimedSource(name, timed, src, stages);
    }
}
