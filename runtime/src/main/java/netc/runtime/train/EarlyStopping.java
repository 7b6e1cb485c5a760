package netc.runtime.train;

/**
 * Watches the validation loss epoch by epoch: remembers the weights of the best epoch (lowest loss; a tie or NaN is
 * not an improvement) and says when {@code patience} epochs in a row have not improved on it.
 */
final class EarlyStopping {

    private final int patience;
    private final float[] best;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private int bestEpoch;
    private int sinceBest;

    /**
     * @param patience   epochs without improvement before {@link #exhausted()}; 0 never stops
     * @param paramCount length of the parameter vector
     */
    EarlyStopping(int patience, int paramCount) {
        this.patience = patience;
        this.best = new float[paramCount];
    }

    /** Records an epoch's validation loss and, if it is the best so far, a copy of the weights. */
    void epochDone(int epoch, double validationLoss, float[] params) {
        if (validationLoss < bestLoss) {
            bestLoss = validationLoss;
            bestEpoch = epoch;
            sinceBest = 0;
            System.arraycopy(params, 0, best, 0, best.length);
        } else {
            sinceBest++;
        }
    }

    /** Whether {@code patience} epochs have passed without a new best. */
    boolean exhausted() {
        return patience > 0 && sinceBest >= patience;
    }

    /** The 1-based epoch with the lowest validation loss, 0 before any finite loss. */
    int bestEpoch() {
        return bestEpoch;
    }

    /** Copies the best epoch's weights into {@code params}; does nothing before any finite loss. */
    void restore(float[] params) {
        if (bestEpoch > 0) {
            System.arraycopy(best, 0, params, 0, best.length);
        }
    }
}
