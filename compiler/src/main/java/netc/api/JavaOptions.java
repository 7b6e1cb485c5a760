package netc.api;

import netc.compiler.internal.emit.EmitOptions;

/**
 * How {@link Netc#generateJava} spells and builds a generated class.
 *
 * @param packageName   the package of the class; empty for the unnamed package
 * @param className     the simple class name, or null for the name derived from the network's name
 *                      ({@code network mnist_mlp} gives {@code MnistMlp})
 * @param vectorKernels true for Vector API kernels (the fast ones; the class then runs its scalar kernels where the
 *                      JVM lacks the {@code jdk.incubator.vector} module), false for scalar kernels only
 */
public record JavaOptions(String packageName, String className, boolean vectorKernels) {

    /** The package of generated classes unless one is named: {@value}. */
    public static final String DEFAULT_PACKAGE = "netc.generated";

    /**
     * Checks the fields.
     *
     * @param packageName   the package of the class; empty for the unnamed package
     * @param className     the simple class name, or null for the name derived from the network's name
     * @param vectorKernels true for Vector API kernels, false for scalar kernels only
     * @throws IllegalArgumentException if {@code packageName} is null or not a Java package name (or under
     *                                  {@code java.}), or {@code className} is not a legal class name; the message
     *                                  quotes the name, e.g. {@code not a valid package name: '1st'}
     */
    public JavaOptions {
        if (packageName == null) {
            throw new IllegalArgumentException("packageName must not be null (use \"\" for the unnamed package)");
        }
        new EmitOptions(packageName, className == null ? "C" : className, vectorKernels);
    }

    /** {@return package {@value #DEFAULT_PACKAGE}, the class named after the network, Vector API kernels} */
    public static JavaOptions defaults() {
        return new JavaOptions(DEFAULT_PACKAGE, null, true);
    }

    /**
     * These options with another package.
     *
     * @param name a Java package name, or "" for the unnamed package
     * @return the new options
     */
    public JavaOptions withPackage(String name) {
        return new JavaOptions(name, className, vectorKernels);
    }

    /**
     * These options with another class name.
     *
     * @param name a Java identifier, or null for the name derived from the network's name
     * @return the new options
     */
    public JavaOptions withClassName(String name) {
        return new JavaOptions(packageName, name, vectorKernels);
    }

    /**
     * These options with or without Vector API kernels.
     *
     * @param vector true for Vector API kernels, false for scalar kernels only
     * @return the new options
     */
    public JavaOptions withVectorKernels(boolean vector) {
        return new JavaOptions(packageName, className, vector);
    }
}
