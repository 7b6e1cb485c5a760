package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import netc.compiler.internal.source.SourceFile;
import netc.grammar.NetLexer;
import netc.runtime.Network;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A generated class may be named after any type its own source refers to: every public class of {@code java.lang}
 * (read from the running JDK), every type the generated source imports, and the first parts of its packages. Each
 * class name comes from the {@code .net} network's name ({@code illegal_argument_exception} gives the class
 * {@code IllegalArgumentException}), with Vector API and scalar kernels by turns; the names the issue found and those
 * no network name gives ({@code java}) are also given as an explicit class name, with the other kernel style. Every
 * class compiles with Janino and with javac and computes bitwise what a class with a harmless name computes. (Every
 * name twice in both styles would only repeat the same emitter paths, at four times the compile time.)
 *
 * <p>The classes named after networks share one package and are compiled in one javac run, so each also sees
 * classes named {@code Math}, {@code Float}, {@code System} ... beside it, which shadow {@code java.lang} for any name
 * the generated source leaves to the implicit {@code java.lang.*} import. The classes named by option each get a
 * package of their own: a class named {@code java} or {@code netc} beside them would obscure the fully qualified
 * names a class named {@code Math} or {@code Network} has to use, which no spelling of a name can avoid.
 */
class ClassNameClashTest {
    private static final String BY_NETWORK = "gen.clash.network";
    private static final String BY_OPTION = "gen.clash.option";

    /**
     * Two layers, so that the source has matrix products with fused epilogues, softmax and the loss; 64 hidden units
     * keep it past the tiny-net rule, so the class has tiles (UnrolledNetworkTest does the same for unrolled classes).
     */
    private static final String NET = """
            network %s
            input x[3]
            target y : class[2]
            param W1[64, 3]
            param b1[64]
            param W2[2, 64]
            param b2[2]
            p = softmax(W2 relu(W1 x + b1) + b2)
            loss = cross_entropy(p, y)
            """;

    private static final int BATCH = 5;

    /** Also given as {@code --class}: the names of the issue, and the types whose every use the tiny network has. */
    private static final List<String> BY_OPTION_TOO = List.of("Math", "Float", "IllegalArgumentException", "System",
            "Override", "Object", "String", "Network", "FloatVector", "Arrays", "VectorKernels");

    /** One generated class to compile and run. */
    private record Case(String className, String source, boolean vector) {
    }

    private static Network vectorReference;
    private static Network scalarReference;
    private static JavacLoader.Batch javac;
    private static final Map<String, List<Case>> CASES = new LinkedHashMap<>();

    @BeforeAll
    static void compileAllWithJavac() {
        vectorReference = instance(JaninoLoader.compile("gen.ref.VectorReference",
                source(network("tiny"), "gen.ref", "VectorReference", true)));
        scalarReference = instance(JaninoLoader.compile("gen.ref.ScalarReference",
                source(network("tiny"), "gen.ref", "ScalarReference", false)));
        Map<String, String> sources = new LinkedHashMap<>();
        boolean vector = true;
        for (String name : names().toList()) {
            List<Case> cases = new ArrayList<>();
            if (isUpperCamel(name)) {
                cases.add(new Case(BY_NETWORK + "." + name, byNetworkName(name, vector), vector));
            }
            if (!isUpperCamel(name) || BY_OPTION_TOO.contains(name)) {
                boolean other = cases.isEmpty() ? vector : !vector;
                cases.add(new Case(optionClass(name), byClassOption(name, other), other));
            }
            cases.forEach(c -> sources.put(c.className(), c.source()));
            CASES.put(name, cases);
            vector = !vector;
        }
        javac = JavacLoader.compileAll(sources);
    }

    /** Every public top-level class of the {@code java.lang} package of the running JDK, and more; sorted. */
    static Stream<String> names() {
        TreeSet<String> names = new TreeSet<>(javaLangClasses());
        for (boolean vector : new boolean[] {true, false}) {
            source(network("tiny"), "gen.ref", "Reference", vector).lines().filter(l -> l.startsWith("import "))
                    .map(l -> l.substring(l.lastIndexOf('.') + 1, l.length() - 1)).forEach(names::add);
        }
        // first parts of the packages the source names; contextual keywords that are still valid class names
        names.addAll(List.of("java", "jdk", "netc", "gen", "module", "open", "when", "exports", "to", "with"));
        names.add("VectorKernels"); // the nested class of the vector kernels

        return names.stream();
    }

