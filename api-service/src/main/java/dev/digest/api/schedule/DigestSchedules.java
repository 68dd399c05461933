package dev.digest.api.schedule;

import dev.digest.api.domain.NotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;

/** A digest's upcoming fire instants, from the schedule columns the dispatcher works on. */
@ApplicationScoped
public class DigestSchedules {

    private static final String SCHEDULE = """
            SELECT cron, time_zone, enabled, next_run_at, schedule_error FROM digest_digests
            WHERE id = $1 AND application_id = $2
            """;

    private final Pool pool;
    private final Clock clock;

    public DigestSchedules(Pool pool, Clock clock) {
        this.pool = pool;
        this.clock = clock;
    }

    /** The next {@code count} instants of the application's digest; not found when it has no such digest. */
    public Uni<ScheduleResponse> upcoming(UUID applicationId, UUID digestId, int count) {
        return pool.preparedQuery(SCHEDULE).execute(Tuple.of(digestId, applicationId)).map(rows -> {
            if (rows.size() == 0) {
                throw NotFoundException.of("Digest");
            }
            Row row = rows.iterator().next();
            OffsetDateTime nextRunAt = row.getOffsetDateTime("next_run_at");
            return ScheduleResponse.of(row.getString("cron"), row.getString("time_zone"), row.getBoolean("enabled"),
                    nextRunAt == null ? null : nextRunAt.toInstant(), row.getString("schedule_error"), clock.instant(),
                    count);
        });
    }
}
