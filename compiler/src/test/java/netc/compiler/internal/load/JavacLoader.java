package netc.compiler.internal.load;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
        Batch batch = compileAll(Map.of(className, source));
        String errors = batch.errors().get(className);
        if (errors != null) {
            throw JaninoLoader.failure(className, source, "javac could not compile it: " + errors, null);
        }
        return batch.load(className);
    }

    /**
     * Many compilation units in one javac run, which is much faster than one run each (javac starts once). Each
     * unit's errors are kept apart, keyed by its class. javac writes no class file at all when any unit has an
     * error, so then {@link Batch#load} fails for every class, naming the units that had errors.
     *
     * @param sources source of each unit by the binary name of the top-level class it declares
     */
    public static Batch compileAll(Map<String, String> sources) {
        return compileAll(sources, List.of("--add-modules", "jdk.incubator.vector"));
    }

    /**
     * As {@link #compileAll(Map)}, with these javac options ({@code -Xlint:all}, {@code --add-modules ...}) instead
     * of {@code --add-modules jdk.incubator.vector}; the class path and {@code -proc:none -g} are always given.
     */
    public static Batch compileAll(Map<String, String> sources, List<String> javacOptions) {
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
        Map<JavaFileObject, String> units = new LinkedHashMap<>();
        sources.forEach((className, source) -> units.put(new SimpleJavaFileObject(
                URI.create("string:///" + className.replace('.', '/') + ".java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        }, className));
        List<String> options = new java.util.ArrayList<>(javacOptions);
        options.addAll(List.of("-proc:none", "-g", "-classpath", System.getProperty("java.class.path")));
        javac.getTask(null, manager, diagnostics, options, null, units.keySet()).call();
        Map<String, String> errors = new TreeMap<>();
        List<String> warnings = new java.util.ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                String where = d.getSource() == null ? "" : units.getOrDefault(d.getSource(), "") + ":"
                        + d.getLineNumber() + ": ";
                warnings.add(where + d.getCode() + ": " + d.getMessage(null));
            }
            if (d.getKind() == Diagnostic.Kind.ERROR) {
                String className = d.getSource() == null ? "" : units.getOrDefault(d.getSource(), "");
                String simpleName = className.substring(className.lastIndexOf('.') + 1);
                errors.merge(className, simpleName + ".java:" + d.getLineNumber() + ":" + d.getColumnNumber() + ": "
                        + d.getMessage(null), (a, b) -> a + "; " + b);
            }
        }
        Map<String, byte[]> classFiles = new TreeMap<>();
        outputs.forEach((name, bytes) -> classFiles.put(name, bytes.toByteArray()));
        return new Batch(Map.copyOf(sources), errors, List.copyOf(warnings), classFiles);
    }

    /**
     * The outcome of {@link #compileAll}: javac's errors by class ({@code ""} for errors in no unit), its warnings
     * ({@code Class:line: code: message}, or {@code code: message} for one about no unit) and the class files of all
     * units.
     */
    public record Batch(Map<String, String> sources, Map<String, String> errors, List<String> warnings,
            Map<String, byte[]> classFiles) {
        /** Loads one class of the batch in a fresh child-first loader, as {@link JaninoLoader} does. */
        public JaninoLoader.Compiled load(String className) {
            if (!errors.isEmpty()) {
                throw new AssertionError("javac could not compile " + className + ": "
                        + errors.getOrDefault(className, "no error in this unit; errors in " + errors.keySet()));
            }
            return JaninoLoader.define(className, sources.get(className), JavacLoader.class.getClassLoader(),
                    classFiles);
        }
    }
}
