package netc.cli;

import static netc.cli.Cli.sample;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import netc.compiler.internal.driver.NetCompiler;
import netc.runtime.ModelSpec;
import netc.runtime.data.FashionMnist;
import netc.runtime.io.Json;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code netc eval}'s per-class results: the table, {@code --json}, {@code --labels} and the built-in names. */
class EvalClassesTest {
    private static final Path LOGISTIC = sample("logistic_regression.net");
    private static final Path XOR = sample("xor.net");

    @TempDir
    static Path trained;

    static Path csv;
    static Path weights;

    @TempDir
    Path dir;

    @BeforeAll
    static void trainOnce() {
        csv = TestData.classesCsv(trained, "classes.csv");
        weights = trained.resolve("logistic.safetensors");
        Cli.run("train", LOGISTIC, "--data", csv, "--epochs", "1", "--save", weights).assertSuccess();
    }

    private static Map<?, ?> json() throws Exception {
        Cli r = Cli.run("eval", LOGISTIC, "--weights", weights, "--data", csv, "--json").assertSuccess();
        assertEquals(1, r.out().lines().count(), "one JSON object, nothing else:\n" + r.out());
        return assertInstanceOf(Map.class, Json.parse(r.out()));
    }

    @Test
    void jsonHasTheConfusionMatrixAndPrecisionAndRecallComputedFromIt() throws Exception {
        Map<?, ?> o = json();
        assertEquals(6L, o.get("samples"));
        List<?> matrix = (List<?>) o.get("confusion_matrix");
        List<?> classes = (List<?>) o.get("classes");
        assertEquals(2, matrix.size());
        assertEquals(2, classes.size());
        long total = 0;
        long correct = 0;
        for (int t = 0; t < 2; t++) {
            List<?> row = (List<?>) matrix.get(t);
            Map<?, ?> c = (Map<?, ?>) classes.get(t);
            assertEquals((long) t, c.get("class"));
            assertEquals(Integer.toString(t), c.get("name"), "no labels, not Fashion-MNIST: the class numbers");
            long support = (Long) row.get(0) + (Long) row.get(1);
            long predicted = (Long) ((List<?>) matrix.get(0)).get(t) + (Long) ((List<?>) matrix.get(1)).get(t);
            long hits = (Long) row.get(t);
            assertEquals(3L, support, "classes.csv has three samples of each class");
            assertEquals(support, c.get("samples"));
            assertEquals(predicted, c.get("predicted"));
            assertEquals((double) hits / support, ((Number) c.get("recall")).doubleValue());
            if (predicted == 0) {
                assertNull(c.get("precision"), "0/0 is null");
            } else {
                assertEquals((double) hits / predicted, ((Number) c.get("precision")).doubleValue());
            }
            total += support;
            correct += hits;
        }
        assertEquals(6, total);
        assertEquals((double) correct / total, ((Number) o.get("accuracy")).doubleValue());
    }

    @Test
    void tableUsesTheNamesOfALabelsFileAndTheSameCountsAsJson() throws Exception {
        Map<?, ?> o = json();
        Path labels = Cli.write(dir.resolve("labels.txt"), "negative\npositive\n\n");
        Cli r = Cli.run("eval", LOGISTIC, "--weights", weights, "--data", csv, "--labels", labels).assertSuccess();
        List<?> classes = (List<?>) o.get("classes");
        for (int k = 0; k < 2; k++) {
            Map<?, ?> c = (Map<?, ?>) classes.get(k);
            String name = k + " " + (k == 0 ? "negative" : "positive");
            String precision = c.get("precision") == null ? "-"
                    : String.format(Locale.ROOT, "%.4f", ((Number) c.get("precision")).doubleValue());
            r.assertOutContains(String.format(Locale.ROOT, "\n%-10s  %9d  %9d  %9s  %9.4f\n", name, c.get("samples"),
                    c.get("predicted"), precision, ((Number) c.get("recall")).doubleValue()));
            List<?> row = (List<?>) ((List<?>) o.get("confusion_matrix")).get(k);
            r.assertOutContains(String.format(Locale.ROOT, "\n%-10s  %d  %d\n", name, row.get(0), row.get(1)));
        }
        r.assertOutContains("\nconfusion matrix (rows: true class, columns: predicted class)\n            0  1\n");
    }

    @Test
    void labelsFileErrors() {
        Path three = Cli.write(dir.resolve("three.txt"), "a\nb\nc\n");
        Cli.run("eval", LOGISTIC, "--weights", weights, "--data", csv, "--labels", three)
                .assertUserError(three + ": error: expected 2 class names, one per line (network "
                        + "'logistic_regression' predicts 2 classes), found 3\n").assertOutEmpty();
        Path gap = Cli.write(dir.resolve("gap.txt"), "a\n\nb\n");
        Cli.run("eval", LOGISTIC, "--weights", weights, "--data", csv, "--labels", gap)
                .assertUserError(gap + ":2: error: expected a class name, found an empty line\n").assertOutEmpty();
        Path none = dir.resolve("none.txt");
        Cli.run("eval", LOGISTIC, "--weights", weights, "--data", csv, "--labels", none)
                .assertUserError(none + ": error: no such file\n").assertOutEmpty();
    }

    @Test
    void labelsForARegressionAreAUserError() {
        Path xorCsv = TestData.xorCsv(dir);
        Path xorWeights = dir.resolve("xor.safetensors");
        Cli.run("train", XOR, "--data", xorCsv, "--epochs", "1", "--save", xorWeights).assertSuccess();
        Cli.run("eval", XOR, "--weights", xorWeights, "--data", xorCsv, "--labels", Cli.write(dir.resolve("l.txt"),
                "a\n")).assertUserError("--labels: error: network 'xor' predicts real values, not classes\n")
                .assertOutEmpty();
        Cli r = Cli.run("eval", XOR, "--weights", xorWeights, "--data", xorCsv, "--json").assertSuccess();
        assertTrue(r.out().matches("\\{\"weights\":\"xor.safetensors\",\"data\":\"CSV .*\",\"samples\":10,"
                + "\"loss\":[0-9.E-]+,\"accuracy\":null}\n"), r.out());
    }

    @Test
    void fashionMnistDataGetsItsClassNames() throws Exception {
        ModelSpec spec = NetCompiler.check(NetCompiler.read(sample("softmax_regression.net"))).modelSpec();
        assertEquals(FashionMnist.CLASS_NAMES, ClassNames.resolve(null, null, spec), "the default data");
        Path fashion = Files.createDirectories(dir.resolve("Fashion-MNIST"));
        assertEquals(FashionMnist.CLASS_NAMES, ClassNames.resolve(null, fashion, spec));
        Path digits = Files.createDirectories(dir.resolve("mnist"));
        assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), ClassNames.resolve(null, digits, spec));
    }
}
