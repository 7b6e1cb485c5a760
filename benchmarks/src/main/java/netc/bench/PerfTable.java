package netc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Issue #9's table from the rows of one sitting of {@code benchmarks/run-table.sh}: medians over the rounds of netc
 * and of PyTorch, the ratio of the medians and its range over the rounds, GFLOP/s and % of the FMA peak where the
 * work is a known number of multiply-adds, headed by the CPU, the JVM's vector width and the FMA peak. Writes the
 * markdown file and replaces the README's block between {@value #BEGIN} and {@value #END} with the same text, so the
 * README's performance table is this output and nothing else.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar netc.bench.PerfTable --raw RAW.jsonl --out TABLE.md [--readme README.md]
 * </pre>
 *
 * <p>Rows (JSON lines, from {@link TableRound} and {@code benchmarks/peers/*.py}): {@code side} (netc, torch),
 * {@code workload} ({@code train:mlp}, {@code infer:mlp}, {@code latency:xor}, {@code peak:fma}, {@code kernel:..},
 * {@code epoch:mlp}, {@code machine}), {@code batch}, {@code threads}, {@code round}, {@code value}, {@code unit},
 * {@code fwd_flop} (2 x multiply-adds of one sample's forward pass).
 */
public final class PerfTable {
    static final String BEGIN = "<!-- perf-table:begin -->";
    static final String END = "<!-- perf-table:end -->";

    private PerfTable() {
    }

    /** What a line of the table measures, and so how it is shown. */
    enum Kind {
        /** samples/s of training steps: 3 x the forward FLOP per sample. */
        TRAIN(3),
        /** samples/s of forward passes. */
        INFER(1),
        /** nanoseconds per batch-1 forward call; the ratio is PyTorch's time over netc's. */
        LATENCY(0);

        final int flopFactor;

        Kind(int flopFactor) {
            this.flopFactor = flopFactor;
        }
    }

    /** One line of the table: a label and the rows it takes from each side. */
    record Line(String label, String workload, int batch, int netcThreads, int torchThreads, Kind kind) {
    }

    /** Issue #9's table, in its order; netc on 2 threads, PyTorch on 1 torch thread + 2 OpenBLAS threads. */
    static final List<Line> LINES = List.of(
            new Line("MLP train, batch 32", "train:mlp", 32, 2, 2, Kind.TRAIN),
            new Line("MLP train, batch 128", "train:mlp", 128, 2, 2, Kind.TRAIN),
            new Line("MLP train, batch 512", "train:mlp", 512, 2, 2, Kind.TRAIN),
            new Line("MLP hidden width 2048 (784-2048-1024-10), batch 128", "train:mlp2048", 128, 2, 2, Kind.TRAIN),
            new Line("convnet train, batch 64", "train:convnet", 64, 2, 2, Kind.TRAIN),
            new Line("MLP inference, batch 1024, 1 thread", "infer:mlp", 1024, 1, 1, Kind.INFER),
            new Line("MLP inference, batch 1024, 2 threads", "infer:mlp", 1024, 2, 2, Kind.INFER),
            new Line("MLP inference, batch 1", "latency:mlp", 1, 1, 1, Kind.LATENCY),
            new Line("MLP inference, batch 1, 2 threads", "latency:mlp", 1, 2, 2, Kind.LATENCY),
            new Line("XOR inference, batch 1", "latency:xor", 1, 1, 1, Kind.LATENCY),
            new Line("logistic regression inference, batch 1", "latency:logreg", 1, 1, 1, Kind.LATENCY));

    /** One measurement. */
    record Row(String side, String workload, int batch, int threads, int round, double value, String unit,
               double fwdFlop, Map<String, Object> fields) {
        static Row of(Map<String, Object> m) {
            return new Row(str(m, "side"), str(m, "workload"), num(m, "batch", 0).intValue(),
                    num(m, "threads", 0).intValue(), num(m, "round", 0).intValue(), num(m, "value", Double.NaN).doubleValue(),
                    str(m, "unit"), num(m, "fwd_flop", 0).doubleValue(), m);
        }

        String text(String key) {
            Object v = fields.get(key);
            if (v instanceof Double d && d == Math.rint(d) && Math.abs(d) < 1e15) {
                return Long.toString(d.longValue());
            }
            return v == null ? null : v.toString();
        }
    }

    public static void main(String[] argv) throws IOException {
        Path raw = null;
        Path out = null;
        Path readme = null;
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--raw" -> raw = Path.of(argv[++i]);
                case "--out" -> out = Path.of(argv[++i]);
                case "--readme" -> readme = Path.of(argv[++i]);
                default -> {
                    System.err.println("PerfTable: unknown argument " + argv[i]
                            + "; usage: PerfTable --raw RAW.jsonl --out TABLE.md [--readme README.md]");
                    System.exit(2);
                }
            }
        }
        if (raw == null || out == null) {
            System.err.println("PerfTable: --raw and --out are required");
            System.exit(2);
        }
        List<Row> rows = read(raw);
        Path rawDir = raw.toAbsolutePath().getParent();
        String body = render(rows, rawDir != null && rawDir.equals(out.toAbsolutePath().getParent())
                ? raw.getFileName().toString() : raw.toString());
        writeAtomically(out, "# netc against PyTorch, issue #9's table\n\n" + body);
        System.out.print(body);
        if (readme != null) {
            writeAtomically(readme, replaceBlock(Files.readString(readme, StandardCharsets.UTF_8), body));
            System.err.println("PerfTable: updated the block in " + readme);
        }
    }

    /** Every row of a JSON-lines file; lines that are not objects (a peer's stray print) are skipped. */
    static List<Row> read(Path raw) throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(raw, StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                rows.add(Row.of(JsonReader.object(line)));
            }
        }
        return rows;
    }

    /** The markdown: header, the table, its notes, and the kernels by shape if they were measured. */
    static String render(List<Row> rows, String rawName) {
        Row machine = rows.stream().filter(r -> r.workload().equals("machine")).findFirst().orElse(null);
        Row torchRow = rows.stream().filter(r -> r.side().equals("torch")).findFirst().orElse(null);
        Map<Integer, Double> peak = new TreeMap<>();
        for (int t : new int[] {1, 2}) {
            double p = median(values(rows, r -> r.workload().equals("peak:fma") && r.threads() == t));
            if (!Double.isNaN(p)) {
                peak.put(t, p);
            }
        }
        int rounds = (int) rows.stream().filter(r -> !r.workload().equals("machine")).mapToInt(Row::round)
                .distinct().count();
        StringBuilder sb = new StringBuilder();
        if (machine != null) {
            sb.append(String.format(Locale.ROOT, "Measured %s on %s (%s cores); JVM %s, %s-bit vectors",
                    machine.text("date"), machine.text("cpu"), machine.text("cores"), machine.text("java"),
                    machine.text("vector_bits")));
        } else {
            sb.append("Machine not recorded");
        }
        sb.append("; FMA peak ").append(peak.isEmpty() ? "not measured" : String.join(", ",
                peak.entrySet().stream().map(e -> String.format(Locale.ROOT, "%.0f GFLOP/s on %d thread%s",
                        e.getValue(), e.getKey(), e.getKey() == 1 ? "" : "s")).toList())).append(".\n");
        if (torchRow != null) {
            sb.append(String.format(Locale.ROOT, "PyTorch %s, OpenBLAS %s with its %s kernels (core type: %s), "
                            + "1 torch thread + 2 OpenBLAS threads (1 + 1 on the 1-thread and batch-1 lines).\n",
                    torchRow.text("torch"), torchRow.text("openblas_version"), torchRow.text("openblas_arch"),
                    torchRow.text("blas_setup")));
        } else {
            sb.append("PyTorch not measured.\n");
        }
        sb.append(String.format(Locale.ROOT, "Medians of %d round%s, netc and PyTorch alternated; netc/PyTorch is the "
                + "ratio of the medians (range over the rounds), > 1 where netc is faster.", rounds,
                rounds == 1 ? "" : "s"));
        double[] trips = rows.stream().filter(r -> r.side().equals("netc") && !r.workload().equals("machine"))
                .map(r -> r.fields().get("core_round_trip_ns"))
                .filter(v -> v instanceof Number n && n.doubleValue() > 0)
                .mapToDouble(v -> ((Number) v).doubleValue()).sorted().toArray();
        if (trips.length > 0) {
            sb.append(String.format(Locale.ROOT, " As netc's rows were written (after each run) a cache line went"
                    + " between two threads and back in %.0f-%.0f ns (median %.0f; on our EPYC VMs ~30 ns: one"
                    + " core's two hardware threads, ~70: one core complex, ~320: two; `CorePlacement`).",
                    trips[0], trips[trips.length - 1], trips[trips.length / 2]));
        }
        if (machine != null && "true".equals(machine.text("quick"))) {
            sb.append(" **--quick smoke run: short warm-ups, not for comparison.**");
        }
        sb.append("\n\n| workload | netc | PyTorch | netc/PyTorch |\n|---|---|---|---|\n");
        for (Line line : LINES) {
            sb.append(line(rows, line, peak));
        }
        sb.append(scaling(rows));
        sb.append(epochs(rows));
        sb.append(String.format(Locale.ROOT, "%nGFLOP/s: training 3 x, inference 1 x the forward multiply-adds x 2 "
                + "per sample (convolutions per output pixel); %% of the FMA peak of the threads used (PyTorch "
                + "training: 2). Raw rows: `%s`. Command: `benchmarks/run-table.sh`.%n", rawName));
        sb.append(kernels(rows, peak.get(1)));
        return sb.toString();
    }

    private static String line(List<Row> rows, Line line, Map<Integer, Double> peak) {
        Map<Integer, Double> netc = byRound(rows, r -> r.side().equals("netc") && matches(r, line, line.netcThreads()));
        Map<Integer, Double> torch = byRound(rows, r -> r.side().equals("torch")
                && matches(r, line, line.torchThreads()));
        if (netc.isEmpty() && torch.isEmpty()) {
            return "";
        }
        double flop = rows.stream().filter(r -> matches(r, line, -1) && r.fwdFlop() > 0).mapToDouble(Row::fwdFlop)
                .findFirst().orElse(0);
        String n = cell(median(netc.values()), line, flop, peak.get(line.netcThreads()));
        String t = cell(median(torch.values()), line, flop, peak.get(line.torchThreads()));
        return "| " + line.label() + " | " + n + " | " + t + " | " + ratio(netc, torch, line.kind()) + " |\n";
    }

    private static boolean matches(Row r, Line line, int threads) {
        return r.workload().equals(line.workload()) && r.batch() == line.batch()
                && (threads < 0 || r.threads() == threads);
    }

    private static String cell(double v, Line line, double fwdFlop, Double peak) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (line.kind() == Kind.LATENCY) {
            return v < 1e3 ? String.format(Locale.ROOT, "%.0f ns", v)
                    : v < 1e6 ? String.format(Locale.ROOT, "%.1f µs", v / 1e3)
                    : String.format(Locale.ROOT, "%.1f ms", v / 1e6);
        }
        String s = rate(v) + " samples/s";
        if (fwdFlop > 0) {
            double gf = v * fwdFlop * line.kind().flopFactor / 1e9;
            s += String.format(Locale.ROOT, " (%.0f GFLOP/s", gf);
            s += peak != null ? String.format(Locale.ROOT, ", %.0f%% of peak)", 100 * gf / peak) : ")";
        }
        return s;
    }

    /** 54.5k, 6.1k, 1,006, 83. */
    static String rate(double v) {
        return v >= 9999.5 ? String.format(Locale.ROOT, "%.1fk", v / 1e3) : String.format(Locale.ROOT, "%,.0f", v);
    }

    private static String ratio(Map<Integer, Double> netc, Map<Integer, Double> torch, Kind kind) {
        double n = median(netc.values());
        double t = median(torch.values());
        if (Double.isNaN(n) || Double.isNaN(t)) {
            return "-";
        }
        List<Double> perRound = new ArrayList<>();
        for (Map.Entry<Integer, Double> e : netc.entrySet()) {
            Double tr = torch.get(e.getKey());
            if (tr != null) {
                perRound.add(speed(e.getValue(), tr, kind));
            }
        }
        String s = String.format(Locale.ROOT, "%.2f", speed(n, t, kind));
        if (perRound.size() > 1) {
            s += String.format(Locale.ROOT, " (%.2f-%.2f)", Collections.min(perRound), Collections.max(perRound));
        }
        return s;
    }

    /** How many times faster netc is: a rate ratio, or the inverse ratio of times. */
    private static double speed(double netc, double torch, Kind kind) {
        return kind == Kind.LATENCY ? torch / netc : netc / torch;
    }

    private static String scaling(List<Row> rows) {
        String n = scale(rows, "netc", 1, 2);
        String t = scale(rows, "torch", 1, 2);
        if (n.equals("-") && t.equals("-")) {
            return "";
        }
        return "| 1 → 2 threads, MLP train batch 128 | " + n + " | " + t + " (OpenBLAS 1 → 2) | - |\n";
    }

    private static String scale(List<Row> rows, String side, int from, int to) {
        double a = median(values(rows, r -> r.side().equals(side) && r.workload().equals("train:mlp")
                && r.batch() == 128 && r.threads() == from));
        double b = median(values(rows, r -> r.side().equals(side) && r.workload().equals("train:mlp")
                && r.batch() == 128 && r.threads() == to));
        return Double.isNaN(a) || Double.isNaN(b) ? "-" : String.format(Locale.ROOT, "%.2fx", b / a);
    }

    private static String epochs(List<Row> rows) {
        double first = median(values(rows, r -> r.workload().equals("epoch:mlp") && "1".equals(r.text("epoch"))));
        double later = median(values(rows, r -> r.workload().equals("epoch:mlp") && !"1".equals(r.text("epoch"))));
        if (Double.isNaN(first) || Double.isNaN(later)) {
            return "";
        }
        return String.format(Locale.ROOT, "| MLP epoch (60k samples, `netc train` defaults): epoch 1 / later | "
                + "%.2f s / %.2f s | - | - |%n", first, later);
    }

    private static String kernels(List<Row> rows, Double peak1) {
        Map<String, List<Double>> by = new LinkedHashMap<>();
        for (Row r : rows) {
            if (r.workload().startsWith("kernel:")) {
                by.computeIfAbsent(r.workload().substring("kernel:".length()), k -> new ArrayList<>()).add(r.value());
            }
        }
        if (by.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\nnetc's GEMM kernels alone, 1 thread (JMH `Kernels`, median of the "
                + "rounds (range); "
                + "`mlp.fc1.nt` = forward of the first layer, `nn` input gradient, `tn` weight gradient):\n\n"
                + "| kernel | M x N x K | GFLOP/s | % of 1-thread peak |\n|---|---|---|---|\n");
        for (Map.Entry<String, List<Double>> e : by.entrySet()) {
            int[] s = Kernels.SHAPES.get(e.getKey());
            String shape = s == null ? "?" : s[1] + " x " + s[2] + " x " + s[3];
            double g = median(e.getValue());
            // the range over the rounds' JVMs, where there were several (see run-table.sh)
            String range = e.getValue().size() < 2 ? "" : String.format(Locale.ROOT, " (%.0f-%.0f)",
                    Collections.min(e.getValue()), Collections.max(e.getValue()));
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.0f%s | %s |%n", e.getKey(), shape, g, range,
                    peak1 == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * g / peak1)));
        }
        return sb.toString();
    }

    private static List<Double> values(List<Row> rows, Predicate<Row> p) {
        return rows.stream().filter(p).map(Row::value).toList();
    }

    /** Median per round of the rows matching {@code p} (a round with several rows gives their median). */
    private static Map<Integer, Double> byRound(List<Row> rows, Predicate<Row> p) {
        Map<Integer, List<Double>> by = new TreeMap<>();
        for (Row r : rows) {
            if (p.test(r)) {
                by.computeIfAbsent(r.round(), k -> new ArrayList<>()).add(r.value());
            }
        }
        Map<Integer, Double> m = new TreeMap<>();
        by.forEach((k, v) -> m.put(k, median(v)));
        return m;
    }

    static double median(java.util.Collection<Double> v) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(v);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /**
     * {@code readme} with the text between {@link #BEGIN} and {@link #END} replaced by {@code body}; the markers
     * stay. {@link IllegalArgumentException} if the markers are missing or out of order.
     */
    static String replaceBlock(String readme, String body) {
        int b = readme.indexOf(BEGIN);
        int e = readme.indexOf(END);
        if (b < 0 || e < b) {
            throw new IllegalArgumentException("the README has no " + BEGIN + " ... " + END + " block");
        }
        String inner = body.endsWith("\n") ? body : body + "\n";
        return readme.substring(0, b + BEGIN.length()) + "\n" + inner + readme.substring(e);
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = abs.resolveSibling(abs.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String str(Map<String, Object> m, String key) {
        Object v = m.get(key);
        return v == null ? "" : v.toString();
    }

    private static Number num(Map<String, Object> m, String key, double dflt) {
        Object v = m.get(key);
        return v instanceof Number n ? n : dflt;
    }
}
