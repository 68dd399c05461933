package dev.digest.api.operations;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The figures of the queue summary that PostgreSQL holds: runs by status and the last hour's outcomes. */
@ApplicationScoped
public class RunCounts {

    // "Delayed" is the run ledger's retry backoff: a run tried before, not waiting for its turn,
    // whose available_at is still to come.
    private static final String BY_STATUS = """
            SELECT status, count(*) AS n,
                   count(*) FILTER (WHERE status = 'queued' AND NOT turn_wait AND attempts > 0
                                    AND available_at > now()) AS delayed,
                   count(*) FILTER (WHERE status = 'queued' AND turn_wait) AS waiting,
                   min(available_at) FILTER (WHERE status = 'queued' AND NOT turn_wait AND attempts > 0
                                             AND available_at > now()) AS next_available,
                   min(created_at) FILTER (WHERE status = 'queued') AS oldest_queued
            FROM digest_runs
            WHERE ($1::uuid IS NULL OR application_id = $1)
            GROUP BY status
            """;

    private static final String LAST_HOUR = """
            SELECT date_trunc('minute', finished_at) AS minute, status, count(*) AS n
            FROM digest_runs
            WHERE finished_at > now() - interval '1 hour' AND ($1::uuid IS NULL OR application_id = $1)
            GROUP BY 1, 2
            ORDER BY 1
            """;

    private static final List<String> STATUSES = List.of("queued", "running", "succeeded", "failed", "skipped",
            "dead", "cancelled");

    private final Pool pool;

    public RunCounts(Pool pool) {
        this.pool = pool;
    }

    /** Counts for one application, or every application for null. */
    public Uni<Counts> of(UUID applicationId) {
        return pool.preparedQuery(BY_STATUS).execute(Tuple.of(applicationId)).map(rows -> {
            Map<String, Long> runs = new LinkedHashMap<>();
            STATUSES.forEach(status -> runs.put(status, 0L));
            long delayed = 0;
            long waiting = 0;
            Instant nextAvailable = null;
            Instant oldestQueued = null;
            for (Row row : rows) {
                runs.put(row.getString("status"), row.getLong("n"));
                delayed += row.getLong("delayed");
                waiting += row.getLong("waiting");
                nextAvailable = earliest(nextAvailable, row.getOffsetDateTime("next_available"));
                oldestQueued = earliest(oldestQueued, row.getOffsetDateTime("oldest_queued"));
            }
            runs.put("delayed", delayed);
            runs.put("waitingForTurn", waiting);
            return new Counts(runs, nextAvailable, oldestQueued);
        });
    }

    public Uni<QueueSummary.LastHour> lastHour(UUID applicationId) {
        return pool.preparedQuery(LAST_HOUR).execute(Tuple.of(applicationId)).map(rows -> {
            Map<Instant, long[]> minutes = new LinkedHashMap<>();
            long succeeded = 0;
            long failed = 0;
            long dead = 0;
            long skipped = 0;
            for (Row row : rows) {
                long n = row.getLong("n");
                long[] minute = minutes.computeIfAbsent(row.getOffsetDateTime("minute").toInstant(), m -> new long[2]);
                switch (row.getString("status")) {
                    case "succeeded" -> {
                        succeeded += n;
                        minute[0] += n;
                    }
                    case "failed" -> {
                        failed += n;
                        minute[1] += n;
                    }
                    case "dead" -> {
                        dead += n;
                        minute[1] += n;
                    }
                    case "skipped" -> skipped += n;
                    default -> {
                    }
                }
            }
            List<QueueSummary.Minute> perMinute = new ArrayList<>(minutes.size());
            minutes.forEach((at, n) -> perMinute.add(new QueueSummary.Minute(at, n[0], n[1])));
            long finished = succeeded + failed + dead + skipped;
            double failureRate = finished == 0 ? 0 : (double) (failed + dead) / finished;
            return new QueueSummary.LastHour(succeeded, failed, dead, skipped, failureRate, perMinute);
        });
    }

    private static Instant earliest(Instant sofar, OffsetDateTime candidate) {
        if (candidate == null) {
            return sofar;
        }
        Instant at = candidate.toInstant();
        return sofar == null || at.isBefore(sofar) ? at : sofar;
    }

    public record Counts(Map<String, Long> runs, Instant nextAvailableAt, Instant oldestQueuedAt) {
    }
}
