package netc.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import netc.runtime.data.DataSplit;
import netc.runtime.data.FashionMnist;

/** {@code parquet --out DIR}: Fashion-MNIST (IDX) as {@code DIR/train.parquet} and {@code DIR/test.parquet}. */
@Command(name = "parquet", mixinStandardHelpOptions = true,
        description = "Writes Fashion-MNIST as Parquet: DIR/train.parquet and DIR/test.parquet, columns features "
                + "(array<float>, 784 pixels in [0, 1]) and label (int).")
final class ParquetCommand implements Callable<Integer> {
    /** Where Debian's dataset-fashion-mnist package puts the IDX files. */
    static final Path INSTALLED = Path.of("/usr/share/datasets/fashion-mnist");

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
    Path out;

    @Option(names = "--fashion-mnist", paramLabel = "DIR",
            description = "IDX files (default: " + "/usr/share/datasets/fashion-mnist if there, else the embedded "
                    + "6,000/1,000 subset)")
    Path source;

    @Option(names = "--embedded", description = "use the embedded 6,000/1,000 subset")
    boolean embedded;

    @Option(names = "--partitions", defaultValue = "2", description = "files per data set (default: ${DEFAULT-VALUE})")
    int partitions;

    @Override
    public Integer call() {
        DataSplit split;
        String from;
        if (embedded || (source == null && !Files.isDirectory(INSTALLED))) {
            split = FashionMnist.loadEmbedded();
            from = "the embedded Fashion-MNIST subset";
        } else {
            Path dir = source == null ? INSTALLED : source;
            split = FashionMnist.load(dir);
            from = dir.toString();
        }
        Path train = out.resolve("train.parquet");
        Path test = out.resolve("test.parquet");
        for (Path p : new Path[] {train, test}) {
            if (Files.exists(p)) {
                throw new netc.runtime.InputException(p.toString(), "already exists; give a new directory");
            }
        }
        if (partitions < 1) {
            throw new netc.runtime.InputException("--partitions", "must be >= 1, got " + partitions);
        }
        try (Main.Session session = Main.session()) {
            // Spark writes each file under a temporary name and renames it when the job commits
            Frames.of(session.spark(), split.train()).coalesce(partitions).write().parquet(train.toString());
            Frames.of(session.spark(), split.test()).coalesce(partitions).write().parquet(test.toString());
        }
        spec.commandLine().getOut().printf("wrote %,d training and %,d test images of %s to %s%n", split.train().n(),
                split.test().n(), from, out);
        return Main.OK;
    }
}
