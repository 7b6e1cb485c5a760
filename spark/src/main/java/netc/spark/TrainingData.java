package netc.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;

/**
 * A DataFrame decoded once into one cached {@link Block} per partition, with the global index of each partition's
 * first row: sample {@code i} of the data is row {@code i} in partition order, as {@code Trainer} numbers the samples
 * of a {@link netc.runtime.data.Dataset}.
 */
final class TrainingData {
    final String name;
    final JavaRDD<Block> blocks;
    final long[] offsets;
    final int[] counts;
    final int n;

    private TrainingData(String name, JavaRDD<Block> blocks, long[] offsets, int[] counts, int n) {
        this.name = name;
        this.blocks = blocks;
        this.offsets = offsets;
        this.counts = counts;
        this.n = n;
    }

    /** Checks the schema on the driver (see {@link SchemaCheck}), then decodes and caches the partitions. */
    static TrainingData load(String name, Dataset<Row> df, Columns columns, ModelSpec spec) {
        SchemaCheck.require(name, df.schema(), columns, spec, true);
        Dataset<Row> selected = df.select(columns.features(), columns.target());
        List<Integer> counted = selected.javaRDD().mapPartitions(TrainingData::count).collect();
        int[] counts = new int[counted.size()];
        long[] offsets = new long[counts.length];
        long total = 0;
        for (int p = 0; p < counts.length; p++) {
            counts[p] = counted.get(p);
            offsets[p] = total;
            total += counts[p];
        }
        if (total == 0) {
            throw new InputException(name, "the data has no rows");
        }
        if (total > Integer.MAX_VALUE) {
            throw new InputException(name, "has " + total + " rows, at most " + Integer.MAX_VALUE + " are supported");
        }
        RowDecoder decoder = new RowDecoder(name, columns, spec, df.schema());
        long[] starts = offsets.clone();
        int inputSize = spec.inputSize();
        JavaRDD<Block> blocks = selected.javaRDD().mapPartitionsWithIndex((partition, rows) -> {
            List<Block> one = new ArrayList<>(1);
            one.add(decode(decoder, inputSize, partition, starts[partition], rows));
            return one.iterator();
        }, true).persist(StorageLevel.MEMORY_ONLY());
        try {
            blocks.count(); // decode now: a malformed row fails here, before any training step
        } catch (Exception e) { // Spark's SparkException is checked, but thrown undeclared
            blocks.unpersist(false);
            throw SparkErrors.unwrap(e);
        }
        return new TrainingData(name, blocks, offsets, counts, (int) total);
    }

    private static Iterator<Integer> count(Iterator<Row> rows) {
        int n = 0;
        while (rows.hasNext()) {
            rows.next();
            n++;
        }
        return List.of(n).iterator();
    }

    private static Block decode(RowDecoder decoder, int inputSize, int partition, long start, Iterator<Row> rows) {
        List<Row> all = new ArrayList<>();
        rows.forEachRemaining(all::add);
        int n = all.size();
        int tv = decoder.targetValues();
        float[] x = new float[n * inputSize];
        float[] y = new float[n * tv];
        for (int i = 0; i < n; i++) {
            Row row = all.get(i);
            long rowNumber = start + i + 1;
            decoder.features(row, 0, rowNumber, x, i * inputSize);
            decoder.target(row, 1, rowNumber, y, i * tv);
        }
        return new Block(partition, n, inputSize, tv, decoder.classes(), x, y);
    }

    /** Frees the cached blocks. */
    void release() {
        blocks.unpersist(false);
    }
}
