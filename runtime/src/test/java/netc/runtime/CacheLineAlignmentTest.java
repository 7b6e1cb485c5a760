package netc.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class CacheLineAlignmentTest {

    /**
     * On HotSpot with its default 8-byte object alignment the shift is known; other alignments (16 bytes and more)
     * are refused on purpose, since two object sizes cannot tell every shift apart there.
     */
    @Test
    void hotSpotAddressesAreKnown() {
        String vm = System.getProperty("java.vm.name", "");
        assumeTrue(vm.contains("HotSpot") || vm.startsWith("OpenJDK 64-Bit"));
        assumeTrue(Runtime.version().feature() < CacheLineAlignment.FIRST_WARNING_FEATURE, "Unsafe left alone");
        HotSpotDiagnosticMXBean hotSpot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        assumeTrue(hotSpot != null && "8".equals(hotSpot.getVMOption("ObjectAlignmentInBytes").getValue()));
        assertTrue(CacheLineAlignment.knowsAddresses(), "Unsafe and the reference shift are there on HotSpot");
    }

    @Test
    void theOffsetMovesWithTheIndex() {
        float[] a = new float[1000];
        int first = CacheLineAlignment.floatsToLine(a, 0);
        assertTrue(first >= 0 && first < 16);
        for (int i = 1; i < 40; i++) {
            int expected = CacheLineAlignment.knowsAddresses() ? Math.floorMod(first - i, 16) : 0;
            assertEquals(expected, CacheLineAlignment.floatsToLine(a, i), "index " + i);
        }
    }

    /**
     * G1 puts an array larger than half a region (at most 32 MB) at the start of its own regions, so its first
     * element lies just after the header (16 bytes with compressed class pointers: 12 floats before a line). Checks
     * the address itself, not only its arithmetic.
     */
    @Test
    void aHumongousArrayOfG1StartsAfterItsHeaderOnARegion() {
        boolean g1 = false;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            g1 |= gc.getName().startsWith("G1");
        }
        assumeTrue(g1 && CacheLineAlignment.knowsAddresses());
        float[] large = new float[16 << 20];
        long header = CacheLineAlignment.floatBase();
        assertEquals((64 - header % 64) % 64 / 4, CacheLineAlignment.floatsToLine(large, 0));
    }
}
