package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.Span;
import netc.compiler.internal.source.UserError;
import org.junit.jupiter.api.Test;

/**
 * Seeded random inputs (notes/reliability.md 3.3, unstructured fuzzing in miniature): the front end either accepts a
 * file or throws {@link UserError} whose every position lies inside the file. Nothing else may escape: no
 * {@code NullPointerException} from an odd token sequence, no index error while wording a message.
 */
class RobustnessTest {
    private static final String[] WORDS = {"network", "input", "target", "param", "init", "loss", "x", "W", "b", "y",
        "p", "h", "relu", "softmax", "cross_entropy", "leaky_relu", "slope", "class", "real", "normal", "he", "(", ")",
        "[", "]", ",", ":", "=", "+", "-", "*", "/", "1", "0.5", ".5", "1e-3", "784", "$", "é", "\n", "\n", " ", "\t",
        "# c\n", "\r\n"};

    @Test
    void randomTokenSoupNeverCrashesTheFrontEnd() {
        Random random = new Random(20261126);
        for (int i = 0; i < 3000; i++) {
            StringBuilder sb = new StringBuilder();
            int length = random.nextInt(40);
            for (int k = 0; k < length; k++) {
                sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(3) == 0 ? "" : " ");
            }
            check(sb.toString());
        }
    }

    @Test
    void mutatedSamplesNeverCrashTheFrontEnd() {
        Random random = new Random(7);
        List<Path> samples = Golden.list(Golden.sampleNets(), ".net");
        String alphabet = "()[],:=+-*/ \n#.0123456789eWxbyp$_";
        for (int i = 0; i < 2000; i++) {
            StringBuilder sb = new StringBuilder(Golden.read(samples.get(random.nextInt(samples.size()))));
            int edits = 1 + random.nextInt(3);
            for (int k = 0; k < edits && sb.length() > 0; k++) {
                int at = random.nextInt(sb.length());
                switch (random.nextInt(3)) {
                    case 0:
                        sb.deleteCharAt(at);
                        break;
                    case 1:
                        sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        break;
                    default:
                        sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        break;
                }
            }
            check(sb.toString());
        }
    }

    private static void check(String text) {
        SourceFile source = new SourceFile("f.net", text);
        try {
            Frontend.analyze(source);
        } catch (UserError e) {
            for (Diagnostic d : e.diagnostics().items()) {
                assertInside(source, d.span(), text);
                for (Diagnostic.Note n : d.notes()) {
                    assertInside(source, n.span(), text);
                }
                d.render(source);
            }
        } catch (RuntimeException | StackOverflowError e) {
            fail("front end crashed on:\n" + text, e);
        }
    }

    private static void assertInside(SourceFile source, Span span, String text) {
        boolean ok = span.line() >= 1 && span.line() <= source.lineCount() && span.column() >= 1
                && span.column() <= source.line(span.line()).length() + 1 && span.endLine() >= span.line();
        assertTrue(ok, "span " + span + " (end " + span.endLine() + ":" + span.endColumn() + ") outside:\n" + text);
    }
}
