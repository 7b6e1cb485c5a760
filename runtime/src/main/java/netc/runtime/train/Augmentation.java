package netc.runtime.train;

import java.util.Arrays;
import java.util.Locale;

import netc.runtime.CommandLineNumbers;
import netc.runtime.InputException;
import netc.runtime.ModelSpec;

/**
 * Random changes to the training images of each mini-batch, so that a network sees a slightly different image of
 * every sample in every epoch: a horizontal mirror (with probability 1/2) and a shift by up to {@code shift} pixels
 * in each direction, the pixels shifted in being 0. These are torchvision's {@code RandomHorizontalFlip()} and
 * {@code RandomCrop(size, padding=shift)} on a zero-padded image; Fashion-MNIST's background is 0, so the shift
 * moves the garment on its background. Test, validation and evaluation data are never changed.
 *
 * <p>The input's last two dimensions are taken as the image's height and width, and the leading ones as its channels,
 * which all get the same change. An image {@code [C, H, W]} is stored channel-last, as netc stores every image
 * (element {@code (c, y, x)} at {@code (y * W + x) * C + c}, see docs/spatial-and-recurrent.md), so a pixel moves
 * with its {@code C} values together. The change of a sample depends only on the run's seed, the epoch and the
 * sample's index in the training set: a rerun, a resumed run and a run on another number of threads see the same
 * images.
 *
 * <p>Immutable; the trainer that applies it owns the scratch space.
 */
public final class Augmentation {

    /** No change: what a trainer does unless told otherwise. */
    public static final Augmentation NONE = new Augmentation(false, 0);

    /** The largest shift accepted, in pixels. */
    public static final int MAX_SHIFT = 64;

    /** Mixed into the seed so that augmentation draws are independent of the shuffle and the initialiser. */
    private static final long STREAM = 0x6a09e667f3bcc909L;

    private final boolean flip;
    private final int shift;

    private Augmentation(boolean flip, int shift) {
        this.flip = flip;
        this.shift = shift;
    }

    /**
     * An augmentation with horizontal mirrors ({@code flip}) and shifts of up to {@code shift} pixels.
     *
     * @throws InputException if {@code shift} is negative or above {@link #MAX_SHIFT}
     */
    public static Augmentation of(boolean flip, int shift) {
        if (shift < 0 || shift > MAX_SHIFT) {
            throw new InputException(Trainer.SETTINGS, "augmentation shift must be >= 0 and <= " + MAX_SHIFT
                    + " pixels, got " + shift);
        }
        return new Augmentation(flip, shift);
    }

    /**
     * Parses a comma-separated list of {@code flip} and {@code shift=N}, or {@code none}: the command line's
     * {@code --augment}.
     *
     * @throws InputException naming the item it does not understand
     */
    public static Augmentation parse(String text) {
        String t = text.trim();
        if (t.equals("none")) {
            return NONE;
        }
        boolean flip = false;
        int shift = 0;
        boolean seenShift = false;
        for (String raw : t.split(",", -1)) {
            String item = raw.trim();
            if (item.equals("flip") && !flip) {
                flip = true;
            } else if (item.startsWith("shift=") && !seenShift) {
                seenShift = true;
                try {
                    shift = (int) CommandLineNumbers.integer(item.substring("shift=".length()), Integer.MIN_VALUE,
                            Integer.MAX_VALUE, "a whole number of pixels");
                } catch (NumberFormatException e) {
                    throw new InputException(Trainer.SETTINGS, "augmentation shift: " + e.getMessage());
                }
            } else {
                throw new InputException(Trainer.SETTINGS, "augmentation must be 'none' or a comma-separated list"
                        + " of 'flip' and 'shift=N', each at most once; got '" + item + "' in '" + text + "'");
            }
        }
        return of(flip, shift);
    }

    /** Whether this changes nothing. */
    public boolean isNone() {
        return !flip && shift == 0;
    }

    /** Whether images are mirrored. */
    public boolean flip() {
        return flip;
    }

    /** The largest shift in pixels, in each direction. */
    public int shift() {
        return shift;
    }

