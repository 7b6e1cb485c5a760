package netc.runtime.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import netc.runtime.InputException;

class CsvReaderTest {

    @TempDir
    Path dir;

    private Path csv(String text) throws IOException {
        return Files.writeString(dir.resolve("data.csv"), text);
    }

    private void assertMessage(String expected, CsvReader reader, Path file) {
        InputException e = assertThrows(InputException.class, () -> reader.read(file));
        assertEquals(expected, e.getMessage());
    }

    @Test
    void labelFirstThenFeaturesWithoutAHeader() throws IOException {
        Dataset d = CsvReader.classes(3).read(csv("2,0.5,1\n0,-1,2e-1\n"));
        assertEquals(2, d.n());
        assertEquals(2, d.inputSize());
        assertEquals(3, d.classes());
        assertArrayEquals(new float[] {2, 0}, d.y());
        assertArrayEquals(new float[] {0.5f, 1f, -1f, 0.2f}, d.x());
    }

    @Test
    void aReaderOfInputsTakesRowsOfFeaturesAloneOrSkipsTheirTargetsUnread() throws IOException {
        float[] features = {0.5f, 1f, -1f, 0.2f};
        CsvReader inputs = CsvReader.inputs(2, 1);
        assertArrayEquals(features, inputs.read(csv("0.5,1\n-1,2e-1\n")).x());
        // a label that is unknown, not a number, or out of any range; the header names the label column
        CsvReader.Parsed parsed = inputs.parse(csv("label,a,b\n?,0.5,1\n-7,-1,2e-1\n"));
        assertArrayEquals(features, parsed.dataset().x());
        assertEquals(List.of("label", "a", "b"), parsed.header());
        assertArrayEquals(new float[] {0, 0}, parsed.dataset().y());
        assertArrayEquals(features, CsvReader.inputs(2, 2).labelColumn(1).read(csv("0.5,x,y,1\n-1,,,0.2\n")).x());
        assertMessage(dir.resolve("data.csv") + ":1: error: expected 2 columns (the features) or 3 (the target column,"
                + " then the features), found 4", inputs, csv("1,2,3,4\n"));
        assertMessage(dir.resolve("data.csv") + ":2:3: error: column 2 is not a number: \"a\"", inputs,
                csv("?,1,2\n?,a,b\n"));
    }

    @Test
    void quotedCellsAreReadAsTheirContents() throws IOException {
        // as R's write.csv and spreadsheets write them: quoted names (one with a comma), quoted labels and numbers
        CsvReader.Parsed p = CsvReader.classes(3).parse(csv("\"label\",\"x, cm\",\"say \"\"y\"\"\"\n"
                + "\"2\",0.5, \"1\" \n0,\"-1\",2e-1\n"));
        assertEquals(List.of("label", "x, cm", "say \"y\""), p.header());
        assertArrayEquals(new float[] {2, 0}, p.dataset().y());
        assertArrayEquals(new float[] {0.5f, 1f, -1f, 0.2f}, p.dataset().x());
        assertMessage(dir.resolve("data.csv") + ":1:6: error: column 3 is not a number: \"a,b\"",
                CsvReader.classes(3).header(CsvReader.Header.NO), csv("1,2, \"a,b\"\n"));
    }

    @Test
    void aQuoteNeverClosedIsReportedAtItsColumnNotAsAColumnCount() throws IOException {
        String unclosed = ": error: unclosed double quote: the quoted cell that starts here runs to the end of the "
                + "line (a quote inside a quoted cell is written \"\", and a cell cannot span lines)";
        // the rest of the line would be one cell: 2 columns where line 1 has 3
        assertMessage(dir.resolve("data.csv") + ":2:3" + unclosed, CsvReader.classes(3),
                csv("1,2,3\n1,\"0.5, 1\n"));
        // and where the count happens to match, it is still the quote that is reported, not a bad number
        assertMessage(dir.resolve("data.csv") + ":2:3" + unclosed, CsvReader.classes(3), csv("1,2\n1,\"0.5, 1\n"));
        // in a header row too, after a closed quoted cell, and with "" inside the open one
        assertMessage(dir.resolve("data.csv") + ":1:13" + unclosed, CsvReader.classes(3),
                csv("\"label\", a, \"say \"\"b\n1,2,3\n"));
    }

    @Test
    void aNonNumericFirstLineIsSkippedAsAHeader() throws IOException {
        Dataset d = CsvReader.classes(10).read(csv("label,pixel1,pixel2\r\n7,1,2\r\n\r\n3, 4 ,5\r\n"));
        assertArrayEquals(new float[] {7, 3}, d.y());
        assertArrayEquals(new float[] {1, 2, 4, 5}, d.x());
    }

    @Test
    void theLabelCanBeInAnyColumn() throws IOException {
        Dataset d = CsvReader.classes(5).labelColumn(2).read(csv("0.1,0.2,4,0.3\n"));
        assertArrayEquals(new float[] {4}, d.y());
        assertArrayEquals(new float[] {0.1f, 0.2f, 0.3f}, d.x());
    }

