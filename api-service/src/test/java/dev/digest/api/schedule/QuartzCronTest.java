package dev.digest.api.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.quartz.CronExpression;

/**
 * Every Quartz form Digest accepts, checked against dates worked out by hand from the 2027
 * calendar (UTC), including the day-of-month specials of issue 19; and the forms it refuses.
 */
class QuartzCronTest {

    private static List<Instant> instants(String expected) {
        return Arrays.stream(expected.trim().split("\\s+")).filter(s -> !s.equals("end"))
                .map(s -> LocalDateTime.parse(s).toInstant(ZoneOffset.UTC)).toList();
    }

    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource(delimiter = '|', textBlock = """
            # Issue 19: nearest weekday to a day some months lack, in lists, from the end.
            0 0 0 31W * ? 2027        | 2027-01-01T00:00 | 2027-01-29T00:00 2027-03-31T00:00 2027-05-31T00:00 2027-07-30T00:00
            0 0 0 31W 2-4 ? 2027      | 2027-01-01T00:00 | 2027-03-31T00:00 end
            0 0 0 30W * ? 2027        | 2027-01-01T00:00 | 2027-01-29T00:00 2027-03-30T00:00 2027-04-30T00:00 2027-05-31T00:00
            0 0 0 29W * ? 2027        | 2027-01-01T00:00 | 2027-01-29T00:00 2027-03-29T00:00 2027-04-29T00:00
            0 15 10 1,L * ? 2027      | 2027-01-01T00:00 | 2027-01-01T10:15 2027-01-31T10:15 2027-02-01T10:15 2027-02-28T10:15
            0 15 10 2W,16 * ? 2027    | 2027-01-01T00:00 | 2027-01-01T10:15 2027-01-16T10:15 2027-02-02T10:15 2027-02-16T10:15
            0 0 0 1W,15,LW * ? 2027   | 2026-12-31T23:59 | 2027-01-01T00:00 2027-01-15T00:00 2027-01-29T00:00 2027-02-01T00:00
            0 0 0 L-5W * ? 2027       | 2027-01-01T00:00 | 2027-01-26T00:00 2027-02-23T00:00 2027-03-26T00:00 2027-04-26T00:00
            0 0 0 L-1W * ? 2027       | 2027-01-01T00:00 | 2027-01-29T00:00 2027-02-26T00:00 2027-03-30T00:00 2027-04-29T00:00
            0 0 0 L-1W,L-1 * ? 2027   | 2027-01-01T00:00 | 2027-01-29T00:00 2027-01-30T00:00 2027-02-26T00:00 2027-02-27T00:00
            # Where Quartz's own getTimeAfter skips a fire time.
            0 0 12 1W * ? 2027        | 2027-05-02T00:00 | 2027-05-03T12:00 2027-06-01T12:00 2027-07-01T12:00 2027-08-02T12:00
            0 0 9,17 16W * ? 2027     | 2027-01-14T12:00 | 2027-01-15T09:00 2027-01-15T17:00 2027-02-16T09:00
            0 0 0 27,L-2 2 ? 2027     | 2027-02-01T00:00 | 2027-02-26T00:00 2027-02-27T00:00 end
            # Last days and nearest weekdays on their own.
            0 0 12 L * ? 2027         | 2027-01-01T00:00 | 2027-01-31T12:00 2027-02-28T12:00 2027-03-31T12:00 2027-04-30T12:00
            0 0 12 L-3 * ? 2027       | 2027-01-01T00:00 | 2027-01-28T12:00 2027-02-25T12:00 2027-03-28T12:00 2027-04-27T12:00
            0 0 12 LW * ? 2027        | 2027-01-01T00:00 | 2027-01-29T12:00 2027-02-26T12:00 2027-03-31T12:00 2027-04-30T12:00
            0 0 12 15W * ? 2027       | 2027-04-01T00:00 | 2027-04-15T12:00 2027-05-14T12:00 2027-06-15T12:00
            0 0 0 L-30 * ? 2027       | 2027-01-02T00:00 | 2027-03-01T00:00 2027-05-01T00:00 2027-07-01T00:00
            # Day of week: n-th, last, L alone (Saturday), ranges, wrapping ranges, lists.
            0 0 10 ? * 6#3 2027       | 2027-01-01T00:00 | 2027-01-15T10:00 2027-02-19T10:00 2027-03-19T10:00
            0 0 10 ? * MON#1 2027     | 2027-01-01T00:00 | 2027-01-04T10:00 2027-02-01T10:00 2027-03-01T10:00
            0 0 10 ? * 5#5 2027       | 2027-01-01T00:00 | 2027-04-29T10:00 2027-07-29T10:00 2027-09-30T10:00 2027-12-30T10:00 end
            0 0 10 ? * 6L 2027        | 2027-01-01T00:00 | 2027-01-29T10:00 2027-02-26T10:00 2027-03-26T10:00
            0 0 10 ? * FRIL 2027      | 2027-01-01T00:00 | 2027-01-29T10:00 2027-02-26T10:00 2027-03-26T10:00
            0 0 10 ? * L 2027         | 2027-01-01T00:00 | 2027-01-02T10:00 2027-01-09T10:00
            0 0 10 ? * MON-FRI 2027   | 2027-01-01T00:00 | 2027-01-01T10:00 2027-01-04T10:00 2027-01-05T10:00
            0 0 10 ? * FRI-MON 2027   | 2027-01-01T00:00 | 2027-01-01T10:00 2027-01-02T10:00 2027-01-03T10:00 2027-01-04T10:00 2027-01-08T10:00
            0 0 10 ? * 1,7 2027       | 2027-01-01T00:00 | 2027-01-02T10:00 2027-01-03T10:00 2027-01-09T10:00
            0 0 10 ? * 2-6/2 2027     | 2027-01-01T00:00 | 2027-01-01T10:00 2027-01-04T10:00 2027-01-06T10:00 2027-01-08T10:00
            # Times, steps and ranges with steps, month names, day steps, years, the leap day.
            0 0/20 9-10 * * ? 2027    | 2027-01-01T00:00 | 2027-01-01T09:00 2027-01-01T09:20 2027-01-01T09:40 2027-01-01T10:00
            0 5-50/15 * 1 1 ? 2027    | 2027-01-01T00:00 | 2027-01-01T00:05 2027-01-01T00:20 2027-01-01T00:35 2027-01-01T00:50
            */20 * * * * ?            | 2027-01-01T00:00 | 2027-01-01T00:00:20 2027-01-01T00:00:40 2027-01-01T00:01
            0 0 22-2 * * ? 2027       | 2027-01-01T00:00 | 2027-01-01T01:00 2027-01-01T02:00 2027-01-01T22:00 2027-01-01T23:00 2027-01-02T00:00
            0 0 6 1 JAN,JUL ? 2027    | 2027-01-01T00:00 | 2027-01-01T06:00 2027-07-01T06:00 end
            0 0 12 1/10 * ? 2027      | 2027-01-01T00:00 | 2027-01-01T12:00 2027-01-11T12:00 2027-01-21T12:00 2027-01-31T12:00 2027-02-01T12:00
            0 0 8 1 1 ? 2027-2031/2   | 2027-01-01T00:00 | 2027-01-01T08:00 2029-01-01T08:00 2031-01-01T08:00 end
            0 0 0 29 2 ?              | 2027-01-01T00:00 | 2028-02-29T00:00 2032-02-29T00:00
            0 0 0 29W 2 ? 2028        | 2027-01-01T00:00 | 2028-02-29T00:00 end
            0 0 0 29 2 ? 2097-2105    | 2097-01-01T00:00 | 2104-02-29T00:00 end
            """)
    void firesOnTheDatesQuartzDefines(String cron, String after, String expected) {
        List<Instant> instants = instants(expected);
        int asked = instants.size() + (expected.trim().endsWith("end") ? 1 : 0);
        assertEquals(instants, CronSchedule.next(cron.trim(), ZoneOffset.UTC,
                LocalDateTime.parse(after).toInstant(ZoneOffset.UTC), asked), cron);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "0 0 0 ? * 2#1,4",          // '#' in a list: Quartz evaluates the first day only
        "0 0 0 ? * MON-FRI/2",      // Quartz ignores a step after a name
        "0 0 0 1-5W * ?",           // W on a range: Quartz ignores the W
        "0 0 0 L-31 * ?",
        "0 0 0 ? * 6#6",
        "0 0 0 ? * 6L,2",
        "0 0 0 1 * MON",            // both day fields
        "0 0 0 ? * ?",
        "0 0 0 30 2 ?",             // never fires
        "0 0 0 31 4,6,9,11 ?",      // never fires
        "0 0 8 * * ? 1900",
        "0 0 8 * * ? 2030-2028",
        "0 0 25 * * ?",
        "0 0 8 LW-2 * ?",
        "0 0 8 L-W * ?",
        "0 0 8 5L * ?",
        "0 0 8 ? * 2W",
        "0 0 0/0 * * ?",
        "@daily",
        "0 0 8 * *",
    })
    void refusesWhatItCannotEvaluate(String cron) {
        assertTrue(CronSchedule.problemWith(cron).isPresent(), cron);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 0 0 ? * 2#1,4", "0 0 0 ? * MON-FRI/2", "0 0 0 1-5W * ?"})
    void namesTheFieldAndTheConstructItRefuses(String cron) {
        String message = assertThrows(InvalidCronException.class, () -> QuartzCron.parse(cron)).getMessage();
        assertTrue(message.startsWith("day-of-week '") || message.startsWith("day-of-month '"), message);
    }

    /**
     * Quartz is the reference: away from the day-of-month specials its getTimeAfter is right, and
     * both must give the same fire times, one after the other, for a year and more.
     */
    @ParameterizedTest
    @ValueSource(strings = {"0 30 7 ? * MON-FRI", "0 0 9 1,15 * ?", "0 0 12 L * ?", "0 0 12 L-3 * ?",
        "0 0 10 ? * 6#3", "0 0 10 ? * 2L", "0 0/20 9-17 ? * 2-6/2", "0 0 6 1 JAN,APR,JUL,OCT ?",
        "0 0 22-2 ? * SAT,SUN", "0 0 0 29 2 ?", "0 15 10 LW * ?", "0 0 8 1W * ?"})
    void agreesWithQuartzFromTheStartOfEachMonth(String cron) throws Exception {
        CronExpression reference = new CronExpression(cron);
        reference.setTimeZone(TimeZone.getTimeZone("UTC"));
        QuartzCron ours = QuartzCron.parse(cron);
        LocalDateTime month = LocalDateTime.parse("2026-01-01T00:00");
        for (int i = 0; i < 120; i++, month = month.plusMonths(1)) {
            // Quartz finds a month's first fire time right when it starts from the month's start.
            LocalDateTime before = month.minusSeconds(1);
            Date expected = reference.getTimeAfter(Date.from(before.toInstant(ZoneOffset.UTC)));
            assertEquals(expected.toInstant(), ours.nextAfter(before).orElseThrow().toInstant(ZoneOffset.UTC),
                    cron + " after " + before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"0 30 7 ? * MON-FRI", "0 0 9 1,15 * ?", "0 0 12 L * ?", "0 0 10 ? * 6#3",
        "0 0/20 9-17 ? * 2-6/2", "0 0 22-2 ? * SAT,SUN", "*/7 */13 * * * ?"})
    void walksTheSameInstantsAsQuartz(String cron) throws Exception {
        CronExpression reference = new CronExpression(cron);
        reference.setTimeZone(TimeZone.getTimeZone("UTC"));
        QuartzCron ours = QuartzCron.parse(cron);
        List<Instant> expected = new ArrayList<>();
        List<Instant> actual = new ArrayList<>();
        Date quartz = Date.from(Instant.parse("2026-02-17T13:14:15Z"));
        LocalDateTime cursor = LocalDateTime.parse("2026-02-17T13:14:15");
        for (int i = 0; i < 500; i++) {
            quartz = reference.getTimeAfter(quartz);
            cursor = ours.nextAfter(cursor).orElseThrow();
            expected.add(quartz.toInstant());
            actual.add(cursor.toInstant(ZoneOffset.UTC));
        }
        assertEquals(expected, actual, cron);
    }
}
