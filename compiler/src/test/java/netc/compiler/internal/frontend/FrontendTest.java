package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link Frontend} that the golden files do not show on their own. */
class FrontendTest {
    private static final String HEADER = "network t\ninput x[4]\ntarget y : class[3]\nparam W[3, 4]\nparam b[3]\n";

    private static String errors(String text) {
        return assertThrows(UserError.class, () -> Frontend.analyze(new SourceFile("t.net", text))).getMessage();
    }

    @Test
    void syntaxErrorsPrintNothingOnTheConsole() {
        PrintStream saved = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            errors("network t\ninput x[4\np = $ W x + (\n");
        } finally {
            System.setErr(saved);
        }
        assertEquals("", captured.toString(StandardCharsets.UTF_8));
    }

    @Test
    void semanticChecksDoNotRunAfterASyntaxError() {
        // 'W9' is unknown, but the syntax error alone is reported.
        assertEquals("t.net:6:17: error: missing ')'\n"
                + "    p = softmax(W9 x\n"
                + "                    ^\n"
                + "note: unclosed '(' at t.net:6:12",
                errors(HEADER + "p = softmax(W9 x\nloss = cross_entropy(p, y)\n"));
    }

    @Test
    void errorsAreCappedAndInSourceOrder() {
        StringBuilder text = new StringBuilder("network t\n");
        for (int i = 0; i < 30; i++) {
            text.append("h").append(i).append(" = q").append(i).append('\n');
        }
        UserError e = assertThrows(UserError.class, () -> Frontend.analyze(new SourceFile("t.net",
                text.toString())));
        List<Diagnostic> items = e.diagnostics().items();
        assertEquals(Diagnostics.CAP, items.size());
        List<Integer> lines = items.stream().map(d -> d.span().line()).collect(Collectors.toList());
        assertEquals(lines.stream().sorted().collect(Collectors.toList()), lines);
    }

    @Test
    void aTabCountsAsOneColumnAndIsShownAsASpace() {
        assertEquals("t.net:6:12: error: unknown name 'c'\n"
                + "     p = W x + c\n"
                + "               ^", errors(HEADER + "\tp = W x + c\nloss = cross_entropy(p, y)\n"));
    }

    @Test
    void windowsLineEndingsGiveTheSameMessages() {
        String unix = HEADER + "p = softmax(W x + c)\nloss = cross_entropy(p, y)\n";
        assertEquals(errors(unix), errors(unix.replace("\n", "\r\n")));
    }

    @Test
    void columnsCountUtf16CharactersAsTheCaretLineDoes() {
        // ANTLR counts code points; the emoji is one code point but two chars in the line the caret is drawn under.
        SourceFile source = new SourceFile("t.net", "a\uD83D\uDE00 b\n");
        netc.grammar.NetLexer lexer = new netc.grammar.NetLexer(
                org.antlr.v4.runtime.CharStreams.fromString(source.text()));
        lexer.nextToken();
        assertEquals("t.net:1:2", new Spans(source).of(lexer.nextToken()).toString());
        assertEquals("t.net:1:5", new Spans(source).of(lexer.nextToken()).toString());
    }

    @Test
    void controlCharactersOfTheEchoedLineAreShownAsQuestionMarks() {
        // An escape sequence in a comment would recolour the user's terminal if echoed as it is.
        assertEquals("t.net:6:11: error: unknown name 'c'\n"
                + "    p = W x + c # ?[31mred?[0m ?\n"
                + "              ^", errors(HEADER + "p = W x + c # \u001b[31mred\u001b[0m \u0007\nloss = "
                + "cross_entropy(p, y)\n"));
    }

    @Test
    void unusedParametersAndBindingsAreWarnings() {
        CheckedModel m = Frontend.analyze(new SourceFile("t.net", HEADER + "param V[3, 4]\nh = W x\n"
                + "p = softmax(W x + b)\nloss = cross_entropy(p, y)\n"));
        assertEquals("t.net:6:7: warning: parameter 'V' is never used\n"
                + "    param V[3, 4]\n"
                + "          ^\n"
                + "t.net:7:1: warning: 'h' is never used\n"
                + "    h = W x\n"
                + "    ^", m.warnings().stream().map(w -> w.render(m.source())).collect(Collectors.joining("\n")));
    }

    @Test
    void parseReturnsTheTreeWithoutCheckingNames() {
        assertEquals("n", Frontend.parse(new SourceFile("t.net", "network n\np = nothing(here)\n")).name());
    }

    @Test
    void longChainsOfOperatorsCompile() {
        // up to the limit of SourceParser.MAX_OPERATORS per statement; past it, LimitsTest
        StringBuilder sum = new StringBuilder("W x");
        for (int i = 0; i < 1000; i++) {
            sum.append(" + b");
        }
        CheckedModel m = Frontend.analyze(new SourceFile("t.net", HEADER + "p = softmax(" + sum
                + ")\nloss = cross_entropy(p, y)\n"));
        assertTrue(m.graph().nodes().size() > 1000);
    }

    @Test
    void deepNestingIsAnErrorNotACrash() {
        String deep = "(".repeat(5000) + "x" + ")".repeat(5000);
        assertTrue(errors(HEADER + "p = " + deep + "\n").contains("nested too deeply"));
        assertTrue(errors(HEADER + "p = " + "W ".repeat(5000) + "x\n").contains("nested too deeply"));
        assertTrue(errors(HEADER + "p = " + "-".repeat(5000) + "x\n").contains("nested too deeply"));
    }
}
