package netc.samples;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import netc.compiler.internal.driver.Compilation;
import netc.runtime.Network;

/**
 * The ahead-of-time path as a user's build takes it: {@code netc generate} writes the source, javac compiles it
 * with only netc's runtime on the class path, and the class is loaded from the output directory.
 */
final class JavacCompiler {
    private JavacCompiler() {
    }

    /** Where {@code netc.runtime} classes are: a jar or {@code runtime/target/classes}. */
    static Path runtimeLocation() {
        try {
            return Path.of(Network.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes, compiles and loads; returns the class and the directory holding its class files. */
    static Compiled compile(Compilation compilation, Path workDir) {
        try {
            Path src = workDir.resolve("src");
            Path out = workDir.resolve("classes");
            Files.createDirectories(out);
            Path file = compilation.writeTo(src);
            List<String> options = new ArrayList<>(List.of("-classpath", runtimeLocation().toString(),
                    "-d", out.toString(), "-proc:none", "-Xlint:all"));
            if (compilation.emitOptions().vector()) {
                options.addAll(List.of("--add-modules", "jdk.incubator.vector"));
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            StringWriter messages = new StringWriter();
            boolean ok;
            try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, null)) {
                ok = javac.getTask(messages, files, null, options, null, files.getJavaFileObjects(file)).call();
            }
            if (!ok) {
                throw new AssertionError("javac failed on " + file + ":\n" + messages);
            }
            URLClassLoader loader = new URLClassLoader(new URL[] {out.toUri().toURL()},
                    Network.class.getClassLoader());
            Class<?> type = loader.loadClass(compilation.emitOptions().qualifiedName());
            String name = compilation.emitOptions().qualifiedName().replace('.', File.separatorChar) + ".class";
            return new Compiled(type, Files.readAllBytes(out.resolve(name)), messages.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    record Compiled(Class<?> type, byte[] classFile, String warnings) {
    }
}
