package netc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * What {@code java -jar benchmarks.jar -l} lists: JMH's annotation processor writes {@code META-INF/BenchmarkList}
 * into target/classes, and this reads it the way JMH's Runner does. If a benchmark loses its annotations or a
 * parameter value the table relies on, the table's command would fail only after minutes of measuring.
 */
class BenchmarkListTest {

    private static Map<String, BenchmarkListEntry> listed() {
        Map<String, BenchmarkListEntry> m = new TreeMap<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().find(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of(".*"), List.of())) {
            m.put(e.getUsername(), e);
        }
        return m;
    }

    @Test
    void theBenchmarksOfIssue9AreListed() {
        Set<String> names = listed().keySet();
        for (String expected : List.of("netc.bench.TrainStep.step", "netc.bench.Inference.forward",
                "netc.bench.BatchOneLatency.forward", "netc.bench.Kernels.call", "netc.bench.FmaPeak.fma",
                "netc.bench.CompileTime.cold", "netc.bench.CompileTime.newModel", "netc.bench.CompileTime.cached")) {
            assertTrue(names.contains(expected), expected + " missing from " + names);
        }
    }

    @Test
    void parametersCoverTheTablesNetworksAndEveryKernelShape() {
        Map<String, BenchmarkListEntry> m = listed();
        assertEquals(Set.of("mlp", "mlp2048", "convnet"), params(m.get("netc.bench.TrainStep.step"), "net"));
        assertEquals(Set.of("mlp", "xor", "logreg"), params(m.get("netc.bench.BatchOneLatency.forward"), "net"));
        assertEquals(Kernels.SHAPES.keySet(), params(m.get("netc.bench.Kernels.call"), "shape"));
        for (String net : List.of("mlp", "mlp2048", "convnet", "xor", "logreg")) {
            assertTrue(Files.isRegularFile(Path.of("..").resolve(BenchNet.FILES.get(net))), net);
        }
    }

    @Test
    void runTableRunsOnlyGroupsTableRoundKnows() throws Exception {
        String script = Files.readString(Path.of("run-table.sh"));
        Set<String> used = new TreeSet<>();
        Matcher m = Pattern.compile("netc (\\S+) \"\\$").matcher(script);
        while (m.find()) {
            used.add(m.group(1));
        }
        Matcher loop = Pattern.compile("for g in ([a-z0-9 -]+); do").matcher(script);
        assertTrue(loop.find(), "no group loop in run-table.sh");
        used.addAll(List.of(loop.group(1).trim().split(" ")));
        used.remove("\"$g\"");
        assertTrue(used.size() >= 8, used.toString());
        assertTrue(TableRound.GROUPS.containsAll(used), used + " not all in " + TableRound.GROUPS);
    }

    private static Set<String> params(BenchmarkListEntry e, String name) {
        return new TreeSet<>(List.of(e.getParams().get().get(name)));
    }
}
