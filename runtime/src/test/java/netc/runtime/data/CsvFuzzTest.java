package netc.runtime.data;

import java.io.ByteArrayInputStream;

import com.code_intelligence.jazzer.junit.FuzzTest;

import netc.runtime.FuzzProperty;

/**
 * Fuzzes the CSV reader: any byte string, plain or gzip, read with a class label first and with two real-valued
 * targets in columns 1 and 2, is read or rejected with a message that names it (see {@link FuzzProperty}). Seeds
 * and regression inputs: {@code CsvFuzzTestInputs/readAnyFile/} under this package's test resources.
 */
class CsvFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void readAnyFile(byte[] input) {
        FuzzProperty.readsOrRejects("fuzz.csv",
                () -> CsvReader.classes(3).read(new ByteArrayInputStream(input), "fuzz.csv"));
        FuzzProperty.readsOrRejects("fuzz.csv",
                () -> CsvReader.values(2).labelColumn(1).read(new ByteArrayInputStream(input), "fuzz.csv"));
    }
}
