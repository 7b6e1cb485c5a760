package netc.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One benchmark row as a JSON object on one line, in the same shape as {@code emit} in common.py. */
final class JsonLine {
    private final Map<String, Object> fields = new LinkedHashMap<>();

    JsonLine(String name, int batch, int threads, double value, String unit) {
        fields.put("name", name);
        fields.put("batch", batch);
        fields.put("threads", threads);
        fields.put("value", value);
        fields.put("unit", unit);
    }

    JsonLine put(String key, Object value) {
        fields.put(key, value);
        return this;
    }

    JsonLine putAll(Map<String, Object> more) {
        fields.putAll(more);
        return this;
    }

    /** Adds {@code loadavg_1m} and {@code when} (local time, seconds) last, as common.py does. */
    String render() {
        Map<String, Object> m = new LinkedHashMap<>(fields);
        m.put("loadavg_1m", loadavg());
        m.put("when", LocalDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        StringBuilder sb = new StringBuilder();
        value(sb, m);
        return sb.toString();
    }

    /** Appends the rendered row and a newline to {@code file} (created if missing). */
    void appendTo(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, render() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    private static Object loadavg() {
        try {
            String s = Files.readString(Path.of("/proc/loadavg"));
            return Double.parseDouble(s.trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String) {
            sb.append(quote((String) v));
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? Double.toString(d) : "null"); // "1.5E7" is valid JSON
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof Map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(quote(String.valueOf(e.getKey()))).append(": ");
                value(sb, e.getValue());
            }
            sb.append('}');
        } else if (v instanceof List) {
            sb.append('[');
            boolean first = true;
            for (Object o : (List<?>) v) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                value(sb, o);
            }
            sb.append(']');
        } else if (v instanceof double[]) {
            sb.append('[');
            double[] a = (double[]) v;
            for (int i = 0; i < a.length; i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                value(sb, a[i]);
            }
            sb.append(']');
        } else {
            sb.append(quote(v.toString()));
        }
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('"').toString();
    }
}