    /**
     * Checks that {@code spec}'s input is an image this can change.
     *
     * @throws InputException if the input has fewer than two dimensions, or the shift is as large as the image
     */
    public void requireImage(ModelSpec spec) {
        if (isNone()) {
            return;
        }
        int[] shape = spec.inputShape();
        if (shape.length < 2) {
            throw new InputException(Trainer.SETTINGS, "augmentation needs an image input (its last two dimensions"
                    + " are height and width); input '" + spec.inputName() + "' of " + spec.name() + " is "
                    + Arrays.toString(shape));
        }
        int h = shape[shape.length - 2];
        int w = shape[shape.length - 1];
        if (shift >= h || shift >= w) {
            throw new InputException(Trainer.SETTINGS, "augmentation shift " + shift + " must be smaller than the"
                    + " image (" + h + " x " + w + ")");
        }
    }

    /**
     * Changes the {@code count} images in {@code x} (each {@code spec.inputSize()} floats, stored channel-last) in
     * place; image {@code i} is training sample {@code order[start + i]}. {@code image} is scratch space of at least
     * {@link #scratchSize} floats.
     */
    void apply(ModelSpec spec, float[] x, int count, long seed, int epoch, int[] order, int start, float[] image) {
        if (isNone()) {
            return;
        }
        int[] shape = spec.inputShape();
        int h = shape[shape.length - 2];
        int w = shape[shape.length - 1];
        int size = spec.inputSize();
        int channels = size / (h * w);
        int span = 2 * shift + 1;
        for (int i = 0; i < count; i++) {
            long r = draw(seed, epoch, order[start + i]);
            boolean mirror = flip && (r & 1) != 0;
            int dy = (int) Long.remainderUnsigned(r >>> 1, span) - shift;
            int dx = (int) Long.remainderUnsigned(r >>> 17, span) - shift;
            change(x, i * size, h, w, channels, mirror, dy, dx, image);
        }
    }

    /**
     * One image of {@code h x w} pixels of {@code channels} values each: output pixel (y, x) takes input pixel
     * (y - dy, x - dx) of the mirrored image, all its channels, or 0 where that lies outside.
     */
    private static void change(float[] x, int off, int h, int w, int channels, boolean mirror, int dy, int dx,
                               float[] image) {
        int rowFloats = w * channels;
        System.arraycopy(x, off, image, 0, h * rowFloats);
        for (int y = 0; y < h; y++) {
            int sy = y - dy;
            int row = off + y * rowFloats;
            if (sy < 0 || sy >= h) {
                Arrays.fill(x, row, row + rowFloats, 0f);
                continue;
            }
            for (int c = 0; c < w; c++) {
                int sx = c - dx;
                int to = row + c * channels;
                if (sx < 0 || sx >= w) {
                    Arrays.fill(x, to, to + channels, 0f);
                } else {
                    System.arraycopy(image, (sy * w + (mirror ? w - 1 - sx : sx)) * channels, x, to, channels);
                }
            }
        }
    }

    /** 64 random bits for a sample in an epoch: SplitMix64's finaliser over seed, epoch and index. */
    static long draw(long seed, int epoch, int sample) {
        long z = seed ^ STREAM;
        z = mix(z + 0x9e3779b97f4a7c15L * (epoch + 1L));
        z = mix(z + 0x9e3779b97f4a7c15L * (sample + 1L));
        return z;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /** How the command line prints it: {@code none}, {@code flip}, {@code shift=2} or {@code flip,shift=2}. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        return flip ? (shift > 0 ? "flip,shift=" + shift : "flip") : "shift=" + shift;
    }

    /** Scratch floats {@link #apply} needs for {@code spec}'s images: one whole image, all its channels. */
    static int scratchSize(ModelSpec spec) {
        return spec.inputShape().length < 2 ? 0 : spec.inputSize();
    }

    /** A phrase for the command line's summary of the run. */
    public String describe() {
        if (isNone()) {
            return "no augmentation";
        }
        String shifts = String.format(Locale.ROOT, "shifts of up to %d pixel%s", shift, shift == 1 ? "" : "s");
        return flip ? (shift > 0 ? "horizontal flips and " + shifts : "horizontal flips") : shifts;
    }
}
