package netc.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import netc.runtime.InputException;
import netc.runtime.Predictor;
import netc.runtime.data.Dataset;
import netc.runtime.train.Adam;
import netc.runtime.train.EpochReport;
import netc.runtime.train.Evaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetcTest {
    /** XOR, with a nonce in a comment so each test compiles its own class and the shared cache stays out of the way. */
    static String xor(String nonce) {
        return "# " + nonce + "\n" + """
                network xor
                input  x[2]
                target t : real[1]
                param W1[4, 2] init xavier
                param b1[4]
                param W2[1, 4] init xavier
                param b2[1]
                h = tanh(W1 x + b1)
                p = sigmoid(W2 h + b2)
                loss = binary_cross_entropy(p, t)
                """;
    }

    static Dataset xorData() {
        float[] x = {0, 0, 0, 1, 1, 0, 1, 1};
        float[] y = {0, 1, 1, 0};
        return Dataset.ofValues("xor", x, y, 2, 1);
    }

    @TempDir
    Path dir;

    @Test
    void compilesTrainsEvaluatesAndRoundTripsWeights() {
        Model model = Netc.compile("xor.net", xor("train"));
        assertEquals("xor", model.name());
        assertEquals(17, model.spec().paramCount());
        float[] w = model.initialWeights(3);
        List<EpochReport> reports = model.trainer().optimizer(new Adam(0.05)).epochs(500).batchSize(4).build().train(w, xorData(), xorData());
        assertEquals(500, reports.size());
        Evaluation e = model.evaluate(w, xorData());
        assertTrue(e.loss() < 0.1, "loss after training " + e.loss());
        Predictor predictor = model.predictor(w);
        float[][] inputs = {{0, 0}, {0, 1}, {1, 0}, {1, 1}};
        float[] expected = {0, 1, 1, 0};
        for (int i = 0; i < 4; i++) {
            assertEquals(expected[i], Math.round(predictor.predict(inputs[i])[0]), "xor" + java.util.Arrays.toString(inputs[i]));
        }
        Path file = dir.resolve("xor.safetensors");
        model.saveWeights(file, w);
        assertArrayEquals(w, model.loadWeights(file));
    }

    @Test
    void aSharedPredictorGivesEachThreadItsOwnAnswers() throws Exception {
        Model model = Netc.compile("xor.net", xor("predictor threads"));
        float[] w = model.initialWeights(5);
        Predictor shared = model.predictor(w);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        float[][] inputs = new float[400][2];
        float[][] expected = new float[400][];
        for (int i = 0; i < inputs.length; i++) {
            inputs[i][0] = (float) random.nextDouble(-2, 2);
            inputs[i][1] = (float) random.nextDouble(-2, 2);
            expected[i] = Predictor.of(model.newNetwork(), w).predict(inputs[i]);
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    for (int round = 0; round < 20; round++) {
                        for (int i = first; i < inputs.length; i += 4) {
                            if (!java.util.Arrays.equals(expected[i], shared.predict(inputs[i]))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : results) {
                assertTrue(f.get(), "a thread got another sample's answer");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theSameSourceCompilesOnceAndAnotherSourceAgain() {
        Model a = Netc.compile("xor.net", xor("cache"));
        Model b = Netc.compile("xor.net", xor("cache"));
        assertSame(a, b);
        assertSame(a.networkClass(), b.networkClass());
        Model other = Netc.compile("xor.net", xor("cache, changed"));
        assertNotSame(a, other);
        // The file name is part of the model (messages and the class's SPEC name it): another name, another class.
        assertNotSame(a, Netc.compile("other.net", xor("cache")));
    }

    @Test
    void aFileAndItsTextAreTheSameModel() throws Exception {
        Path file = Files.writeString(dir.resolve("x.net"), xor("file"));
        assertSame(Netc.compile(file), Netc.compile(file.toString(), xor("file")));
    }

    @Test
    void threadsCompilingOneNewModelShareOneCompilation() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Model>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                tasks.add(() -> Netc.compile("xor.net", xor("threads")));
            }
            List<Future<Model>> results = pool.invokeAll(tasks);
            Model first = results.get(0).get();
            for (Future<Model> f : results) {
                assertSame(first, f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aMistakeIsAModelExceptionWithItsPositionAndIsReportedEveryTime() {
        String bad = xor("mistake").replace("W2 h + b2", "W2 x + b2");
        for (int attempt = 0; attempt < 2; attempt++) {
            ModelException e = assertThrows(ModelException.class, () -> Netc.compile("bad.net", bad));
            assertTrue(e.getMessage().startsWith("bad.net:10:"), e.getMessage());
            assertTrue(e.getMessage().contains("error: "), e.getMessage());
            Problem p = e.problems().get(0);
            assertEquals("bad.net", p.file());
            assertEquals(10, p.line());
            assertTrue(p.column() > 0);
            assertTrue(e.getMessage().startsWith(p.file() + ":" + p.line() + ":" + p.column() + ": error: "
                    + p.message()), e.getMessage() + " vs " + p);
        }
    }

    @Test
    void aMissingFileIsAModelExceptionWithoutAPosition() {
        Path missing = dir.resolve("none.net");
        ModelException e = assertThrows(ModelException.class, () -> Netc.compile(missing));
        assertEquals(missing + ": error: no such file", e.getMessage());
        assertEquals(new Problem(missing.toString(), 0, 0, "no such file"), e.problems().get(0));
        assertThrows(ModelException.class, () -> Netc.check(missing));
    }

    @Test
    void checkFindsMistakesWithoutGeneratingCode() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.net"), xor("check"));
        Netc.check(ok);
        Path bad = Files.writeString(dir.resolve("bad.net"), xor("check").replace("param b2[1]", "param b2[2]"));
        ModelException e = assertThrows(ModelException.class, () -> Netc.check(bad));
        assertTrue(e.getMessage().startsWith(bad + ":"), e.getMessage());
    }

    @Test
    void generatedJavaIsWrittenUnderItsPackage() throws Exception {
        Path net = Files.writeString(dir.resolve("xor.net"), xor("generate"));
        JavaSource java = Netc.generateJava(net, JavaOptions.defaults().withPackage("com.example"));
        assertEquals("com.example.Xor", java.qualifiedName());
        Path file = java.writeTo(dir.resolve("src"));
        assertEquals(dir.resolve("src/com/example/Xor.java"), file);
        assertEquals(java.text(), Files.readString(file));
        assertTrue(java.text().contains("implements netc.runtime.Network")
                || java.text().contains("implements Network"), "a Network class");
        JavaSource again = Netc.generateJava(net, JavaOptions.defaults().withPackage("com.example"));
        assertEquals(java.text(), again.text(), "the same model gives the same source");
    }

    @Test
    void illegalJavaNamesAreRefusedWhenTheOptionsAreMade() {
        assertEquals("not a valid class name: 'class'", assertThrows(IllegalArgumentException.class,
                () -> JavaOptions.defaults().withClassName("class")).getMessage());
        assertEquals("not a valid package name: 'com.1st'", assertThrows(IllegalArgumentException.class,
                () -> JavaOptions.defaults().withPackage("com.1st")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> JavaOptions.defaults().withPackage("java.model")).getMessage().contains("reserved"));
    }

    @Test
    void warningsComeWithTheSource() throws Exception {
        Path quiet = Files.writeString(dir.resolve("quiet.net"), xor("warnings"));
        assertEquals("", Netc.generateJava(quiet, JavaOptions.defaults()).warnings());
        // A parameter the loss does not depend on is worth a warning.
        Path unused = Files.writeString(dir.resolve("unused.net"), xor("warnings") + "param spare[3]\n");
        String w = Netc.generateJava(unused, JavaOptions.defaults()).warnings();
        assertTrue(w.startsWith(unused + ":") && w.contains("warning:"), w);
    }

    @Test
    void writingWhereNoDirectoryCanBeIsAnInputException() throws Exception {
        Path net = Files.writeString(dir.resolve("xor.net"), xor("write"));
        Path blocker = Files.writeString(dir.resolve("blocker"), "a file, not a directory");
        JavaSource java = Netc.generateJava(net, JavaOptions.defaults());
        InputException e = assertThrows(InputException.class, () -> java.writeTo(blocker));
        assertTrue(e.getMessage().contains("cannot create directory"), e.getMessage());
    }

    @Test
    void weightsOfTheWrongSizeAreRefusedWithBothSizes() {
        Model model = Netc.compile("xor.net", xor("sizes"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.evaluate(new float[3], xorData()));
        assertEquals("expected 17 weights for model xor, found 3", e.getMessage());
    }

    @Test
    void theCacheKeepsTheModelsUsedLastAndForgetsFailures() {
        ModelCache cache = new ModelCache(2);
        AtomicInteger compiles = new AtomicInteger();
        Model m = Netc.compile("xor.net", xor("lru"));
        java.util.function.Supplier<Model> counting = () -> {
            compiles.incrementAndGet();
            return m;
        };
        cache.get("a", counting);
        cache.get("b", counting);
        cache.get("a", counting); // a is now the most recent
        cache.get("c", counting); // evicts b
        assertEquals(3, compiles.get());
        cache.get("a", counting);
        assertEquals(3, compiles.get(), "a stayed");
        cache.get("b", counting);
        assertEquals(4, compiles.get(), "b was evicted");
        assertEquals(2, cache.size());
        assertThrows(IllegalStateException.class, () -> cache.get("d", () -> {
            throw new IllegalStateException("boom");
        }));
        assertEquals(2, cache.size(), "a failure is not kept");
    }
}
