package netc.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import netc.compiler.internal.source.UserError;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;
import netc.runtime.data.CsvReader;
import netc.runtime.data.DataSplit;
import netc.runtime.data.Dataset;
import netc.runtime.data.FashionMnist;
import netc.runtime.data.HoldOut;
import netc.runtime.data.MnistFormat;

/**
 * Where {@code --data} points: a directory of MNIST-format IDX files (train and t10k, plain or .gz), or a CSV file
 * (label or target columns first, then the features). Without {@code --data}, networks with 784 inputs and 10
 * classes get Fashion-MNIST: Debian's {@code dataset-fashion-mnist} if installed, else the subset inside netc.
 */
final class DataSource {
    static final Path SYSTEM_FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    /** Share of a single CSV file held out as the test set when no {@code --test} file is given. */
    static final double HOLDOUT = 0.1;

    private DataSource() {
    }

    /** The loaded split and a line describing it. */
    record Loaded(String description, Dataset train, Dataset test) {
    }

    /**
     * @param data    the {@code --data} path, or null for the default
     * @param test    the {@code --test} CSV file, or null
     * @param seed    seeds the hold-out split of a single CSV file
     * @param header  {@code --csv-header}, or null when not given (then {@link CsvReader.Header#AUTO})
     */
    static Loaded load(Path data, Path test, ModelSpec spec, long seed, CsvReader.Header header) {
        if (data == null) {
            if (test != null) {
                throw new UserError("--test", "needs --data");
            }
            if (header != null) {
                throw new UserError("--csv-header", "only goes with CSV data, given with --data");
            }
            return defaultData(spec);
        }
        if (Files.isDirectory(data)) {
            if (test != null) {
                throw new UserError("--test", "only goes with a CSV --data file; " + data
                        + " is a directory of IDX files, which has its own test set");
            }
            if (header != null) {
                throw new UserError("--csv-header", "only goes with CSV data; " + data
                        + " is a directory of IDX files");
            }
            DataSplit split = MnistFormat.load(data, classesOf(spec, data));
            return new Loaded("IDX files in " + data + ": " + sizes(split.train(), split.test()), split.train(),
                    split.test());
        }
        if (!Files.exists(data)) {
            throw new UserError(data.toString(), "no such file or directory");
        }
        CsvReader.Parsed parsed = csv(data, spec, header);
        Dataset all = parsed.dataset();
        if (test != null) {
            if (!Files.exists(test)) {
                throw new UserError(test.toString(), "no such file");
            }
            if (Files.isDirectory(test)) {
                throw new UserError(test.toString(), "is a directory; --test needs a CSV file");
            }
            CsvReader.Parsed t = csv(test, spec, header);
            return new Loaded("CSV " + data + headerNote(parsed) + " and " + test + headerNote(t) + ": "
                    + sizes(all, t.dataset()), all, t.dataset());
        }
        if (all.n() < 2) {
            throw new UserError(data.toString(), "needs at least 2 samples to hold some out for testing, has "
                    + all.n() + "; or give a --test file");
        }
        // The same seeded permutation and rounding as train --validation, which then holds out of the other 90%.
        DataSplit split = HoldOut.random(all, HOLDOUT, seed, all.name() + " (held out)");
        Dataset train = split.train();
        Dataset held = split.test();
        return new Loaded("CSV " + data + headerNote(parsed) + ": " + sizes(train, held) + " ("
                + Math.round(HOLDOUT * 100)
                + "% held out at random)", train, held);
    }

    /**
     * The data {@code eval} runs on: a CSV file (or pipe) as a whole, or the test files of an IDX directory (the
     * training files need not be there, and are not read), or the default data's test set.
     */
    static Loaded loadForEval(Path data, ModelSpec spec, CsvReader.Header header) {
        return whole(data, spec, header, null, readerFor(spec));
    }

    /**
     * The samples {@code predict} runs on: a CSV file (or pipe) as a whole, whose rows may leave out the targets (the
     * targets are not used, see {@link CsvReader#inputs}); or the files of {@code split} (null: test) of an IDX
     * directory or of the default data. The samples are {@link Loaded#test()}.
     */
    static Loaded loadForPredict(Path data, ModelSpec spec, CsvReader.Header header, String split) {
        return whole(data, spec, header, split, CsvReader.inputs(spec.inputSize(), spec.targetValues()));
    }

