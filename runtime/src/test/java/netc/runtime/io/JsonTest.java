package netc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonTest {

    private static String error(String text) {
        return assertThrows(Json.SyntaxError.class, () -> Json.parse(text)).getMessage();
    }

    @Test
    void objectsArraysStringsNumbersAndLiteralsParse() throws Json.SyntaxError {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3], \"b\": \"x\\u0041\\n\\\"\", \"c\": true, \"d\": null} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0), m.get("a"));
        assertEquals("xA\n\"", m.get("b"));
        assertEquals(Boolean.TRUE, m.get("c"));
        assertNull(m.get("d"));
        assertEquals(List.of("a", "b", "c", "d"), List.copyOf(m.keySet()));
    }

    @Test
    void quotedStringsParseBackToThemselves() throws Json.SyntaxError {
        String s = "tab\there \"quoted\" back\\slash \u0001 é";
        assertEquals(s, Json.parse(Json.quote(s)));
    }

    @Test
    void aTrailingCommaIsAnError() {
        assertEquals("expected a string key, found '}' at offset 7", error("{\"a\":1,}"));
    }

    @Test
    void aLeadingZeroIsAnError() {
        assertEquals("number with a leading zero at offset 1", error("[01]"));
    }

    @Test
    void textAfterTheValueIsAnError() {
        assertEquals("unexpected 'x' after the end of the value at offset 3", error("{} x"));
    }

    @Test
    void anUnterminatedStringIsAnError() {
        assertEquals("unterminated string at offset 1", error("[\"abc"));
    }

    @Test
    void aRawControlCharacterInAStringIsAnError() {
        assertEquals("control character 0x0a in a string at offset 3", error("[\"a\nb\"]"));
    }

    @Test
    void deepNestingIsAnErrorNotAStackOverflow() {
        assertEquals("nesting deeper than 64 levels at offset 65", error("[".repeat(100_000)));
    }

    @Test
    void anEmptyTextIsAnError() {
        assertEquals("unexpected end of text, expected a value at offset 2", error("  "));
    }
}
