package netc.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import netc.compiler.internal.source.UserError;
import netc.runtime.InputException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code netc}: the entry point; see the package comment for exit codes. */
@Command(name = "netc", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {"Compiles neural networks written as .net files to Java and trains them.", ""},
        subcommands = {CheckCommand.class, GradCommand.class, GenerateCommand.class, TrainCommand.class,
            EvalCommand.class, PredictCommand.class, GradcheckCommand.class, PlotCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
            "  netc check samples/nets/mnist_mlp.net",
            "  netc train samples/nets/mnist_mlp.net --epochs 10 --save mlp.safetensors",
            "  netc eval samples/nets/mnist_mlp.net --weights mlp.safetensors",
            "  netc predict samples/nets/mnist_mlp.net --weights mlp.safetensors --out predictions.csv",
            "  netc generate samples/nets/mnist_mlp.net --out generated --package com.example"})
public final class Main implements Runnable {
    public static final int OK = 0;
    public static final int USER_ERROR = 1;
    public static final int USAGE = 2;
    public static final int INTERNAL_ERROR = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new java.io.OutputStreamWriter(failingWith(out), StandardCharsets.UTF_8),
                true);
        PrintWriter e = new PrintWriter(new java.io.OutputStreamWriter(failingWith(err), StandardCharsets.UTF_8),
                true);
        boolean stacktrace = Arrays.asList(args).contains("--stacktrace");
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(o);
        cmd.setErr(e);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        Numbers.register(cmd);
        cmd.setParameterExceptionHandler((ex, badArgs) -> {
            CommandLine c = ex.getCommandLine();
            e.println("netc: error: " + usageMessage(ex));
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, e);
            e.println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex, e, stacktrace, hasBatch(c)));
        int code;
        try {
            code = cmd.execute(args);
        } catch (RuntimeException | Error ex) {
            // picocli only routes exceptions from a command's call(); anything else still gets the same treatment.
            code = handle(ex, e, stacktrace, false);
        }
        return checkOutput(code, o, out, e);
    }

    /**
     * {@code stream} as an OutputStream whose flush fails once {@code stream} has failed: a PrintStream keeps its
     * IOException to itself and only sets a flag, so without this the command's writers never learnt that standard
     * output had gone ({@code | head}, {@code > /dev/full}), and a metrics log sent there ({@code --log /dev/stdout})
     * did not stop training as a failed log file does. Checked at each flush (each line: the writers flush on
     * println), not at each write, since {@link PrintStream#checkError} flushes too.
     */
    static java.io.OutputStream failingWith(PrintStream stream) {
        return new java.io.OutputStream() {
            @Override
            public void write(int b) {
                stream.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                stream.write(b, off, len);
            }

            @Override
            public void flush() throws java.io.IOException {
                if (stream.checkError()) { // flushes
                    throw new java.io.IOException("cannot write");
                }
            }
        };
    }

    /**
     * Turns a failed write to stdout ({@code > /dev/full}, a closed pipe's EIO) into exit 1: PrintWriter and
     * PrintStream swallow IOExceptions and only set a flag, so without this a truncated {@code --dump} exits 0. The
     * writer's flag covers its own encoder; the stream's flag covers the file descriptor underneath.
     */
    static int checkOutput(int code, PrintWriter o, PrintStream out, PrintWriter e) {
        boolean failed = o.checkError(); // flushes into out
        out.flush();
        failed |= out.checkError();
        if (failed && code == OK) {
            // a run that otherwise succeeded did not deliver its output; an earlier error (a metrics log on standard
            // output that could not be written, say) was reported already and keeps its own code
            e.println("netc: error: cannot write to standard output");
            e.flush();
            return USER_ERROR;
        }
        e.flush();
        return code;
    }

    /** picocli's message, except that a word where the command belongs is called an unknown command. */
    static String usageMessage(CommandLine.ParameterException ex) {
        boolean atRoot = ex.getCommandLine().getCommandSpec().parent() == null;
        if (atRoot && ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().get(0).startsWith("-")) {
            return "unknown command '" + u.getUnmatched().get(0) + "'";
        }
        return ex.getMessage();
    }

    /** {@code hasBatch}: whether the command has a {@code --batch} option, which the out-of-memory advice names. */
    static int handle(Throwable ex, PrintWriter err, boolean stacktrace, boolean hasBatch) {
        int code;
        if (ex instanceof UserError || ex instanceof InputException) {
            err.println(ex.getMessage());
            code = USER_ERROR;
        } else if (ex instanceof OutOfMemoryError) {
            err.println(outOfMemory(hasBatch));
            code = USER_ERROR;
        } else {
            err.println("netc: internal error: " + ex);
            err.println("This is a bug in netc. Please report it with the command line and the .net file"
                    + (stacktrace ? "." : " (rerun with --stacktrace for details)."));
            code = INTERNAL_ERROR;
        }
        if (stacktrace) {
            ex.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** Whether the command that ran has a {@code --batch} option (check, grad and generate have none). */
    static boolean hasBatch(CommandLine command) {
        return command.getCommandSpec().findOption("--batch") != null;
    }

    /** The advice for an out-of-memory error: more heap, and a smaller batch only where there is a --batch. */
    static String outOfMemory(boolean hasBatch) {
        return "netc: error: out of memory (the JVM may use " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB);"
                + " give it more with NETC_JAVA_OPTS=-Xmx8g" + (hasBatch ? ", or use a smaller --batch" : "");
    }

    /** {@code --version}: from the jar's manifest when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"netc " + (v == null ? "(development build)" : v),
                "Java " + System.getProperty("java.version") + ", Vector API "
                        + (netc.compiler.internal.load.JaninoLoader.vectorApiAvailable() ? "available" : "not available")};
        }
    }
}
