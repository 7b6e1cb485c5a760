package netc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API is the package {@code netc.api} (plus the runtime's own public types): this test lists every public
 * type and member of {@code netc.api} and fails when a signature names a compiler internal or a third-party type
 * (ANTLR, Janino, JavaPoet), and when the list changes without the golden file changing with it
 * ({@code -Dnetc.updateGolden=true} rewrites it; review the diff as an API change).
 */
class PublicApiTest {
    private static final Path GOLDEN = Path.of("src/test/resources/api/netc-api.txt");
    private static final List<String> NOT_API = List.of("netc.compiler.", "org.antlr.", "org.codehaus.",
            "com.palantir.", "picocli.");

    @Test
    void noSignatureNamesAnInternalOrThirdPartyType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (String line : listApi()) {
            for (String bad : NOT_API) {
                if (line.contains(bad)) {
                    leaks.add(line);
                }
            }
        }
        assertTrue(leaks.isEmpty(), "internal types in the public API:\n" + String.join("\n", leaks));
    }

    @Test
    void theApiIsTheReviewedOne() throws Exception {
        String actual = String.join("\n", listApi()) + "\n";
        if (Boolean.getBoolean("netc.updateGolden")) {
            Files.createDirectories(GOLDEN.getParent());
            Files.writeString(GOLDEN, actual, StandardCharsets.UTF_8);
        }
        assertEquals(Files.readString(GOLDEN, StandardCharsets.UTF_8), actual,
                "the public API changed; if on purpose, rerun with -Dnetc.updateGolden=true and review the diff");
    }

    @Test
    void theListerSeesALeakWhenThereIsOne() {
        // A public method returning an internal type must show up in the listing with the internal name.
        List<String> lines = describe(Leaky.class);
        assertTrue(lines.stream().anyMatch(l -> l.contains("netc.compiler.internal.source.Span")), lines.toString());
    }

    /** A stand-in for a careless API class. */
    public static final class Leaky {
        /** @return an internal type */
        public netc.compiler.internal.source.Span span() {
            return netc.compiler.internal.source.Span.NONE;
        }
    }

    /** Every public type of netc.api, sorted, each followed by its public and protected members. */
    static List<String> listApi() throws IOException, URISyntaxException, ClassNotFoundException {
        Path dir = Path.of(Netc.class.getProtectionDomain().getCodeSource().getLocation().toURI()).resolve("netc/api");
        List<String> names;
        try (Stream<Path> files = Files.list(dir)) {
            names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".class"))
                    .map(n -> "netc.api." + n.substring(0, n.length() - ".class".length()).replace('/', '.'))
                    .sorted().toList();
        }
        List<String> out = new ArrayList<>();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, Netc.class.getClassLoader());
            if (isVisible(c)) {
                out.addAll(describe(c));
            }
        }
        return out;
    }

    private static boolean isVisible(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getDeclaringClass()) {
            if (!Modifier.isPublic(k.getModifiers()) || k.isAnonymousClass() || k.isLocalClass()) {
                return false;
            }
        }
        return true;
    }

    static List<String> describe(Class<?> c) {
        List<String> out = new ArrayList<>();
        out.add(c.toGenericString() + (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class
                && !c.isEnum() && !c.isRecord() ? " extends " + c.getGenericSuperclass().getTypeName() : "")
                + interfaces(c));
        List<String> members = new ArrayList<>();
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (exposed(k.getModifiers())) {
                members.add("  " + k.toGenericString());
            }
        }
        for (Method m : c.getDeclaredMethods()) {
            if (exposed(m.getModifiers()) && !m.isSynthetic()) {
                members.add("  " + m.toGenericString());
            }
        }
        for (Field f : c.getDeclaredFields()) {
            if (exposed(f.getModifiers()) && !f.isSynthetic()) {
                members.add("  " + f.toGenericString());
            }
        }
        members.sort(null);
        out.addAll(members);
        return out;
    }

    private static String interfaces(Class<?> c) {
        StringBuilder sb = new StringBuilder();
        for (java.lang.reflect.Type t : c.getGenericInterfaces()) {
            sb.append(sb.length() == 0 ? " implements " : ", ").append(t.getTypeName());
        }
        return sb.toString();
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }
}
