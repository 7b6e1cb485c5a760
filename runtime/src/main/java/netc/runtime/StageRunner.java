package netc.runtime;

/**
 * Something that runs numbered stages over a range of rows; generated classes implement it so that
 * {@link Parallel} can split a kernel's outer loop across threads without lambdas (Janino compiles none).
 */
public interface StageRunner {

    /** Runs stage {@code stage} on rows {@code [lo, hi)}; must touch only the outputs of those rows. */
    void runStage(int stage, int lo, int hi);
}
