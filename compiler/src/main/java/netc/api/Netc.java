package netc.api;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.source.Diagnostic;
import netc.compiler.internal.source.InternalCompilerError;
import netc.compiler.internal.source.SourceFile;
import netc.compiler.internal.source.UserError;

/**
 * Compiles {@code .net} models: in this JVM, to a loaded class ({@link #compile(Path)}), or to Java source for a
 * build ({@link #generateJava}). Start here; the package documentation has a complete example.
 *
 * <p>Compiling in process parses and checks the model, differentiates it, generates the class and compiles it with
 * Janino: tens to hundreds of milliseconds. Compiled models are cached in this JVM by the SHA-256 of the source's name
 * and text, so compiling the same model again costs a hash. The cache keeps the 64 models used last; a model dropped
 * from it stays valid for as long as it is referenced. All methods are safe to call from any thread; two threads
 * compiling the same new model at once compile it once.
 */
public final class Netc {
    /** Compiled models kept by source hash. */
    static final int CACHE_SIZE = 64;
    private static final ModelCache CACHE = new ModelCache(CACHE_SIZE);

    private Netc() {
    }

    /**
     * Compiles a {@code .net} file in this JVM, or returns the model compiled before from the same name and text.
     *
     * @param netFile the model file (UTF-8, at most 1 MiB); its name as given appears in messages
     * @return the compiled model
     * @throws ModelException if the file is missing or unreadable, or the model has a mistake
     */
    public static Model compile(Path netFile) {
        return compile(read(netFile));
    }

    /**
     * Compiles a model from text in this JVM, or returns the model compiled before from the same name and text.
     *
     * @param fileName the name messages give the text, e.g. {@code "mlp.net"}
     * @param source   the model, as a {@code .net} file holds it
     * @return the compiled model
     * @throws ModelException if the model has a mistake
     */
    public static Model compile(String fileName, String source) {
        return compile(new SourceFile(fileName, source));
    }

    /**
     * Checks a {@code .net} file: names, shapes and everything else the compiler checks before generating code.
     *
     * @param netFile the model file
     * @throws ModelException for the first mistakes found (up to 20)
     */
    public static void check(Path netFile) {
        SourceFile source = read(netFile);
        translate(() -> NetCompiler.check(source));
    }

    /**
     * Generates the Java source of a model for an ahead-of-time build: compile the class with javac against the
     * netc runtime alone.
     *
     * @param netFile the model file
     * @param options package, class name and kernels
     * @return the class's source
     * @throws ModelException if the file is missing or unreadable, or the model has a mistake
     */
    public static JavaSource generateJava(Path netFile, JavaOptions options) {
        SourceFile source = read(netFile);
        return new JavaSource(translate(() -> NetCompiler.compile(source, new NetCompiler.Options(
                options.packageName(), options.className(), options.vectorKernels()))));
    }

    private static Model compile(SourceFile source) {
        String hash = sha256(source);
        return CACHE.get(hash, () -> translate(() -> {
            Compilation c = NetCompiler.compile(source, NetCompiler.Options.defaults());
            return new Model(c.loadClass().type(), c.model().modelSpec(), hash, c.javaSource());
        }));
    }

    private static SourceFile read(Path netFile) {
        return translate(() -> NetCompiler.read(netFile));
    }

    private static String sha256(SourceFile source) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(source.name().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update(source.text().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    /** Runs a compiler step, turning its user errors into {@link ModelException} and its bugs into state errors. */
    static <T> T translate(java.util.function.Supplier<T> step) {
        try {
            return step.get();
        } catch (UserError e) {
            throw new ModelException(e.getMessage(), problems(e));
        } catch (InternalCompilerError e) {
            throw new IllegalStateException("netc " + e.getMessage() + " (a bug in netc; please report it)", e);
        }
    }

    private static List<Problem> problems(UserError e) {
        List<Problem> out = new ArrayList<>();
        if (e.diagnostics() != null) {
            for (Diagnostic d : e.diagnostics().items()) {
                if (d.severity() == Diagnostic.Severity.ERROR) {
                    out.add(new Problem(d.span().file(), d.span().line(), d.span().column(), d.message()));
                }
            }
        }
        if (out.isEmpty()) {
            // Errors about the file as a whole: "where: error: message".
            String text = e.getMessage();
            int at = text.indexOf("error: ");
            String where = at > 2 ? text.substring(0, at - 2) : "";
            out.add(new Problem(where, 0, 0, at >= 0 ? text.substring(at + 7) : text));
        }
        return out;
    }
}
