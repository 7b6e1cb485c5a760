package netc.maven;

import java.nio.file.Path;
import java.util.List;
import netc.api.JavaOptions;
import netc.api.JavaSource;
import netc.api.Netc;

/**
 * The plugin's only use of the compiler, through its public API: one {@code .net} file to one {@code .java} file,
 * as {@code netc generate} does it (same class name, same source).
 */
final class NetcCompilerCalls {
    private NetcCompilerCalls() {
    }

    /**
     * One file compiled, its class not yet written.
     *
     * @param javaFile where {@link #write} puts the class under the output directory
     * @param warnings the compiler's rendered warnings, empty if none
     * @param source   the generated class
     */
    record Compiled(Path javaFile, List<String> warnings, JavaSource source) {
        /**
         * Writes the class atomically (temporary file, then rename), so a failure leaves no half-written source.
         *
         * @throws netc.runtime.InputException the class cannot be written
         */
        void write(Path outputDirectory) {
            source.writeTo(outputDirectory);
        }
    }

    /**
     * Compiles {@code netFile} to the class that belongs under {@code outputDirectory}.
     *
     * @param packageName the class's package, {@code ""} for none (already checked by {@link PackageNames})
     * @param vector      Vector API kernels (else plain loops)
     * @throws netc.api.ModelException a mistake in the {@code .net} file, {@code file:line:col}
     */
    static Compiled compile(Path netFile, String packageName, boolean vector, Path outputDirectory) {
        JavaSource java = Netc.generateJava(netFile, new JavaOptions(packageName, null, vector));
        List<String> warnings = java.warnings().isEmpty() ? List.of() : List.of(java.warnings());
        return new Compiled(java.fileUnder(outputDirectory), warnings, java);
    }

    /** The compiler's code (jar or class directory), whose change makes every generated class out of date. */
    static Class<?> compilerClass() {
        return Netc.class;
    }
}
