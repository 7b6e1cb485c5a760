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
     * What one file gave.
     *
     * @param javaFile the class written under the output directory
     * @param warnings the compiler's rendered warnings, empty if none
     */
    record Generated(Path javaFile, List<String> warnings) {
    }

    /**
     * Compiles {@code netFile} and writes its class under {@code outputDirectory} atomically (temporary file, then
     * rename), so a failure leaves no half-written source.
     *
     * @param packageName the class's package, {@code ""} for none
     * @param vector      Vector API kernels (else plain loops)
     * @throws netc.compiler.internal.source.UserError a mistake in the {@code .net} file, {@code file:line:col}
     * @throws netc.runtime.InputException             the class cannot be written
     */
    static Generated generate(Path netFile, String packageName, boolean vector, Path outputDirectory) {
        NetCompiler.Options options = NetCompiler.Options.defaults().withPackage(packageName).withVector(vector);
        Compilation c = NetCompiler.compile(NetCompiler.read(netFile), options);
        CheckedModel model = c.model();
        List<String> warnings = model.warnings().isEmpty() ? List.of()
                : List.of(Diagnostics.renderCapped(model.warnings(), model.source(), "warning"));
        return new Generated(c.writeTo(outputDirectory), warnings);
    }

    /** The compiler's code (jar or class directory), whose change makes every generated class out of date. */
    static Class<?> compilerClass() {
        return NetCompiler.class;
    }
}
