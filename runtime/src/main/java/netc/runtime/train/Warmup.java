package netc.runtime.train;

/**
 * A linear warm-up in front of a {@link LearningRateSchedule}, as PyTorch's
 * {@code SequentialLR([LinearLR(start_factor=1/(N+1), total_iters=N), schedule], milestones=[N])} does it: the first
 * {@code N} steps ramp the factor linearly, {@code (step + 1) / (N + 1)}, so step 0 already moves (at
 * {@code 1/(N+1)} of the rate) and step {@code N - 1} is one ramp increment below the full rate; from step {@code N}
 * on the schedule runs over the remaining steps as if the run started there, so cosine decay starts at the full rate
 * at step {@code N} and reaches zero at the last step. Without warm-up ({@code N = 0}) it is the schedule itself.
 * A warm-up as long as the run or longer never reaches the full rate.
 */
public final class Warmup {

    private Warmup() {
    }

    /**
     * The learning-rate factor of a step.
     *
     * @param schedule    what follows the warm-up
     * @param warmupSteps {@code N >= 0}
     * @param step        0-based index of the step in the run
     * @param steps       number of steps in the run
     */
    public static double factor(LearningRateSchedule schedule, long warmupSteps, long step, long steps) {
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (step < warmupSteps) {
            return (double) (step + 1) / (warmupSteps + 1);
        }
        return schedule.factor(step - warmupSteps, steps - warmupSteps);
    }
}
