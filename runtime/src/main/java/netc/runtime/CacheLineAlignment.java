package netc.runtime;

import java.lang.reflect.Field;
import java.lang.reflect.Method;

/**
 * Where a float array's elements fall against 64-byte cache lines, so that a layout made once (the parameters
 * {@link InferenceParams} prepares for inference) can start its matrices on a line.
 *
 * <p>Why: Java aligns arrays to 8 bytes, so a 512-bit vector load from an array usually touches two cache lines. A
 * kernel that streams its operand from L2 issues twice the line requests then: the batch-1 forward of the MNIST MLP's
 * first two layers on 2 threads, each reading half the columns, took 17.4 us straddling and 10.0 us on lines (rows
 * padded as {@link InferenceParams} pads them; Intel Xeon, benchmarks/results/2026-12-04-batch-one.md).
 *
 * <p>How: the address comes from {@code sun.misc.Unsafe} (the {@code jdk.unsupported} module, open to reflection on
 * every JDK from 9 on), read as the reference held in an {@code Object[]}: a compressed reference is shifted by the
 * object alignment (0 for heaps below 4 GB, 3 up to 32 GB), which is measured here from two arrays allocated one after
 * the other. The address is only ever used to choose an offset, never read through, so a wrong guess (an unusual
 * JVM, a collection that moved the array) costs speed, not correctness. Where anything is missing the answer is 0:
 * no alignment. A collector may move an array later; G1 does not move the large ones (humongous objects), which are
 * the ones that stream from L2.
 */
final class CacheLineAlignment {
    /** Floats per 64-byte line. */
    static final int LINE_FLOATS = 16;

    /** {@code Unsafe.getInt(Object, long)} or {@code getLong} on the reference slot; null where unavailable. */
    private static final Method READ_REFERENCE;
    private static final Object UNSAFE;
    private static final long REFERENCE_SLOT;
    private static final long FLOAT_BASE;
    /** The shift of a compressed reference, 0 for full addresses; -1 when unknown. */
    private static final int SHIFT;

    static {
        Method read = null;
        Object unsafe = null;
        long slot = 0;
        long floatBase = 0;
        int shift = -1;
        try {
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field f = type.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            int scale = (Integer) type.getMethod("arrayIndexScale", Class.class).invoke(unsafe, Object[].class);
            slot = (Integer) type.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, Object[].class);
            floatBase = (Integer) type.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, float[].class);
            if (scale == 8) {
                read = type.getMethod("getLong", Object.class, long.class);
                shift = 0;
            } else if (scale == 4) {
                read = type.getMethod("getInt", Object.class, long.class);
                shift = compressedShift(read, unsafe, slot);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            read = null;
        }
        READ_REFERENCE = shift < 0 ? null : read;
        UNSAFE = unsafe;
        REFERENCE_SLOT = slot;
        FLOAT_BASE = floatBase;
        SHIFT = shift;
    }

    private CacheLineAlignment() {
    }

    /**
     * The shift of compressed references: two empty {@code long} arrays allocated one after the other lie 16 bytes
     * apart (24 without compressed class pointers), so their references differ by that many bytes shifted. Five
     * pairs must agree (a pair can straddle a new allocation buffer); -1 otherwise.
     */
    private static int compressedShift(Method read, Object unsafe, long slot) throws ReflectiveOperationException {
        int agreed = -1;
        for (int trial = 0; trial < 5; trial++) {
            long[] first = new long[0];
            long[] second = new long[0];
            Object[] holder = {first, second};
            long a = Integer.toUnsignedLong((Integer) read.invoke(unsafe, holder, slot));
            long b = Integer.toUnsignedLong((Integer) read.invoke(unsafe, holder, slot + 4));
            long delta = b - a;
            int shift = delta == 16 || delta == 24 ? 0 : delta == 2 || delta == 3 ? 3 : -1;
            if (shift < 0 || (agreed >= 0 && shift != agreed)) {
                return -1;
            }
            agreed = shift;
        }
        return agreed;
    }

    /**
     * The number of floats in {@code [0, 16)} to add to {@code index} so that {@code array[index + result]} starts a
     * 64-byte line; 0 when the address cannot be known.
     */
    static int floatsToLine(float[] array, int index) {
        if (READ_REFERENCE == null) {
            return 0;
        }
        try {
            Object[] holder = {array};
            Object ref = READ_REFERENCE.invoke(UNSAFE, holder, REFERENCE_SLOT);
            long address = ref instanceof Integer i ? Integer.toUnsignedLong(i) << SHIFT : (Long) ref;
            long element = address + FLOAT_BASE + 4L * index;
            if ((element & 3) != 0) {
                return 0;
            }
            return (int) (((64 - (element & 63)) & 63) / 4);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return 0;
        }
    }

    /** Whether {@link #floatsToLine} knows addresses on this JVM. */
    static boolean knowsAddresses() {
        return READ_REFERENCE != null;
    }
}
