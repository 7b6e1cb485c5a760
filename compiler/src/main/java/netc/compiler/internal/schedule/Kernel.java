package netc.compiler.internal.schedule;

import netc.compiler.internal.ir.Node;

/** One loop nest of a scheduled program; {@link #result()} is the node whose buffer it writes. */
public sealed interface Kernel {

    /** The node this kernel computes. */
    Node result();

    /** A stable key: two programs of one class share a kernel (and its method) when their keys are equal. */
    String key();

    /**
     * A matrix product; if {@code epilogue} is not null, the product is not stored but fed into that elementwise
     * expression (whose tree contains {@code product} once), whose value is stored as {@code result}.
     */
    record Gemm(Node product, Node result) implements Kernel {
        public boolean hasEpilogue() {
            return product != result;
        }

        @Override
        public String key() {
            return "gemm " + product.id() + " " + result.id();
        }
    }

    /** A fused elementwise expression tree rooted at {@code result}, one loop over its elements. */
    record Elementwise(Node result) implements Kernel {
        @Override
        public String key() {
            return "elementwise " + result.id();
        }
    }

    /**
     * A row operation, a loss, a loss gradient, a sum over the batch, or an image op (patches, pooling): one call of
     * a runtime routine.
     */
    record Row(Node result) implements Kernel {
        @Override
        public String key() {
            return "row " + result.id();
        }
    }

    /**
     * A matrix product whose only reader is a col2im (a convolution's patch gradient and its scatter into the input
     * gradient), run together one sample at a time: the product's rows of one sample go to a per-thread array of one
     * sample ({@link Buffer.Home#PER_THREAD}) and col2im adds them into the image while they are still in cache. The
     * product of the whole batch, the largest array of a convnet's step (40 MB for the second convolution at batch
     * 64), is never stored, nor read back from memory. Every element goes through the same operations as when the two
     * run as separate kernels (the product's rows are independent), so results are bitwise the same.
     */
    record GemmCol2im(Gemm gemm, Row col2im) implements Kernel {
        @Override
        public Node result() {
            return col2im.result();
        }

        @Override
        public String key() {
            return "gemm-col2im " + gemm.product().id() + " " + col2im.result().id();
        }
    }

    /**
     * An im2col and the convolution's matrix product, run together one sample at a time: the sample's patch rows go
     * to a per-thread array of one sample ({@link Buffer.Home#PER_THREAD}) and are multiplied while they are in L2.
     * The patches of the whole batch (40 MB for the convnet's second layer at batch 64) are never stored; a kernel
     * gradient that reads them builds them again ({@link Im2colGemmTn}). Bitwise the same results: every patch row
     * and every row of the product is computed as by the separate kernels.
     */
    record Im2colGemm(Row im2col, Gemm gemm) implements Kernel {
        @Override
        public Node result() {
            return gemm.result();
        }

        @Override
        public String key() {
            return "im2col-gemm " + im2col.result().id() + " " + gemm.result().id();
        }
    }

    /**
     * A convolution's kernel gradient {@code sum over pixels of g patch^T} (a TN product, split by column panels of
     * C) whose patches are not stored: the forward {@link Im2colGemm} built them a sample at a time, and this kernel
     * builds each sample's patches again, only the columns of its thread's panels, into the same per-thread array,
     * and adds that sample's product to C (the first sample's starts from 0). Each element of C is the one chain of
     * fmas in pixel order that a product over the stored patches of the whole batch computes, so results are bitwise
     * the same. Measured on the convnet's second layer (64 x 800 over 12,544 pixels, one thread, KernelAB): 67
     * GFLOP/s streaming the 40 MB of patches, 92 on one sample's patches in L2.
     */
    record Im2colGemmTn(Row im2col, Gemm gemm) implements Kernel {
        @Override
        public Node result() {
            return gemm.result();
        }

        @Override
        public String key() {
            return "im2col-gemm-tn " + im2col.result().id() + " " + gemm.result().id();
        }
    }

    /**
     * Copies the gradient slice of {@code result} to the slice at {@code gradOffset}: one interned node can be the
     * gradient of two parameters (as in {@code W x + b1 + b2}).
     */
    record Copy(Node result, int gradOffset) implements Kernel {
        @Override
        public String key() {
            return "copy " + result.id() + " " + gradOffset;
        }
    }
}
