package dev.digest.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class Uuid7Test {

    @Test
    void idsAreVersionSevenAndSortByCreationTime() {
        UUID earlier = Uuid7.next(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
        UUID later = Uuid7.next(Clock.fixed(Instant.parse("2026-01-01T00:00:00.001Z"), ZoneOffset.UTC));

        assertEquals(7, earlier.version());
        assertEquals(2, earlier.variant());
        assertTrue(earlier.compareTo(later) < 0 || earlier.toString().compareTo(later.toString()) < 0);
        assertTrue(earlier.toString().compareTo(later.toString()) < 0, "text order follows time");
    }

    @Test
    void idsMadeInOneGoAreStrictlyIncreasingInTextOrder() {
        UUID previous = Uuid7.next();
        for (int i = 0; i < 100_000; i++) {
            UUID next = Uuid7.next();
            assertTrue(previous.toString().compareTo(next.toString()) < 0, previous + " before " + next);
            assertEquals(7, next.version());
            assertEquals(2, next.variant());
            previous = next;
        }
        long millis = previous.getMostSignificantBits() >>> 16;
        assertTrue(Math.abs(System.currentTimeMillis() - millis) < 5_000, "the timestamp stays the clock's");
    }
}