    static List<String> javaLangClasses() {
        List<String> names = new ArrayList<>();
        Path lang = FileSystems.getFileSystem(URI.create("jrt:/")).getPath("/modules/java.base/java/lang");
        try (Stream<Path> files = Files.list(lang)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String file = f.getFileName().toString();
                if (file.endsWith(".class") && !file.contains("$")) {
                    String name = file.substring(0, file.length() - ".class".length());
                    if (Modifier.isPublic(Class.forName("java.lang." + name, false, null).getModifiers())) {
                        names.add(name);
                    }
                }
            }
        } catch (IOException | ClassNotFoundException e) {
            throw new AssertionError("cannot list java.lang of the running JDK", e);
        }
        return names;
    }

    @Test
    void theNamesIncludeThoseTheIssueNamesAndAllOfJavaLang() {
        List<String> names = names().toList();
        assertTrue(names.containsAll(List.of("Math", "Float", "IllegalArgumentException", "System", "Override",
                "Object", "String", "Network", "FloatVector", "Arrays")), names.toString());
        assertTrue(javaLangClasses().size() > 90, "java.lang has some hundred public classes");
        assertTrue(names.containsAll(BY_OPTION_TOO), "every name given as --class is a name of the test");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("names")
    void aClassNamedAfterATypeItUsesCompilesAndComputesTheSame(String name) {
        if (isUpperCamel(name)) {
            assertEquals(name, EmitOptions.defaultClassName(networkName(name)), "the network name gives the class");
        }
        for (Case c : CASES.get(name)) {
            Network reference = c.vector() ? vectorReference : scalarReference;
            assertSameResults(reference, instance(JaninoLoader.compile(c.className(), c.source())),
                    "Janino " + c.className());
            assertSameResults(reference, instance(javac.load(c.className())), "javac " + c.className());
        }
    }

    /**
     * Networks named with a Java keyword, a restricted identifier or nothing but underscores get a class name that
     * is none of those ({@code class} gives {@code Class}, {@code _} gives {@code Net}); it compiles with both
     * compilers.
     */
    @Test
    void networksNamedWithJavaKeywordsGiveValidClasses() {
        Map<String, String> expected = new LinkedHashMap<>();
        for (String network : List.of("class", "int", "new", "var", "record", "yield", "sealed", "_", "__",
                "true", "null", "goto", "const")) {
            String className = EmitOptions.defaultClassName(network);
            expected.put("gen.keywords." + className, network);
        }
        assertEquals(List.of("gen.keywords.Class", "gen.keywords.Int", "gen.keywords.New", "gen.keywords.Var",
                "gen.keywords.Record", "gen.keywords.Yield", "gen.keywords.Sealed", "gen.keywords.Net",
                "gen.keywords.True", "gen.keywords.Null", "gen.keywords.Goto", "gen.keywords.Const"),
                List.copyOf(expected.keySet()), "_ and __ both give Net; the test keeps the second");
        Map<String, String> sources = new LinkedHashMap<>();
        expected.forEach((className, network) -> sources.put(className,
                source(network(network), "gen.keywords", null, false)));
        JavacLoader.Batch batch = JavacLoader.compileAll(sources);
        sources.forEach((className, source) -> {
            assertSameResults(scalarReference, instance(JaninoLoader.compile(className, source)),
                    "Janino " + className);
            assertSameResults(scalarReference, instance(batch.load(className)), "javac " + className);
        });
    }

    private static String byNetworkName(String name, boolean vector) {
        return source(network(networkName(name)), BY_NETWORK, null, vector);
    }

    /**
     * {@code IllegalArgumentException} to {@code illegal_argument_exception}; {@code _init} for {@code Init}, as
     * {@code init} is a keyword of the {@code .net} language.
     */
    private static String networkName(String className) {
        String name = snakeCase(className);
        for (int t = 1; t <= NetLexer.VOCABULARY.getMaxTokenType(); t++) {
            if (("'" + name + "'").equals(NetLexer.VOCABULARY.getLiteralName(t))) {
                return "_" + name;
            }
        }
        return name;
    }

    private static String byClassOption(String name, boolean vector) {
        return source(network("tiny"), optionPackage(name), name, vector);
    }

    private static String optionClass(String name) {
        return optionPackage(name) + "." + name;
    }

    /** {@code gen.clash.option.void_} for {@code Void}: the suffix keeps keywords out of the package name. */
    private static String optionPackage(String name) {
        return BY_OPTION + "." + name.toLowerCase(Locale.ROOT) + "_";
    }

    private static String network(String name) {
        return String.format(NET, name);
    }

    private static String source(String net, String packageName, String className, boolean vector) {
        NetCompiler.Options options = NetCompiler.Options.defaults().withPackage(packageName)
                .withClassName(className).withVector(vector);
        return NetCompiler.compile(new SourceFile("clash.net", net), options).javaSource();
    }

    private static boolean isUpperCamel(String name) {
        return Character.isUpperCase(name.charAt(0));
    }

    private static String snakeCase(String name) {
        StringBuilder sb = new StringBuilder();
        for (char c : name.toCharArray()) {
            if (Character.isUpperCase(c) && sb.length() > 0) {
                sb.append('_');
            }
            sb.append(Character.toLowerCase(c));
        }
        return sb.toString();
    }

    private static Network instance(JaninoLoader.Compiled compiled) {
        try {
            return (Network) compiled.type().getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    /** Forward pass, loss and gradient of the same inputs, bit for bit. */
    private static void assertSameResults(Network reference, Network net, String what) {
        int params = net.spec().paramCount();
        assertEquals(reference.spec().paramCount(), params, what);
        float[] w = new float[params];
        for (int i = 0; i < params; i++) {
            w[i] = ((i * 7) % 11 - 5) * 0.125f;
        }
        float[] x = new float[BATCH * 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = ((i * 5) % 9 - 4) * 0.25f;
        }
        float[] y = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
            y[i] = i % 2;
        }
        float[] expectedOut = new float[BATCH * 2];
        float[] out = new float[BATCH * 2];
        reference.forward(w, x, BATCH, expectedOut);
        net.forward(w, x, BATCH, out);
        assertBitwise(expectedOut, out, what + " forward");
        float[] expectedGrad = new float[params];
        float[] grad = new float[params];
        double expectedLoss = reference.lossAndGradient(w, x, y, BATCH, expectedGrad, expectedOut);
        double loss = net.lossAndGradient(w, x, y, BATCH, grad, out);
        assertEquals(Double.doubleToRawLongBits(expectedLoss), Double.doubleToRawLongBits(loss), what + " loss");
        assertBitwise(expectedGrad, grad, what + " gradient");
        assertTrue(Float.isFinite(out[0]) && expectedLoss > 0, what + ": the check itself computed something");
    }

    private static void assertBitwise(float[] expected, float[] actual, String what) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(actual[i]),
                    what + " element " + i + ": expected " + expected[i] + ", got " + actual[i]);
        }
    }
}
