package netc.compiler.internal.emit;

import com.palantir.javapoet.CodeBlock;
import java.util.Locale;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;

/**
 * Java source spellings of numbers and checked identifiers for generated code.
 *
 * <p>JavaPoet's {@code $L} prints a {@code float} with {@code String.valueOf}, so {@code 0.1f} would become
 * {@code 0.1}, a double (shared/notes/style.md §2.8). Every number reaches generated code through this class instead.
 * {@link Float#toString} and {@link Double#toString} round-trip exactly, so the emitted literal denotes the same value.
 * Negative values start with {@code -}: put a space before them in a format string ({@code "x - $L"}).
 */
public final class JavaLiterals {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JavaLiterals() {
    }

    /** A {@code float} literal: {@code 1.0f}, {@code -0.0f}, {@code 1.0E-5f}, {@code Float.NaN}, ±infinity. */
    public static CodeBlock floatLiteral(float value) {
        if (Float.isNaN(value)) {
            return CodeBlock.of("$T.NaN", Float.class);
        }
        if (value == Float.POSITIVE_INFINITY) {
            return CodeBlock.of("$T.POSITIVE_INFINITY", Float.class);
        }
        if (value == Float.NEGATIVE_INFINITY) {
            return CodeBlock.of("$T.NEGATIVE_INFINITY", Float.class);
        }
        return CodeBlock.of("$L", Float.toString(value) + "f");
    }

    /** A {@code double} literal: {@code 1.0}, {@code -0.0}, {@code 1.0E-300}, {@code Double.NaN}, ±infinity. */
    public static CodeBlock doubleLiteral(double value) {
        if (Double.isNaN(value)) {
            return CodeBlock.of("$T.NaN", Double.class);
        }
        if (value == Double.POSITIVE_INFINITY) {
            return CodeBlock.of("$T.POSITIVE_INFINITY", Double.class);
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return CodeBlock.of("$T.NEGATIVE_INFINITY", Double.class);
        }
        return CodeBlock.of("$L", Double.toString(value));
    }

    /**
     * An {@code int} literal. {@code Integer.MIN_VALUE} is spelled {@code (-2147483647 - 1)}, because
     * {@code 2147483648} alone is not a valid literal and {@code x -2147483648} would not parse.
     */
    public static CodeBlock intLiteral(int value) {
        if (value == Integer.MIN_VALUE) {
            return CodeBlock.of("(-2147483647 - 1)");
        }
        return CodeBlock.of("$L", Integer.toString(value));
    }

    /**
     * A {@code String} literal in pure ASCII, so that the generated file reads the same in any encoding javac assumes
     * (a non-ASCII file name in a C locale). Characters beyond ASCII become Unicode escapes, one per UTF-16 code
     * unit: javac decodes those before it reads the literal, and a decoded character above U+007F can neither end
     * the literal nor the line. ASCII is never written as a Unicode escape (an escaped quote would end the literal):
     * quote and backslash get their backslash escapes, control characters octal ones. JavaPoet's {@code $S} keeps
     * non-ASCII as it is.
     */
    public static CodeBlock stringLiteral(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format(Locale.ROOT, "\\%03o", (int) c));
                    } else if (c > 0x7f) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return CodeBlock.of("$L", sb.append('"').toString());
    }

    /**
     * Returns {@code name} if it is a plain ASCII Java identifier (not a keyword, not qualified), so that it can be
     * used in a format string or with {@code $L}; throws otherwise. Names in generated code come from the emitter,
     * never from user text (shared/notes/reliability.md §4.5); this check catches an emitter bug before it reaches
     * the compiler.
     */
    public static String checkedIdentifier(String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches() || SourceVersion.isKeyword(name)) {
            throw new IllegalArgumentException("not a plain Java identifier: " + name);
        }
        return name;
    }
}
