package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The accuracy committed in examples/maven-aot is what {@code netc eval} reports for the committed weights on the
 * embedded Fashion-MNIST subset. The example's own test asserts that its javac-compiled class reaches the same
 * figure, so the two cannot drift apart.
 */
class MavenAotExampleTest {
    private static final Path EXAMPLE = Path.of("..", "examples", "maven-aot");
    /** The embedded subset's IDX files as they are in the source tree (netc-data's resources). */
    private static final Path EMBEDDED = Path.of("..", "data", "src", "main", "resources", "netc", "data",
            "fashion-mnist-small");

    @Test
    void netcEvalPrintsTheAccuracyCommittedInTheExample() throws IOException {
        Path net = EXAMPLE.resolve("src/main/netc/com/example/fashion/fashion_softmax.net");
        Path weights = EXAMPLE.resolve("src/main/resources/com/example/fashion/fashion_softmax.safetensors");
        Properties expected = new Properties();
        try (Reader in = Files.newBufferedReader(EXAMPLE.resolve("src/test/resources/expected-accuracy.properties"))) {
            expected.load(in);
        }
        String accuracy = expected.getProperty("accuracy");
        assertTrue(accuracy != null && accuracy.matches("0\\.\\d{4}"), "accuracy=" + accuracy);

        Cli r = Cli.run("eval", net, "--weights", weights, "--data", EMBEDDED);
        assertEquals(Main.OK, r.code(), r.err());
        assertTrue(r.out().contains("1,000 test samples"), r.out());
        assertTrue(r.out().contains("fashion_softmax.safetensors on 1,000 samples: loss ")
                && r.out().contains("  accuracy " + accuracy + "\n"), r.out());
    }
}
