package netc.compiler.internal.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.frontend.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole generated class of small samples as reviewed golden files: any change to scheduling, fusion or spelling
 * shows up as a diff. Tiny nets get the unrolled class ({@code *.unrolled.java.txt}, the same in both kernel styles);
 * the tiled class of xor, in both styles, stays golden too, as the smallest complete example of the tiled kernels.
 * Accept a change with {@code -Dnetc.updateGolden=true}.
 */
class GeneratedSourceGoldenTest {

    @ParameterizedTest(name = "{0} vector={1}")
    @CsvSource({"xor.net, false", "xor.net, true"})
    void tiledSourceMatchesTheGolden(String sample, boolean vector) {
        Compilation c = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(sample)),
                NetCompiler.Options.defaults().withVector(vector));
        String tiled = ClassEmitter.emitTiled(c.differentiated(), c.model().modelSpec(), c.emitOptions());
        String name = sample.replace(".net", "") + (vector ? ".vector" : ".scalar") + ".java.txt";
        Golden.check(Golden.resources("golden/generated").resolve(name), tiled);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"xor.net", "logistic_regression.net", "logistic_regression_softmax.net"})
    void unrolledSourceMatchesTheGolden(String sample) {
        Compilation vector = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(sample)),
                NetCompiler.Options.defaults().withVector(true));
        Compilation scalar = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(sample)),
                NetCompiler.Options.defaults().withVector(false));
        assertEquals(vector.javaSource(), scalar.javaSource(), "an unrolled class has no vector kernels");
        String name = sample.replace(".net", "") + ".unrolled.java.txt";
        Golden.check(Golden.resources("golden/generated").resolve(name), scalar.javaSource());
    }

    /**
     * The convnet's loops over samples (im2col and product, the kernel gradient building the patches again, the patch
     * gradient and col2im): the rest of a convolutional class is a long list of tiles, these are where its schedule
     * shows.
     */
    @org.junit.jupiter.api.Test
    void convolutionSampleLoopsMatchTheGolden() {
        Compilation c = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve("convnet.net")),
                NetCompiler.Options.defaults().withVector(true));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)    /\\*\\*(?:(?!\\*/).)*\\*/\n"
                + "    private void (?:im2colGemm|im2colGemmTn|col2im)\\d+\\(.*?\n    }\n").matcher(c.javaSource());
        StringBuilder loops = new StringBuilder();
        int count = 0;
        while (m.find()) {
            loops.append(m.group()).append('\n');
            count++;
        }
        assertEquals(3, count, "the forward product, the kernel gradient and the input gradient of the second layer");
        Golden.check(Golden.resources("golden/generated").resolve("convnet.sample-loops.java.txt"), loops.toString());
    }

    @org.junit.jupiter.api.Test
    void theSourceDoesNotDependOnWhereTheNetFileIs() {
        String text = Golden.read(Golden.sampleNets().resolve("xor.net"));
        String here = NetCompiler.compile(new netc.compiler.internal.source.SourceFile("/home/a/models/xor.net", text),
                NetCompiler.Options.defaults()).javaSource();
        String there = NetCompiler.compile(new netc.compiler.internal.source.SourceFile("other/dir/xor.net", text),
                NetCompiler.Options.defaults()).javaSource();
        org.junit.jupiter.api.Assertions.assertEquals(here, there);
    }
}
