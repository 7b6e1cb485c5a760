package netc.runtime.data;

import java.io.ByteArrayInputStream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import netc.runtime.FuzzProperty;

/**
 * Fuzzes the IDX reader: any byte string, plain or gzip, read as an images file and as a labels file, is read or
 * rejected with a message that names it (see {@link FuzzProperty}). Seeds and regression inputs:
 * {@code IdxFuzzTestInputs/readAnyFile/} under this package's test resources.
 */
class IdxFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readAnyFile(byte[] input) {
        FuzzProperty.readsOrRejects("fuzz-images-idx3-ubyte",
                () -> IdxReader.readImages(new ByteArrayInputStream(input), "fuzz-images-idx3-ubyte"));
        FuzzProperty.readsOrRejects("fuzz-labels-idx1-ubyte",
                () -> IdxReader.readLabels(new ByteArrayInputStream(input), "fuzz-labels-idx1-ubyte", 10));
    }
}
