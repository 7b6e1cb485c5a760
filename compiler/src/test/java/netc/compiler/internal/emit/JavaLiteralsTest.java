package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.palantir.javapoet.CodeBlock;
import java.util.List;
import java.util.Random;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import org.junit.jupiter.api.Test;

class JavaLiteralsTest {

    /** Special values name their class as a type, so that a generated class named Float cannot capture them. */
    @Test
    void spellsFloatsWithAnFSuffixAndSpecialValuesByName() {
        assertEquals("1.0f", JavaLiterals.floatLiteral(1f).toString());
        assertEquals("0.1f", JavaLiterals.floatLiteral(0.1f).toString());
        assertEquals("-0.0f", JavaLiterals.floatLiteral(-0.0f).toString());
        assertEquals("0.0f", JavaLiterals.floatLiteral(0.0f).toString());
        assertEquals("1.0E-5f", JavaLiterals.floatLiteral(1e-5f).toString());
        assertEquals("1.4E-45f", JavaLiterals.floatLiteral(Float.MIN_VALUE).toString());
        assertEquals("3.4028235E38f", JavaLiterals.floatLiteral(Float.MAX_VALUE).toString());
        assertEquals("java.lang.Float.NaN", JavaLiterals.floatLiteral(Float.NaN).toString());
        assertEquals("java.lang.Float.POSITIVE_INFINITY",
                JavaLiterals.floatLiteral(Float.POSITIVE_INFINITY).toString());
        assertEquals("java.lang.Float.NEGATIVE_INFINITY",
                JavaLiterals.floatLiteral(Float.NEGATIVE_INFINITY).toString());
    }

    @Test
    void spellsDoublesAndInts() {
        assertEquals("0.1", JavaLiterals.doubleLiteral(0.1).toString());
        assertEquals("-0.0", JavaLiterals.doubleLiteral(-0.0).toString());
        assertEquals("java.lang.Double.NaN", JavaLiterals.doubleLiteral(Double.NaN).toString());
        assertEquals("java.lang.Double.NEGATIVE_INFINITY",
                JavaLiterals.doubleLiteral(Double.NEGATIVE_INFINITY).toString());
        assertEquals("-7", JavaLiterals.intLiteral(-7).toString());
        assertEquals("(-2147483647 - 1)", JavaLiterals.intLiteral(Integer.MIN_VALUE).toString());
    }

    @Test
    void literalsDenoteTheSameBitsUnderJaninoAndJavac() throws ReflectiveOperationException {
        Random random = new Random(11);
        float[] floats = new float[400];
        double[] doubles = new double[400];
        float[] special = {0f, -0f, 1f, 0.1f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1e-40f, 16777217f};
        for (int i = 0; i < floats.length; i++) {
            floats[i] = i < special.length ? special[i] : Float.intBitsToFloat(random.nextInt());
            doubles[i] = i < special.length ? special[i] : Double.longBitsToDouble(random.nextLong());
            if (Float.isNaN(floats[i])) {
                floats[i] = Float.NaN; // Java has one NaN literal; other payloads are not expressible
            }
            if (Double.isNaN(doubles[i])) {
                doubles[i] = Double.NaN;
            }
        }
        CodeBlock.Builder floatInit = CodeBlock.builder();
        CodeBlock.Builder doubleInit = CodeBlock.builder();
        for (int i = 0; i < floats.length; i++) {
            floatInit.add(i == 0 ? "$L" : ", $L", JavaLiterals.floatLiteral(floats[i]));
            doubleInit.add(i == 0 ? "$L" : ", $L", JavaLiterals.doubleLiteral(doubles[i]));
        }
        String source = "package netc.generated;\npublic final class Literals {\n"
                + "    public static final float[] F = {" + floatInit.build() + "};\n"
                + "    public static final double[] D = {" + doubleInit.build() + "};\n"
                + "    public static final int I = 5 -" + JavaLiterals.intLiteral(Integer.MIN_VALUE) + ";\n"
                + "}\n";
        for (JaninoLoader.Compiled compiled : List.of(JaninoLoader.compile("netc.generated.Literals", source),
                JavacLoader.compile("netc.generated.Literals", source))) {
            float[] f = (float[]) compiled.type().getField("F").get(null);
            double[] d = (double[]) compiled.type().getField("D").get(null);
            assertArrayEquals(bits(floats), bits(f));
            for (int i = 0; i < d.length; i++) {
                assertEquals(Double.doubleToRawLongBits(doubles[i]), Double.doubleToRawLongBits(d[i]), "double " + i);
            }
            assertEquals(5 - Integer.MIN_VALUE, compiled.type().getField("I").getInt(null));
        }
    }

