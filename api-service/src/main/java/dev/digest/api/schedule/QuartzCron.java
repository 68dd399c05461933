package dev.digest.api.schedule;

import java.text.ParseException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;
import org.quartz.CronExpression;

/**
 * A Quartz cron expression and its fire times on a wall clock (no time zone; see
 * {@link CronSchedule} for placing them on the time line).
 *
 * <p>Quartz's own parser decides what is a valid expression; this class then refuses the few
 * constructs Quartz accepts but evaluates wrongly (a step after a name, {@code #} or {@code L}
 * inside a day-of-week list, {@code W} on a range) and evaluates the rest itself, date by date:
 * Quartz's {@code getTimeAfter} skips fire times of {@code nW} when the nearest weekday is not
 * the given day, which is exactly where digests scheduled on business days live.
 */
public final class QuartzCron {

    private final BitSet seconds;
    private final BitSet minutes;
    private final BitSet hours;
    private final DayRule days;
    private final BitSet months;
    private final BitSet years;

    private QuartzCron(BitSet seconds, BitSet minutes, BitSet hours, DayRule days, BitSet months, BitSet years) {
        this.seconds = seconds;
        this.minutes = minutes;
        this.hours = hours;
        this.days = days;
        this.months = months;
        this.years = years;
    }

    /** The expression's fields, or an {@link InvalidCronException} naming the field and construct it cannot take. */
    public static QuartzCron parse(String expression) {
        String text = expression.trim().toUpperCase(Locale.ROOT);
        try {
            CronExpression.validateExpression(text);
        } catch (ParseException | RuntimeException e) {
            throw new InvalidCronException(e.getMessage() == null ? "not a Quartz cron expression" : e.getMessage());
        }
        String[] fields = text.split("[ \\t]+");
        if (fields.length < 6 || fields.length > 7) {
            throw new InvalidCronException("needs 6 or 7 fields, not " + fields.length);
        }
        return new QuartzCron(
                CronField.SECONDS.parseList(fields[0]),
                CronField.MINUTES.parseList(fields[1]),
                CronField.HOURS.parseList(fields[2]),
                DayRule.parse(fields[3], fields[5]),
                CronField.MONTH.parseList(fields[4]),
                CronField.YEAR.parseList(fields.length == 7 ? fields[6] : "*"));
    }

    /** The first wall-clock time strictly after {@code after} the expression matches; empty if none before 3000. */
    public Optional<LocalDateTime> nextAfter(LocalDateTime after) {
        LocalDateTime start = after.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
        LocalDate date = start.toLocalDate();
        LocalTime from = start.toLocalTime();
        while (date.getYear() <= CronField.YEAR.max()) {
            int year = years.nextSetBit(date.getYear());
            if (year < 0) {
                return Optional.empty();
            }
            if (year != date.getYear()) {
                date = LocalDate.of(year, 1, 1);
                from = LocalTime.MIDNIGHT;
            }
            int month = months.nextSetBit(date.getMonthValue());
            if (month != date.getMonthValue()) {
                date = month < 0 ? LocalDate.of(date.getYear() + 1, 1, 1) : LocalDate.of(date.getYear(), month, 1);
                from = LocalTime.MIDNIGHT;
                continue;
            }
            if (days.matches(date)) {
                Optional<LocalTime> time = firstTimeFrom(from);
                if (time.isPresent()) {
                    return Optional.of(date.atTime(time.get()));
                }
            }
            date = date.plusDays(1);
            from = LocalTime.MIDNIGHT;
        }
        return Optional.empty();
    }

    private Optional<LocalTime> firstTimeFrom(LocalTime from) {
        for (int h = hours.nextSetBit(from.getHour()); h >= 0; h = hours.nextSetBit(h + 1)) {
            boolean sameHour = h == from.getHour();
            for (int m = minutes.nextSetBit(sameHour ? from.getMinute() : 0); m >= 0; m = minutes.nextSetBit(m + 1)) {
                boolean sameMinute = sameHour && m == from.getMinute();
                int s = seconds.nextSetBit(sameMinute ? from.getSecond() : 0);
                if (s >= 0) {
                    return Optional.of(LocalTime.of(h, m, s));
                }
            }
        }
        return Optional.empty();
    }
}
