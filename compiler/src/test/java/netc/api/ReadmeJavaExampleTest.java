package netc.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Use it from Java" example, as printed: the test takes the section's first {@code java} code block,
 * compiles it with javac against the library's class path, and runs it in a fresh JVM from a directory holding
 * {@code samples/nets/mnist_mlp.net}, as a user who pasted it would.
 */
class ReadmeJavaExampleTest {
    private static final Path README = Path.of("../README.md");
    private static final String SECTION = "## Use it from Java";

    @TempDir
    Path dir;

    static String example() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int at = readme.indexOf("\n" + SECTION + "\n");
        assertTrue(at >= 0, "README has a section '" + SECTION + "'");
        int start = readme.indexOf("```java\n", at);
        int next = readme.indexOf("\n## ", at + 1);
        assertTrue(start > 0 && (next < 0 || start < next), "the section has a java code block");
        int end = readme.indexOf("\n```", start + 8);
        return readme.substring(start + "```java\n".length(), end + 1);
    }

    @Test
    void theExampleCompilesRunsAndTrains() throws Exception {
        String code = example();
        Matcher m = Pattern.compile("public class (\\w+)").matcher(code);
        assertTrue(m.find(), "the example declares a public class");
        String className = m.group(1);
        Path src = Files.writeString(Files.createDirectories(dir.resolve("src")).resolve(className + ".java"), code);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        String classPath = System.getProperty("java.class.path");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int rc = javac.run(null, null, null, "-Xlint:all", "-Werror", "-cp", classPath, "-d", classes.toString(),
                src.toString());
        assertEquals(0, rc, "javac compiles the README example without warnings");

        Path work = Files.createDirectories(dir.resolve("work"));
        Files.copy(Path.of("../samples/nets/mnist_mlp.net"),
                Files.createDirectories(work.resolve("samples/nets")).resolve("mnist_mlp.net"));
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules", "jdk.incubator.vector",
                "-cp", classes + File.pathSeparator + classPath, className));
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertTrue(Files.size(work.resolve("mlp.safetensors")) > 535_818 * 4, "the weights were saved");
        Matcher acc = Pattern.compile("test accuracy (0\\.\\d+)").matcher(out);
        double last = -1;
        while (acc.find()) {
            last = Double.parseDouble(acc.group(1));
        }
        // Two epochs on the 6,000-image subset reach about 0.80 (the full data set: 0.85).
        assertTrue(last > 0.75, "accuracy after training on the embedded subset: " + out);
    }
}
