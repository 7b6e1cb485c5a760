package netc.compiler.internal.emit;

import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.SourceVersion;

/**
 * How to spell a generated class: its package and simple name (validated here, never taken from paths or user
 * names unchecked), whether matrix products also have Vector API kernels (which run where the JVM has the module, the
 * scalar ones elsewhere; see {@code VectorKernelsClass}) or plain scalar loops only, and the width in bits of the
 * {@code FloatVector}s the NN/TN kernels' register tiles are chosen for ({@link GemmSpec.Tile#broadcast}). It is an
 * explicit input so that the same input and options always give the same source: ahead-of-time sources use
 * {@link GemmSpec#DEFAULT_VECTOR_BITS}, whose tiles fit AVX2's 16 registers; their NN and TN kernels also hold a
 * nest of AVX-512's tiles, which 16-lane JVMs run ({@link GemmSpec#widensTile()}). In-process compiles use the
 * default too ({@code NetCompiler.Options.defaults()}); a caller could pass the running JVM's width
 * ({@link GemmSpec#runningVectorBits()}), as the benchmarks' tools do.
 *
 * <p>What is bitwise identical: a class with vector kernels gives the same results on 128-, 256- and 512-bit vectors
 * (SSE/NEON, AVX2, AVX-512, or {@code -Dnetc.maxVectorBits}), at any thread count, whatever {@code vectorBits} it
 * was emitted with (tiles change which tile computes an element, not the element's operations); see
 * {@code GemmEmitter} and {@code VectorWidthTest}. Not identical: its vector kernels and its scalar ones (a JVM
 * without the Vector API module, or {@code --scalar}): the scalar kernels multiply and add where the vector ones fma.
 * Before 2026-12-02 NT products summed one partial sum per lane, and a 512-bit and a 256-bit JVM differed after one
 * training step. Identical too: {@code forward} and {@code forwardPrepared} (on the weights {@code
 * prepareForInference} lays out): a wide layer's forward product is an fma chain in k order on both, NN on W^T there
 * and NN on the input transposed in {@code forward} ({@code GemmEmitter.ntChains}, {@code InferenceWeights}).
 * Before 2026-12-04 (afternoon) {@code forward} summed 16 partial sums there and the two differed in the last bits.
 *
 * <p>{@code vectorElementwise}: whether a VECTOR-style class also writes its elementwise work with the Vector API
 * where there is a lane-exact form: the fused epilogues of matrix products (see {@link Epilogue#vector}), the
 * elementwise kernels, and max pooling with its gradient. Both forms give bitwise the same results; turning them off
 * (scalar elementwise code next to vector matrix products) exists to check that, and to measure what they gain.
 *
 * <p>{@code fuseSamples}: whether a convolution's im2col and product, its kernel gradient (building the patches
 * again), and its patch gradient and col2im, run as one kernel each, a sample at a time ({@code Kernel.Im2colGemm},
 * {@code Kernel.Im2colGemmTn}, {@code Kernel.GemmCol2im}); off only to check that both give the same bits and to
 * measure the gain.
 */
public record EmitOptions(String packageName, String className, boolean vector, int vectorBits,
        boolean vectorElementwise, boolean fuseSamples) {

    /** Options with {@code vectorBits} = {@link GemmSpec#DEFAULT_VECTOR_BITS} and vector elementwise code. */
    public EmitOptions(String packageName, String className, boolean vector) {
        this(packageName, className, vector, GemmSpec.DEFAULT_VECTOR_BITS);
    }

    /** Options with vector elementwise code wherever {@code vector} is on, and convolutions a sample at a time. */
    public EmitOptions(String packageName, String className, boolean vector, int vectorBits) {
        this(packageName, className, vector, vectorBits, true, true);
    }

    /** These options with vector elementwise code on or off. */
    public EmitOptions withVectorElementwise(boolean on) {
        return new EmitOptions(packageName, className, vector, vectorBits, on, fuseSamples);
    }

    /** These options with convolutions' steps run a sample at a time or not. */
    public EmitOptions withFuseSamples(boolean on) {
        return new EmitOptions(packageName, className, vector, vectorBits, vectorElementwise, on);
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");

    /** Identifiers that Java allows elsewhere but not as the name of a class (JLS 17 §3.9, TypeIdentifier). */
    private static final Set<String> RESTRICTED_TYPE_NAMES = Set.of("var", "yield", "record", "sealed", "permits");

    public EmitOptions {
        if (!packageName.isEmpty()) {
            for (String part : packageName.split("\\.", -1)) {
                if (!NAME.matcher(part).matches() || SourceVersion.isKeyword(part)) {
                    throw new IllegalArgumentException("not a valid package name: '" + packageName + "'");
                }
            }
            // the JVM refuses to define classes in java.* (ClassLoader#preDefineClass), javac to compile them
            if (packageName.equals("java") || packageName.startsWith("java.")) {
                throw new IllegalArgumentException("not a valid package name: '" + packageName
                        + "' (java.* is reserved for the JDK)");
            }
            // the generated class imports netc.runtime's types by simple name: in their package a class named
            // Network or ModelSpec would be one of them, and the runtime's jar would share its package with the user's
            if (packageName.equals("netc.runtime") || packageName.startsWith("netc.runtime.")) {
                throw new IllegalArgumentException("not a valid package name: '" + packageName
                        + "' (netc.runtime.* is the runtime's)");
            }
        }
        if (!NAME.matcher(className).matches() || SourceVersion.isKeyword(className)
                || RESTRICTED_TYPE_NAMES.contains(className)) {
            throw new IllegalArgumentException("not a valid class name: '" + className + "'");
        }
        GemmSpec.checkVectorBits(vectorBits);
    }

    /** The default class name for a network: its name in UpperCamelCase (ASCII, so always a valid identifier). */
    public static String defaultClassName(String networkName) {
        StringBuilder sb = new StringBuilder();
        boolean upper = true;
        for (char c : networkName.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                sb.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        String s = sb.length() == 0 || Character.isDigit(sb.charAt(0)) ? "Net" + sb : sb.toString();
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    /** {@code package.ClassName}, or the simple name in the default package. */
    public String qualifiedName() {
        return packageName.isEmpty() ? className : packageName + "." + className;
    }
}
