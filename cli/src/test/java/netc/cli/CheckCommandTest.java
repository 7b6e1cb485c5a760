package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code netc check}: the summary of every sample, and each {@code --dump} stage. */
class CheckCommandTest {
    private static final String XOR = sample("xor.net").toString();

    @Test
    void summarisesTheMnistNetwork() {
        Cli r = Cli.run("check", sample("mnist_mlp.net")).assertSuccess();
        assertEquals("""
                network mnist_mlp (mnist_mlp.net)
                  input   x  [784]
                  target  y  class[10]
                  output  p  [10]
                  loss    cross_entropy(p, y), computed as softmax_cross_entropy

                bindings
                  p  [10]

                parameters
                  W1  [512, 784]  401,408  he
                  b1  [512]           512  zeros
                  W2  [256, 512]  131,072  he
                  b2  [256]           256  zeros
                  W3  [10, 256]     2,560  xavier
                  b3  [10]             10  zeros

                parameters: 535,040 weights + 778 biases = 535,818
                """, r.out());
    }

    @Test
    void summarisesTheRecurrentSampleWithItsStepsInOneRow() {
        Cli r = Cli.run("check", sample("rnn_rows.net")).assertSuccess();
        assertTrue(r.out().contains("""
                  input   xs  [28, 28]
                """), r::describe);
        assertTrue(r.out().contains("""
                bindings
                  h[0..27]  [128]
                  p         [10]
                """), r::describe);
    }

    @Test
    void dumpsTheUnrolledGraphAndItsGradientsWithStepNames(@TempDir Path dir) {
        Path file = Cli.write(dir.resolve("r.net"), "network r\ninput xs[2, 3]\ntarget y : class[2]\n"
                + "param U[2, 3]\nparam V[2, 2]\nh[0] = tanh(U xs[0])\nh[t] = tanh(U xs[t] + V h[t-1]) for t in 1..1\n"
                + "p = softmax(h[1])\nloss = cross_entropy(p, y)\n");
        String tree = Cli.run("check", "--dump", "tree", file).assertSuccess().out();
        assertTrue(tree.contains("(bind h[t] (call tanh (+ (apply U (index xs t)) (apply V (index h t-1)))) (for t 1 1))"),
                tree);
        String ir = Cli.run("check", "--dump", "ir", file).assertSuccess().out();
        assertTrue(ir.contains("= slice row=0 %0") && ir.contains("= slice row=1 %0"), ir);
        String grad = Cli.run("grad", file).assertSuccess().out();
        assertTrue(grad.contains("h[1] = tanh(U t") && grad.contains(" + V h[0])"), grad);
        assertTrue(grad.contains("dV = sum_batch("), grad);
    }

    @Test
    void warningsGoToStderrEachOnItsOwnLinesAndTheCheckSucceeds(@TempDir Path dir) {
        Path file = Cli.write(dir.resolve("unused.net"), "network m\n\ninput  x[4]\ntarget y : class[3]\n\n"
                + "param W[3, 4] init he\nparam b[3]\nparam V[3, 4]\n\nh = relu(W x)\np = softmax(W x + b)\n"
                + "loss = cross_entropy(p, y)\n");
        Cli r = Cli.run("check", file);
        assertEquals(Main.OK, r.code(), r::describe);
        assertEquals(file + ":8:7: warning: parameter 'V' is never used\n"
                + "    param V[3, 4]\n"
                + "          ^\n"
                + file + ":10:1: warning: 'h' is never used\n"
                + "    h = relu(W x)\n"
                + "    ^\n", r.err());
        assertTrue(r.out().startsWith("network m (unused.net)\n"), r::describe);
    }

    @Test
    void warningsAreCappedAndTheRestCounted(@TempDir Path dir) {
        StringBuilder unused = new StringBuilder();
        for (int i = 0; i < 25; i++) {
            unused.append("param u").append(i).append("[3]\n");
        }
        Path file = Cli.write(dir.resolve("many.net"), "network m\n\ninput  x[4]\ntarget y : class[3]\n\n"
                + "param W[3, 4] init he\n" + unused + "p = softmax(W x)\nloss = cross_entropy(p, y)\n");
        Cli r = Cli.run("check", file);
        assertEquals(Main.OK, r.code(), r::describe);
        assertEquals(20, r.err().lines().filter(l -> l.contains(": warning: parameter 'u")).count(), r::describe);
        assertTrue(r.err().contains(": warning: parameter 'u19' is never used\n"), r::describe);
        assertFalse(r.err().contains("'u20'"), r::describe);
        assertTrue(r.err().endsWith("\nnote: 5 more warnings not shown (only the first 20 are)\n"), r::describe);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mnist_mlp", "xor", "linear_regression", "logistic_regression", "softmax_regression",
        "activations", "logistic_regression_softmax"})
    void everySampleChecks(String name) {
        Cli r = Cli.run("check", sample(name + ".net")).assertSuccess();
        assertTrue(r.out().startsWith("network " + name + " (" + name + ".net)\n"), r::describe);
        assertTrue(r.out().lines().reduce((a, b) -> b).orElse("").startsWith("parameters: "), r::describe);
    }

    @Test
    void dumpAstPrintsTheProgramAsSource() {
        Cli r = Cli.run("check", "--dump", "ast", XOR).assertSuccess();
        assertTrue(r.out().startsWith("network xor\ninput x[2]\ntarget t : real[1]\nparam W1[4, 2] init xavier\n"),
                r::describe);
        r.assertOutContains("\nloss = binary_cross_entropy(p, t)\n");
    }

    @Test
    void dumpTreePrintsTheSyntaxTree() {
        Cli.run("check", "--dump", "tree", XOR).assertSuccess().assertOutContains("(network xor)\n(input x [2])\n");
    }

    @Test
    void dumpIrPrintsTheGraphWithSourcePositions() {
        Cli r = Cli.run("check", "--dump", "IR", XOR).assertSuccess();
        assertTrue(r.out().startsWith("graph xor\n  %0 = input x "), r::describe);
        r.assertOutContains(XOR + ":4:8\n");
    }

    @Test
    void dumpGradAddsAGradientForEveryParameter() {
        Cli r = Cli.run("check", "--dump", "grad", XOR).assertSuccess();
        for (String p : new String[] {"W1", "b1", "W2", "b2"}) {
            r.assertOutContains("\ngrad:" + p + " = %");
        }
    }

    @Test
    void dumpFusedPrintsBothPrograms() {
        Cli r = Cli.run("check", "--dump", "fused", XOR).assertSuccess();
        assertTrue(r.out().startsWith("program forward\n"), r::describe);
        r.assertOutContains("\n\nprogram lossAndGradient\n");
    }

    @Test
    void dumpJavaPrintsTheGeneratedClass() {
        Cli r = Cli.run("check", "--dump", "java", "--scalar", XOR).assertSuccess();
        assertTrue(r.out().startsWith("// Generated by netc from xor.net. Do not edit.\n"), r::describe);
        r.assertOutContains("\npublic final class Xor ");
    }
}
