package dev.digest.api.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Daylight saving in Europe/Paris and America/New_York, for daily and hourly crons, walked the
 * way the dispatcher walks a schedule: each instant is the next one after the previous.
 */
class CronScheduleTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    /** Every fire instant in [from, to), each found from the previous one. */
    private static List<Instant> firings(String cron, ZoneId zone, Instant from, Instant to) {
        List<Instant> instants = new ArrayList<>();
        Instant cursor = from.minusNanos(1);
        while (true) {
            Optional<Instant> next = CronSchedule.nextAfter(cron, zone, cursor);
            if (next.isEmpty() || !next.get().isBefore(to)) {
                return instants;
            }
            assertTrue(next.get().isAfter(cursor), "strictly later than the previous instant");
            instants.add(next.get());
            cursor = next.get();
        }
    }

    private static Instant local(String dateTime, ZoneId zone) {
        return java.time.LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }

    private static List<Instant> day(String cron, ZoneId zone, String date) {
        LocalDate day = LocalDate.parse(date);
        return firings(cron, zone, day.atStartOfDay(zone).toInstant(), day.plusDays(1).atStartOfDay(zone).toInstant());
    }

    @Test
    void parisDailyAtANonexistentTimeFiresOnceWhenTheClocksJump() {
        List<Instant> instants = firings("0 30 2 * * ?", PARIS, local("2026-03-27T00:00", PARIS),
                local("2026-04-01T00:00", PARIS));
        assertEquals(List.of(
                Instant.parse("2026-03-27T01:30:00Z"),
                Instant.parse("2026-03-28T01:30:00Z"),
                Instant.parse("2026-03-29T01:00:00Z"), // 02:30 does not exist: 03:00 CEST
                Instant.parse("2026-03-30T00:30:00Z"),
                Instant.parse("2026-03-31T00:30:00Z")), instants);
    }

    @Test
    void parisDailyAtARepeatedTimeFiresOnceAtItsFirstOccurrence() {
        List<Instant> instants = firings("0 30 2 * * ?", PARIS, local("2026-10-24T00:00", PARIS),
                local("2026-10-27T00:00", PARIS));
        assertEquals(List.of(
                Instant.parse("2026-10-24T00:30:00Z"),
                Instant.parse("2026-10-25T00:30:00Z"), // 02:30 CEST; not again at 02:30 CET
                Instant.parse("2026-10-26T01:30:00Z")), instants);
    }

    @Test
    void parisHourlyOnTheSpringDayFiresOncePerExistingHour() {
        List<Instant> instants = day("0 0 * * * ?", PARIS, "2026-03-29");
        assertEquals(23, instants.size(), "a 23-hour day");
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), instants.get(2), "02:00 and 03:00 are the same instant");
        for (int i = 1; i < instants.size(); i++) {
            assertEquals(Duration.ofHours(1), Duration.between(instants.get(i - 1), instants.get(i)));
        }
    }

    @Test
    void parisHourlyOnTheAutumnDayDoesNotRepeatTheRepeatedHour() {
        List<Instant> instants = day("0 0 * * * ?", PARIS, "2026-10-25");
        List<Integer> hours = instants.stream().map(i -> i.atZone(PARIS).getHour()).toList();
        assertEquals(24, instants.size(), "each wall-clock hour once in a 25-hour day");
        assertEquals(java.util.stream.IntStream.range(0, 24).boxed().toList(), hours);
        assertEquals(Instant.parse("2026-10-25T00:00:00Z"), instants.get(2), "02:00 at its first occurrence (CEST)");
        assertEquals(Instant.parse("2026-10-25T02:00:00Z"), instants.get(3), "then 03:00 CET, two hours later");
    }

    @Test
    void quarterHoursInsideTheGapCollapseIntoOneFiring() {
        List<Instant> instants = firings("0 */15 * * * ?", PARIS, local("2026-03-29T01:30", PARIS),
                local("2026-03-29T03:31", PARIS));
        assertEquals(List.of(
                Instant.parse("2026-03-29T00:30:00Z"), // 01:30 CET
                Instant.parse("2026-03-29T00:45:00Z"), // 01:45 CET
                Instant.parse("2026-03-29T01:00:00Z"), // 02:00-02:45 do not exist, 03:00 CEST: once
                Instant.parse("2026-03-29T01:15:00Z"),
                Instant.parse("2026-03-29T01:30:00Z")), instants);
    }

    @Test
    void newYorkDailyAcrossBothChanges() {
        assertEquals(List.of(
                Instant.parse("2026-03-07T07:30:00Z"),
                Instant.parse("2026-03-08T07:00:00Z"), // 02:30 does not exist: 03:00 EDT
                Instant.parse("2026-03-09T06:30:00Z")),
                firings("0 30 2 * * ?", NEW_YORK, local("2026-03-07T00:00", NEW_YORK), local("2026-03-10T00:00", NEW_YORK)));
        assertEquals(List.of(
                Instant.parse("2026-10-31T05:30:00Z"),
                Instant.parse("2026-11-01T05:30:00Z"), // 01:30 EDT; not again at 01:30 EST
                Instant.parse("2026-11-02T06:30:00Z")),
                firings("0 30 1 * * ?", NEW_YORK, local("2026-10-31T00:00", NEW_YORK), local("2026-11-03T00:00", NEW_YORK)));
    }

    @Test
    void newYorkHourlyAcrossBothChanges() {
        List<Instant> spring = day("0 0 * * * ?", NEW_YORK, "2026-03-08");
        assertEquals(23, spring.size());
        assertEquals(Instant.parse("2026-03-08T07:00:00Z"), spring.get(2), "02:00 EST does not exist: 03:00 EDT");

        List<Instant> autumn = day("0 0 * * * ?", NEW_YORK, "2026-11-01");
        assertEquals(24, autumn.size());
        assertEquals(Instant.parse("2026-11-01T05:00:00Z"), autumn.get(1), "01:00 EDT");
        assertEquals(Instant.parse("2026-11-01T07:00:00Z"), autumn.get(2), "02:00 EST; 01:00 EST does not fire");
    }

    @Test
    void startingInsideTheRepeatedHourDoesNotFireItsSecondOccurrence() {
        // 02:10 CET, the second pass through 02:xx: 02:30 already happened (in CEST).
        Instant secondPass = ZonedDateTime.ofStrict(LocalDate.parse("2026-10-25").atTime(LocalTime.of(2, 10)),
                java.time.ZoneOffset.ofHours(1), PARIS).toInstant();
        assertEquals(Optional.of(Instant.parse("2026-10-26T01:30:00Z")),
                CronSchedule.nextAfter("0 30 2 * * ?", PARIS, secondPass));
    }

    @Test
    void anEverySecondCronWaitsOutTheRestOfTheRepeatedHour() {
        // 02:10 CET, the second pass: every 02:xx:yy fired in CEST, the next is 03:00:00 CET.
        Instant secondPass = ZonedDateTime.ofStrict(LocalDate.parse("2026-10-25").atTime(LocalTime.of(2, 10)),
                java.time.ZoneOffset.ofHours(1), PARIS).toInstant();
        assertEquals(Optional.of(Instant.parse("2026-10-25T02:00:00Z")),
                CronSchedule.nextAfter("* * * * * ?", PARIS, secondPass));
    }

    @Test
    void aCronThatNeverFiresAgainHasNoNextInstant() {
        assertEquals(Optional.empty(), CronSchedule.nextAfter("0 0 8 1 1 ? 2020", PARIS, Instant.parse("2026-01-01T00:00:00Z")));
    }

    @Test
    void nextGivesConsecutiveInstants() {
        List<Instant> next = CronSchedule.next("0 0 8 * * ?", PARIS, Instant.parse("2026-03-27T12:00:00Z"), 3);
        assertEquals(List.of(Instant.parse("2026-03-28T07:00:00Z"), Instant.parse("2026-03-29T06:00:00Z"),
                Instant.parse("2026-03-30T06:00:00Z")), next);
    }
}
