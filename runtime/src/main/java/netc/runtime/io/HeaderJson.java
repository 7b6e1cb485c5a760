package netc.runtime.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import netc.runtime.InputException;

/**
 * The JSON header that starts a safetensors file ({@link Safetensors}) and netc's checksummed variant of it
 * ({@link TensorFile}): strict UTF-8, one JSON object, and its {@code __metadata__} entry of strings. Both readers
 * refuse a bad header with the same messages.
 */
final class HeaderJson {

    /** The header's key for free-form string metadata, as the safetensors format names it. */
    static final String METADATA = "__metadata__";

    private HeaderJson() {
    }

    /** The header in {@code utf8} (its remaining bytes) as a JSON object, or an {@link InputException}. */
    static Map<?, ?> object(String where, ByteBuffer utf8) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(utf8).toString();
        } catch (CharacterCodingException e) {
            throw new InputException(where, "the header is not valid UTF-8", e);
        }
        Object json;
        try {
            json = Json.parse(text);
        } catch (Json.SyntaxError e) {
            throw new InputException(where, "bad JSON in the header: " + e.getMessage(), e);
        }
        if (!(json instanceof Map<?, ?> top)) {
            throw new InputException(where, "the header is not a JSON object");
        }
        return top;
    }

    /**
     * The {@code __metadata__} entry's value as strings by key, in file order, leaving out {@code hiddenKey} (a key
     * the reader keeps to itself, or null).
     */
    static Map<String, String> metadata(String where, Object value, String hiddenKey) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new InputException(where, METADATA + " must be an object mapping strings to strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (!(e.getValue() instanceof String s)) {
                throw new InputException(where, METADATA + " entry " + Json.quote((String) e.getKey())
                        + " is not a string");
            }
            if (!e.getKey().equals(hiddenKey)) {
                metadata.put((String) e.getKey(), s);
            }
        }
        return metadata;
    }
}
