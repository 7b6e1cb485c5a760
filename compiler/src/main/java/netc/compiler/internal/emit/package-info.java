/**
 * Java code generation with JavaPoet: one class per network, implementing {@code netc.runtime.Network}.
 *
 * <p>Reading order: {@link netc.compiler.internal.emit.ClassEmitter} (the class: model spec constant, scratch buffers, the
 * {@code forward}, {@code loss} and {@code lossAndGradient} programs over shared kernel methods, the
 * {@code runStage} switch through which {@code netc.runtime.Parallel} splits a kernel's rows; a dense layer's
 * products with W, forward and input gradient, are split by columns instead when the batch is no larger than W's
 * columns, so that each core reads its part of W once), then the kernels:
 * {@link netc.compiler.internal.emit.GemmSpec} (what to emit: NT, NN or TN form, constant extents, VECTOR or SCALAR style),
 * {@link netc.compiler.internal.emit.Epilogue} (bias and activation fused into the store),
 * {@link netc.compiler.internal.emit.GemmEmitter} (the register tiles), {@code ExpressionEmitter} (fused elementwise
 * expressions; on images rows are pixels), {@code RowCalls} (softmax, losses, batch sums as runtime calls),
 * {@code SpatialCalls} (im2col, col2im, pooling and channel sums as {@code netc.runtime.SpatialOps} calls; a
 * VECTOR class pools through {@code VectorPooling}, the same choices with the channels a vector at a time, and
 * gathers a sample loop's col2im through {@code VectorCol2im}, the same sums in the same order),
 * {@code VectorKernelsClass} (the nested class of vector kernels, elementwise kernels included, and the hand-over
 * to it),
 * {@code SharedMethods} and {@code MethodChunks} (one method per distinct kernel body, and long methods split in
 * parts, so unrolled recurrent nets fit),
 * {@link netc.compiler.internal.emit.JavaLiterals} (numbers and names spelled safely) and
 * {@link netc.compiler.internal.emit.ClassFileMethodSizes} (checks the 8,000-byte JIT limit).
 *
 * <p>Tiny dense networks ({@link netc.compiler.internal.emit.TinyNetRule}) take another path:
 * {@link netc.compiler.internal.emit.UnrolledEmitter} spells the whole class as straight-line per-sample code
 * ({@code UnrolledProgram}), no kernels, no scratch buffers, no thread hand-off, bitwise what the SCALAR-style tiled
 * class computes; {@code ClassEmitter.emit} picks it, {@code ClassEmitter.emitTiled} forces the tiles.
 *
 * <p>Invariants: user names appear only as escaped string literals (Java names come from node ids); comments hold
 * only {@code [A-Za-z0-9._:-]}; the same graph and options give byte-identical source; a kernel method shared by
 * two programs computes the same thing from the same buffers.
 */
package netc.compiler.internal.emit;
