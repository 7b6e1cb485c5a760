package netc.runtime.train;

/**
 * A network's quality on a data set.
 *
 * @param samples  number of samples evaluated
 * @param loss     mean loss per sample
 * @param accuracy fraction classified correctly, NaN for real-valued targets
 */
public record Evaluation(int samples, double loss, double accuracy) {
}
