package netc.runtime.data;

import java.io.BufferedReader;
import java.io.FilterReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import netc.runtime.InputException;

/**
 * Reads samples from a comma-separated file, one sample per line: the target column(s) and the features.
 *
 * <p>By default the label is the first column and the rest are features. The first non-blank row is a header, and
 * skipped, when none of its fields is a number ({@link Header#AUTO}); a first row of numbers and text is an error at
 * {@code file:line:col}, since it is as likely a data row with a typo as a header, and guessing "header" dropped a
 * sample silently. {@link #header(Header)} makes the choice explicit; {@link Parsed#header()} says what was skipped.
 * A UTF-8 byte order mark at the start is ignored. Blank lines are ignored; cells may be surrounded by spaces, and
 * may be in double quotes (a quoted cell may hold commas; {@code ""} in it is one quote; a quote left open is an
 * error at its column, not the rest of the line taken as one cell); the file may be
 * gzip-compressed. Numbers are plain decimals ({@code -1.5}, {@code 2e-3}); {@code NaN}, {@code Infinity}
 * and values beyond the float range are rejected. Every problem is one {@link InputException} in the form
 * {@code file:line: error: ...}, or {@code file:line:col: error: ...} for a bad cell (col: where the cell starts).
 *
 * <p>Instances are immutable; the option methods return modified copies:
 * {@code CsvReader.classes(10).labelColumn(0).read(path)}.
 */
public final class CsvReader {
    /**
     * The longest line read, in characters: 16 Mi. A 100,000-feature row of 20-character numbers is 2 Mi; a longer
     * "line" is a file that is not CSV (/dev/zero, a binary file), and reading on would end in an out-of-memory error
     * that names no file.
     */
    public static final int MAX_LINE_CHARS = 1 << 24;


    /** Whether the first non-blank row is a header. */
    public enum Header {
        /** It is: skip it, whatever it holds. */
        YES,
        /** It is not: read it as data. */
        NO,
        /** It is iff none of its fields is a number; a mix of numbers and text is an error. */
        AUTO
    }

    /** A read file: its samples, and the names of the header row that was skipped (empty if there was none). */
    public record Parsed(Dataset dataset, List<String> header) {
        /** Copies the header. */
        public Parsed {
            header = List.copyOf(header);
        }

        /** {@return whether the file began with a header row} */
        public boolean hasHeader() {
            return !header.isEmpty();
        }
    }

    private static final char BYTE_ORDER_MARK = '\uFEFF';

    private final int classes;
    private final int targetColumns;
    private final int labelColumn;
    private final Header header;
    /** For {@link #inputs}: the features a row holds; 0 for a reader of training data. */
    private final int inputSize;

    private CsvReader(int classes, int targetColumns, int labelColumn, Header header, int inputSize) {
        this.classes = classes;
        this.targetColumns = targetColumns;
        this.labelColumn = labelColumn;
        this.header = header;
        this.inputSize = inputSize;
    }

