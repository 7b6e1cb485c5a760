package netc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenBLAS core type benchmarks/peers/blas_setup.py chooses from /proc/cpuinfo text. The choice is Python (the
 * peers must make it before numpy or torch load OpenBLAS), so this runs {@code blas_setup.py --pick} on sample
 * texts; it needs a python3 but not torch, and is skipped where there is no python3.
 */
class BlasCoreTypeTest {
    private static final Path SCRIPT = Path.of("peers/blas_setup.py");

    @Test
    void avx512IsSkylakeXOnAnyVendor(@TempDir Path dir) throws Exception {
        assertEquals("SkylakeX", pick(dir, "GenuineIntel", "fpu sse2 avx avx2 fma avx512f avx512bw"));
        assertEquals("SkylakeX", pick(dir, "AuthenticAMD", "fpu sse2 avx avx2 fma avx512f avx512vl"));
    }

    @Test
    void avx2IsZenOnAmdAndHaswellOnIntel(@TempDir Path dir) throws Exception {
        assertEquals("Zen", pick(dir, "AuthenticAMD", "fpu sse2 avx avx2 fma"));
        assertEquals("Haswell", pick(dir, "GenuineIntel", "fpu sse2 avx avx2 fma"));
    }

    @Test
    void withoutAvx2OpenBlasDetectsByItself(@TempDir Path dir) throws Exception {
        assertEquals("default", pick(dir, "GenuineIntel", "fpu sse2 avx"));
        assertEquals("default", pick(dir, "HygonGenuine", "fpu sse2 avx avx2 fma"));
    }

    @Test
    void onlyTheFlagsWordAvx512fCounts(@TempDir Path dir) throws Exception {
        // avx512fp16 alone (no avx512f) is not AVX-512 foundation; "flags" of the first processor decide
        assertEquals("Haswell", pick(dir, "GenuineIntel", "fpu avx2 avx512fp16_not_f"));
    }

    private static String pick(Path dir, String vendor, String flags) throws Exception {
        Path python = Path.of("/usr/bin/python3");
        assumeTrue(Files.isExecutable(python), "no /usr/bin/python3");
        String cpuinfo = "processor\t: 0\nvendor_id\t: " + vendor + "\nmodel name\t: Some CPU\nflags\t\t: " + flags
                + "\n\nprocessor\t: 1\nvendor_id\t: " + vendor + "\nflags\t\t: " + flags + "\n";
        Path file = dir.resolve("cpuinfo");
        Files.writeString(file, cpuinfo);
        Process p = new ProcessBuilder(python.toString(), SCRIPT.toString(), "--pick", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(true, p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