    @Test
    void stringLiteralsArePureAsciiAndEscapeNoAsciiCharacterAsAUnicodeEscape() {
        assertEquals("\"Mod\\u00e8l-\\u00fc\\u2211.net\"",
                JavaLiterals.stringLiteral("Mod\u00e8l-\u00fc\u2211.net").toString());
        String controls = "a\"b\\c" + (char) 0 + (char) 0x1f + "7" + (char) 0x7f;
        assertEquals("\"a\\\"b\\\\c\\000\\0377\\177\"", JavaLiterals.stringLiteral(controls).toString());
    }

    /**
     * Strings that would break out of a literal if spelled carelessly: a backslash followed by what reads as a
     * Unicode escape of a quote or a line feed, quotes, controls (an octal escape followed by a digit), line and
     * paragraph separators, a surrogate pair. Both compilers read back exactly the same string.
     */
    @Test
    void stringLiteralsDenoteTheSameStringUnderJaninoAndJavac() throws ReflectiveOperationException {
        String backslash = "\\";
        String[] values = {"", "plain.net", "Mod\u00e8l-\u00fc\u2211.net", "q\"uote", backslash,
            backslash + "u0022" + backslash + "u000a\"; int x = 1; //", backslash + backslash + "u0041",
            "line\nfeed\r\t", "\0" + "7\u00017\u001f\u007f\u0080\u00ff", "\u2028\u2029\ufeff\uffff",
            "emoji \ud83d\ude00 and a lone \ud800 surrogate", "*/ /* // <!-- -->"};
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            fields.append("    public static final String S").append(i).append(" = ")
                    .append(JavaLiterals.stringLiteral(values[i])).append(";\n");
        }
        String source = "package netc.generated;\npublic final class Strings {\n" + fields + "}\n";
        for (int i = 0; i < source.length(); i++) {
            assertTrue(source.charAt(i) < 0x80 && (source.charAt(i) >= 0x20 || source.charAt(i) == '\n'),
                    "only printable ASCII and line feeds at " + i + " in\n" + source);
        }
        for (JaninoLoader.Compiled compiled : List.of(JaninoLoader.compile("netc.generated.Strings", source),
                JavacLoader.compile("netc.generated.Strings", source))) {
            for (int i = 0; i < values.length; i++) {
                assertEquals(values[i], compiled.type().getField("S" + i).get(null), "string " + i);
            }
        }
    }

    @Test
    void checkedIdentifierAcceptsPlainAsciiNamesOnly() {
        assertEquals("w0", JavaLiterals.checkedIdentifier("w0"));
        assertEquals("bOff", JavaLiterals.checkedIdentifier("bOff"));
        for (String bad : new String[] {"", "a.b", "class", "_", "1a", "x y", "é", "a\\u0041", "a$b", null}) {
            assertThrows(IllegalArgumentException.class, () -> JavaLiterals.checkedIdentifier(bad), bad);
        }
    }

    private static int[] bits(float[] values) {
        int[] bits = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            bits[i] = Float.floatToRawIntBits(values[i]);
        }
        return bits;
    }
}
