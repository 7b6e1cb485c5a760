package netc.spark;

import picocli.CommandLine.Option;

/** The column options, the same in every command that reads data (train, predict). */
final class ColumnOptions {
    @Option(names = "--features", defaultValue = "features", description = "features column (default: ${DEFAULT-VALUE})")
    String features;

    @Option(names = "--label", defaultValue = "label",
            description = "label or target column; in a CSV file every other column is a feature "
                    + "(default: ${DEFAULT-VALUE})")
    String label;

    /** The columns the options name. */
    Columns columns() {
        return new Columns(features, label);
    }
}
