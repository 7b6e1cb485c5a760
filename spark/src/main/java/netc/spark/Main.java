package netc.spark;

import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import netc.api.ModelException;
import netc.runtime.InputException;

/**
 * {@code spark-submit --class netc.spark.Main netc-spark.jar COMMAND ...}: train, predict, and parquet (Fashion-MNIST
 * to Parquet). Exit codes as the {@code netc} command's: 0 done, 1 a mistake in the input (one message, no stack
 * trace), 2 a bad command line, 3 an internal error.
 *
 * <p><b>Which master.</b> The one Spark is configured with ({@code spark-submit --master}, or the {@code spark.master}
 * system property); only when nothing sets one, {@code local[*]}. A session already running in the JVM (a test, a
 * notebook) is used as it is and left running.
 */
@Command(name = "netc-spark", mixinStandardHelpOptions = true, version = "netc-spark 0.2.0",
        description = {"Trains and scores netc models on Apache Spark.", ""},
        subcommands = {TrainCommand.class, PredictCommand.class, ParquetCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
            "  spark-submit --class netc.spark.Main netc-spark.jar parquet --out fmnist",
            "  spark-submit --class netc.spark.Main netc-spark.jar train mnist_mlp.net --data fmnist/train.parquet"
                + " --test fmnist/test.parquet --save mlp.safetensors",
            "  spark-submit --class netc.spark.Main netc-spark.jar predict mnist_mlp.net --weights mlp.safetensors"
                + " --data fmnist/test.parquet --out predictions.parquet"})
public final class Main implements Runnable {
    /** Exit codes. */
    static final int OK = 0;
    static final int USER_ERROR = 1;
    static final int USAGE = 2;
    static final int INTERNAL_ERROR = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Runs the command line and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs one command line; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        PrintWriter o = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter e = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        CommandLine cmd = new CommandLine(new Main());
        Numbers.register(cmd);
        cmd.setOut(o);
        cmd.setErr(e);
        cmd.setParameterExceptionHandler((ex, badArgs) -> {
            e.println("netc-spark: error: " + ex.getMessage());
            e.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for more "
                    + "information.");
            return USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> handle(ex, e));
        try {
            return cmd.execute(args);
        } catch (RuntimeException | Error ex) {
            return handle(ex, e);
        } finally {
            o.flush();
            e.flush();
        }
    }

    private static int handle(Throwable ex, PrintWriter e) {
        Throwable t = ex instanceof Exception x ? SparkErrors.unwrap(x) : ex;
        if (t instanceof InputException || t instanceof ModelException) {
            e.println(t.getMessage());
            return USER_ERROR;
        }
        e.println("netc-spark: internal error: " + t);
        t.printStackTrace(e);
        return INTERNAL_ERROR;
    }

    /** The session to run on: the one already running, or a new one (see the class comment for the master). */
    static Session session() {
        SparkSession active = SparkSession.getActiveSession().getOrElse(() -> null);
        if (active == null) {
            active = SparkSession.getDefaultSession().getOrElse(() -> null);
        }
        if (active != null && !active.sparkContext().isStopped()) {
            return new Session(active, false);
        }
        SparkConf conf = new SparkConf(); // reads spark.* system properties, as spark-submit sets them
        if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName("netc-spark");
        }
        return new Session(SparkSession.builder().config(conf).getOrCreate(), true);
    }

    /** A session, and whether this command started it (and so stops it). */
    record Session(SparkSession spark, boolean owned) implements AutoCloseable {
        @Override
        public void close() {
            if (owned) {
                spark.stop();
            }
        }
    }

    /** The text of a {@code .net} file, as a model to ship. */
    static ShippedModel readModel(Path file) {
        try {
            return new ShippedModel(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new InputException(file.toString(), "no such file");
        } catch (IOException e) {
            throw new InputException(file.toString(), "cannot read the file: " + e.getMessage());
        }
    }

    /** Whether a path names a CSV file (else Parquet). */
    static boolean isCsv(String path) {
        return path.toLowerCase(Locale.ROOT).endsWith(".csv");
    }
}
