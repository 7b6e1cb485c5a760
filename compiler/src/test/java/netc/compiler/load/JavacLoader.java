package netc.compiler.load;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.FileObject;
import javax.tools.ForwardingJavaFileManager;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileManager;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Test twin of {@link JaninoLoader}: compiles the same source with the JDK's javac, in memory, and loads it the same
 * way (fresh child-first loader), so tests can demand identical results from both compilers (style.md §2.10).
 */
public final class JavacLoader {

    private JavacLoader() {
    }

    /** Compiles {@code source} declaring {@code className}; fails with javac's errors and the written source. */
    public static JaninoLoader.Compiled compile(String className, String source) {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IllegalStateException("no system Java compiler (running on a JRE?)");
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Map<String, ByteArrayOutputStream> outputs = new TreeMap<>();
        StandardJavaFileManager standard = javac.getStandardFileManager(diagnostics, null, null);
        JavaFileManager manager = new ForwardingJavaFileManager<>(standard) {
            @Override
            public JavaFileObject getJavaFileForOutput(Location location, String name, JavaFileObject.Kind kind,
                    FileObject sibling) {
                return new SimpleJavaFileObject(URI.create("mem:///" + name.replace('.', '/') + kind.extension),
                        kind) {
                    @Override
                    public OutputStream openOutputStream() {
                        return outputs.computeIfAbsent(name, n -> new ByteArrayOutputStream());
                    }
                };
            }
        };
        String simpleName = className.substring(className.lastIndexOf('.') + 1);
        JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + simpleName + ".java"),
                JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        List<String> options = List.of("--add-modules", "jdk.incubator.vector", "-proc:none", "-g",
                "-classpath", System.getProperty("java.class.path"));
        boolean ok = javac.getTask(null, manager, diagnostics, options, null, List.of(unit)).call();
        if (!ok) {
            String errors = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> simpleName + ".java:" + d.getLineNumber() + ":" + d.getColumnNumber() + ": "
                            + d.getMessage(null))
                    .collect(Collectors.joining("; "));
            throw JaninoLoader.failure(className, source, "javac could not compile it: " + errors, null);
        }
        Map<String, byte[]> classFiles = new TreeMap<>();
        outputs.forEach((name, bytes) -> classFiles.put(name, bytes.toByteArray()));
        return JaninoLoader.define(className, source, JavacLoader.class.getClassLoader(), classFiles);
    }
}
