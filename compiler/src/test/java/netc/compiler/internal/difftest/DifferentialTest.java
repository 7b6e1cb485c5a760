package netc.compiler.internal.difftest;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Differential testing of the whole compiler on random networks ({@link RandomNet}): each model's generated
 * kernels against the float64 interpreter, and the interpreter against central differences
 * ({@link DifferentialCheck}). A failure prints the seed, the model, and a shrunk model that still fails.
 *
 * <p>{@code mvn verify} checks {@value #DEFAULT_CASES} seeded models (every {@value #JAVAC_EVERY}th also compiled by
 * javac). The longer run, for example ten thousand models from seed 1,000,000:
 *
 * <pre>
 * mvn -B -pl compiler -am test -Dtest=DifferentialTest#randomNetworks -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dnetc.difftest.cases=10000 -Dnetc.difftest.from=1000000
 * </pre>
 *
 * and one seed alone: {@code -Dnetc.difftest.cases=1 -Dnetc.difftest.from=SEED}.
 */
class DifferentialTest {
    static final int DEFAULT_CASES = 300;
    static final int JAVAC_EVERY = 10;
    private static final int MAX_REPORTED = 3;

    @Test
    void randomNetworks() {
        int cases = Integer.getInteger("netc.difftest.cases", DEFAULT_CASES);
        long from = Long.getLong("netc.difftest.from", 1);
        List<String> failures = new ArrayList<>();
        int failed = 0;
        int skipped = 0;
        for (long seed = from; seed < from + cases; seed++) {
            RandomNet.Plan plan = RandomNet.Plan.random(seed);
            boolean javac = seed % JAVAC_EVERY == 0;
            String problem = DifferentialCheck.check(RandomNet.render(plan), plan, javac);
            if (problem == DifferentialCheck.SKIPPED) {
                skipped++;
            } else if (problem != null) {
                failed++;
                if (failures.size() < MAX_REPORTED) {
                    failures.add(report(plan, problem, javac));
                }
            }
            long done = seed - from + 1;
            if (done % 500 == 0 && done < cases) {
                System.err.println("differential test: " + done + " of " + cases + " models, " + failed + " failed, "
                        + skipped + " skipped");
            }
        }
        System.err.println("differential test: " + cases + " models from seed " + from + ": " + (cases - skipped)
                + " compared, " + skipped + " skipped (no point clear of kinks), " + failed + " failed");
        if (failed > 0) {
            fail(failed + " of " + cases + " random networks failed (seeds " + from + ".." + (from + cases - 1)
                    + "); the first ones:\n\n" + String.join("\n\n", failures));
        }
        // a model without a clear point compares nothing; many of them would hollow the test out
        assertTrue(skipped <= cases / 10, skipped + " of " + cases + " models were skipped: no point clear of kinks");
    }

