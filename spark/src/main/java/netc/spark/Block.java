package netc.spark;

import java.io.Serializable;

import netc.runtime.data.Dataset;

/**
 * The samples of one partition, decoded once into contiguous floats and cached by Spark for the whole run, so that a
 * training step reads arrays rather than rows.
 */
final class Block implements Serializable {
    private static final long serialVersionUID = 1L;

    final int partition;
    final int n;
    final int inputSize;
    final int targetValues;
    final int classes;
    final float[] x;
    final float[] y;
    private transient Dataset dataset;

    Block(int partition, int n, int inputSize, int targetValues, int classes, float[] x, float[] y) {
        this.partition = partition;
        this.n = n;
        this.inputSize = inputSize;
        this.targetValues = targetValues;
        this.classes = classes;
        this.x = x;
        this.y = y;
    }

    /** The block as a runtime data set (a view of the same arrays). */
    Dataset dataset() {
        if (dataset == null) {
            dataset = new Dataset("partition " + partition, x, y, n, inputSize, targetValues, classes);
        }
        return dataset;
    }
}
