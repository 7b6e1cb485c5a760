package netc.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.frontend.CheckedModel;
import netc.compiler.internal.load.JaninoLoader;
import netc.compiler.internal.source.Diagnostics;
import netc.compiler.internal.source.SourceFile;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code .net} file a command works on, and how to spell its kernels. */
final class ModelArgs {
    @Parameters(index = "0", paramLabel = "FILE", description = "The .net model file.")
    Path file;

    @Option(names = "--scalar", description = "Plain Java loops instead of Vector API kernels (the default when "
            + "the JVM lacks jdk.incubator.vector).")
    boolean scalar;

    SourceFile source() {
        return NetCompiler.read(file);
    }

    NetCompiler.Options options() {
        return NetCompiler.Options.defaults().withVector(!scalar && JaninoLoader.vectorApiAvailable());
    }

    /** Parses and checks; prints warnings to {@code err}. */
    CheckedModel check(PrintWriter err) {
        SourceFile src = source();
        CheckedModel model = NetCompiler.check(src);
        printWarnings(model, err);
        return model;
    }

    /** Compiles to Java; prints warnings to {@code err}. */
    Compilation compile(NetCompiler.Options options, PrintWriter err) {
        Compilation c = NetCompiler.compile(source(), options);
        printWarnings(c.model(), err);
        return c;
    }

    /**
     * Prints to {@code err}, when a class's {@code kernels} are plain loops only because the JVM lacks the Vector
     * API module (not {@code --scalar}, nor a tiny net's unrolled code), how to get the vector kernels: {@code java
     * -jar netc-cli.jar train} trained the MNIST MLP at 6,500 samples/s against 80,000 through {@code ./netc} (Xeon,
     * AVX-512, 2026-12-05).
     */
    void noteScalarFallback(String kernels, PrintWriter err) {
        if (!scalar && kernels.equals("scalar") && !JaninoLoader.vectorApiAvailable()) {
            err.println("note: scalar kernels, as this JVM lacks the module jdk.incubator.vector: start java with "
                    + "--add-modules jdk.incubator.vector (./netc does) for the Vector API kernels, many times faster");
            err.flush();
        }
    }

    private static void printWarnings(CheckedModel model, PrintWriter err) {
        if (!model.warnings().isEmpty()) {
            err.println(Diagnostics.renderCapped(model.warnings(), model.source(), "warning"));
        }
        err.flush();
    }
}
