package dev.digest.importer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CronConversionTest {

    @Test
    void fiveFieldsGainSecondsAndAQuestionMark() {
        assertEquals("0 0 8 * * ?", CronConversion.toQuartz("0 8 * * *"));
        assertEquals("0 */15 * 1 * ?", CronConversion.toQuartz("*/15 * 1 * *"));
    }

    @Test
    void weekdaysAreRenumberedAsNames() {
        assertEquals("0 30 9 ? * MON,TUE,WED,THU,FRI", CronConversion.toQuartz("30 9 * * 1-5"));
        assertEquals("0 0 6 ? * SUN", CronConversion.toQuartz("0 6 * * 7"));
        assertEquals("0 0 6 ? * SUN,SAT", CronConversion.toQuartz("0 6 * * 6-7"));
        assertEquals("0 0 6 ? * SUN,TUE,THU,SAT", CronConversion.toQuartz("0 6 * * */2"));
        assertEquals("0 0 6 ? * MON,FRI", CronConversion.toQuartz("0 6 * * mon,fri"));
        assertEquals("0 0 6 * * ?", CronConversion.toQuartz("0 6 * * 0-6"));
    }

    @Test
    void sixFieldsKeepTheirSeconds() {
        assertEquals("15 0 8 * * ?", CronConversion.toQuartz("15 0 8 * * *"));
    }

    @Test
    void whatQuartzCannotSayIsRefusedWithTheReason() {
        assertTrue(assertThrows(RowRejected.class, () -> CronConversion.toQuartz("0 8 1 * 1")).getMessage()
                .contains("either matches"));
        assertTrue(assertThrows(RowRejected.class, () -> CronConversion.toQuartz("0 8 * *")).getMessage()
                .contains("4 fields"));
        assertTrue(assertThrows(RowRejected.class, () -> CronConversion.toQuartz("0 8 * * 9")).getMessage()
                .contains("0-7"));
        assertThrows(RowRejected.class, () -> CronConversion.toQuartz("0 25 * * *"));
        assertThrows(RowRejected.class, () -> CronConversion.toQuartz("0 8 ? * L"));
    }
}
