package netc.compiler.emit;

import com.palantir.javapoet.CodeBlock;
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
            return CodeBlock.of("Float.NaN");
        }
        if (value == Float.POSITIVE_INFINITY) {
            return CodeBlock.of("Float.POSITIVE_INFINITY");
        }
        if (value == Float.NEGATIVE_INFINITY) {
            return CodeBlock.of("Float.NEGATIVE_INFINITY");
        }
        return CodeBlock.of("$L", Float.toString(value) + "f");
    }

    /** A {@code double} literal: {@code 1.0}, {@code -0.0}, {@code 1.0E-300}, {@code Double.NaN}, ±infinity. */
    public static CodeBlock doubleLiteral(double value) {
        if (Double.isNaN(value)) {
            return CodeBlock.of("Double.NaN");
        }
        if (value == Double.POSITIVE_INFINITY) {
            return CodeBlock.of("Double.POSITIVE_INFINITY");
        }
        if (value == Double.NEGATIVE_INFINITY) {
            return CodeBlock.of("Double.NEGATIVE_INFINITY");
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