    /** The models of issue #7: flatten over elementwise values with per-channel operands. */
    @ParameterizedTest
    @ValueSource(strings = {
        // a per-channel [C] operand under flatten: read by channel, not by flattened element
        "input x[2, 2, 2]\ntarget y : class[3]\nparam c[2]\nparam W[3, 8]\nparam b[3]\n"
                + "p = softmax(W flatten(tanh(x + c)) + b)\nloss = cross_entropy(p, y)",
        // conv2d, relu, flatten without pooling
        "input x[1, 5, 4]\ntarget y : class[3]\nparam K[3, 1, 3, 3]\nparam c[3]\nparam W[3, 60]\nparam b[3]\n"
                + "p = softmax(W flatten(relu(conv2d(x, K, c, pad=1))) + b)\nloss = cross_entropy(p, y)",
        // flatten of a convolution with bias
        "input x[2, 4, 4]\ntarget t : real[2]\nparam K[2, 2, 3, 3]\nparam c[2]\nparam W[2, 8]\n"
                + "y = W flatten(conv2d(x, K, c)) \nloss = squared_error(y, t)",
        // flatten of a matrix on an image plus a per-channel bias
        "input x[2, 3, 3]\ntarget t : real[2]\nparam M[3, 2]\nparam e[3]\nparam W[2, 27]\n"
                + "y = W flatten(M x + e)\nloss = squared_error(y, t)",
        // a per-channel value used twice, in a convolution's epilogue and after it, then flattened
        "input x[2, 3, 3]\ntarget t : real[2]\nparam c[2]\nparam K[2, 2, 1, 1]\nparam W[2, 18]\n"
                + "h = relu(conv2d(x, K) + c) * (c * c + 1)\ny = W flatten(h)\nloss = squared_error(y, t)",
        // pad larger than the kernel: whole windows lie in the padding (crashed im2col)
        "input x[1, 3, 3]\ntarget y : class[2]\nparam K[1, 1, 2, 2] init he\nparam W[2, 64]\nparam b[2]\n"
                + "p = softmax(W flatten(conv2d(x, K, pad=3)) + b)\nloss = cross_entropy(p, y)",
        // the same with stride 2 and two channels each way
        "input x[2, 3, 3]\ntarget t : real[2]\nparam K[2, 2, 2, 2]\nparam c[2]\nparam W[2, 32]\n"
                + "y = W flatten(conv2d(x, K, c, stride=2, pad=3))\nloss = squared_error(y, t)",
        // a shared [C, H, W] parameter times a shared per-channel parameter (its adjoint sums over the pixels)
        "input x[4]\ntarget t : real[2]\nparam P[2, 1, 2]\nparam c[2]\nparam W[2, 4]\n"
                + "o = W (x + flatten(P * c))\nloss = squared_error(o, t)",
    })
    void flattenOverPerChannelOperands(String body) {
        checksOut("issue7", body, 7);
    }

    /**
     * Subexpressions of constants alone, broadcast onto values that depend on parameters: their adjoints are not
     * needed, and reducing them to a scalar's shape was an internal error (FrontendFuzzTest, input
     * scalar-activation-of-a-constant).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "input x[3]\ntarget t : real[2]\nparam W[2, 3]\nparam b[2]\n"
                + "y = W x + b + softsign(22)\nloss = squared_error(y, t)",
        "input x[3]\ntarget t : real[2]\nparam W[2, 3]\nparam b[2]\n"
                + "h = tanh(W x + b) * sigmoid(2) + softsign(3) * tanh(1)\nloss = squared_error(h, t)",
    })
    void constantSubexpressions(String body) {
        checksOut("constants", body, 11);
    }

    /** The network {@code name} of {@code body}, batch 3, data from {@code seed}, also compiled by javac. */
    private static void checksOut(String name, String body, long seed) {
        String source = "network " + name + "\n" + body + "\n";
        RandomNet.Plan plan = RandomNet.Plan.random(seed).withBatch(3);
        assertNull(DifferentialCheck.check(source, plan, true), source);
    }

    private static String report(RandomNet.Plan plan, String problem, boolean javac) {
        RandomNet.Plan shrunk = shrink(plan, javac);
        String shrunkProblem = DifferentialCheck.check(RandomNet.render(shrunk), shrunk, javac);
        return "seed " + plan.seed() + ": " + problem + "\n--- model (" + plan + ")\n" + RandomNet.render(plan)
                + "--- shrunk (" + shrunk + "): " + shrunkProblem + "\n" + RandomNet.render(shrunk)
                + "--- rerun: -Dnetc.difftest.cases=1 -Dnetc.difftest.from=" + plan.seed();
    }

    /** The smallest plan reachable by single steps that still fails (greedy; at most a few hundred checks). */
    static RandomNet.Plan shrink(RandomNet.Plan plan, boolean javac) {
        RandomNet.Plan current = plan;
        int budget = 200;
        boolean progress = true;
        while (progress && budget > 0) {
            progress = false;
            for (RandomNet.Plan smaller : current.smaller()) {
                if (--budget < 0) {
                    break;
                }
                String source;
                try {
                    source = RandomNet.render(smaller);
                } catch (RuntimeException e) {
                    continue;
                }
                String p = DifferentialCheck.check(source, smaller, javac);
                if (p != null && p != DifferentialCheck.SKIPPED && !p.startsWith("exception: netc.compiler.internal.source.UserError")) {
                    current = smaller;
                    progress = true;
                    break;
                }
            }
        }
        return current;
    }
}
