package netc.runtime.data;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Seeded hold-outs: the part of a data set kept out of training, either as the test set of a single CSV file or as
 * the validation set carved out of a training set. Both draw one seeded permutation of the samples and round the
 * held-out count the same way ({@code round(fraction * n)}, at least 1), and both keep the samples of each part in
 * their file order, so the same data, fraction and seed always give the same parts.
 *
 * <p>They differ in one respect. {@link #random} takes the first samples of the permutation whatever their class;
 * {@link #stratified} takes {@code round(fraction * count)} samples of each class (for real-valued targets it is
 * {@link #random}), so that a small validation set of an unbalanced classifier still has every class in proportion.
 * The test hold-out of a CSV file stays {@link #random}, so that the splits of earlier runs reproduce.
 */
public final class HoldOut {

    private HoldOut() {
    }

    /**
     * The last {@code n - round(fraction * n)} samples of a seeded permutation train, the first are held out.
     *
     * @param all      the samples to split
     * @param fraction share held out, {@code 0 < fraction < 1}
     * @param seed     seeds the permutation
     * @param heldName name of the held-out part (the training part keeps {@code all}'s name)
     * @return the training part and the held-out part, both non-empty
     * @throws IllegalArgumentException if fewer than 2 samples or the fraction is out of range
     */
    public static DataSplit random(Dataset all, double fraction, long seed, String heldName) {
        requireSplittable(all, fraction);
        int[] order = permutation(all.n(), seed);
        int held = Math.min(all.n() - 1, Math.max(1, (int) Math.round(all.n() * fraction)));
        return split(all, Arrays.copyOfRange(order, held, order.length), Arrays.copyOfRange(order, 0, held),
                heldName);
    }

    /**
     * Like {@link #random}, but a classifier's samples are held out class by class: walking the same seeded
     * permutation, a sample is held out while its class has fewer than {@code round(fraction * count of the class)}
     * held out. A class with one sample (or too few for the fraction to round up to one) stays in training. If that
     * holds out nothing, the first sample of the permutation is held out; if it holds out everything, the last one
     * trains.
     */
    public static DataSplit stratified(Dataset all, double fraction, long seed, String heldName) {
        if (!all.hasClasses()) {
            return random(all, fraction, seed, heldName);
        }
        requireSplittable(all, fraction);
        int n = all.n();
        int[] count = new int[all.classes()];
        for (int i = 0; i < n; i++) {
            count[all.label(i)]++;
        }
        int[] quota = new int[count.length];
        for (int c = 0; c < count.length; c++) {
            quota[c] = (int) Math.round(count[c] * fraction);
        }
        int[] order = permutation(n, seed);
        boolean[] held = new boolean[n];
        int heldCount = 0;
        for (int i : order) {
            int c = all.label(i);
            if (quota[c] > 0) {
                quota[c]--;
                held[i] = true;
                heldCount++;
            }
        }
        if (heldCount == 0) {
            held[order[0]] = true;
            heldCount = 1;
        } else if (heldCount == n) {
            held[order[n - 1]] = false;
            heldCount--;
        }
        int[] trainIdx = new int[n - heldCount];
        int[] heldIdx = new int[heldCount];
        for (int i = 0, t = 0, h = 0; i < n; i++) {
            if (held[i]) {
                heldIdx[h++] = i;
            } else {
                trainIdx[t++] = i;
            }
        }
        return split(all, trainIdx, heldIdx, heldName);
    }

    private static void requireSplittable(Dataset all, double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("hold-out fraction must be > 0 and < 1, got " + fraction);
        }
        if (all.n() < 2) {
            throw new IllegalArgumentException("a hold-out needs at least 2 samples, " + all.name() + " has "
                    + all.n());
        }
    }

    private static DataSplit split(Dataset all, int[] trainIdx, int[] heldIdx, String heldName) {
        Arrays.sort(trainIdx);
        Arrays.sort(heldIdx);
        return new DataSplit(all.subset(trainIdx).withName(all.name()), all.subset(heldIdx).withName(heldName));
    }

    /** Fisher-Yates with {@code SplittableRandom(seed ^ 0x5DEECE66D)}: the permutation the CSV hold-out always used. */
    static int[] permutation(int n, long seed) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
