package netc.compiler.internal.driver;

import netc.compiler.internal.frontend.Golden;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The whole generated class of small samples, in both kernel styles, as reviewed golden files: any change to
 * scheduling, fusion or spelling shows up as a diff. Accept a change with {@code -Dnetc.updateGolden=true}.
 */
class GeneratedSourceGoldenTest {

    @ParameterizedTest(name = "{0} vector={1}")
    @CsvSource({"xor.net, false", "xor.net, true"})
    void generatedSourceMatchesTheGolden(String sample, boolean vector) {
        Compilation c = NetCompiler.compile(NetCompiler.read(Golden.sampleNets().resolve(sample)),
                NetCompiler.Options.defaults().withVector(vector));
        String name = sample.replace(".net", "") + (vector ? ".vector" : ".scalar") + ".java.txt";
        Golden.check(Golden.resources("golden/generated").resolve(name), c.javaSource());
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
