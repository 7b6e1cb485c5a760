/**
 * Java code generation with JavaPoet. So far: the matrix-product kernels.
 *
 * <p>Reading order: {@link netc.compiler.emit.GemmSpec} (what to emit: NT, NN or TN form, constant extents, VECTOR
 * or SCALAR style), {@link netc.compiler.emit.Epilogue} (bias and activation fused into the store),
 * {@link netc.compiler.emit.GemmEmitter} (the tiles), {@link netc.compiler.emit.JavaLiterals} (numbers and names
 * spelled safely), {@link netc.compiler.emit.ClassFileMethodSizes} (checks the 8,000-byte JIT limit).
 */
package netc.compiler.emit;
