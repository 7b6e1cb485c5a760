package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code netc train} in a JVM started without {@code --add-modules jdk.incubator.vector} (as {@code java -jar
 * netc-cli.jar} starts it) says that it runs scalar kernels and how to get the vector ones; with the module, or with
 * {@code --scalar}, it says nothing of the kind. Each run is a fresh JVM on this test's class path.
 */
class ScalarFallbackNoteTest {

    /** 20 inputs, 16 hidden units, 3 classes: more parameters than a tiny net's unrolled code takes. */
    private static final String NET = """
            network fallback
            input  x[20]
            target y : class[3]
            param W1[16, 20] init he
            param b1[16]
            param W2[3, 16]  init xavier
            param b2[3]
            p = softmax(W2 relu(W1 x + b1) + b2)
            loss = cross_entropy(p, y)
            """;

    private static final String NOTE = "note: scalar kernels, as this JVM lacks the module jdk.incubator.vector";

    @TempDir
    Path dir;

    private Path net;
    private Path csv;

    private void writeInputs() throws IOException {
        net = Files.writeString(dir.resolve("fallback.net"), NET);
        StringBuilder rows = new StringBuilder();
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < 30; i++) {
            rows.append(i % 3);
            for (int j = 0; j < 20; j++) {
                rows.append(',').append(r.nextInt(100) / 100.0);
            }
            rows.append('\n');
        }
        csv = Files.writeString(dir.resolve("fallback.csv"), rows.toString());
    }

    /** Runs {@code netc train} in a fresh JVM; returns its standard error. */
    private String train(String name, boolean vectorModule, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (vectorModule) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                System.getProperty("java.class.path")), "netc.cli.Main", "train", net.toString(), "--data",
                csv.toString(), "--epochs", "1", "--threads", "1"));
        command.addAll(List.of(extra));
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(name + ": did not finish");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> name + " failed:\n" + stdout + stderr);
        assertTrue(stdout.contains("epoch 1/1  train loss "), () -> name + ":\n" + stdout);
        return stderr;
    }

    @Test
    void withoutTheModuleTrainSaysHowToGetTheVectorKernels() throws Exception {
        writeInputs();
        String err = train("without-module", false);
        assertTrue(err.contains(NOTE + ": start java with --add-modules jdk.incubator.vector"), err);
        assertFalse(train("without-module-scalar", false, "--scalar").contains(NOTE), "--scalar asked for them");
        assertFalse(train("with-module", true).contains(NOTE), "the module is there");
    }
}
