package netc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import netc.runtime.Init;
import netc.runtime.InputException;
import netc.runtime.ModelSpec;
import netc.runtime.TargetKind;
import org.junit.jupiter.api.Test;

class AugmentationTest {

    private static final int H = 7;
    private static final int W = 5;

    private static ModelSpec image(int... shape) {
        return new ModelSpec("img", "img.net", "x", shape, "p", new int[] {3}, TargetKind.CLASSES, 3,
                "cross_entropy", List.of(Specs.params("w", new int[] {3, 1}, Init.ZEROS)));
    }

    /** Distinct non-zero pixels, so that one image can be recognised as a moved copy of another. */
    private static float[] images(int count, int size) {
        float[] x = new float[count * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = 1 + i;
        }
        return x;
    }

    private static int[] identity(int n) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        return order;
    }

    /**
     * Channel {@code ch} of the channel-last image at {@code off} in {@code src} (H x W pixels of {@code channels}
     * values, element (ch, y, x) at (y * W + x) * channels + ch), mirrored or not, then moved by (dy, dx),
     * zero-filled, as an H x W plane.
     */
    private static float[] moved(float[] src, int off, int channels, int ch, boolean mirror, int dy, int dx) {
        float[] out = new float[H * W];
        for (int y = 0; y < H; y++) {
            for (int c = 0; c < W; c++) {
                int sy = y - dy;
                int sx = c - dx;
                if (sy >= 0 && sy < H && sx >= 0 && sx < W) {
                    out[y * W + c] = src[off + (sy * W + (mirror ? W - 1 - sx : sx)) * channels + ch];
                }
            }
        }
        return out;
    }

    /** Channel {@code ch} of the channel-last image at {@code off} of {@code x}, as an H x W plane. */
    private static float[] channel(float[] x, int off, int channels, int ch) {
        float[] out = new float[H * W];
        for (int p = 0; p < H * W; p++) {
            out[p] = x[off + p * channels + ch];
        }
        return out;
    }

    @Test
    void parsesTheCommandLineForm() {
        assertTrue(Augmentation.parse("none").isNone());
        Augmentation a = Augmentation.parse(" flip , shift=2 ");
        assertTrue(a.flip());
        assertEquals(2, a.shift());
        assertEquals("flip,shift=2", a.toString());
        assertEquals("shift=3", Augmentation.parse("shift=3").toString());
        assertEquals("flip", Augmentation.parse("flip").toString());
        assertEquals("horizontal flips and shifts of up to 2 pixels", a.describe());
        assertEquals("training: error: augmentation must be 'none' or a comma-separated list of 'flip' and"
                + " 'shift=N', each at most once; got 'flip' in 'flip,flip'",
                assertThrows(InputException.class, () -> Augmentation.parse("flip,flip")).getMessage());
        assertEquals("training: error: augmentation must be 'none' or a comma-separated list of 'flip' and"
                + " 'shift=N', each at most once; got '' in ''",
                assertThrows(InputException.class, () -> Augmentation.parse("")).getMessage());
        assertEquals("training: error: augmentation shift: 'two' is not a whole number of pixels",
                assertThrows(InputException.class, () -> Augmentation.parse("shift=two")).getMessage());
        // digits 0-9 only, as every number on the command line; a number too large says so
        assertEquals("training: error: augmentation shift: '\u0663' is not a whole number of pixels (write its "
                + "digits as 0-9)", assertThrows(InputException.class, () -> Augmentation.parse("shift=\u0663"))
                .getMessage());
        assertEquals("training: error: augmentation shift: '99999999999' is not a whole number of pixels (out of "
                + "range)", assertThrows(InputException.class, () -> Augmentation.parse("shift=99999999999"))
                .getMessage());
        assertEquals("training: error: augmentation shift must be >= 0 and <= 64 pixels, got -1",
                assertThrows(InputException.class, () -> Augmentation.parse("shift=-1")).getMessage());
    }

    @Test
    void needsAnImageLargerThanTheShift() {
        Augmentation.of(true, 4).requireImage(image(1, H, W));
        Augmentation.NONE.requireImage(image(784));
        assertEquals("training: error: augmentation needs an image input (its last two dimensions are height and"
                + " width); input 'x' of img is [784]", assertThrows(InputException.class,
                        () -> Augmentation.of(true, 0).requireImage(image(784))).getMessage());
        assertEquals("training: error: augmentation shift 5 must be smaller than the image (7 x 5)",
                assertThrows(InputException.class, () -> Augmentation.of(false, 5).requireImage(image(H, W)))
                        .getMessage());
    }

    @Test
    void everyImageIsMirroredOrNotAndMovedByAtMostTheShiftTheSameWayInEveryChannel() {
        int shift = 2;
        int channels = 3;
        int count = 400;
        int size = channels * H * W;
        ModelSpec spec = image(channels, H, W);
        float[] before = images(count, size);
        float[] x = before.clone();
        Augmentation.of(true, shift).apply(spec, x, count, 7, 3, identity(count), 0, new float[size]);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < count; i++) {
            String found = null;
            for (int m = 0; m < 2 && found == null; m++) {
                for (int dy = -shift; dy <= shift && found == null; dy++) {
                    for (int dx = -shift; dx <= shift && found == null; dx++) {
                        boolean all = true;
                        for (int ch = 0; ch < channels && all; ch++) {
                            all = Arrays.equals(moved(before, i * size, channels, ch, m == 1, dy, dx),
                                    channel(x, i * size, channels, ch));
                        }
                        if (all) {
                            found = m + " " + dy + " " + dx;
                        }
                    }
                }
            }
            assertTrue(found != null, "image " + i + " is no mirror and move of its original");
            seen.add(found);
        }
        assertEquals(2 * 5 * 5, seen.size(), "every mirror and move occurs among 400 images: " + seen);
    }

    @Test
    void aPixelMovesWithAllItsChannelsAndNoValueChangesChannel() {
        // A [3, H, W] image whose every value names its channel and pixel: 100 c + pixel index, stored channel-last.
        int channels = 3;
        int size = channels * H * W;
        float[] x = new float[size];
        for (int p = 0; p < H * W; p++) {
            for (int c = 0; c < channels; c++) {
                x[p * channels + c] = 100 * c + p + 1;
            }
        }
        ModelSpec spec = image(channels, H, W);
        // A sample the draw mirrors: pixel (y, x) then holds pixel (y, W - 1 - x), channel by channel.
        int sample = 0;
        while ((Augmentation.draw(1, 1, sample) & 1) == 0) {
            sample++;
        }
        float[] flipped = x.clone();
        Augmentation.of(true, 0).apply(spec, flipped, 1, 1, 1, new int[] {sample}, 0, new float[size]);
        for (int y = 0; y < H; y++) {
            for (int c = 0; c < W; c++) {
                for (int ch = 0; ch < channels; ch++) {
                    assertEquals(x[(y * W + W - 1 - c) * channels + ch], flipped[(y * W + c) * channels + ch],
                            "channel " + ch + " of pixel (" + y + ", " + c + ")");
                }
            }
        }
        // Shifts: every value stays in its channel (or becomes 0).
        for (int s = 0; s < 50; s++) {
            float[] moved = x.clone();
            Augmentation.of(true, 2).apply(spec, moved, 1, 3, 1, new int[] {s}, 0, new float[size]);
            for (int i = 0; i < size; i++) {
                int ch = i % channels;
                assertTrue(moved[i] == 0 || (int) (moved[i] - 1) / 100 == ch, "value " + moved[i] + " in channel "
                        + ch + " of sample " + s);
            }
        }
    }

    @Test
    void theChangeDependsOnlyOnSeedEpochAndSampleIndex() {
        int count = 64;
        int size = H * W;
        ModelSpec spec = image(H, W);
        Augmentation a = Augmentation.of(true, 1);
        float[] data = images(count, size);
        int[] order = new SplittableRandom(5).ints(count, 0, count).toArray();
        // one batch of samples in a shuffled order ...
        float[] batch = new float[count * size];
        for (int i = 0; i < count; i++) {
            System.arraycopy(data, order[i] * size, batch, i * size, size);
        }
        a.apply(spec, batch, count, 11, 2, order, 0, new float[size]);
        // ... gets, sample by sample, what each sample gets alone in the same epoch
        for (int i = 0; i < count; i++) {
            float[] one = Arrays.copyOfRange(data, order[i] * size, order[i] * size + size);
            a.apply(spec, one, 1, 11, 2, new int[] {order[i]}, 0, new float[size]);
            assertArrayEquals(one, Arrays.copyOfRange(batch, i * size, i * size + size), "sample " + order[i]);
        }
        float[] otherEpoch = images(count, size);
        a.apply(spec, otherEpoch, count, 11, 3, identity(count), 0, new float[size]);
        float[] sameEpoch = images(count, size);
        a.apply(spec, sameEpoch, count, 11, 2, identity(count), 0, new float[size]);
        assertFalse(Arrays.equals(otherEpoch, sameEpoch), "another epoch draws other changes");
        assertNotEquals(Augmentation.draw(11, 2, 0), Augmentation.draw(12, 2, 0));
    }

    @Test
    void noneLeavesTheBatchAlone() {
        float[] x = images(3, H * W);
        Augmentation.NONE.apply(image(H, W), x, 3, 1, 1, identity(3), 0, new float[0]);
        assertArrayEquals(images(3, H * W), x);
    }

    private static float[] train(Augmentation a, int threads) {
        int n = 96;
        SplittableRandom r = new SplittableRandom(3);
        float[] x = new float[n * H * W];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3;
            for (int j = 0; j < H * W; j++) {
                x[i * H * W + j] = (float) (r.nextDouble() + (j % 3 == y[i] ? 1 : 0));
            }
        }
        netc.runtime.data.Dataset data = netc.runtime.data.Dataset.ofClasses("img", x, y, H * W, 3);
        SoftmaxRegression net = new SoftmaxRegression(new int[] {1, H, W}, 3);
        float[] params = Initializer.initialize(net.spec(), 1);
        Trainer t = Trainer.builder(net).optimizer(new Momentum(0.05)).epochs(3).batchSize(16).seed(9)
                .threads(threads).augmentation(a).build();
        t.train(params, data, null);
        if (!a.isNone()) {
            assertEquals(a.toString(), t.settings().get("augmentation"));
        } else {
            assertFalse(t.settings().containsKey("augmentation"), "runs without it keep their old settings");
        }
        return params;
    }

    @Test
    void aTrainerTrainsOnChangedImagesTheSameWayOnOneOrTwoThreads() {
        float[] plain = train(Augmentation.NONE, 1);
        float[] one = train(Augmentation.of(true, 1), 1);
        float[] two = train(Augmentation.of(true, 1), 2);
        assertArrayEquals(one, two);
        assertFalse(Arrays.equals(plain, one), "the changed images change the weights");
    }

    @Test
    void aTrainerRejectsAugmentationOfANonImageInput() {
        SoftmaxRegression net = new SoftmaxRegression(6, 3);
        assertThrows(InputException.class, () -> Trainer.builder(net).optimizer(new Sgd(0.1))
                .augmentation(Augmentation.of(true, 0)).build());
    }
}
