package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.ParameterSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import netc.compiler.internal.emit.GemmSpec.Style;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import org.junit.jupiter.api.Test;

/**
 * Every generated method stays under HotSpot's 8,000-byte limit (past it a method is never JIT-compiled), for the
 * largest shapes of the lecture's MLP, with and without an epilogue, from either compiler; NN/TN with their default
 * tiles, the old 4 x 4 one and the largest allowed (8 x 4).
 */
class GemmMethodSizeTest {

    @Test
    void everyMethodOfTheLargestKernelsIsUnderTheHugeMethodLimit() {
        List<ParameterSpec> bias = List.of(ParameterSpec.builder(float[].class, "w").build(),
                ParameterSpec.builder(int.class, "wOff").build());
        List<GemmSpec> specs = new ArrayList<>();
        for (Style style : Style.values()) {
            String s = style.name().toLowerCase(java.util.Locale.ROOT);
            specs.add(GemmSpec.nt("nt" + s, 512, 784, style));
            specs.add(GemmSpec.nt("ntFused" + s, 512, 784, style).withEpilogue(Epilogue.biasRelu("w", "wOff"), bias));
            specs.add(GemmSpec.nn("nn" + s, 784, 512, style));
            specs.add(GemmSpec.nn("nnFused" + s, 784, 512, style).withEpilogue(Epilogue.relu(), List.of()));
            specs.add(GemmSpec.tn("tn" + s, 512, 784, style));
            specs.add(GemmSpec.tn("tnWide" + s, 784, 100_000, style));
        }
        for (GemmSpec.Tile tile : List.of(GemmSpec.Tile.FOUR_BY_FOUR, new GemmSpec.Tile(8, 4))) {
            String t = tile.rows() + "x" + tile.cols();
            specs.add(GemmSpec.nn("nnTile" + t, 784, 512, Style.VECTOR).withTile(tile)
                    .withEpilogue(Epilogue.relu(), List.of()));
            specs.add(GemmSpec.tn("tnTile" + t, 512, 784, Style.VECTOR).withTile(tile));
        }
        String name = KernelClasses.uniqueSimpleName("Sizes");
        String source = KernelClasses.source(name, specs);
        Map<String, JaninoLoader.Compiled> byCompiler = new TreeMap<>();
        byCompiler.put("Janino", JaninoLoader.compile(KernelClasses.PACKAGE + "." + name, source));
        byCompiler.put("javac", JavacLoader.compile(KernelClasses.PACKAGE + "." + name, source));
        byCompiler.forEach((compiler, compiled) -> {
            Map<String, Integer> sizes = ClassFileMethodSizes.of(compiled.classFile());
            assertTrue(sizes.size() > specs.size(), "helpers are present: " + sizes.keySet());
            sizes.forEach((method, size) -> assertTrue(size < ClassFileMethodSizes.HUGE_METHOD_LIMIT,
                    compiler + ": " + method + " has " + size + " bytes of bytecode"));
            String top = sizes.entrySet().stream()
                    .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                    .limit(4)
                    .map(e -> e.getKey() + " " + e.getValue())
                    .collect(java.util.stream.Collectors.joining(", "));
            System.out.println(compiler + ": largest generated methods (bytes of bytecode): " + top);
        });
    }
}
