package netc.compiler.internal.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The text of one {@code .net} file and the name messages use for it. */
public final class SourceFile {
    /**
     * The largest {@code .net} file read: 1 MiB. The largest sample is under 2 KB, and a 10,000-layer network written
     * out is about 600 KB; past this the input is almost surely not a model (/dev/zero, a data file named by mistake),
     * and reading on would only end in an out-of-memory error that names no file.
     */
    public static final int MAX_BYTES = 1 << 20;

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

    /**
     * Reads a file as UTF-8; the name in messages is the path as given. Reads at most {@link #MAX_BYTES} (plus one, to
     * tell), so an endless or huge input fails fast.
     *
     * @throws UserError if the file is larger than {@link #MAX_BYTES}, or is not valid UTF-8 (at the first bad byte's
     *                   line and column)
     */
    public static SourceFile read(Path path) throws IOException {
        String name = path.toString();
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new UserError(name, "the file is larger than " + (MAX_BYTES >> 20) + " MiB, the limit for a .net"
                    + " file; is it a model file?");
        }
        return decode(name, bytes);
    }

    /**
     * Decodes UTF-8 strictly, after a leading byte order mark, which Windows editors write and which is not part of
     * the text (positions count from after it). At the first malformed byte, reports its line and column (characters
     * before it on its line, plus one) with the line shown, the bad bytes replaced by U+FFFD; an editor saving
     * Latin-1 is the usual cause.
     */
    static SourceFile decode(String name, byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = hasByteOrderMark(bytes) ? UTF8_BYTE_ORDER_MARK.length : 0;
        ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult r = decoder.decode(in, out, true);
        if (!r.isError()) {
            decoder.flush(out);
            return new SourceFile(name, out.flip().toString());
        }
        int bad = in.position();
        String before = out.flip().toString();
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < before.length(); i++) {
            if (before.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        int column = before.length() - lineStart + 1;
        String shown = new String(bytes, start, bytes.length - start, StandardCharsets.UTF_8);
        Diagnostics d = new Diagnostics(new SourceFile(name, shown));
        d.error(Span.at(name, line, column), String.format("invalid UTF-8 byte 0x%02X; a .net file must be UTF-8"
                + " text", bytes[bad] & 0xFF));
        throw new UserError(d);
    }

    private static final byte[] UTF8_BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private static boolean hasByteOrderMark(byte[] bytes) {
        return bytes.length >= UTF8_BYTE_ORDER_MARK.length && bytes[0] == UTF8_BYTE_ORDER_MARK[0]
                && bytes[1] == UTF8_BYTE_ORDER_MARK[1] && bytes[2] == UTF8_BYTE_ORDER_MARK[2];
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    /**
     * The file name without directories, for generated headers and runtime messages. Directories are split as this
     * platform's paths split them: on Linux a backslash is part of a file's name, not a separator.
     */
    public String baseName() {
        try {
            Path file = Path.of(name).getFileName();
            if (file != null) {
                return file.toString();
            }
        } catch (InvalidPathException notAPath) {
            // a name that is not a path here (given by the API): its last segment after '/'
        }
        return name.substring(name.lastIndexOf('/') + 1);
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
