package dev.digest.api.schedule;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.List;

/** A digest's upcoming fire instants, each in UTC and as wall-clock time in the digest's zone. */
public record ScheduleResponse(String cron, String timeZone, boolean enabled, Instant nextRunAt,
        List<Upcoming> instants) {

    public record Upcoming(Instant at, OffsetDateTime local) {
    }

    public static ScheduleResponse of(String cron, String timeZone, boolean enabled, Instant nextRunAt,
            List<Instant> instants) {
        ZoneId zone = ZoneId.of(timeZone);
        return new ScheduleResponse(cron, timeZone, enabled, nextRunAt,
                instants.stream().map(at -> new Upcoming(at, at.atZone(zone).toOffsetDateTime())).toList());
    }
}
