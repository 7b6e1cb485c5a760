package netc.compiler.internal.driver;

import java.io.IOException;
import java.nio.file.Path;
import netc.compiler.internal.autodiff.Differentiate;
import netc.compiler.internal.emit.ClassEmitter;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.emit.GemmSpec;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.frontend.Frontend;
import netc.compiler.internal.ir.Graph;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;

/** Runs the compiler's phases in order; see the package comment. */
public final class NetCompiler {
    /** The package of generated classes unless the user names one. */
    public static final String DEFAULT_PACKAGE = "netc.generated";

    private NetCompiler() {
    }

    /**
     * How to spell the generated class, and the vector width its NN/TN kernels are tiled for
     * ({@link netc.compiler.internal.emit.GemmSpec.Tile#broadcast}; default
     * {@value netc.compiler.internal.emit.GemmSpec#DEFAULT_VECTOR_BITS}, never read from the emitting JVM).
     */
    public record Options(String packageName, String className, boolean vector, int vectorBits) {
        public Options(String packageName, String className, boolean vector) {
            this(packageName, className, vector, GemmSpec.DEFAULT_VECTOR_BITS);
        }

        /** Package {@value #DEFAULT_PACKAGE}, class named after the network, Vector API if this JVM has it. */
        public static Options defaults() {
            return new Options(DEFAULT_PACKAGE, null, JaninoLoader.vectorApiAvailable());
        }

        public Options withPackage(String p) {
            return new Options(p, className, vector, vectorBits);
        }

        public Options withClassName(String c) {
            return new Options(packageName, c, vector, vectorBits);
        }

        public Options withVector(boolean v) {
            return new Options(packageName, className, v, vectorBits);
        }

        public Options withVectorBits(int bits) {
            return new Options(packageName, className, vector, bits);
        }
    }

    /** Reads a {@code .net} file; a missing or unreadable file is a user error. */
    public static SourceFile read(Path file) {
        try {
            return SourceFile.read(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new UserError(file.toString(), "no such file");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new UserError(file.toString(), "not a UTF-8 text file");
        } catch (IOException e) {
            throw new UserError(file.toString(), "cannot read: " + e.getMessage());
        }
    }

    /** Parses and checks names and shapes. */
    public static CheckedModel check(SourceFile source) {
        return Frontend.analyze(source);
    }

    /** Checks, differentiates and emits; nothing is loaded yet. */
    public static Compilation compile(SourceFile source, Options options) {
        return compile(check(source), options);
    }

    /** Differentiates and emits a model already checked. */
    public static Compilation compile(CheckedModel model, Options options) {
        Graph differentiated = Differentiate.run(model.graph());
        String className = options.className() != null ? options.className()
                : EmitOptions.defaultClassName(model.name());
        EmitOptions emit;
        try {
            emit = new EmitOptions(options.packageName(), className, options.vector(), options.vectorBits());
        } catch (IllegalArgumentException e) {
            throw new UserError("", e.getMessage());
        }
        String java = ClassEmitter.emit(differentiated, model.modelSpec(), emit);
        return new Compilation(model, differentiated, emit, java);
    }
}
