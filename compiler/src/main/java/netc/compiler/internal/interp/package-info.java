/**
 * The reference semantics of the IR: {@link netc.compiler.internal.interp.Interpreter} evaluates any graph in double
 * precision with plain loops, and {@link netc.compiler.internal.interp.GradientCheck} compares symbolic gradients with
 * central finite differences. Generated kernels and passes are tested against these.
 */
package netc.compiler.internal.interp;
