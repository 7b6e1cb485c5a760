package netc.compiler.internal.emit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.load.JavacLoader;
import org.junit.jupiter.api.Test;

class ClassFileMethodSizesTest {

    private static final String SOURCE = """
            package netc.generated;
            public final class Sizes {
                static final long L = 1234567890123L;
                static final double D = 2.5;
                static final String S = "text";
                public static int one() { return 1; }
                static int twice(int x) { return x + x; }
                static long twice(long x) { return x + x; }
                static double mix() { return L + D + S.length(); }
            }
            """;

    @Test
    void readsCodeLengthsOfMethodsFromJaninoAndJavacClassFiles() {
        for (JaninoLoader.Compiled compiled : List.of(JaninoLoader.compile("netc.generated.Sizes", SOURCE),
                JavacLoader.compile("netc.generated.Sizes", SOURCE))) {
            Map<String, Integer> sizes = ClassFileMethodSizes.of(compiled.classFile());
            assertEquals(2, sizes.get("one"), sizes.toString()); // iconst_1, ireturn
            assertEquals(4, sizes.get("twice(I)I"), sizes.toString()); // iload_0, iload_0, iadd, ireturn
            assertEquals(4, sizes.get("twice(J)J"), sizes.toString()); // lload_0, lload_0, ladd, lreturn
            assertFalse(sizes.containsKey("twice"), "overloads are keyed with their descriptors");
            assertTrue(sizes.containsKey("mix") && sizes.containsKey("<init>"), sizes.toString());
        }
    }

    @Test
    void detectsAMethodOverTheHugeMethodLimit() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            body.append("        s = s * 31 + ").append(1000 + i).append(";\n"); // 9 bytes of bytecode each
        }
        String source = "package netc.generated;\npublic final class Huge {\n    static int f(int s) {\n" + body
                + "        return s;\n    }\n}\n";
        byte[] classFile = JaninoLoader.compile("netc.generated.Huge", source).classFile();
        assertTrue(ClassFileMethodSizes.of(classFile).get("f") > ClassFileMethodSizes.HUGE_METHOD_LIMIT);
        assertEquals(ClassFileMethodSizes.of(classFile).get("f"), ClassFileMethodSizes.largest(classFile));
    }

    @Test
    void parsesAJdkClassWithEveryKindOfConstant() throws IOException {
        byte[] classFile;
        try (InputStream in = String.class.getResourceAsStream("/java/lang/String.class")) {
            classFile = in.readAllBytes();
        }
        Map<String, Integer> sizes = ClassFileMethodSizes.of(classFile);
        assertTrue(sizes.get("length") > 0 && sizes.size() > 50, sizes.toString());
    }

    @Test
    void rejectsBytesThatAreNotAClassFile() {
        assertThrows(IllegalArgumentException.class, () -> ClassFileMethodSizes.of(new byte[] {1, 2, 3, 4, 5}));
        byte[] truncated = JaninoLoader.compile("netc.generated.Sizes", SOURCE).classFile();
        assertThrows(IllegalArgumentException.class,
                () -> ClassFileMethodSizes.of(java.util.Arrays.copyOf(truncated, truncated.length / 2)));
    }
}