    @Test
    void realTargetsTakeKConsecutiveColumns() throws IOException {
        Dataset d = CsvReader.values(2).labelColumn(1).read(csv("x1,y1,y2,x2\n1,10,20,2\n3,30,40,4\n"));
        assertEquals(0, d.classes());
        assertEquals(2, d.targetValues());
        assertEquals(2, d.inputSize());
        assertArrayEquals(new float[] {10, 20, 30, 40}, d.y());
        assertArrayEquals(new float[] {1, 2, 3, 4}, d.x());
    }

    @Test
    void gzipCompressedCsvIsReadTransparently() throws IOException {
        Path file = IdxFiles.write(dir.resolve("data.csv.gz"),
                IdxFiles.gzip("1,2,3\n".getBytes(StandardCharsets.UTF_8)));
        assertArrayEquals(new float[] {2, 3}, CsvReader.classes(2).read(file).x());
    }

    @Test
    void aWrongColumnCountNamesTheLineAndTheFirstLine() throws IOException {
        Path file = csv("label,a,b\n1,2,3\n1,2\n");
        assertMessage(file + ":3: error: expected 3 columns as on line 1, found 2", CsvReader.classes(2), file);
    }

    @Test
    void aNonNumberIsQuoted() throws IOException {
        Path file = csv("1,2,3\n0,4,abc\n");
        assertMessage(file + ":2:5: error: column 3 is not a number: \"abc\"", CsvReader.classes(2), file);
    }

    @Test
    void aQuotedCellShowsControlCharactersEscapedAndAtMostFortyCharacters() throws IOException {
        Path file = csv("1,2,3\n0,4,\u001b[31mX\u0007\n");
        assertMessage(file + ":2:5: error: column 3 is not a number: \"\\u001b[31mX\\u0007\"", CsvReader.classes(2),
                file);
        Path noise = csv("1,2,3\n0,4," + "z".repeat(500) + "\n");
        assertMessage(noise + ":2:5: error: column 3 is not a number: \"" + "z".repeat(40) + "...\"",
                CsvReader.classes(2), noise);
    }

    @Test
    void nanAndInfinityAreNotNumbersHere() throws IOException {
        // The column is where the cell starts, past its spaces: "0," then a space, so 4.
        Path file = csv("1,2,3\n0, NaN,1\n");
        assertMessage(file + ":2:4: error: column 2 is not a number: \"NaN\"", CsvReader.classes(2), file);
    }

    @Test
    void aValueBeyondTheFloatRangeIsRejected() throws IOException {
        Path file = csv("1,2,1e39\n");
        assertMessage(file + ":1:5: error: column 3 is beyond the float range: \"1e39\"", CsvReader.classes(2), file);
    }

    @Test
    void aFractionalLabelIsNotAClass() throws IOException {
        Path file = csv("1,2\n2.5,3\n");
        assertMessage(file + ":2:1: error: label \"2.5\" is not a non-negative integer", CsvReader.classes(3), file);
    }

    @Test
    void aNegativeLabelIsNotAClass() throws IOException {
        Path file = csv("-1,2\n");
        assertMessage(file + ":1:1: error: label \"-1\" is not a non-negative integer", CsvReader.classes(3), file);
    }

    @Test
    void aLabelAtOrAboveTheClassCountIsOutOfRange() throws IOException {
        Path file = csv("0,1\n1,1\n\n3,1\n");
        assertMessage(file + ":4:1: error: label 3 is out of range: expected 0 to 2 for 3 classes",
                CsvReader.classes(3), file);
    }

    @Test
    void anEmptyFileIsRejected() throws IOException {
        Path file = csv("\n  \n");
        assertMessage(file + ": error: the file is empty", CsvReader.classes(3), file);
    }

    @Test
    void aHeaderWithoutRowsIsRejected() throws IOException {
        Path file = csv("label,x\n");
        assertMessage(file + ": error: no data rows after the header line", CsvReader.classes(3), file);
    }

    @Test
    void aLabelColumnBeyondTheLineIsRejected() throws IOException {
        Path file = csv("1,2,3\n");
        assertMessage(file + ":1: error: the label column (index 5) does not exist: the line has 3 columns",
                CsvReader.classes(3).labelColumn(5), file);
    }

    @Test
    void aLineWithOnlyTheLabelHasNoFeatures() throws IOException {
        Path file = csv("1\n2\n");
        assertMessage(file + ":1: error: no feature columns: the line has only 1 column, the label",
                CsvReader.classes(3), file);
    }

    @Test
    void plainDecimalsAreNumbersAndOtherJavaFloatSyntaxIsNot() {
        for (String ok : new String[] {"0", "-1", "+2.5", ".5", "5.", "1e3", "1E-3", "-0.25e+2"}) {
            assertEquals(true, CsvReader.isNumber(ok), ok);
        }
        for (String bad : new String[] {"", "-", ".", "1e", "e3", "NaN", "Infinity", "0x1p3", "1f", "1d", "1,5",
            "1 2"}) {
            assertEquals(false, CsvReader.isNumber(bad), bad);
        }
    }

