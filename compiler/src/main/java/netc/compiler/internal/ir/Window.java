package netc.compiler.internal.ir;

/**
 * A sliding window over the pixels of a {@code [C, H, W]} value: a {@code size x size} square moved by
 * {@code stride}, over the image padded with {@code pad} zeros on every side. Convolution patches and pooling
 * windows are both windows; {@link #out(int)} is how many positions fit along an axis.
 */
public record Window(int size, int stride, int pad) {
    public Window {
        if (size < 1 || stride < 1 || pad < 0) {
            throw new IllegalArgumentException("window size and stride must be >= 1 and pad >= 0, got size " + size
                    + " stride " + stride + " pad " + pad);
        }
    }

    /**
     * Window positions along an axis of {@code in} pixels: {@code (in + 2 pad - size) / stride + 1}, or 0. In long:
     * a large pad over a large axis exceeds an int (the caller checks that the result is a usable size).
     */
    public long out(int in) {
        long span = (long) in + 2L * pad - size;
        return span < 0 ? 0 : span / stride + 1;
    }

    /** As dumps print it: {@code size=5 stride=1 pad=2}. */
    @Override
    public String toString() {
        return "size=" + size + " stride=" + stride + " pad=" + pad;
    }
}
