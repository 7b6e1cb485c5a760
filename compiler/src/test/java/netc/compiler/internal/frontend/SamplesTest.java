package netc.compiler.internal.frontend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import netc.compiler.internal.ir.Node;
import netc.compiler.internal.ir.Op;
import netc.compiler.internal.source.SourceFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The sample models in {@code samples/nets} are valid, warning-free, and say what they should. */
class SamplesTest {

    static CheckedModel sample(String name) {
        Path file = Golden.sampleNets().resolve(name);
        return Frontend.analyze(new SourceFile(name, Golden.read(file)));
    }

    @TestFactory
    List<DynamicTest> everySampleAnalyzesWithoutErrorsOrWarnings() {
        List<Path> files = Golden.list(Golden.sampleNets(), ".net");
        assertTrue(files.size() >= 7, "samples: " + files);
        return files.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
            CheckedModel m = sample(f.getFileName().toString());
            assertEquals(List.of(), m.warnings());
        })).collect(Collectors.toList());
    }

    @Test
    void mnistSummaryCountsTheLectureParameters() {
        CheckedModel m = sample("mnist_mlp.net");
        assertEquals(535_040, m.weightCount());
        assertEquals(778, m.biasCount());
        assertTrue(m.summary().contains("parameters: 535,040 weights + 778 biases = 535,818"), m.summary());
        Golden.check(Golden.resources("frontend/mnist_mlp.summary"), m.summary());
    }

    @Test
    void mnistIsTheArchitectureSketch() {
        CheckedModel m = sample("mnist_mlp.net");
        assertEquals("mnist_mlp", m.name());
        assertEquals("x", m.inputName());
        assertEquals("[784]", m.inputShape().toString());
        assertEquals("y", m.targetName());
        assertEquals(netc.runtime.TargetKind.CLASSES, m.targetKind());
        assertEquals(10, m.targetSize());
        assertEquals("p", m.outputName());
        assertEquals("cross_entropy", m.loss());
        assertEquals("[he, zeros, he, zeros, xavier, zeros]",
                m.params().stream().map(p -> p.init().toString()).collect(Collectors.toList()).toString());
    }

    @Test
    void activationsSampleUsesEveryActivation() {
        Set<Op> ops = EnumSet.noneOf(Op.class);
        for (Node n : sample("activations.net").graph().nodes()) {
            ops.add(n.op());
        }
        // identity lowers to its argument, so it leaves no node.
        assertTrue(ops.containsAll(EnumSet.of(Op.STEP, Op.SOFTSIGN, Op.SIGMOID, Op.RELU, Op.LEAKY_RELU, Op.TANH)),
                ops.toString());
    }

    @Test
    void logisticRegressionSamplesUseTheFusedLosses() {
        assertEquals("sigmoid_binary_cross_entropy", sample("logistic_regression.net").lossOp());
        assertEquals("softmax_cross_entropy", sample("logistic_regression_softmax.net").lossOp());
        assertEquals("sigmoid_binary_cross_entropy", sample("xor.net").lossOp());
        assertEquals("squared_error", sample("linear_regression.net").lossOp());
    }
}
