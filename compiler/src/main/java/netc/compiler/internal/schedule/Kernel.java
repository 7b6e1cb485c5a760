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
