package netc.runtime.train;

import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.Parallel;
import netc.runtime.ParamSpec;

/**
 * The parameter update of one training step, exactly as {@link Trainer} applies it after computing the gradient of a
 * mini-batch: the learning-rate factor of the step (warm-up, then the schedule, see {@link Warmup}), gradient clipping
 * ({@link GradientClipping}), weight decay, and the optimizer's step. A trainer that computes its gradients elsewhere
 * (e.g. summed over the machines of a cluster) uses it so that its steps are the single-machine trainer's, bit for bit.
 *
 * <p>It holds the optimizer, and with it the optimizer's state: one instance serves one parameter vector for a whole
 * run and is not thread-safe.
 */
public final class StepUpdate {

    private final Optimizer optimizer;
    private final LearningRateSchedule schedule;
    private final int warmupSteps;
    private final double clipNorm;
    private final double weightDecay;
    private final int decayEnd;

    /**
     * @param spec        the network's spec: weight decay leaves its state (running statistics) alone
     * @param optimizer   the optimizer, which keeps its state in this update
     * @param schedule    how the learning rate changes over the run
     * @param warmupSteps steps of linear warm-up before the schedule, {@code >= 0}
     * @param clipNorm    the global L2 norm the gradient is clipped to, 0 for none
     * @param weightDecay weight decay, 0 for none (decoupled for {@link Adam}, L2 otherwise)
     */
    public StepUpdate(ModelSpec spec, Optimizer optimizer, LearningRateSchedule schedule, int warmupSteps,
                      double clipNorm, double weightDecay) {
        if (optimizer == null || schedule == null) {
            throw new IllegalArgumentException("optimizer and schedule must not be null");
        }
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.warmupSteps = warmupSteps;
        this.clipNorm = clipNorm;
        this.weightDecay = weightDecay;
        this.decayEnd = trainedEnd(spec);
        RangeUpdate pass = RangeUpdate.of(optimizer);
        if (pass != null) {
            pass.tensors = ParamSlices.of(spec);
        }
    }

    /**
     * Checks the settings an update takes, for a trainer's builder to call before it starts: every trainer that
     * steps through this class rejects the same values with the same message.
     *
     * @param warmupSteps steps of linear warm-up
     * @param clipNorm    the clipping norm, 0 for none
     * @param weightDecay the weight decay, 0 for none
     * @throws InputException naming the first setting out of range
     */
    public static void checkSettings(int warmupSteps, double clipNorm, double weightDecay) {
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new InputException(Trainer.SETTINGS, "weight decay must be finite and >= 0, got " + weightDecay);
        }
        if (!(clipNorm >= 0) || Double.isInfinite(clipNorm)) {
            throw new InputException(Trainer.SETTINGS, "clip norm must be finite and > 0 (0 for none), got "
                    + clipNorm);
        }
        if (warmupSteps < 0) {
            throw new InputException(Trainer.SETTINGS, "warm-up steps must be >= 0, got " + warmupSteps);
        }
    }

    /** The optimizer this update steps. */
    public Optimizer optimizer() {
        return optimizer;
    }

    /**
     * Applies step {@code step} of a run of {@code steps} steps to {@code params} in place.
     *
     * @param params the parameters
     * @param grad   the gradient of the mean mini-batch loss; clipping and L2 decay change it in place
     * @param step   0-based index of the step in the run
     * @param steps  number of steps in the run
     * @return the learning-rate factor the step used (schedule and warm-up)
     */
    public double apply(float[] params, float[] grad, long step, long steps) {
        return apply(params, grad, step, steps, null);
    }

    /**
     * {@link #apply(float[], float[], long, long)} with the optimizer's step split over {@code pool}'s threads
     * (bitwise the serial step, see {@link Optimizer#step(float[], float[], Parallel)}).
     *
     * @param params the parameters
     * @param grad   the gradient of the mean mini-batch loss; clipping and L2 decay change it in place
     * @param step   0-based index of the step in the run
     * @param steps  number of steps in the run
     * @param pool   the threads for the optimizer's step, or null for the calling thread only
     * @return the learning-rate factor the step used (schedule and warm-up)
     */
    public double apply(float[] params, float[] grad, long step, long steps, Parallel pool) {
        double factor = Warmup.factor(schedule, warmupSteps, step, steps);
        optimizer.setRateFactor(factor);
        if (clipNorm > 0) {
            GradientClipping.clip(grad, clipNorm);
        }
        if (weightDecay > 0) {
            WeightDecay.apply(optimizer, params, grad, weightDecay, factor, decayEnd);
        }
        if (pool == null) {
            optimizer.step(params, grad);
        } else {
            optimizer.step(params, grad, pool);
        }
        return factor;
    }

    /** Where the trained parameters end: the state after them (running statistics) is not decayed. */
    static int trainedEnd(ModelSpec spec) {
        for (ParamSpec p : spec.params()) {
            if (p.isState()) {
                return p.offset();
            }
        }
        return spec.paramCount();
    }
}
