package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.frontend.ast.Statement;
import netc.compiler.internal.frontend.ast.StepBinding;
import netc.compiler.internal.source.SourceFile;
import org.junit.jupiter.api.Test;

/** Which loops {@link StepGroups} unrolls together: only runs over one range with a use of a later loop's state. */
class StepGroupsTest {

    /** The groups of the statements after the declarations, each as the names it defines. */
    private static List<List<String>> groups(String body) {
        Program p = Frontend.parse(new SourceFile("g.net", "network g\ninput xs[4, 3]\n" + body));
        List<Statement> definitions = new ArrayList<>();
        for (Statement s : p.statements()) {
            if (s instanceof StepBinding || s instanceof Binding) {
                definitions.add(s);
            }
        }
        List<List<String>> out = new ArrayList<>();
        for (List<Statement> group : StepGroups.of(definitions)) {
            List<String> names = new ArrayList<>();
            for (Statement s : group) {
                names.add(s instanceof StepBinding b ? b.name().text() : ((Binding) s).name().text());
            }
            out.add(names);
        }
        return out;
    }

    @Test
    void anLstmCellIsOneGroupAndItsFirstStepsAreNot() {
        assertEquals(List.of(List.of("c"), List.of("h"), List.of("i", "c", "h"), List.of("p")), groups(
                "c[0] = xs[0]\nh[0] = xs[0]\n"
                + "i[t] = sigmoid(h[t-1]) for t in 1..3\n"
                + "c[t] = i[t] * c[t-1] for t in 1..3\n"
                + "h[t] = tanh(c[t]) for t in 1..3\n"
                + "p = h[3]\n"));
    }

    @Test
    void loopsWithoutForwardUsesStayApart() {
        // g uses h's steps, h never uses g: unrolled one after the other, as before groups existed
        assertEquals(List.of(List.of("h"), List.of("g")), groups(
                "h[t] = tanh(xs[t]) for t in 0..3\ng[t] = h[t] + h[t-1] for t in 1..3\n"));
    }

    @Test
    void onlyTheLoopsAForwardUseSpansAreGrouped() {
        // a alone; b uses d (two loops down), so b, c and d go together; e after them alone
        assertEquals(List.of(List.of("a"), List.of("b", "c", "d"), List.of("e")), groups(
                "a[t] = xs[t] for t in 1..3\n"
                + "b[t] = a[t] + d[t-1] for t in 1..3\n"
                + "c[t] = b[t] for t in 1..3\n"
                + "d[t] = c[t] for t in 1..3\n"
                + "e[t] = d[t] for t in 1..3\n"));
    }

    @Test
    void loopsOverDifferentRangesOrWithAStatementBetweenAreNotGrouped() {
        assertEquals(List.of(List.of("a"), List.of("b")), groups(
                "a[t] = b[t-1] for t in 1..3\nb[t] = a[t] for t in 1..2\n"));
        assertEquals(List.of(List.of("a"), List.of("z"), List.of("b")), groups(
                "a[t] = b[t-1] for t in 1..3\nz = xs[0]\nb[t] = a[t] for t in 1..3\n"));
    }
}
