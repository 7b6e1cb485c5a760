package netc.spark;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import netc.api.Model;

/** {@code predict MODEL.net --weights W --data PATH --out DIR}: scores a data set, writes Parquet. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Scores a Parquet or CSV data set and writes the predictions as Parquet.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.net", description = "the model")
    Path model;

    @Option(names = "--weights", required = true, paramLabel = "FILE", description = "trained weights (safetensors)")
    Path weights;

    @Option(names = "--data", required = true, paramLabel = "PATH", description = "rows to score (Parquet or .csv)")
    String data;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "where the Parquet output goes")
    String out;

    @Mixin
    ColumnOptions columnOptions;

    @Override
    public Integer call() {
        ShippedModel shipped = Main.readModel(model);
        Model compiled = shipped.model();
        float[] w = compiled.loadWeights(weights);
        if (new java.io.File(out).exists()) {
            throw new netc.runtime.InputException(out, "already exists; give a new path");
        }
        Columns columns = columnOptions.columns();
        DataFiles.requireExists(data);
        try (Main.Session session = Main.session()) {
            Dataset<Row> rows = DataFiles.read(session.spark(), data, columns);
            Dataset<Row> scored = new Scorer(shipped, w, columns).score(rows, data).drop(columns.features());
            scored.write().parquet(out);
            long n = session.spark().read().parquet(out).count();
            spec.commandLine().getOut().println("wrote " + n + " predictions of " + data + " to " + out);
        }
        return Main.OK;
    }
}
