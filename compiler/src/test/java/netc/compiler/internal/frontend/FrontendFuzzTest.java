package netc.compiler.internal.frontend;

import java.nio.charset.StandardCharsets;
import java.util.List;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;

import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.schedule.Schedule;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;

/**
 * Fuzzes the compiler up to code generation, as {@code netc check --dump fused} runs it: parse, name resolution,
 * shape checking, lowering, differentiation and scheduling of the forward and training programs. Any text either
 * compiles that far or is rejected with a {@link UserError} whose message is a positioned diagnostic; anything else
 * (an internal error, NullPointerException, StackOverflowError, ...) escapes and Jazzer reports it, as it does an
 * input that runs past the per-input time limit.
 *
 * <p>Emission (JavaPoet) and class loading (Janino) are left out: they cost milliseconds per input where the stages
 * above cost microseconds, and their own tests cover them. Seeds and regression inputs:
 * {@code FrontendFuzzTestInputs/checkAnySource/} under this package's test resources: the samples, and every crash
 * found so far.
 */
class FrontendFuzzTest {

    private static final String NAME = "fuzz.net";

    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"network ", "input ", "target ", "param ", "init ", "loss ", "for ", " in ", "..", ": class[",
            "he", "xavier", "normal(", "zeros", "relu(", "leaky_relu(", "sigmoid(", "tanh(", "softmax(", "softsign(",
            "step(", "identity(", "exp(", "log(", "maxpool(", "avgpool(", "flatten(", "conv2d(", "pad=", "stride=",
            "slope=", "cross_entropy(", "squared_error(", "binary_cross_entropy(", "[t-1]", "[0]"})
    void checkAnySource(byte[] input) {
        // Lenient decoding: a byte that is not UTF-8 becomes U+FFFD, so mutations keep reaching the parser. The
        // strict check of the file's encoding happens when the CLI reads it, before the front end runs.
        SourceFile source = new SourceFile(NAME, new String(input, StandardCharsets.UTF_8));
        CheckedModel model;
        try {
            model = Frontend.analyze(source);
        } catch (UserError e) {
            if (!e.getMessage().startsWith(NAME + ":")) {
                throw new AssertionError("the message does not start with the file's name: " + e.getMessage(), e);
            }
            return;
        }
        model.modelSpec();
        Graph differentiated = Differentiate.run(model.graph());
        Schedule.build(differentiated, List.of(Graph.OUTPUT));
        Schedule.build(differentiated, differentiated.trainingRoles());
    }
}