    @Test
    void theHeaderRowIsReported() throws IOException {
        CsvReader.Parsed p = CsvReader.classes(10).parse(csv("label, pixel1 ,pixel2\n7,1,2\n"));
        assertEquals(List.of("label", "pixel1", "pixel2"), p.header());
        assertEquals(1, p.dataset().n());
    }

    @Test
    void anAllNumericFirstRowIsDataAndNoHeaderIsReported() throws IOException {
        CsvReader.Parsed p = CsvReader.classes(3).parse(csv("2,0.5,1\n0,-1,2e-1\n"));
        assertEquals(List.of(), p.header());
        assertEquals(2, p.dataset().n());
    }

    /** Excel and Notepad start UTF-8 files with U+FEFF; it made the first data row look like text, and vanish. */
    @Test
    void aByteOrderMarkDoesNotTurnTheFirstRowIntoAHeader() throws IOException {
        Path file = Files.write(dir.resolve("bom.csv"), "\uFEFF1,0.5\n0,2\n".getBytes(StandardCharsets.UTF_8));
        Dataset d = CsvReader.classes(2).read(file);
        assertArrayEquals(new float[] {1, 0}, d.y());
        assertArrayEquals(new float[] {0.5f, 2}, d.x());
    }

    @Test
    void aByteOrderMarkIsNotPartOfTheFirstHeaderName() throws IOException {
        Path file = Files.write(dir.resolve("bom.csv"), "\uFEFFlabel,x\n1,2\n".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("label", "x"), CsvReader.classes(2).parse(file).header());
    }

    /** A typo in the first data row used to make it a "header", silently dropping a sample. */
    @Test
    void aFirstRowOfNumbersAndTextIsAnErrorAtTheFirstText() throws IOException {
        Path file = csv("1, 0.5x,3\n0,2,4\n");
        assertMessage(file + ":1:4: error: the first row is neither a header nor data: field 2 \"0.5x\" is not a "
                + "number but field 1 \"1\" is; a header has only names, a data row only numbers "
                + "(--csv-header yes|no says which this is)", CsvReader.classes(2), file);
    }

    @Test
    void aFirstRowOfNumbersAndTextAfterBlankLinesNamesItsLine() throws IOException {
        Path file = csv("\n\nlabel,2\n0,2\n");
        assertMessage(file + ":3:1: error: the first row is neither a header nor data: field 1 \"label\" is not a "
                + "number but field 2 \"2\" is; a header has only names, a data row only numbers "
                + "(--csv-header yes|no says which this is)", CsvReader.classes(2), file);
    }

    @Test
    void headerYesSkipsTheFirstRowWhateverItHolds() throws IOException {
        CsvReader.Parsed p = CsvReader.classes(2).header(CsvReader.Header.YES).parse(csv("label,2\n1,3\n0,4\n"));
        assertEquals(List.of("label", "2"), p.header());
        assertArrayEquals(new float[] {1, 0}, p.dataset().y());
    }

    @Test
    void headerNoReadsTheFirstRowAsData() throws IOException {
        Path file = csv("label,x\n1,2\n");
        assertMessage(file + ":1:1: error: label \"label\" is not a non-negative integer",
                CsvReader.classes(2).header(CsvReader.Header.NO), file);
    }

    @Test
    void aLineLongerThanTheLimitFailsNamingTheFileAndLine() throws IOException {
        // A second "line" of 16 Mi + 1 characters without a newline: rejected as soon as it passes the limit.
        Path file = csv("0,1,2\n1," + "9".repeat(CsvReader.MAX_LINE_CHARS) + "\n");
        assertMessage(file + ":2: error: line is longer than 16777216 characters; is this a CSV file?",
                CsvReader.classes(2), file);
    }

    @Test
    void moreValuesThanTheMemoryBudgetFailNamingTheFileAndLine() {
        StringBuilder rows = new StringBuilder();
        for (int r = 0; r < 1500; r++) {
            rows.append(r % 2).append(",1,2\n");
        }
        java.io.InputStream in = new java.io.ByteArrayInputStream(rows.toString().getBytes(StandardCharsets.UTF_8));
        InputException e = assertThrows(InputException.class, () -> CsvReader.classes(2).read(in, "big.csv", 2000));
        // 2 features a row: the feature list is full at 1,024 values after row 512, and may not double past 2,000.
        assertEquals("big.csv:1001: error: too large for memory: more than 2000 values (the JVM may use "
                + (Runtime.getRuntime().maxMemory() >> 20) + " MiB); give it more with -Xmx (for netc:"
                + " NETC_JAVA_OPTS=-Xmx8g)", e.getMessage());
    }
}
