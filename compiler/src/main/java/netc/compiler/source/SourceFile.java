package netc.compiler.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The text of one {@code .net} file and the name messages use for it. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final List<Integer> lineStarts = new ArrayList<>();

    public SourceFile(String name, String text) {
        this.name = name;
        this.text = text;
        lineStarts.add(0);
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                lineStarts.add(i + 1);
            }
        }
    }

    /** Reads a file as UTF-8; the name in messages is the path as given. */
    public static SourceFile read(Path path) throws IOException {
        return new SourceFile(path.toString(), Files.readString(path, StandardCharsets.UTF_8));
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /** The file name without directories, for generated headers and runtime messages. */
    public String baseName() {
        String n = name.replace('\\', '/');
        return n.substring(n.lastIndexOf('/') + 1);
    }

    /** Line {@code line} (1-based) without its line terminator, or "" past the end. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.size()) {
            return "";
        }
        int start = lineStarts.get(line - 1);
        int end = line < lineStarts.size() ? lineStarts.get(line) - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(start, Math.max(start, end));
    }

    public int lineCount() {
        return lineStarts.size();
    }
}