    /** A reader for one class label per line, an integer in {@code [0, classes)}. */
    public static CsvReader classes(int classes) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        return new CsvReader(classes, 1, 0, Header.AUTO, 0);
    }

    /** A reader for {@code targetColumns} real-valued targets per line, in consecutive columns. */
    public static CsvReader values(int targetColumns) {
        if (targetColumns < 1) {
            throw new IllegalArgumentException("targetColumns must be >= 1, got " + targetColumns);
        }
        return new CsvReader(0, targetColumns, 0, Header.AUTO, 0);
    }

    /**
     * A reader for samples to predict, whose targets are unknown or unused: rows of {@code inputSize} features
     * alone, or rows laid out as training data, {@code targetColumns} targets (from {@link #labelColumn}) and the
     * features, whose targets are skipped unread (a label {@code ?}, or one out of range, is fine). The first data
     * row's length says which. The dataset holds the features and a target value of 0 per row.
     */
    public static CsvReader inputs(int inputSize, int targetColumns) {
        if (inputSize < 1 || targetColumns < 1) {
            throw new IllegalArgumentException("inputSize and targetColumns must be >= 1, got " + inputSize + " and "
                    + targetColumns);
        }
        return new CsvReader(0, targetColumns, 0, Header.AUTO, inputSize);
    }

    /** The 0-based index of the (first) target column; the default is 0. */
    public CsvReader labelColumn(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("labelColumn must be >= 0, got " + index);
        }
        return new CsvReader(classes, targetColumns, index, header, inputSize);
    }

    /** Whether the first row is a header; the default is {@link Header#AUTO}. */
    public CsvReader header(Header choice) {
        return new CsvReader(classes, targetColumns, labelColumn, java.util.Objects.requireNonNull(choice),
                inputSize);
    }

    /** Reads {@code file} (plain or gzip) into a dataset named after it. */
    public Dataset read(Path file) {
        return parse(file).dataset();
    }

    /** Reads a stream (plain or gzip), naming it {@code source} in messages. */
    public Dataset read(InputStream in, String source) {
        return parse(in, source).dataset();
    }

    /** As {@link #read(InputStream, String)}, holding at most {@code budget} values per list (see valueBudget). */
    Dataset read(InputStream in, String source, long budget) {
        return parse(in, source, budget).dataset();
    }

    /** As {@link #read(Path)}, also telling whether a header row was skipped. */
    public Parsed parse(Path file) {
        try (InputStream in = Inputs.open(file)) {
            return parse(in, file.toString());
        } catch (IOException e) {
            throw Inputs.failure(file.toString(), e);
        }
    }

    /** As {@link #read(InputStream, String)}, also telling whether a header row was skipped. */
    public Parsed parse(InputStream in, String source) {
        return parse(in, source, valueBudget());
    }

    private Parsed parse(InputStream in, String source, long budget) {
        try {
            LineLimit lines = new LineLimit(new InputStreamReader(Inputs.decompressIfGzip(in, source),
                    StandardCharsets.UTF_8), source);
            return parse(new BufferedReader(lines, 1 << 16), source, lines, budget);
        } catch (IOException e) {
            throw Inputs.failure(source, e);
        }
    }

    private Parsed parse(BufferedReader reader, String source, LineLimit lines, long budget) throws IOException {
        List<String> headerNames = List.of();
        FloatList xs = new FloatList(lines, budget);
        FloatList ys = new FloatList(lines, budget);
        int columns = -1;
        int firstLine = 0;
        int lineNumber = 0;
        // the target columns of a row: read as targets, or skipped (a reader of inputs); none in a row of features
        int targetsFrom = labelColumn;
        int targetsTo = labelColumn + targetColumns;
        boolean skipTargets = inputSize > 0;
        String[] cells = new String[16];
        for (String line; (line = reader.readLine()) != null; ) {
            lineNumber++;
            lines.parsing = lineNumber;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == BYTE_ORDER_MARK) {
                line = line.substring(1);
            }
            if (line.isBlank()) {
                continue;
            }
            String where = source + ":" + lineNumber;
            int count = split(line, cells, where);
            if (count > cells.length) {
                cells = new String[count];
                split(line, cells, where);
            }
            if (columns < 0) {
                columns = count;
                firstLine = lineNumber;
                if (skipTargets) {
                    if (count == inputSize) {
                        targetsTo = targetsFrom;
                    } else if (count != inputSize + targetColumns) {
                        throw new InputException(where, "expected " + inputSize + " columns (the features) or "
                                + (inputSize + targetColumns) + " (" + (targetColumns == 1 ? "the target column"
                                : targetColumns + " target columns") + ", then the features), found " + count);
                    }
                } else {
                    checkLayout(where, columns);
                }
                if (isHeader(line, cells, count, where, skipTargets ? targetsFrom : 0, skipTargets ? targetsTo : 0)) {
                    headerNames = Arrays.asList(Arrays.copyOf(cells, count));
                    continue;
                }
            } else if (count != columns) {
                throw new InputException(where, "expected " + columns + " columns as on line " + firstLine
                        + ", found " + count);
            }
            if (skipTargets) {
                ys.add(0f);
            }
            for (int c = 0; c < count; c++) {
                boolean target = c >= targetsFrom && c < targetsTo;
                if (target && skipTargets) {
                    continue;
                }
                if (target && classes > 0) {
                    ys.add(label(line, where, c, cells[c]));
                } else {
                    float v = number(line, where, c, cells[c]);
                    (target ? ys : xs).add(v);
                }
            }
        }
        if (columns < 0) {
            throw new InputException(source, "the file is empty");
        }
        if (ys.size == 0) {
            throw new InputException(source, "no data rows after the header line");
        }
        float[] x = xs.toArray();
        float[] y = ys.toArray();
        if (skipTargets) {
            return new Parsed(Dataset.ofValues(source, x, y, inputSize, 1), headerNames);
        }
        int features = columns - targetColumns;
        return new Parsed(classes > 0 ? Dataset.ofClasses(source, x, y, features, classes)
                : Dataset.ofValues(source, x, y, features, targetColumns), headerNames);
    }

    /**
     * Whether the first row, split into {@code cells}, is a header under this reader's {@link Header} choice. In
     * {@code AUTO}, a row with both numbers and text is an error pointing at its first text field; the fields
     * {@code [ignoredFrom, ignoredTo)} (targets a reader of inputs skips) count for neither.
     */
    private boolean isHeader(String line, String[] cells, int count, String where, int ignoredFrom, int ignoredTo) {
        if (header != Header.AUTO) {
            return header == Header.YES;
        }
        int firstText = -1;
        int firstNumber = -1;
        for (int c = 0; c < count; c++) {
            if (c >= ignoredFrom && c < ignoredTo) {
                continue; // skipped target cells: a label "?" does not make a header
            }
            if (isNumber(cells[c])) {
                firstNumber = firstNumber < 0 ? c : firstNumber;
            } else {
                firstText = firstText < 0 ? c : firstText;
            }
        }
        if (firstText < 0) {
            return false;
        }
        if (firstNumber < 0) {
            return true;
        }
        throw new InputException(where + ":" + column(line, firstText), "the first row is neither a header nor "
                + "data: field " + (firstText + 1) + " \"" + shown(cells[firstText]) + "\" is not a number but "
                + "field " + (firstNumber + 1) + " \"" + shown(cells[firstNumber]) + "\" is; a header has only names, "
                + "a data row only numbers (--csv-header yes|no says which this is)");
    }

    /** {@code file:line:col} of field {@code field} (0-based) of {@code line}; computed only for a message. */
    private static String at(String lineWhere, String line, int field) {
        return lineWhere + ":" + column(line, field);
    }

    /** The 1-based character column where field {@code field} (0-based) of {@code line} starts, past its spaces. */
    private static int column(String line, int field) {
        if (line.indexOf('"') >= 0) {
            int[] starts = new int[field + 1];
            splitQuoted(line, new String[0], starts);
            return starts[field] + 1;
        }
        int start = 0;
        for (int f = 0; f < field; f++) {
            start = line.indexOf(',', start) + 1;
        }
        while (start < line.length() && Character.isWhitespace(line.charAt(start)) && line.charAt(start) != ',') {
            start++;
        }
        return start + 1;
    }

    private void checkLayout(String where, int columns) {
        if (labelColumn + targetColumns > columns) {
            String targets = targetColumns == 1 ? "the label column (index " + labelColumn + ")"
                    : "target columns " + labelColumn + " to " + (labelColumn + targetColumns - 1) + " (0-based)";
            throw new InputException(where, targets + " does not exist: the line has " + columns
                    + (columns == 1 ? " column" : " columns"));
        }
        if (columns == targetColumns) {
            throw new InputException(where, "no feature columns: the line has only " + columns
                    + (columns == 1 ? " column, the label" : " columns, all targets"));
        }
    }

    /** {@code lineWhere} is {@code file:line}; a bad cell's message adds its column (see {@link #column}). */
    private float label(String line, String lineWhere, int column, String cell) {
        if (!isNumber(cell)) {
            throw new InputException(at(lineWhere, line, column), "label \"" + shown(cell)
                    + "\" is not a non-negative integer");
        }
        double v = Double.parseDouble(cell);
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new InputException(at(lineWhere, line, column), "label \"" + shown(cell)
                    + "\" is not a non-negative integer");
        }
        if (v >= classes) {
            throw new InputException(at(lineWhere, line, column), "label " + cell + " is out of range: expected 0 to "
                    + (classes - 1) + " for " + classes + " classes");
        }
        return (float) v;
    }

    private static float number(String line, String lineWhere, int column, String cell) {
        if (!isNumber(cell)) {
            throw new InputException(at(lineWhere, line, column), "column " + (column + 1) + " is not a number: \""
                    + shown(cell) + "\"");
        }
        float v = Float.parseFloat(cell);
        if (Float.isInfinite(v)) {
            throw new InputException(at(lineWhere, line, column), "column " + (column + 1)
                    + " is beyond the float range: \"" + shown(cell) + "\"");
        }
        return v;
    }

    /** The longest part of a cell that a message quotes. */
    static final int SHOWN_CELL = 40;

    /**
     * A cell as a message quotes it: control characters as {@code \\uXXXX} (a terminal would act on an escape
     * sequence), and at most {@link #SHOWN_CELL} characters of it (a binary file read as CSV has lines of noise).
     */
    public static String shown(String cell) {
        StringBuilder sb = new StringBuilder();
        int limit = Math.min(cell.length(), SHOWN_CELL);
        for (int i = 0; i < limit; i++) {
            char c = cell.charAt(i);
            if (Character.isISOControl(c)) {
                sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return cell.length() > SHOWN_CELL ? sb.append("...").toString() : sb.toString();
    }

    /**
     * Splits at commas, trimming each cell; fills {@code cells} as far as it fits and returns the cell count.
     *
     * @throws InputException {@code where:col}, for a double quote that opens a cell and is never closed
     */
    private static int split(String line, String[] cells, String where) {
        if (line.indexOf('"') >= 0) {
            int count = splitQuoted(line, cells, null);
            if (count < 0) {
                // the rest of the line became one cell: counting it would report a wrong column count instead
                throw new InputException(where + ":" + (-count), "unclosed double quote: the quoted cell that "
                        + "starts here runs to the end of the line (a quote inside a quoted cell is written \"\", "
                        + "and a cell cannot span lines)");
            }
            return count;
        }
        int count = 0;
        int start = 0;
        while (true) {
            int comma = line.indexOf(',', start);
            int end = comma < 0 ? line.length() : comma;
            if (count < cells.length) {
                cells[count] = line.substring(start, end).strip();
            }
            count++;
            if (comma < 0) {
                return count;
            }
            start = comma + 1;
        }
    }

    /**
     * {@link #split} for a line with double quotes, as spreadsheets and R's {@code write.csv} write them: a cell
     * that starts (after spaces) with {@code "} runs to the closing {@code "}, commas included, and {@code ""} inside
     * it is one {@code "}; the cell is what is between the quotes. {@code starts}, if given, receives each cell's
     * first character's index (its quote's, if quoted).
     *
     * @return the cell count; or, for a quote that opens a cell and is never closed, minus the 1-based column of
     *     that quote
     */
    private static int splitQuoted(String line, String[] cells, int[] starts) {
        int count = 0;
        int i = 0;
        int n = line.length();
        while (true) {
            int start = i;
            while (i < n && line.charAt(i) != ',' && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            String cell;
            int cellStart = i;
            if (i < n && line.charAt(i) == '"') {
                StringBuilder sb = new StringBuilder();
                boolean closed = false;
                i++;
                while (i < n) {
                    char c = line.charAt(i);
                    if (c == '"') {
                        if (i + 1 < n && line.charAt(i + 1) == '"') {
                            sb.append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        closed = true;
                        break;
                    }
                    sb.append(c);
                    i++;
                }
                if (closed) {
                    // anything after the closing quote up to the comma stays part of the cell, to be reported
                    int comma = line.indexOf(',', i);
                    int end = comma < 0 ? n : comma;
                    cell = sb + line.substring(i, end).strip();
                    i = end;
                } else {
                    return -(cellStart + 1);
                }
            } else {
                int comma = line.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                cell = line.substring(start, end).strip();
                i = end;
            }
            if (count < cells.length) {
                cells[count] = cell;
            }
            if (starts != null && count < starts.length) {
                starts[count] = cellStart;
            }
            count++;
            if (i >= n) {
                return count;
            }
            i++; // the comma
        }
    }

    /**
     * Whether {@code s} is a plain decimal number: {@code [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?}.
     * Stricter than {@link Float#parseFloat}, which also takes {@code NaN}, {@code Infinity}, hex and a {@code f}
     * suffix.
     */
    static boolean isNumber(String s) {
        int i = 0;
        int n = s.length();
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exponent = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exponent++;
            }
            if (exponent == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /**
     * The most values (features or targets) one list may hold: as many floats as fit in an eighth of the JVM's
     * maximum heap, so that growing the list (old and new array at once) and the copies the data set makes still fit.
     * Past it the file is too large for this JVM, which the message says, naming the file and line, long before an
     * out-of-memory error would.
     */
    static long valueBudget() {
        return Runtime.getRuntime().maxMemory() / 8 / Float.BYTES;
    }

    /**
     * The characters under the line reader, counted: fails with {@code file:line} when a line grows past
     * {@link #MAX_LINE_CHARS}, and knows the line being read for other messages. Lines end at {@code \n}.
     */
    private static final class LineLimit extends FilterReader {
        final String source;
        /** The line the characters read so far end on (the buffer reads ahead of the parser). */
        long line = 1;
        /** The line the parser is on, for messages about its values. */
        long parsing;
        int run;

        LineLimit(Reader in, String source) {
            super(in);
            this.source = source;
        }

        @Override
        public int read(char[] buf, int off, int len) throws IOException {
            int n = in.read(buf, off, len);
            for (int i = off; i < off + n; i++) {
                if (buf[i] == '\n') {
                    line++;
                    run = 0;
                } else if (++run > MAX_LINE_CHARS) {
                    throw new InputException(source + ":" + line, "line is longer than " + MAX_LINE_CHARS + " characters;"
                            + " is this a CSV file?");
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            char[] one = new char[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        /** {@code file:line} of the line being parsed. */
        String where() {
            return source + ":" + parsing;
        }
    }

    /** A growable float array: a 60000 x 785 CSV must not become 47 million boxed Floats. */
    private static final class FloatList {
        final LineLimit lines;
        final long budget;
        float[] data = new float[1024];
        int size;

        FloatList(LineLimit lines, long budget) {
            this.lines = lines;
            this.budget = Math.min(budget, Integer.MAX_VALUE - 8);
        }

        void add(float v) {
            if (size == data.length) {
                if (size >= budget) {
                    throw new InputException(lines.where(), "too large for memory: more than " + size + " values"
                            + " (the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); give it more"
                            + " with -Xmx (for netc: NETC_JAVA_OPTS=-Xmx8g)");
                }
                data = Arrays.copyOf(data, (int) Math.min(budget, 2L * data.length));
            }
            data[size++] = v;
        }

        float[] toArray() {
            return Arrays.copyOf(data, size);
        }
    }
}
