package netc.compiler.internal.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import netc.compiler.internal.source.InternalCompilerError;
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

    /** The path in {@code (source written to PATH)} at the end of a failure message. */
    private static Path writtenTo(String message) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(source written to (.+)\\)$").matcher(message);
        assertTrue(m.find(), message);
        return Path.of(m.group(1));
    }

    /** Deletes a written source and its private directory, so the tests leave nothing in the temp directory. */
    private static void delete(Path written) throws java.io.IOException {
        Files.deleteIfExists(written);
        Files.deleteIfExists(written.getParent());
    }

    @Test
    void aCompileErrorIsAnInternalErrorNamingTheFileLineAndTheWrittenSource() throws Exception {
        String source = "package netc.generated;\npublic final class Broken {\n    static int f() { return x; }\n}\n";
        InternalCompilerError e = assertThrows(InternalCompilerError.class,
                () -> JaninoLoader.compile("netc.generated.Broken", source));
        assertTrue(e.getMessage().startsWith("internal error in janino: generated class netc.generated.Broken: "
                + "Janino could not compile it: "), e.getMessage());
        assertTrue(e.getMessage().contains("Broken.java") && e.getMessage().contains("Line 3"), e.getMessage());
        Path written = writtenTo(e.getMessage());
        assertEquals("Broken.java", written.getFileName().toString());
        assertEquals(source, Files.readString(written, StandardCharsets.UTF_8));
        delete(written);
    }

    @Test
    void theFailedSourceGoesToAFreshPrivateDirectory() throws Exception {
        String source = "package netc.generated;\npublic final class Private { int f() { return y; } }\n";
        Path first = writtenTo(assertThrows(InternalCompilerError.class,
                () -> JaninoLoader.compile("netc.generated.Private", source)).getMessage());
        Path second = writtenTo(assertThrows(InternalCompilerError.class,
                () -> JaninoLoader.compile("netc.generated.Private", source)).getMessage());
        Path dir = first.getParent();
        assertTrue(dir.getFileName().toString().startsWith("netc-failed-"), dir.toString());
        assertEquals(Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath(), dir.getParent());
        assertTrue(!dir.equals(second.getParent()), "each failure gets its own new directory: " + dir);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)));
        delete(first);
        delete(second);
    }

    /**
     * The old fixed path {@code ${java.io.tmpdir}/netc-failed/<Name>.java} was written following links: anyone who
     * could write to /tmp could plant a link there and have netc overwrite the link's target with generated source.
     */
    @Test
    void aLinkPlantedAtTheOldFixedPathIsNotFollowed(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        String name = "Planted" + Long.toUnsignedString(System.nanoTime(), 36);
        Path victim = Files.writeString(home.resolve("victim.txt"), "precious\n");
        Path oldDir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "netc-failed"));
        Path link = oldDir.resolve(name + ".java");
        Files.createSymbolicLink(link, victim);
        try {
            InternalCompilerError e = assertThrows(InternalCompilerError.class, () -> JaninoLoader.compile(
                    "netc.generated." + name, "package netc.generated;\nclass " + name + " { int f() { return z; } }\n"));
            assertEquals("precious\n", Files.readString(victim), "the link's target is untouched");
            assertTrue(Files.isSymbolicLink(link), "the planted link is left alone");
            Path written = writtenTo(e.getMessage());
            assertTrue(written.getParent().getFileName().toString().startsWith("netc-failed-"), e.getMessage());
            assertTrue(Files.isRegularFile(written, java.nio.file.LinkOption.NOFOLLOW_LINKS), e.getMessage());
            delete(written);
        } finally {
            Files.deleteIfExists(link);
        }
    }

    @Test
    void aSourceThatDeclaresAnotherClassIsAnInternalError() throws Exception {
        InternalCompilerError e = assertThrows(InternalCompilerError.class,
                () -> JaninoLoader.compile("netc.generated.Expected", origin("netc.generated.Other", "x")));
        assertTrue(e.getMessage().contains("does not declare it"), e.getMessage());
        delete(writtenTo(e.getMessage()));
    }

    @Test
    void theVectorApiIsAvailableUnderTheBuildsJvmOptions() {
        assertTrue(JaninoLoader.vectorApiAvailable(), "surefire runs with --add-modules jdk.incubator.vector");
    }
}
