package dev.digest.worker.retention;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Removes events no digest can include any more. An event may go once every digest of its
 * application whose event types include it has moved its window past the event by the grace,
 * and once it is older than the first-window look-back plus the grace (a digest that never ran,
 * or is created tomorrow, looks back that far).
 */
@ApplicationScoped
public class ExpiredEvents {

    // Where each digest stands: the end of its latest succeeded non-test window (its next window
    // starts there), or for a digest that never ran the start of its first window; held back by
    // any run whose window is fixed but not delivered yet (running, or queued for a retry).
    // Per event type, the earliest of those positions among the digests that include the type
    // bounds what may go. Positions only move forward, so one snapshot per batch is enough, and
    // events are never updated, so the row locks taken here never wait for ingestion.
    private static final String PURGE = """
            WITH open_windows AS (
                SELECT digest_id, min(window_start) AS window_start FROM digest_runs
                WHERE status IN ('queued', 'running') AND window_end IS NOT NULL
                GROUP BY digest_id
            ), positions AS (
                SELECT d.application_id, d.event_types,
                       LEAST(COALESCE((SELECT max(r.window_end) FROM digest_runs r
                                       WHERE r.digest_id = d.id AND r.status = 'succeeded' AND r.trigger <> 'test'),
                                      now() - $1::bigint * interval '1 millisecond'),
                             o.window_start) AS position
                FROM digest_digests d LEFT JOIN open_windows o ON o.digest_id = d.id
            ), cutoffs AS (
                SELECT t.application_id, t.key,
                       LEAST(now() - $1::bigint * interval '1 millisecond', min(p.position))
                           - $2::bigint * interval '1 millisecond' AS received_before
                FROM digest_event_types t
                LEFT JOIN positions p ON p.application_id = t.application_id
                    AND (cardinality(p.event_types) = 0 OR t.key = ANY (p.event_types))
                GROUP BY t.application_id, t.key
            )
            DELETE FROM digest_webhook_events
            WHERE id IN (SELECT e.id FROM cutoffs c
                         CROSS JOIN LATERAL (SELECT id FROM digest_webhook_events e
                                             WHERE e.application_id = c.application_id AND e.event_type_key = c.key
                                               AND e.received_at < c.received_before
                                             ORDER BY e.received_at
                                             LIMIT $3
                                             FOR UPDATE SKIP LOCKED) e
                         LIMIT $3)
            """;

    private final Pool pool;

    public ExpiredEvents(Pool pool) {
        this.pool = pool;
    }

    /** Removes at most {@code limit} events past every digest's window by {@code grace}; how many. */
    public Uni<Integer> purge(Duration firstWindowLookback, Duration grace, int limit) {
        return pool.preparedQuery(PURGE).execute(Tuple.of(firstWindowLookback.toMillis(), grace.toMillis(), limit))
                .map(rows -> rows.rowCount());
    }
}
