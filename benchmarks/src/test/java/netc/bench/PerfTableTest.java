package netc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The table writer on fixed rows (a golden file: {@code -Dnetc.updateGolden=true} rewrites it; review the diff) and
 * the README block it replaces.
 */
class PerfTableTest {
    private static final Path ROWS = Path.of("src/test/resources/netc/bench/perf-table-rows.jsonl");
    private static final Path GOLDEN = Path.of("src/test/resources/netc/bench/perf-table-golden.md");

    @Test
    void theTableOfFixedRowsIsTheReviewedOne() throws Exception {
        String actual = PerfTable.render(PerfTable.read(ROWS), "perf-table-rows.jsonl");
        if (Boolean.getBoolean("netc.updateGolden")) {
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), actual,
                "the table changed; if on purpose, rerun with -Dnetc.updateGolden=true and review the diff");
    }

    @Test
    void ratiosAreMediansOfEachSideAndTheirRangeOverRounds() throws Exception {
        String table = PerfTable.render(PerfTable.read(ROWS), "rows");
        // batch 32: netc 30,600 and 29,000 (median 29,800), torch 24,600 and 25,000 (24,800); rounds 1.24 and 1.16
        assertTrue(table.contains("| MLP train, batch 32 | 29.8k samples/s (96 GFLOP/s, 22% of peak) | 24.8k samples/s"
                + " (80 GFLOP/s, 19% of peak) | 1.20 (1.16-1.24) |"), table);
        // latency: the ratio is PyTorch's time over netc's, so > 1 where netc is faster
        assertTrue(table.contains("| XOR inference, batch 1 | 180 ns | 12.2 µs | 67.85 |"), table);
        assertTrue(table.contains("| 1 → 2 threads, MLP train batch 128 | 1.51x | 1.41x (OpenBLAS 1 → 2) | - |"),
                table);
        assertTrue(table.contains("FMA peak 223 GFLOP/s on 1 thread, 427 GFLOP/s on 2 threads"), table);
    }

    @Test
    void aLineWithoutRowsIsLeftOutAndAMissingSideIsADash() {
        List<PerfTable.Row> rows = List.of(PerfTable.Row.of(Map.of("side", "netc", "workload", "train:mlp",
                "batch", 512.0, "threads", 2.0, "round", 1.0, "value", 65400.0, "unit", "samples/s")));
        String table = PerfTable.render(rows, "rows");
        assertTrue(table.contains("| MLP train, batch 512 | 65.4k samples/s | - | - |"), table);
        assertTrue(!table.contains("batch 32"), table);
        assertTrue(table.contains("PyTorch not measured"), table);
    }

    @Test
    void theHeaderSaysWhereTheHostHadTheVcpus() {
        List<PerfTable.Row> rows = List.of(
                PerfTable.Row.of(Map.of("side", "netc", "workload", "train:mlp", "batch", 32.0, "threads", 2.0,
                        "round", 1.0, "value", 30000.0, "unit", "samples/s", "core_round_trip_ns", 70.0)),
                PerfTable.Row.of(Map.of("side", "netc", "workload", "train:mlp", "batch", 32.0, "threads", 2.0,
                        "round", 2.0, "value", 20000.0, "unit", "samples/s", "core_round_trip_ns", 321.0)),
                PerfTable.Row.of(Map.of("side", "netc", "workload", "train:mlp", "batch", 128.0, "threads", 2.0,
                        "round", 1.0, "value", 50000.0, "unit", "samples/s", "core_round_trip_ns", 29.0)),
                PerfTable.Row.of(Map.of("side", "torch", "workload", "train:mlp", "batch", 32.0, "threads", 2.0,
                        "round", 1.0, "value", 25000.0, "unit", "samples/s", "core_round_trip_ns", 5.0)));
        String table = PerfTable.render(rows, "rows");
        assertTrue(table.contains("in 29-321 ns (median 70;"), table);
        assertTrue(!PerfTable.render(rows.subList(3, 4), "rows").contains("round trip"), "PyTorch rows do not count");
    }

    @Test
    void eachKernelIsTheMedianOfItsRoundsWithTheirRange() {
        List<PerfTable.Row> rows = List.of(
                PerfTable.Row.of(Map.of("side", "netc", "workload", "peak:fma", "threads", 1.0, "round", 1.0,
                        "value", 200.0, "unit", "GFLOP/s")),
                PerfTable.Row.of(Map.of("side", "netc", "workload", "kernel:mlp2048.fc2.nn", "threads", 1.0,
                        "round", 1.0, "value", 149.0, "unit", "GFLOP/s")),
                PerfTable.Row.of(Map.of("side", "netc", "workload", "kernel:mlp2048.fc2.nn", "threads", 1.0,
                        "round", 2.0, "value", 177.0, "unit", "GFLOP/s")),
                PerfTable.Row.of(Map.of("side", "netc", "workload", "kernel:mlp2048.fc2.nn", "threads", 1.0,
                        "round", 3.0, "value", 172.0, "unit", "GFLOP/s")),
                PerfTable.Row.of(Map.of("side", "netc", "workload", "kernel:mlp.fc1.nt", "threads", 1.0,
                        "round", 1.0, "value", 180.0, "unit", "GFLOP/s")));
        String table = PerfTable.render(rows, "rows");
        assertTrue(table.contains("| mlp2048.fc2.nn | 128 x 2048 x 1024 | 172 (149-177) | 86% |"), table);
        assertTrue(table.contains("| mlp.fc1.nt | 128 x 512 x 784 | 180 | 90% |"), "one round: no range\n" + table);
    }

    @Test
    void aQuickRunSaysSo() {
        List<PerfTable.Row> rows = List.of(PerfTable.Row.of(Map.of("side", "netc", "workload", "machine",
                "quick", true, "round", 0.0)));
        assertTrue(PerfTable.render(rows, "rows").contains("--quick smoke run"));
    }

    @Test
    void theReadmeBlockIsReplacedAndTheMarkersStay() {
        String readme = "# x\n\n## Performance\n\n" + PerfTable.BEGIN + "\nold table\n" + PerfTable.END + "\n\nafter\n";
        String updated = PerfTable.replaceBlock(readme, "new table\n");
        assertEquals("# x\n\n## Performance\n\n" + PerfTable.BEGIN + "\nnew table\n" + PerfTable.END + "\n\nafter\n",
                updated);
        assertEquals(updated, PerfTable.replaceBlock(updated, "new table"));
    }

    @Test
    void aReadmeWithoutTheMarkersIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> PerfTable.replaceBlock("# x\n" + PerfTable.END + "\n" + PerfTable.BEGIN + "\n", "t"));
        assertEquals("the README has no " + PerfTable.BEGIN + " ... " + PerfTable.END + " block", e.getMessage());
    }

    @Test
    void mainWritesTheFileAndTheReadmeBlock(@TempDir Path dir) throws Exception {
        Path readme = dir.resolve("README.md");
        Files.writeString(readme, "intro\n" + PerfTable.BEGIN + "\n" + PerfTable.END + "\nrest\n");
        Path out = dir.resolve("table.md");
        PerfTable.main(new String[] {"--raw", ROWS.toString(), "--out", out.toString(), "--readme",
                readme.toString()});
        String body = PerfTable.render(PerfTable.read(ROWS), ROWS.toString());
        assertEquals("# netc against PyTorch, issue #9's table\n\n" + body, Files.readString(out));
        assertEquals("intro\n" + PerfTable.BEGIN + "\n" + body + PerfTable.END + "\nrest\n", Files.readString(readme));
    }

    @Test
    void jsonRowsReadEscapesNestingAndNumbers() {
        Map<String, Object> m = JsonReader.object(
                "{\"a\": \"x\\\"y\\u00e9\", \"b\": [1, 2.5e3, {\"c\": null}], \"d\": true, \"e\": -0.5}");
        assertEquals("x\"yé", m.get("a"));
        assertEquals(List.of(1.0, 2500.0, java.util.Collections.singletonMap("c", null)), m.get("b"));
        assertEquals(Boolean.TRUE, m.get("d"));
        assertEquals(-0.5, m.get("e"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JsonReader.object("{\"a\": 1,}"));
        assertEquals("JSON: expected '\"' at column 9 of {\"a\": 1,}", e.getMessage());
    }
}
