package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import netc.compiler.internal.frontend.ast.Binding;
import netc.compiler.internal.frontend.ast.Program;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Printing the syntax tree: parse, print, parse gives the same tree, and the tree pins precedence. */
class AstPrinterTest {

    private static Program parse(String text) {
        return Frontend.parse(new SourceFile("t.net", text));
    }

    /** The structure of a one-binding program's expression. */
    private static String tree(String expr) {
        return AstPrinter.tree(((Binding) parse("a = " + expr).statements().get(0)).value());
    }

    /** The expression printed back as source. */
    private static String printed(String expr) {
        return AstPrinter.source(((Binding) parse("a = " + expr).statements().get(0)).value());
    }

    private static void assertRoundTrip(String text) {
        Program first = parse(text);
        String printed = AstPrinter.source(first);
        Program second = parse(printed);
        assertEquals(AstPrinter.tree(first), AstPrinter.tree(second), "printed as:\n" + printed);
        assertEquals(printed, AstPrinter.source(second), "printing is not stable");
    }

    @TestFactory
    List<DynamicTest> everySampleAndParsableBadFileRoundTrips() {
        List<Path> files = new ArrayList<>(Golden.list(Golden.sampleNets(), ".net"));
        files.addAll(Golden.list(Golden.resources("frontend/bad"), ".net"));
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String text = Golden.read(f);
            try {
                parse(text);
            } catch (UserError syntaxError) {
                return; // only files without syntax errors have a tree to print
            }
            assertRoundTrip(text);
        })).collect(Collectors.toList());
    }

    @Test
    void trickyExpressionsRoundTrip() {
        for (String e : List.of("(a + b) * c", "a - (b - c)", "a - b - c", "a / (b * c)", "-(a + b)", "-W x",
                "- -x", "-(-2)", "W (a + b)", "W3 W2 x", "W1(x) + b1", "f(a, k=-0.5)", "2.5e-7 * x + 1e20",
                "(-x) * y", "x * -y", ".5 - 0.25", "relu(W x) * (1 - relu(W x))")) {
            assertRoundTrip("a = " + e + "\n");
        }
    }

    @Test
    void treeShowsJuxtapositionTighterThanPlus() {
        assertEquals("(+ (apply W1 x) b1)", tree("W1 x + b1"));
        assertEquals("(apply W3 (apply W2 x))", tree("W3 W2 x"));
        assertEquals("(neg (apply W x))", tree("-W x"));
        assertEquals("(* (neg x) y)", tree("-x * y"));
        assertEquals("(call W (+ x b))", tree("W (x + b)"));
        assertEquals("(call leaky_relu x slope=0.1)", tree("leaky_relu(x, slope=0.1)"));
    }

    @Test
    void sourceUsesOnlyTheParenthesesPrecedenceNeeds() {
        assertEquals("W1 x + b1", printed("((W1 x)) + (b1)"));
        assertEquals("(a + b) * c", printed("(a + b) * c"));
        assertEquals("a - (b - c)", printed("a - (b - c)"));
        assertEquals("a - b - c", printed("(a - b) - c"));
        assertEquals("-(a + b)", printed("-(a + b)"));
        assertEquals("- -x", printed("-(-x)"));
    }

    @Test
    void numbersPrintAsTheyReadBack() {
        assertEquals("1 + 0.5 + 0.5 + 0.001 + 25000", printed("1 + 0.5 + .5 + 1e-3 + 2.5E+4"));
        assertEquals("1.0e20 * 2.5e-7", printed("1e20 * 2.5e-7"));
    }

    @Test
    void declarationsPrintInTheirCanonicalForm() {
        String text = "network m\ninput  x[784]\ntarget y:class[10]\nparam W[10,784] init normal( std = 0.01 )\n"
                + "param b[10]\nparam V[2, 2]   init he\n";
        assertEquals("network m\ninput x[784]\ntarget y : class[10]\nparam W[10, 784] init normal(std=0.01)\n"
                + "param b[10]\nparam V[2, 2] init he\n", AstPrinter.source(parse(text)));
        assertEquals("(network m)\n(input x [784])\n(target y class [10])\n(param W [10, 784] normal(std=0.01))\n"
                + "(param b [10])\n(param V [2, 2] he)\n", AstPrinter.tree(parse(text)));
    }
}
