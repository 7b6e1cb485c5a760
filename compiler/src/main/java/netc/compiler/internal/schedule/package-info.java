/**
 * Fusion and scheduling: turns a (differentiated) graph into an ordered list of {@link
 * netc.compiler.internal.schedule.Kernel}s, each one loop nest the emitter spells out.
 *
 * <p>{@link netc.compiler.internal.schedule.Schedule#build} decides which nodes get memory (a matrix product, a row op, a
 * value used twice, an output) and folds everything else into its consumer: a chain of elementwise ops becomes one
 * loop, and an elementwise chain whose only matrix operand is a product used once becomes that product's epilogue
 * (bias + activation in the forward pass, activation derivative in the backward pass). A convolution's patch
 * gradient and its col2im become one kernel run a sample at a time, through an array of one sample per thread
 * ({@link netc.compiler.internal.schedule.Kernel.GemmCol2im}), and so do im2col and the product
 * ({@link netc.compiler.internal.schedule.Kernel.Im2colGemm}); the kernel gradient, the patches' other reader, builds
 * them again a sample at a time ({@link netc.compiler.internal.schedule.Kernel.Im2colGemmTn}), so the patches of
 * the whole batch are never stored. Decisions are made here, on the IR; the emitter only spells them.
 */
package netc.compiler.internal.schedule;
