package netc.compiler.internal.schedule;

/**
 * Where a node's value lives in generated code: an array and an offset. Arrays are the call's arguments
 * ({@link Home#PARAMS}, {@link Home#GRADS}, {@link Home#INPUT}, {@link Home#TARGET}) or scratch fields of the
 * generated class ({@link Home#SCRATCH}, named from the node id), or one sample's worth in an array per thread
 * ({@link Home#PER_THREAD}: the product of a {@link Kernel.GemmCol2im} or the patches of a {@link Kernel.Im2colGemm}
 * and {@link Kernel.Im2colGemmTn}, which the same kernel reads back at once).
 *
 * @param elements per-sample element count (or total, when not batched)
 */
public record Buffer(Home home, int nodeId, int offset, int elements, boolean batched) {

    public enum Home { PARAMS, GRADS, INPUT, TARGET, SCRATCH, LOSS_ROWS, PER_THREAD }
}
