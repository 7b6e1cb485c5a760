package netc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import netc.compiler.internal.driver.Compilation;
import netc.compiler.internal.driver.NetCompiler;
import netc.compiler.internal.emit.EmitOptions;
import netc.compiler.internal.source.UserError;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code netc generate}: the network class as a {@code .java} file, for a user's own build. */
@Command(name = "generate", description = {"Write the generated network class as Java source (ahead of time). It "
        + "compiles with javac with only the netc runtime jar on the class path; with Vector API kernels javac also "
        + "needs --add-modules jdk.incubator.vector (or use --scalar). The class runs on any JVM: its Vector API "
        + "kernels where java has --add-modules jdk.incubator.vector, its scalar ones elsewhere.", ""})
final class GenerateCommand implements Callable<Integer> {
    @Mixin
    ModelArgs model;

    @Mixin
    CommonOptions common;

    @Option(names = {"-o", "--out"}, required = true, paramLabel = "DIR",
            description = "Source root to write into; the package's directories are created under it.")
    Path out;

    @Option(names = "--package", paramLabel = "P", defaultValue = NetCompiler.DEFAULT_PACKAGE,
            description = "Java package of the class (default: ${DEFAULT-VALUE}; \"\" for none).")
    String packageName;

    @Option(names = "--class", paramLabel = "C",
            description = "Class name (default: the network's name in UpperCamelCase).")
    String className;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        var err = spec.commandLine().getErr();
        requireValidNames(packageName, className);
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new UserError(out.toString(), "not a directory; --out is the source root to write the class into");
        }
        NetCompiler.Options options = model.options().withPackage(packageName).withClassName(className)
                .withVector(!model.scalar);
        Compilation c = model.compile(options, err);
        refuseToOverwrite(c.fileUnder(out), model.file);
        Path file = c.writeTo(out);
        long lines = c.javaSource().lines().count();
        var o = spec.commandLine().getOut();
        // an unrolled class (a tiny network) has no matrix kernels, so neither Vector API ones nor the module flag
        boolean vector = options.vector() && !c.unrolled();
        o.printf(Locale.ROOT, "wrote %s (%,d lines, %s)%n", file, lines,
                c.unrolled() ? "unrolled, no matrix kernels" : vector ? "Vector API and scalar kernels"
                        : "scalar kernels");
        o.printf(Locale.ROOT, "compile: javac %s-cp netc-runtime.jar %s%n",
                vector ? "--add-modules jdk.incubator.vector " : "", file);
        if (vector) {
            o.printf(Locale.ROOT, "run: the vector kernels with java --add-modules jdk.incubator.vector, the scalar ones "
                    + "without%n");
        }
        return Main.OK;
    }

    /**
     * The class file must not be the model file it is generated from (a model kept beside generated sources, say
     * {@code netc/generated/Small.java}, with {@code --out} at their root): the model would be lost. Same wording
     * as {@code --save}'s refusal in {@link SaveTarget}.
     */
    static void refuseToOverwrite(Path file, Path model) {
        try {
            if (Files.exists(file) && Files.exists(model) && Files.isSameFile(file, model)) {
                throw new UserError(file.toString(), "generate would overwrite the model file " + model
                        + "; choose another --out, --package or --class");
            }
        } catch (java.io.IOException e) {
            // Not comparable: the write itself reports any problem with the file.
        }
    }

    /**
     * Checks {@code --package} and {@code --class} before compiling, so that the message names the option. The
     * rules are {@link EmitOptions}'; the other name is a placeholder known to be valid.
     */
    static void requireValidNames(String packageName, String className) {
        try {
            new EmitOptions(packageName, "C", false);
        } catch (IllegalArgumentException e) {
            throw new UserError("--package", e.getMessage());
        }
        if (className != null) {
            try {
                new EmitOptions("", className, false);
            } catch (IllegalArgumentException e) {
                throw new UserError("--class", e.getMessage());
            }
        }
    }
}
