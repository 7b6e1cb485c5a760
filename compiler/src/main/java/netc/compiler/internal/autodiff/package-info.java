/**
 * Symbolic reverse-mode differentiation: {@link netc.compiler.internal.autodiff.Differentiate} walks the graph backwards
 * from the loss and asks {@link netc.compiler.internal.autodiff.GradRules} (every op's derivative, one file) for the
 * adjoints of each node's inputs. Gradients are ordinary graph nodes, so the same passes, interpreter, printer and
 * emitter handle them; {@link netc.compiler.internal.autodiff.GradientFormulas} prints them for {@code netc grad}.
 */
package netc.compiler.internal.autodiff;
