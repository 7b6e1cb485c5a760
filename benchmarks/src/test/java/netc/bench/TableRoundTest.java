package netc.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Table rows keep 4 significant digits, so that seconds below 1 are not rounded to tenths. */
class TableRoundTest {

    @Test
    void rowsKeepFourSignificantDigits() {
        assertEquals(0.7456, TableRound.significant(0.74563));
        assertEquals(0.8404, TableRound.significant(0.84036));
        assertEquals(82610.0, TableRound.significant(82612.3));
        assertEquals(33.25, TableRound.significant(33.2471));
        assertEquals(1.001, TableRound.significant(1.0005));
        assertEquals(10.0, TableRound.significant(9.9995));
        assertEquals(0.0, TableRound.significant(0.0));
        assertEquals(Double.NaN, TableRound.significant(Double.NaN));
    }
}
