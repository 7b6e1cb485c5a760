package netc.compiler.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import netc.compiler.source.InternalCompilerError;
import org.junit.jupiter.api.Test;

class JaninoLoaderTest {

    private static String origin(String className, String value) {
        int dot = className.lastIndexOf('.');
        return "package " + className.substring(0, dot) + ";\n"
                + "public final class " + className.substring(dot + 1) + " {\n"
                + "    public static String origin() { return \"" + value + "\"; }\n"
                + "    static final class Nested { }\n"
                + "}\n";
    }

    private static Object call(Class<?> type) throws ReflectiveOperationException {
        return type.getMethod("origin").invoke(null);
    }

    @Test
    void compilesLoadsAndReturnsTheClassFiles() throws ReflectiveOperationException {
        JaninoLoader.Compiled compiled = JaninoLoader.compile("netc.generated.Fresh", origin("netc.generated.Fresh",
                "janino"));
        assertEquals("janino", call(compiled.type()));
        assertEquals(java.util.Set.of("netc.generated.Fresh", "netc.generated.Fresh$Nested"),
                compiled.classFiles().keySet());
        assertEquals(0xCAFEBABE, java.nio.ByteBuffer.wrap(compiled.classFile()).getInt());
    }

    @Test
    void compilingTheSameNameTwiceGivesTheNewClass() throws ReflectiveOperationException {
        JaninoLoader.Compiled first = JaninoLoader.compile("netc.generated.Twice", origin("netc.generated.Twice",
                "first"));
        JaninoLoader.Compiled second = JaninoLoader.compile("netc.generated.Twice", origin("netc.generated.Twice",
                "second"));
        assertNotSame(first.type(), second.type());
        assertEquals("first", call(first.type()));
        assertEquals("second", call(second.type()));
    }

    @Test
    void aClassOfTheSameNameOnTheClassPathDoesNotShadowTheCompiledOne() throws ReflectiveOperationException {
        assertEquals("class path", Shadowed.origin());
        String name = Shadowed.class.getName();
        assertEquals("generated", call(JaninoLoader.compile(name, origin(name, "generated")).type()));
        assertEquals("generated", call(JavacLoader.compile(name, origin(name, "generated")).type()));
    }

    @Test
    void aCompileErrorIsAnInternalErrorNamingTheFileLineAndTheWrittenSource() throws Exception {
        String source = "package netc.generated;\npublic final class Broken {\n    static int f() { return x; }\n}\n";
        InternalCompilerError e = assertThrows(InternalCompilerError.class,
                () -> JaninoLoader.compile("netc.generated.Broken", source));
        Path written = JaninoLoader.failedSourceDirectory().resolve("Broken.java");
        assertTrue(e.getMessage().startsWith("internal error in janino: generated class netc.generated.Broken: "
                + "Janino could not compile it: "), e.getMessage());
        assertTrue(e.getMessage().contains("Broken.java") && e.getMessage().contains("Line 3"), e.getMessage());
        assertTrue(e.getMessage().endsWith("(source written to " + written + ")"), e.getMessage());
        assertEquals(source, Files.readString(written, StandardCharsets.UTF_8));
    }

    @Test
    void aSourceThatDeclaresAnotherClassIsAnInternalError() {
        InternalCompilerError e = assertThrows(InternalCompilerError.class,
                () -> JaninoLoader.compile("netc.generated.Expected", origin("netc.generated.Other", "x")));
        assertTrue(e.getMessage().contains("does not declare it"), e.getMessage());
    }

    @Test
    void theVectorApiIsAvailableUnderTheBuildsJvmOptions() {
        assertTrue(JaninoLoader.vectorApiAvailable(), "surefire runs with --add-modules jdk.incubator.vector");
    }
}
