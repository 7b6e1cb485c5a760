package netc.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's reproducibility promise, checked where it can break: {@code netc train} in separate JVMs (this
 * test's JDK with its preferred vectors, the same JDK with 256- and 128-bit vectors, JDK 25 when it is installed)
 * must save byte-identical weights for the same seed, data and settings. The network has what made them differ
 * before: NT products long enough for vector lanes (K = 200), tanh, sigmoid and softmax, Adam (Math.pow) and the
 * cosine schedule (Math.cos).
 */
class ReproducibilityAcrossJvmsTest {

    /** The second JDK: {@code NETC_OTHER_JDK} if set, else Temurin 25 where this project's machines have it. */
    private static final Path OTHER_JDK = Path.of(System.getenv().getOrDefault("NETC_OTHER_JDK",
            "/usr/lib/jvm/temurin-25-jdk-amd64"));

    private static final String NET = """
            network repro
            input  x[200]
            target y : class[5]
            param W1[64, 200] init xavier
            param b1[64]
            param W2[32, 64] init he
            param b2[32]
            param W3[5, 32] init xavier
            param b3[5]
            h1 = tanh(W1 x + b1)
            h2 = sigmoid(W2 h1 + b2)
            p = softmax(W3 h2 + b3)
            loss = cross_entropy(p, y)
            """;

    @TempDir
    static Path dir;
    private static Path model;
    private static Path data;

    @BeforeAll
    static void writeModelAndData() throws IOException {
        model = Files.writeString(dir.resolve("repro.net"), NET);
        Random random = new Random(7);
        StringBuilder csv = new StringBuilder();
        for (int r = 0; r < 1000; r++) {
            float[] x = new float[200];
            float score = 0;
            for (int j = 0; j < x.length; j++) {
                x[j] = random.nextFloat() * 2 - 1;
                score += x[j] * (j % 5 - 2);
            }
            int label = Math.floorMod((int) Math.floor(score), 5);
            csv.append(label);
            for (float v : x) {
                csv.append(',').append(String.format(Locale.ROOT, "%.6f", v));
            }
            csv.append('\n');
        }
        data = Files.writeString(dir.resolve("data.csv"), csv);
    }

    private static Path thisJava() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** Trains in a fresh JVM (with these JVM and netc options) and returns the saved weights file's bytes. */
    private static byte[] train(Path java, String name, List<String> jvmOptions, List<String> netcOptions)
            throws IOException, InterruptedException {
        Path weights = dir.resolve(name + ".safetensors");
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(java.toString(), "--add-modules", "jdk.incubator.vector"));
        command.addAll(jvmOptions);
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        command.addAll(List.of("-cp", classPath, Main.class.getName(), "train", model.toString(),
                "--data", data.toString(), "--epochs", "2", "--batch", "32", "--optimizer", "adam", "--seed", "3",
                "--save", weights.toString()));
        command.addAll(netcOptions);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(name + ": training did not finish");
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> name + " failed:\n" + output);
        return Files.readAllBytes(weights);
    }

    @Test
    void theVectorWidthDoesNotChangeTheWeights() throws Exception {
        // On AVX-512 the preferred vectors are 512 bits; MaxVectorSize=32 makes the JVM's 256 and MaxVectorSize=16
        // 128 (on AVX2 the first two are both 256). No cap: NT products keep 16 partial sums on every width.
        byte[] preferred = train(thisJava(), "preferred", List.of(), List.of());
        byte[] narrow = train(thisJava(), "bits256", List.of("-XX:MaxVectorSize=32"), List.of());
        assertArrayEquals(preferred, narrow, "weights with preferred and with 256-bit vectors");
        byte[] narrowest = train(thisJava(), "bits128", List.of("-XX:MaxVectorSize=16"), List.of());
        assertArrayEquals(preferred, narrowest, "weights with preferred and with 128-bit vectors");
    }

    @Test
    void anotherJdkTrainsTheSameWeights() throws Exception {
        Path other = OTHER_JDK.resolve("bin").resolve("java");
        assumeTrue(Files.isExecutable(other), "no second JDK at " + OTHER_JDK + " (set NETC_OTHER_JDK)");
        assumeTrue(!other.toRealPath().equals(thisJava().toRealPath()), "the second JDK is this one");
        assertArrayEquals(train(thisJava(), "vectorHere", List.of(), List.of()),
                train(other, "vectorOther", List.of(), List.of()),
                "weights from " + System.getProperty("java.version") + " and from " + OTHER_JDK + " (vector kernels)");
        assertArrayEquals(train(thisJava(), "scalarHere", List.of(), List.of("--scalar")),
                train(other, "scalarOther", List.of(), List.of("--scalar")),
                "weights from " + System.getProperty("java.version") + " and from " + OTHER_JDK + " (scalar kernels)");
    }

}
