package netc.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.source.Diagnostics;
import netc.runtime.InputException;

/**
 * A generated class as Java source: a class implementing {@code netc.runtime.Network} that compiles with javac
 * against the netc runtime alone. The same model and options give byte-identical source.
 */
public final class JavaSource {
    private final Compilation compilation;

    JavaSource(Compilation compilation) {
        this.compilation = compilation;
    }

    /** {@return the package, or "" for the unnamed package} */
    public String packageName() {
        return compilation.emitOptions().packageName();
    }

    /** {@return the simple class name} */
    public String className() {
        return compilation.emitOptions().className();
    }

    /** {@return the binary name, e.g. {@code netc.generated.MnistMlp}} */
    public String qualifiedName() {
        return compilation.emitOptions().qualifiedName();
    }

    /**
     * {@return the compiler's warnings about the model, as the command line prints them} Each starts
     * {@code file:line:col: warning:} and shows the source line; empty when there are none.
     */
    public String warnings() {
        var model = compilation.model();
        return model.warnings().isEmpty() ? "" : Diagnostics.renderCapped(model.warnings(), model.source(), "warning");
    }

    /** {@return the compilation unit's text (pure ASCII)} */
    public String text() {
        return compilation.javaSource();
    }

    /**
     * The file {@link #writeTo} writes under a source root: the package's directories, then {@code Class.java}.
     *
     * @param sourceRoot a source root such as {@code src/main/java}
     * @return the path of the class's file under it
     */
    public Path fileUnder(Path sourceRoot) {
        return compilation.fileUnder(sourceRoot);
    }

    /**
     * Writes the class under a source root, creating the package's directories. The file appears complete or not at
     * all: it is written to a temporary file in the same directory, then renamed.
     *
     * @param sourceRoot a source root such as {@code src/main/java}
     * @return the file written
     * @throws InputException naming the directory or file that cannot be written; an older file stays intact
     */
    public Path writeTo(Path sourceRoot) {
        Path dir = fileUnder(sourceRoot).toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InputException(dir.toString(), "cannot create directory: " + e.getMessage());
        }
        return compilation.writeTo(sourceRoot);
    }
}
