package netc.runtime.train;

/**
 * How a classifier did on each class: the confusion matrix and, from it, per-class precision and recall.
 *
 * <p>Row {@code t}, column {@code p} of the confusion matrix counts the samples of true class {@code t} predicted as
 * {@code p}. The recall of a class is its accuracy: the share of its samples classified correctly. Its precision is
 * the share of the samples predicted as that class that really are. Either can be 0/0, which is not a number: the
 * recall of a class absent from the data, the precision of a class never predicted. Those are NaN here, never a
 * made-up 0 or 1 (a class that is never predicted has recall 0 if present, which already says what is wrong).
 */
public final class ClassReport {

    private final long[][] confusion;
    private final long samples;

    private ClassReport(long[][] confusion, long samples) {
        this.confusion = confusion;
        this.samples = samples;
    }

    /**
     * The report of {@code predicted} against {@code actual}, sample by sample.
     *
     * @param classes   number of classes; every label must be in {@code [0, classes)}
     * @param actual    the true class of each sample
     * @param predicted the predicted class of each sample, same length
     * @throws IllegalArgumentException if the lengths differ or a label is out of range
     */
    public static ClassReport of(int classes, int[] actual, int[] predicted) {
        if (classes < 1) {
            throw new IllegalArgumentException("classes must be >= 1, got " + classes);
        }
        if (actual.length != predicted.length) {
            throw new IllegalArgumentException(actual.length + " true labels but " + predicted.length
                    + " predictions");
        }
        long[][] m = new long[classes][classes];
        for (int i = 0; i < actual.length; i++) {
            int t = actual[i];
            int p = predicted[i];
            if (t < 0 || t >= classes || p < 0 || p >= classes) {
                throw new IllegalArgumentException("sample " + i + ": class " + (t < 0 || t >= classes ? t : p)
                        + " is not in [0, " + classes + ")");
            }
            m[t][p]++;
        }
        return new ClassReport(m, actual.length);
    }

    /** Number of classes. */
    public int classes() {
        return confusion.length;
    }

    /** Number of samples. */
    public long samples() {
        return samples;
    }

    /** Samples of true class {@code actual} predicted as {@code predicted}. */
    public long count(int actual, int predicted) {
        return confusion[actual][predicted];
    }

    /** A copy of the confusion matrix, rows by true class, columns by predicted class. */
    public long[][] confusionMatrix() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < copy.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    /** Samples whose true class is {@code k} (the row sum). */
    public long support(int k) {
        long n = 0;
        for (long c : confusion[k]) {
            n += c;
        }
        return n;
    }

    /** Samples predicted as {@code k} (the column sum). */
    public long predictedCount(int k) {
        long n = 0;
        for (long[] row : confusion) {
            n += row[k];
        }
        return n;
    }

    /** Correct predictions of {@code k} over all predictions of {@code k}; NaN if {@code k} is never predicted. */
    public double precision(int k) {
        long predicted = predictedCount(k);
        return predicted == 0 ? Double.NaN : (double) confusion[k][k] / predicted;
    }

    /**
     * Correct predictions of {@code k} over the samples of {@code k}, that is the accuracy on class {@code k}; NaN if
     * the data has no sample of {@code k}.
     */
    public double recall(int k) {
        long support = support(k);
        return support == 0 ? Double.NaN : (double) confusion[k][k] / support;
    }

    /** Share of all samples classified correctly; NaN without samples. */
    public double accuracy() {
        long correct = 0;
        for (int k = 0; k < confusion.length; k++) {
            correct += confusion[k][k];
        }
        return samples == 0 ? Double.NaN : (double) correct / samples;
    }
}
