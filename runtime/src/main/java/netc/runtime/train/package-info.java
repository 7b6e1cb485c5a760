/**
 * Training: initial weights, optimizers, the mini-batch loop and metrics.
 *
 * <p>Reading order: {@link netc.runtime.train.Initializer} (seeded He/Xavier/normal/zeros),
 * {@link netc.runtime.train.Optimizer} and its implementations {@link netc.runtime.train.Sgd},
 * {@link netc.runtime.train.Momentum} and {@link netc.runtime.train.Adam}, then {@link netc.runtime.train.Trainer}
 * (shuffled epochs, a finite-loss check on every batch, an {@link netc.runtime.train.EpochReport} per epoch to a
 * {@link netc.runtime.train.ProgressListener}) and {@link netc.runtime.train.Evaluator}. All updates work on the one
 * flat parameter vector; optimizer state uses the same offsets. {@link netc.runtime.train.Checkpoint} and
 * {@link netc.runtime.train.CheckpointStore} save a run after every epoch and resume it bitwise
 * ({@link netc.runtime.train.OptimizerState} is what an optimizer carries from one step to the next).
 */
package netc.runtime.train;
