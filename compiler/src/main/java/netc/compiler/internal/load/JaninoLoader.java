package netc.compiler.internal.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import javax.lang.model.SourceVersion;
import netc.compiler.internal.source.InternalCompilerError;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.commons.compiler.InternalCompilerException;
import org.codehaus.janino.SimpleCompiler;

/**
 * Compiles generated Java source in-process with Janino and loads it.
 *
 * <p>Each call defines its classes in a fresh child-first class loader ({@link GeneratedClassLoader}), so compiling
 * the same class name twice, or a name that also exists on the class path, always yields the new class. Generated
 * code is netc's responsibility, so a compile error is an {@link InternalCompilerError}; its message carries Janino's
 * message (with {@code Name.java}, line and column) and the path where the failing source was written: a new
 * owner-only directory {@code ${java.io.tmpdir}/netc-failed-<random>} per failure.
 *
 * <p>Vector API kernels compile only if this JVM was started with {@code --add-modules jdk.incubator.vector}; ask
 * {@link #vectorApiAvailable()} before choosing {@code GemmSpec.Style.VECTOR}.
 */
public final class JaninoLoader {

    private static final String VECTOR_MODULE = "jdk.incubator.vector";

    private JaninoLoader() {
    }

    /** A compiled and loaded class, with the class file of it and of its nested classes, by binary name. */
    public record Compiled(Class<?> type, Map<String, byte[]> classFiles) {
        public Compiled {
            classFiles = Map.copyOf(classFiles);
        }

        /** The class file of the top-level class. */
        public byte[] classFile() {
            return classFiles.get(type.getName());
        }
    }

    /** Whether the running JVM has the Vector API module ({@code --add-modules jdk.incubator.vector}). */
    public static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
    }

    /**
     * Compiles {@code source}, a compilation unit declaring the top-level class {@code className} (binary name, e.g.
     * {@code netc.generated.MlpKernels}), against this class's loader (the netc runtime and the JDK), and loads it
     * without initializing it.
     */
    public static Compiled compile(String className, String source) {
        return compile(className, source, JaninoLoader.class.getClassLoader());
    }

    /** As {@link #compile(String, String)}, resolving referenced classes through {@code parent}. */
    public static Compiled compile(String className, String source, ClassLoader parent) {
        if (!SourceVersion.isName(className)) {
            throw new IllegalArgumentException("not a class name: " + className);
        }
        String fileName = simpleName(className) + ".java";
        SimpleCompiler compiler = new SimpleCompiler();
        compiler.setParentClassLoader(parent);
        compiler.setDebuggingInformation(true, true, false); // source file and line numbers in stack traces
        try {
            compiler.cook(fileName, source);
        } catch (CompileException | InternalCompilerException e) {
            throw failure(className, source, "Janino could not compile it: " + e.getMessage(), e);
        }
        Map<String, byte[]> classFiles = new TreeMap<>(compiler.getBytecodes());
        if (!classFiles.containsKey(className)) {
            throw failure(className, source, "the source does not declare it; it declares " + classFiles.keySet(),
                    null);
        }
        return define(className, source, parent, classFiles);
    }

    /** Loads {@code className} from {@code classFiles} in a fresh child-first loader; shared with the javac tests. */
    static Compiled define(String className, String source, ClassLoader parent, Map<String, byte[]> classFiles) {
        GeneratedClassLoader loader = new GeneratedClassLoader(parent, classFiles);
        try {
            return new Compiled(Class.forName(className, false, loader), classFiles);
        } catch (ClassNotFoundException | LinkageError e) {
            throw failure(className, source, "its class file does not load: " + e, e);
        }
    }

    /** Writes the failing source to a new private directory and builds the error that names it. */
    static InternalCompilerError failure(String className, String source, String message, Throwable cause) {
        String where;
        try {
            Path file = writeFailedSource(simpleName(className) + ".java", source);
            where = "source written to " + file;
        } catch (IOException | UnsupportedOperationException e) {
            where = "the source could not be written under " + System.getProperty("java.io.tmpdir") + ": " + e;
        }
        return new InternalCompilerError("janino",
                "generated class " + className + ": " + message + " (" + where + ")", cause);
    }

    /**
     * Writes {@code source} to {@code ${java.io.tmpdir}/netc-failed-<random>/<fileName>}. The temp directory is
     * shared with every user of the machine, so nothing here may land on a path someone else could have prepared:
     * the directory is created new ({@code mkdir}, which fails on anything already there, link or not) with mode
     * 0700, and the file is created with {@code CREATE_NEW}, which does not follow a link (O_CREAT|O_EXCL). A fixed
     * path, as before, let a planted symbolic link redirect the write onto any file the user can write.
     */
    static Path writeFailedSource(String fileName, String source) throws IOException {
        Path root = Paths.get(System.getProperty("java.io.tmpdir")).toAbsolutePath();
        Path dir;
        if (root.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            dir = Files.createTempDirectory(root, "netc-failed-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } else {
            dir = Files.createTempDirectory(root, "netc-failed-"); // on Windows the user's temp dir is private
        }
        Path file = dir.resolve(fileName);
        Files.writeString(file, source, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        return file;
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
