package netc.compiler.internal.frontend;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.frontend.ast.Apply;
import netc.compiler.internal.frontend.ast.Argument;
import netc.compiler.internal.frontend.ast.Binary;
import netc.compiler.internal.frontend.ast.Call;
import netc.compiler.internal.frontend.ast.Expr;
import netc.compiler.internal.frontend.ast.Indexed;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.frontend.ast.Unary;

/**
 * Which loops are unrolled together. Loops are normally unrolled one after the other: all steps of {@code h}, then
 * all steps of {@code g}. An LSTM's gates use {@code h[t-1]}, and {@code h[t]} uses the gates' step t, so no order
 * of whole loops works. A <em>group</em> is a run of consecutive loops over the same range in which some loop uses
 * a state that a later loop of the run defines; a group is unrolled step by step, each step running its loops in
 * source order ({@code i[1] f[1] o[1] g[1] c[1] h[1] i[2] ...}). Groups are as small as that rule allows, so a
 * program without such forward uses unrolls exactly as before (a loop may still use every step of a whole earlier
 * loop, {@code g[t] = A h[t+1]}).
 */
final class StepGroups {
    private StepGroups() {
    }

    /**
     * {@code definitions} in order, with each group of loops as one list (every other statement is a list of one).
     */
    static List<List<Statement>> of(List<Statement> definitions) {
        List<List<Statement>> out = new ArrayList<>();
        int i = 0;
        while (i < definitions.size()) {
            if (loopOf(definitions.get(i)) == null) {
                out.add(List.of(definitions.get(i)));
                i++;
                continue;
            }
            int runEnd = i + 1;
            while (runEnd < definitions.size() && sameRange(definitions.get(i), definitions.get(runEnd))) {
                runEnd++;
            }
            splitRun(definitions.subList(i, runEnd), out);
            i = runEnd;
        }
        return out;
    }

    /** Cuts a run of loops over one range into the smallest groups that no forward use crosses. */
    private static void splitRun(List<Statement> run, List<List<Statement>> out) {
        Map<String, Integer> lastDefinedAt = new HashMap<>();
        for (int k = 0; k < run.size(); k++) {
            lastDefinedAt.put(((StepBinding) run.get(k)).name().text(), k);
        }
        int start = 0;
        int end = 0;
        for (int k = 0; k < run.size(); k++) {
            for (String used : statesUsed(((StepBinding) run.get(k)).value())) {
                Integer at = lastDefinedAt.get(used);
                if (at != null && at > k) {
                    end = Math.max(end, at);
                }
            }
            if (k >= end) {
                out.add(List.copyOf(run.subList(start, k + 1)));
                start = k + 1;
                end = k + 1;
            }
        }
    }

    /** The names indexed by the loop variable in {@code e} ({@code h} in {@code h[t-1]}), in order of use. */
    static List<String> statesUsed(Expr e) {
        List<String> out = new ArrayList<>();
        collect(e, out, false);
        return out;
    }

    /** The names used at the step being defined ({@code h} in {@code h[t]}): the uses that order a group's loops. */
    static List<String> statesUsedAtSameStep(Expr e) {
        List<String> out = new ArrayList<>();
        collect(e, out, true);
        return out;
    }

    private static void collect(Expr e, List<String> out, boolean sameStepOnly) {
        if (e instanceof Indexed x) {
            if (!x.index().isNumber() && (!sameStepOnly || x.index().offset() == 0)) {
                out.add(x.name().id());
            }
        } else if (e instanceof Unary u) {
            collect(u.operand(), out, sameStepOnly);
        } else if (e instanceof Binary b) {
            collect(b.lhs(), out, sameStepOnly);
            collect(b.rhs(), out, sameStepOnly);
        } else if (e instanceof Apply a) {
            collect(a.arg(), out, sameStepOnly);
        } else if (e instanceof Call c) {
            for (Argument a : c.args()) {
                collect(a.value(), out, sameStepOnly);
            }
        }
    }

    private static netc.compiler.internal.frontend.ast.Loop loopOf(Statement s) {
        return s instanceof StepBinding b && b.step() != null ? b.loop() : null;
    }

    private static boolean sameRange(Statement first, Statement next) {
        var a = loopOf(first);
        var b = loopOf(next);
        return a != null && b != null && a.from().value() == b.from().value() && a.to().value() == b.to().value();
    }
}
