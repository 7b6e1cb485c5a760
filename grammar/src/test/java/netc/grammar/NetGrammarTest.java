package netc.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.antlr.v4.runtime.BaseErrorListener;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.CommonTokenStream;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.Token;
import org.antlr.v4.runtime.atn.PredictionMode;
import org.antlr.v4.runtime.tree.ParseTree;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The grammar alone: golden parse trees for {@code parse/ok/*.net} (ANTLR's {@code toStringTree}, one statement per
 * line), and a few pinned facts about tokens and precedence. {@code -Dnetc.updateGolden=true} rewrites the trees.
 */
class NetGrammarTest {
    private static final boolean UPDATE = Boolean.getBoolean("netc.updateGolden");

    @TestFactory
    List<DynamicTest> okFilesParseToTheirGoldenTrees() throws IOException {
        Path dir = resources().resolve("parse/ok");
        List<Path> files;
        try (Stream<Path> list = Files.list(dir)) {
            files = list.filter(p -> p.toString().endsWith(".net")).sorted().collect(Collectors.toList());
        }
        assertTrue(files.size() >= 4, "expected golden cases in " + dir);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            String actual = tree(Files.readString(f, StandardCharsets.UTF_8));
            Path golden = dir.resolve(f.getFileName().toString().replaceAll("\\.net$", ".tree"));
            if (UPDATE) {
                Files.writeString(golden, actual, StandardCharsets.UTF_8);
            } else {
                assertEquals(Files.readString(golden, StandardCharsets.UTF_8), actual, "parse tree of " + f
                        + " (accept with -Dnetc.updateGolden=true)");
            }
        })).collect(Collectors.toList());
    }

    @Test
    void juxtapositionBindsTighterThanPlus() {
        assertEquals("(statement a = (expr (expr (term W1 (term x))) + (expr (term b1))))", statement("a = W1 x + b1"));
    }

    @Test
    void juxtapositionNestsToTheRight() {
        assertEquals("(statement a = (expr (term W3 (term W2 (term x)))))", statement("a = W3 W2 x"));
    }

    @Test
    void unaryMinusAppliesToTheWholeApplication() {
        assertEquals("(statement a = (expr - (expr (term W (term x)))))", statement("a = -W x"));
    }

    @Test
    void unaryMinusBindsTighterThanTimes() {
        assertEquals("(statement a = (expr (expr - (expr (term x))) * (expr (term y))))", statement("a = -x * y"));
    }

    @Test
    void aNameBeforeParenthesesIsACall() {
        assertEquals("(statement a = (expr (term W ( (argument (expr (expr (term x)) + (expr (term b)))) ))))",
                statement("a = W (x + b)"));
    }

    @Test
    void aStatementEndsWhereTheNextBegins() {
        assertEquals("(program (statement a = (expr (term W (term x)))) (statement b = (expr (term 3))) <EOF>)",
                parse("a = W x b = 3"));
    }

    @Test
    void numbersInEveryUsualForm() {
        assertEquals(List.of("INT:1", "FLOAT:0.5", "FLOAT:.5", "FLOAT:1e-3", "FLOAT:2.5E+4", "FLOAT:1."),
                tokens("1 0.5 .5 1e-3 2.5E+4 1."));
    }

    @Test
    void keywordsAreNotNamesButLongerWordsAre() {
        assertEquals(List.of("'param':param", "ID:params", "'init':init", "ID:initial", "ID:class", "ID:real"),
                tokens("param params init initial class real"));
    }

    @Test
    void commentsAndWhiteSpaceAreSkipped() {
        assertEquals(List.of("ID:a", "ID:b"), tokens("a # one\n// two\n\tb // three"));
    }

    @Test
    void anyOtherCharacterIsOneErrorToken() {
        assertEquals(List.of("ID:a", "ERROR_CHAR:$", "ERROR_CHAR:é", "ID:b", "ERROR_CHAR:;"), tokens("a $é b;"));
    }

    @Test
    void trailingGarbageIsAnError() {
        List<String> errors = new ArrayList<>();
        parse("a = x )", errors);
        assertEquals(1, errors.size(), errors.toString());
    }

    @Test
    void theGrammarIsUnambiguousOnTheGoldenFiles() throws IOException {
        // Exact ambiguity detection reports every decision where two alternatives match the same input.
        List<Path> files;
        try (Stream<Path> list = Files.list(resources().resolve("parse/ok"))) {
            files = list.filter(p -> p.toString().endsWith(".net")).sorted().collect(Collectors.toList());
        }
        for (Path f : files) {
            NetParser parser = parser(Files.readString(f, StandardCharsets.UTF_8), new ArrayList<>());
            parser.getInterpreter().setPredictionMode(PredictionMode.LL_EXACT_AMBIG_DETECTION);
            List<String> ambiguities = new ArrayList<>();
            parser.addErrorListener(new org.antlr.v4.runtime.DiagnosticErrorListener(true) {
                @Override
                public void reportAmbiguity(org.antlr.v4.runtime.Parser recognizer, org.antlr.v4.runtime.dfa.DFA dfa,
                                            int startIndex, int stopIndex, boolean exact,
                                            java.util.BitSet ambigAlts, org.antlr.v4.runtime.atn.ATNConfigSet configs) {
                    ambiguities.add(f.getFileName() + " at token " + startIndex);
                }
            });
            parser.program();
            assertEquals(List.of(), ambiguities);
        }
    }

    private static String tree(String text) {
        List<String> errors = new ArrayList<>();
        NetParser parser = parser(text, errors);
        NetParser.ProgramContext program = parser.program();
        if (!errors.isEmpty()) {
            fail("syntax errors: " + errors);
        }
        StringBuilder sb = new StringBuilder();
        for (ParseTree child : program.children) {
            sb.append(child.toStringTree(parser)).append('\n');
        }
        return sb.toString();
    }

    private static String statement(String text) {
        List<String> errors = new ArrayList<>();
        NetParser parser = parser(text, errors);
        NetParser.ProgramContext program = parser.program();
        assertEquals(List.of(), errors);
        return program.statement(0).toStringTree(parser);
    }

    private static String parse(String text) {
        List<String> errors = new ArrayList<>();
        String tree = parse(text, errors);
        assertEquals(List.of(), errors);
        return tree;
    }

    private static String parse(String text, List<String> errors) {
        NetParser parser = parser(text, errors);
        return parser.program().toStringTree(parser);
    }

    private static NetParser parser(String text, List<String> errors) {
        NetLexer lexer = new NetLexer(CharStreams.fromString(text));
        lexer.removeErrorListeners();
        NetParser parser = new NetParser(new CommonTokenStream(lexer));
        parser.removeErrorListeners();
        parser.addErrorListener(new BaseErrorListener() {
            @Override
            public void syntaxError(Recognizer<?, ?> recognizer, Object offendingSymbol, int line, int column,
                                    String msg, RecognitionException e) {
                errors.add(line + ":" + column + " " + msg);
            }
        });
        return parser;
    }

    private static List<String> tokens(String text) {
        NetLexer lexer = new NetLexer(CharStreams.fromString(text));
        List<String> out = new ArrayList<>();
        for (Token t = lexer.nextToken(); t.getType() != Token.EOF; t = lexer.nextToken()) {
            out.add(lexer.getVocabulary().getDisplayName(t.getType()) + ":" + t.getText());
        }
        return out;
    }

    private static Path resources() {
        return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).resolve("src/test/resources");
    }
}
