package netc.maven;

import java.nio.file.Path;
import java.util.List;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.source.Diagnostics;

/**
 * The plugin's only use of the compiler: one {@code .net} file to one {@code .java} file, as {@code netc generate}
 * does it (same calls, so the same class name and the same source). Kept in one place because the compiler's
 * packages are internal: when the public facade exists, only this class changes.
 */
final class NetcCompilerCalls {
    private NetcCompilerCalls() {
    }

    /**
     * One file compiled, its class not yet written.
     *
     * @param javaFile    where {@link #write} puts the class under the output directory
     * @param warnings    the compiler's rendered warnings, empty if none
     * @param compilation the compiled model
     */
    record Compiled(Path javaFile, List<String> warnings, Compilation compilation) {
        /**
         * Writes the class atomically (temporary file, then rename), so a failure leaves no half-written source.
         *
         * @throws netc.runtime.InputException the class cannot be written
         */
        void write(Path outputDirectory) {
            compilation.writeTo(outputDirectory);
        }
    }

    /**
     * Compiles {@code netFile} to the class that belongs under {@code outputDirectory}.
     *
     * @param packageName the class's package, {@code ""} for none
     * @param vector      Vector API kernels (else plain loops)
     * @throws netc.compiler.internal.source.UserError a mistake in the {@code .net} file, {@code file:line:col}
     */
    static Compiled compile(Path netFile, String packageName, boolean vector, Path outputDirectory) {
        NetCompiler.Options options = NetCompiler.Options.defaults().withPackage(packageName).withVector(vector);
        Compilation c = NetCompiler.compile(NetCompiler.read(netFile), options);
        CheckedModel model = c.model();
        List<String> warnings = model.warnings().isEmpty() ? List.of()
                : List.of(Diagnostics.renderCapped(model.warnings(), model.source(), "warning"));
        return new Compiled(c.fileUnder(outputDirectory), warnings, c);
    }

    /** The compiler's code (jar or class directory), whose change makes every generated class out of date. */
    static Class<?> compilerClass() {
        return NetCompiler.class;
    }
}