    /**
     * Every sample of a CSV {@code data}, or split {@code split} (null: test) of a directory or the default data, as
     * {@link Loaded#test()}.
     */
    private static Loaded whole(Path data, ModelSpec spec, CsvReader.Header header, String split, CsvReader csv) {
        boolean train = "train".equals(split);
        if (data == null || Files.isDirectory(data) && train) {
            Loaded both = load(data, null, spec, 0, header);
            return new Loaded(both.description(), null, train ? both.train() : both.test());
        }
        if (Files.isDirectory(data)) {
            if (header != null) {
                throw new UserError("--csv-header", "only goes with CSV data; " + data
                        + " is a directory of IDX files");
            }
            Dataset test = MnistFormat.loadTest(data, classesOf(spec, data));
            return new Loaded("IDX files in " + data + ": " + String.format(Locale.ROOT, "%,d test samples",
                    test.n()), null, test);
        }
        if (!Files.exists(data)) {
            throw new UserError(data.toString(), "no such file or directory");
        }
        if (split != null) {
            throw new UserError("--split", "only goes with IDX data; " + data + " is a CSV file, predicted whole");
        }
        // a regular file, or a pipe or device (--data <(zcat big.csv.gz)): either way every row
        CsvReader.Parsed parsed = csv(data, csv, header);
        Dataset all = parsed.dataset();
        return new Loaded("CSV " + data + headerNote(parsed) + ": "
                + String.format(Locale.ROOT, "%,d samples", all.n()), null, all);
    }

    /**
     * {@code " (no header row)"} or {@code " (header row skipped: a, b, c)"}, the names shortened past five: a
     * skipped row is a skipped sample if the guess was wrong, so the summary says what it was.
     */
    static String headerNote(CsvReader.Parsed parsed) {
        List<String> names = parsed.header().stream().map(CsvReader::shown).toList();
        if (names.isEmpty()) {
            return " (no header row)";
        }
        String shown = names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 3)) + ", ... " + names.size() + " names";
        return " (header row skipped: " + shown + ")";
    }

    private static Loaded defaultData(ModelSpec spec) {
        if (spec.inputSize() != 28 * 28 || spec.targetKind() != TargetKind.CLASSES
                || spec.targetSize() != FashionMnist.CLASSES) {
            String where = spec.sourceFile() == null || spec.sourceFile().isEmpty() ? spec.name() : spec.sourceFile();
            throw new UserError(where, "network '" + spec.name() + "' needs --data: the built-in data set is "
                    + "Fashion-MNIST (784 inputs, 10 classes), but this network takes " + spec.inputSize()
                    + (spec.inputSize() == 1 ? " input" : " inputs") + " and predicts "
                    + (spec.targetKind() == TargetKind.CLASSES ? spec.targetSize() + " classes"
                            : spec.targetSize() + (spec.targetSize() == 1 ? " real value" : " real values")));
        }
        if (Files.isRegularFile(SYSTEM_FASHION_MNIST.resolve(MnistFormat.TRAIN_IMAGES + ".gz"))) {
            DataSplit split = FashionMnist.load(SYSTEM_FASHION_MNIST);
            return new Loaded("Fashion-MNIST in " + SYSTEM_FASHION_MNIST + ": " + sizes(split.train(), split.test()),
                    split.train(), split.test());
        }
        DataSplit split = FashionMnist.loadEmbedded();
        return new Loaded("Fashion-MNIST subset inside netc: " + sizes(split.train(), split.test())
                + " (install Debian's dataset-fashion-mnist for all 70,000)", split.train(), split.test());
    }

    private static int classesOf(ModelSpec spec, Path data) {
        if (spec.targetKind() != TargetKind.CLASSES) {
            throw new UserError(data.toString(), "IDX files hold class labels, but network '" + spec.name()
                    + "' predicts real values; use a CSV file");
        }
        return spec.targetSize();
    }

    private static CsvReader.Parsed csv(Path file, ModelSpec spec, CsvReader.Header header) {
        return csv(file, readerFor(spec), header);
    }

    /** The reader of training data for {@code spec}: its label column, or its target columns, then the features. */
    private static CsvReader readerFor(ModelSpec spec) {
        return spec.targetKind() == TargetKind.CLASSES ? CsvReader.classes(spec.targetSize())
                : CsvReader.values(spec.targetSize());
    }

    private static CsvReader.Parsed csv(Path file, CsvReader reader, CsvReader.Header header) {
        Path name = file.getFileName();
        if (name != null && name.toString().matches("(?i).*[-.]idx\\d-ubyte(\\.gz)?")) {
            // read as CSV, its bytes made a message of binary noise
            throw new UserError(file.toString(), "this is an IDX file, not CSV; IDX data is read from a directory "
                    + "that holds all four files (" + MnistFormat.TRAIN_IMAGES + ", " + MnistFormat.TRAIN_LABELS + ", "
                    + MnistFormat.TEST_IMAGES + ", " + MnistFormat.TEST_LABELS + ", each plain or .gz): --data DIR");
        }
        return reader.header(header == null ? CsvReader.Header.AUTO : header).parse(file);
    }

    private static String sizes(Dataset train, Dataset test) {
        return String.format(Locale.ROOT, "%,d training, %,d test samples", train.n(), test.n());
    }
}
