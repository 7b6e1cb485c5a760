package netc.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.source.SourceFile;
import netc.runtime.Network;
import netc.runtime.data.DataSplit;
import netc.runtime.data.FashionMnist;
import netc.runtime.io.Safetensors;
import netc.runtime.train.Initializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generated class runs on a JVM started without {@code --add-modules jdk.incubator.vector}: there it runs its scalar
 * kernels and says so, and computes bitwise what the {@code --scalar} class computes; with the module it runs its
 * vector kernels and classifies the Fashion-MNIST subset's test images the same. Each run is a fresh JVM whose class
 * path holds only the netc runtime, the embedded data and the javac-compiled classes (as a user's build would), and
 * whose main ({@link #MAIN}) classifies the test images with weights trained here for a few steps, then trains a few
 * plain SGD steps itself so that the gradients' bits show.
 */
class RunsWithoutVectorModuleTest {

    /** A 784-64-10 MLP: the sample's shape at a size javac and a few training steps handle quickly. */
    private static final String NET = """
            network anywhere
            input  x[784]
            target y : class[10]
            param W1[64, 784] init he
            param b1[64]
            param W2[10, 64]  init xavier
            param b2[10]
            p = softmax(W2 relu(W1 x + b1) + b2)
            loss = cross_entropy(p, y)
            """;

    /** Prints the kernels, the test set's predictions, accuracy and loss, then the losses of 5 SGD steps. */
    private static final String MAIN = """
            import java.nio.file.Path;
            import java.util.Arrays;
            import netc.runtime.Network;
            import netc.runtime.data.DataSplit;
            import netc.runtime.data.Dataset;
            import netc.runtime.data.FashionMnist;
            import netc.runtime.io.Safetensors;
            import netc.runtime.train.Evaluation;
            import netc.runtime.train.Evaluator;

            public final class RunAnywhere {
                public static void main(String[] args) throws Exception {
                    Class<?> type = Class.forName(args[0]);
                    System.out.println("kernels " + type.getMethod("kernels").invoke(null));
                    Network net = (Network) type.getDeclaredConstructor().newInstance();
                    float[] w = Safetensors.load(Path.of(args[1]), net.spec());
                    DataSplit data = FashionMnist.loadEmbedded();
                    Evaluator evaluator = new Evaluator(net, 100);
                    System.out.println("predictions " + Arrays.toString(evaluator.predict(w, data.test())));
                    Evaluation e = evaluator.evaluate(w, data.test());
                    System.out.println("accuracy " + e.accuracy());
                    System.out.println("loss " + e.loss());
                    Dataset train = data.train();
                    int batch = 32;
                    int[] order = new int[train.n()];
                    Arrays.setAll(order, i -> i);
                    float[] x = new float[batch * train.inputSize()];
                    float[] y = new float[batch * train.targetValues()];
                    float[] g = new float[w.length];
                    for (int step = 0; step < 5; step++) {
                        train.copyBatch(order, step * batch, batch, x, y);
                        double loss = net.lossAndGradient(w, x, y, batch, g, null);
                        for (int i = 0; i < w.length; i++) {
                            w[i] -= 0.05f * g[i];
                        }
                        System.out.println("step " + step + " loss bits " + Double.doubleToLongBits(loss));
                    }
                    System.out.println("weights hash " + Arrays.hashCode(w));
                }
            }
            """;

    /**
     * A small convolutional network: its kernel gradient is a matrix product split by column panels, whose count the
     * class computes from the width of whichever kernels run ({@code VECTOR ? ... : ...}).
     */
    private static final String CONV = """
            network smallconv
            input x[1, 12, 12]
            target y : class[3]
            param K1[4, 1, 3, 3] init he
            param c1[4]
            param W2[3, 144] init xavier
            param b2[3]
            h1 = maxpool(relu(conv2d(x, K1, c1, pad=1)), 2)
            p = softmax(W2 flatten(h1) + b2)
            loss = cross_entropy(p, y)
            """;

    /** Prints the kernels, then the loss and a hash of the gradient of a fixed batch for fixed weights. */
    private static final String PROBE = """
            import java.util.Arrays;
            import netc.runtime.Network;

            public final class Probe {
                public static void main(String[] args) throws Exception {
                    Class<?> type = Class.forName(args[0]);
                    System.out.println("kernels " + type.getMethod("kernels").invoke(null));
                    Network net = (Network) type.getDeclaredConstructor().newInstance();
                    float[] w = new float[net.spec().paramCount()];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (float) Math.sin(i + 1) * 0.3f;
                    }
                    int batch = 7;
                    float[] x = new float[batch * net.spec().inputSize()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = (float) Math.cos(i * 0.37);
                    }
                    float[] y = new float[batch];
                    for (int i = 0; i < batch; i++) {
                        y[i] = i % 3;
                    }
                    float[] g = new float[w.length];
                    double loss = net.lossAndGradient(w, x, y, batch, g, null);
                    System.out.println("loss bits " + Double.doubleToLongBits(loss));
                    System.out.println("gradient hash " + Arrays.hashCode(g));
                }
            }
            """;

    @TempDir
    static Path dir;
    private static Path classes;
    private static Path weights;

    @BeforeAll
    static void generateCompileAndTrain() throws Exception {
        SourceFile source = new SourceFile("anywhere.net", NET);
        Compilation anywhere = NetCompiler.compile(source, NetCompiler.Options.defaults().withVector(true)
                .withPackage("gen").withClassName("Anywhere"));
        Compilation scalar = NetCompiler.compile(source, NetCompiler.Options.defaults().withVector(false)
                .withPackage("gen").withClassName("ScalarOnly"));
        SourceFile conv = new SourceFile("smallconv.net", CONV);
        Compilation convAnywhere = NetCompiler.compile(conv, NetCompiler.Options.defaults().withVector(true)
                .withPackage("gen").withClassName("ConvAnywhere"));
        assertTrue(convAnywhere.javaSource().contains("(VECTOR ? "), "the test exercises column-split kernels");
        Compilation convScalar = NetCompiler.compile(conv, NetCompiler.Options.defaults().withVector(false)
                .withPackage("gen").withClassName("ConvScalarOnly"));
        Path sources = Files.createDirectory(dir.resolve("src"));
        List<Path> files = new ArrayList<>(List.of(anywhere.writeTo(sources), scalar.writeTo(sources),
                convAnywhere.writeTo(sources), convScalar.writeTo(sources),
                Files.writeString(sources.resolve("RunAnywhere.java"), MAIN),
                Files.writeString(sources.resolve("Probe.java"), PROBE)));
        classes = Files.createDirectory(dir.resolve("classes"));
        javac(files, classes);

        // weights trained for a few steps (vector kernels, in this JVM), so that the classes have something to classify
        Network net = anywhere.load();
        float[] w = Initializer.initialize(net.spec(), 5);
        DataSplit data = FashionMnist.loadEmbedded();
        int batch = 64;
        int[] order = new int[data.train().n()];
        java.util.Arrays.setAll(order, i -> i);
        float[] x = new float[batch * 784];
        float[] y = new float[batch];
        float[] g = new float[w.length];
        for (int step = 0; step < 40; step++) {
            data.train().copyBatch(order, (step * batch) % (data.train().n() - batch), batch, x, y);
            net.lossAndGradient(w, x, y, batch, g, null);
            for (int i = 0; i < w.length; i++) {
                w[i] -= 0.05f * g[i];
            }
        }
        weights = dir.resolve("anywhere.safetensors");
        Safetensors.save(weights, net.spec(), w);
    }

    private static void javac(List<Path> files, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager manager = javac.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
            boolean ok = javac.getTask(null, manager, diagnostics, List.of("--add-modules", "jdk.incubator.vector",
                            "-proc:none", "-d", out.toString(), "-cp", runtimeClassPath()), null,
                    manager.getJavaFileObjectsFromPaths(files)).call();
            assertTrue(ok, () -> "javac: " + diagnostics.getDiagnostics());
        }
    }

    /** Where the netc runtime and the embedded data set are: all that the generated classes and the main need. */
    private static String runtimeClassPath() {
        try {
            Path runtime = Path.of(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String resource = FashionMnist.EMBEDDED_PREFIX.substring(1) + "README.md";
            String testClassPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
            for (String entry : testClassPath.split(File.pathSeparator)) {
                Path p = Path.of(entry);
                if (Files.isDirectory(p) ? Files.exists(p.resolve(resource)) : hasEntry(p, resource)) {
                    return runtime + File.pathSeparator + p;
                }
            }
            throw new AssertionError("no " + resource + " on the class path " + testClassPath);
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    private static boolean hasEntry(Path jar, String name) {
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(name) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs {@code RunAnywhere className weights} in a fresh JVM of this JDK; returns its output lines. */
    private static List<String> run(String name, String className, boolean vectorModule)
            throws IOException, InterruptedException {
        return run(name, vectorModule, "RunAnywhere", className, weights.toString());
    }

    /** Runs {@code main args} in a fresh JVM of this JDK; returns its output lines. */
    private static List<String> run(String name, boolean vectorModule, String main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (vectorModule) {
            command.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        }
        command.addAll(List.of("-cp", classes + File.pathSeparator + runtimeClassPath(), main));
        command.addAll(List.of(args));
        Path log = dir.resolve(name + ".log");
        Path errors = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(command).redirectOutput(log.toFile()).redirectError(errors.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError(name + ": did not finish");
        }
        String stderr = Files.readString(errors, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> name + " failed:\n" + stderr);
        return Files.readAllLines(log, StandardCharsets.UTF_8);
    }

    private static String line(List<String> output, String key) {
        return output.stream().filter(l -> l.startsWith(key + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + " in " + output));
    }

    @Test
    void withoutTheModuleTheClassRunsItsScalarKernelsBitwiseAsTheScalarClass() throws Exception {
        List<String> anywhere = run("anywhere-without-module", "gen.Anywhere", false);
        List<String> scalarOnly = run("scalar-without-module", "gen.ScalarOnly", false);
        assertEquals("kernels scalar", anywhere.get(0));
        assertEquals("kernels scalar", scalarOnly.get(0));
        assertEquals(scalarOnly, anywhere, "predictions, loss, SGD losses and weights of the two classes");
    }

    @Test
    void withTheModuleTheClassRunsItsVectorKernelsToTheSameAccuracy() throws Exception {
        List<String> withModule = run("anywhere-with-module", "gen.Anywhere", true);
        List<String> without = run("anywhere-without-module-2", "gen.Anywhere", false);
        assertTrue(line(withModule, "kernels").matches("kernels vector \\(\\d+-bit\\)"), withModule.get(0));
        assertEquals("kernels scalar", line(without, "kernels"));
        double accuracy = Double.parseDouble(line(without, "accuracy").substring("accuracy ".length()));
        assertTrue(accuracy > 0.3, "a few steps of training classify better than chance: " + accuracy);
        // the kernels round differently (fma, lane order), far below what would change a prediction here
        assertEquals(line(without, "predictions"), line(withModule, "predictions"));
        assertEquals(line(without, "accuracy"), line(withModule, "accuracy"));
        double lossWith = Double.parseDouble(line(withModule, "loss").substring("loss ".length()));
        double lossWithout = Double.parseDouble(line(without, "loss").substring("loss ".length()));
        assertEquals(lossWithout, lossWith, 1e-4 * Math.abs(lossWithout), "mean test loss");
    }

    @Test
    void columnSplitKernelsRunWithoutTheModuleBitwiseAsTheScalarClass() throws Exception {
        List<String> anywhere = run("conv-anywhere-without-module", false, "Probe", "gen.ConvAnywhere");
        List<String> scalarOnly = run("conv-scalar-without-module", false, "Probe", "gen.ConvScalarOnly");
        assertEquals("kernels scalar", anywhere.get(0));
        assertEquals(scalarOnly, anywhere, "loss and gradient of the two classes");
        List<String> withModule = run("conv-anywhere-with-module", true, "Probe", "gen.ConvAnywhere");
        assertTrue(withModule.get(0).matches("kernels vector \\(\\d+-bit\\)"), withModule.get(0));
    }
}
