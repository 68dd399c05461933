package dev.digest.api.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/**
 * A digest's upcoming fire instants, each in UTC and as wall-clock time in the digest's zone,
 * and whether it fires at all ({@code scheduleState}, {@code scheduleError}).
 */
public record ScheduleResponse(String cron, String timeZone, boolean enabled, Instant nextRunAt,
        ScheduleState scheduleState, String scheduleError, List<Upcoming> instants) {

    public record Upcoming(Instant at, OffsetDateTime local) {
    }

    /**
     * The next {@code count} instants after {@code now}. A stored cron this version refuses (saved
     * before its form was refused) lists none and says why, rather than failing the request.
     */
    public static ScheduleResponse of(String cron, String timeZone, boolean enabled, Instant nextRunAt,
            String scheduleError, Instant now, int count) {
        ZoneId zone = ZoneId.of(timeZone);
        List<Instant> instants;
        String error = enabled ? scheduleError : null;
        try {
            instants = CronSchedule.next(cron, zone, now, count);
        } catch (InvalidCronException e) {
            instants = List.of();
            error = "the cron cannot be evaluated: " + e.getMessage();
        }
        return new ScheduleResponse(cron, timeZone, enabled, nextRunAt, ScheduleState.of(enabled, nextRunAt), error,
                instants.stream().map(at -> new Upcoming(at, at.atZone(zone).toOffsetDateTime())).toList());
    }
}
