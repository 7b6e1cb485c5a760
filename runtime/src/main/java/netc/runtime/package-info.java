/**
 * What a generated network class and its trainer need at run time; nothing here depends on the compiler,
 * ANTLR, JavaPoet or Janino, so an ahead-of-time user ships only this jar beside the generated sources.
 *
 * <p>Reading order: {@link netc.runtime.Network} (the interface every generated class implements),
 * {@link netc.runtime.ModelSpec} and {@link netc.runtime.ParamSpec} (its static description),
 * {@link netc.runtime.Parallel} (how kernels use both cores), then the sub-packages {@code data} (IDX and CSV
 * loaders), {@code train} (initialisers, optimizers, the trainer, metrics) and {@code io} (safetensors weights).
 *
 * <p>Layout conventions shared by generated code and runtime: every tensor is a dense row-major {@code float[]};
 * a batch of per-sample tensors of size {@code n} is {@code batch * n} floats with sample {@code b} at offset
 * {@code b * n}; all parameters of a model live in one logical vector ({@code float[] params}) at the offsets
 * given by {@link netc.runtime.ParamSpec#offset()}, and gradients and optimizer state use the same offsets.
 */
package netc.runtime;
