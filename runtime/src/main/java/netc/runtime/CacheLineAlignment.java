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
 * <p>How: the address comes from {@code sun.misc.Unsafe} (the {@code jdk.unsupported} module, open to reflection),
 * read as the reference held in an {@code Object[]}. A compressed reference is shifted by the object alignment (0 for
 * heaps below 4 GB, 3 up to 32 GB); the shift is measured from arrays allocated one after the other, whose references
 * must differ by their sizes, which also rejects references that are not plain addresses (generational ZGC's
 * coloured pointers). The address is only ever used to choose an offset, never read through, so a wrong guess (an
 * unusual JVM, a collection that moved the array) costs speed, not correctness. Where anything is missing or
 * unexpected the answer is 0: no alignment.
 *
 * <p>Where it is off: from JDK 23 on, the first use of {@code Unsafe}'s memory methods prints a warning (JEP 471),
 * so this class does not use it there and aligns nothing. A collector may move an array after the offset was
 * chosen: G1 does not move an array larger than half its region, which the MNIST MLP's prepared parameters (4.4 MB)
 * are with the regions of heaps up to about 16 GB (8 MB regions; 16 MB regions from about 24 GB on); a smaller array
 * loses its alignment when it is moved, not its results.
 */
final class CacheLineAlignment {
    /** Floats per 64-byte line. */
    static final int LINE_FLOATS = 16;
    /** The JDK from which {@code Unsafe}'s memory methods print a warning on first use (JEP 471). */
    static final int FIRST_WARNING_FEATURE = 23;

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
            if (Runtime.version().feature() >= FIRST_WARNING_FEATURE) {
                throw new UnsupportedOperationException("Unsafe's memory methods print a warning from JDK 23 on");
            }
            Class<?> type = Class.forName("sun.misc.Unsafe");
            Field f = type.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            unsafe = f.get(null);
            int scale = (Integer) type.getMethod("arrayIndexScale", Class.class).invoke(unsafe, Object[].class);
            slot = (Integer) type.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, Object[].class);
            floatBase = (Integer) type.getMethod("arrayBaseOffset", Class.class).invoke(unsafe, float[].class);
            if (scale == 8) {
                read = type.getMethod("getLong", Object.class, long.class);
            } else if (scale == 4) {
                read = type.getMethod("getInt", Object.class, long.class);
            }
            if (read != null) {
                shift = referenceShift(read, unsafe, slot, scale);
            }
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            read = null;
            shift = -1;
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
     * The shift of references: an empty {@code long} array takes 16 bytes (24 without compressed class pointers) and
     * one of one element 24 (32), so two of each allocated one after the other lie that many bytes apart, and their
     * references differ by those sizes shifted: 2 and 3 (or 3 and 4) for a shift of 3, the sizes themselves for plain
     * addresses. Five rounds must agree (a pair can straddle a new allocation buffer); -1 otherwise.
     */
    private static int referenceShift(Method read, Object unsafe, long slot, int scale)
            throws ReflectiveOperationException {
        int agreed = -1;
        for (int trial = 0; trial < 5; trial++) {
            long[] empty = new long[0];
            long[] second = new long[0];
            long[] one = new long[1];
            long[] fourth = new long[0];
            Object[] holder = {empty, second, one, fourth};
            long a = reference(read.invoke(unsafe, holder, slot));
            long b = reference(read.invoke(unsafe, holder, slot + scale));
            long c = reference(read.invoke(unsafe, holder, slot + 2L * scale));
            long d = reference(read.invoke(unsafe, holder, slot + 3L * scale));
            long emptySize = b - a;
            long oneSize = d - c;
            int shift;
            if (scale == 4 && (emptySize == 2 && oneSize == 3 || emptySize == 3 && oneSize == 4)) {
                shift = 3;
            } else if (emptySize == 16 && oneSize == 24 || emptySize == 24 && oneSize == 32) {
                shift = 0;
            } else {
                return -1;
            }
            if (agreed >= 0 && shift != agreed) {
                return -1;
            }
            agreed = shift;
        }
        return agreed;
    }

    private static long reference(Object value) {
        return value instanceof Integer i ? Integer.toUnsignedLong(i) : (Long) value;
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
            long address = reference(READ_REFERENCE.invoke(UNSAFE, holder, REFERENCE_SLOT)) << SHIFT;
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

    /** Where a float array's elements start after its header, in bytes; 0 when unknown. */
    static long floatBase() {
        return FLOAT_BASE;
    }
}
