package netc.compiler.internal.driver;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.InternalCompilerError;
import netc.compiler.internal.source.UserError;
import netc.runtime.Network;
import netc.runtime.io.AtomicFiles;

/**
 * One compiled model: the checked front-end result, the graph with its gradient outputs, and the generated source.
 *
 * @param model          names, shapes and the forward graph as checked
 * @param differentiated the forward graph plus one gradient output per parameter the loss depends on
 * @param emitOptions    package, class name and kernel style of {@code javaSource}
 * @param javaSource     the class implementing {@code netc.runtime.Network}
 */
public record Compilation(CheckedModel model, Graph differentiated, EmitOptions emitOptions, String javaSource) {

    /**
     * Whether the class is the unrolled form of a tiny network (straight-line code, no matrix kernels, nothing for
     * the Vector API to do), see {@code netc.compiler.internal.emit.TinyNetRule}.
     */
    public boolean unrolled() {
        return netc.compiler.internal.emit.UnrolledEmitter.isUnrolled(javaSource);
    }

    /** Compiles the source with Janino in this process and returns a fresh instance. */
    public Network load() {
        return instantiate(loadClass().type());
    }

    /** The Janino-compiled class and its class files (for method-size checks). */
    public JaninoLoader.Compiled loadClass() {
        return JaninoLoader.compile(emitOptions.qualifiedName(), javaSource, Network.class.getClassLoader());
    }

    /** A new instance of a generated class, whichever compiler made it. */
    public static Network instantiate(Class<?> type) {
        try {
            return (Network) type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new InternalCompilerError("Compilation", "cannot instantiate " + type.getName() + ": " + e);
        }
    }

    /**
     * Which matrix kernels a generated class runs in this JVM, from its {@code kernels()}: {@code "vector (256-bit)"}
     * or {@code "scalar"}.
     */
    public static String kernels(Class<?> type) {
        try {
            return (String) type.getMethod("kernels").invoke(null);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new InternalCompilerError("Compilation", "cannot ask " + type.getName() + " for its kernels: " + e);
        }
    }

    /**
     * Writes {@code <dir>/<package path>/<Class>.java} atomically (temporary file, then rename) and returns its path.
     */
    public Path writeTo(Path dir) {
        Path file = fileUnder(dir);
        Path target = file.getParent() == null ? dir : file.getParent();
        try {
            Files.createDirectories(target);
        } catch (java.io.IOException e) {
            throw new UserError(target.toString(), "cannot create directory: " + e.getMessage());
        }
        byte[] bytes = javaSource.getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                out.write(buf);
            }
        });
        return file;
    }

    /** Where {@link #writeTo} puts the class under source root {@code dir}: the package's directories, the file. */
    public Path fileUnder(Path dir) {
        Path target = dir;
        if (!emitOptions.packageName().isEmpty()) {
            for (String part : emitOptions.packageName().split("\\.")) {
                target = target.resolve(part);
            }
        }
        return target.resolve(emitOptions.className() + ".java");
    }
}
