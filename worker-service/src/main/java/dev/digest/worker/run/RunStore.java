package dev.digest.worker.run;

import dev.digest.common.WireValue;
import dev.digest.common.content.BadEvent;
import dev.digest.common.content.Window;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * The worker's moves of a run, each one conditional UPDATE: zero rows changed means another
 * worker or a person moved the run first, and this worker lets go of it.
 */
@ApplicationScoped
public class RunStore {

    // Claims a queued run for this message, or takes over a running one whose worker died
    // holding the same message (the message was reclaimed from its pending list).
    private static final String CLAIM = """
            UPDATE digest_runs
            SET status = 'running', attempts = attempts + 1, started_at = now(), worker_id = $2,
                stream_message_id = $3, updated_at = now()
            WHERE id = $1
              AND ((status = 'queued' AND (stream_message_id IS NULL OR stream_message_id = $3))
                OR (status = 'running' AND stream_message_id = $3))
            RETURNING id, application_id, digest_id, trigger, test_recipient, attempts,
                      scheduled_for, window_start, window_end
            """;

    // Fixing windows is serialized per digest, so two runs of one digest (a manual run beside a
    // scheduled one, or scheduled runs of a backlog on two workers) cannot both start at the
    // same previous end.
    private static final String LOCK_DIGEST = """
            SELECT pg_advisory_xact_lock(hashtextextended('digest-window:' || $1::uuid::text, 0))
            """;

    // Another non-test run of the digest whose window is fixed but not yet delivered: this run's
    // window would start where that one's ends only once it has succeeded, so this one waits.
    private static final String OPEN_WINDOW = """
            SELECT 1 FROM digest_runs
            WHERE digest_id = $1 AND id <> $2 AND trigger <> 'test' AND status = 'running' AND window_end IS NOT NULL
            LIMIT 1
            """;

    private static final String PREVIOUS_WINDOW_END = """
            SELECT max(window_end) AS window_end FROM digest_runs
            WHERE digest_id = $1 AND status = 'succeeded' AND trigger <> 'test' AND id <> $2
            """;

    // Back to the queue without counting an attempt: the run did nothing but wait its turn.
    private static final String WAIT_TURN = """
            UPDATE digest_runs
            SET status = 'queued', stream_message_id = NULL, enqueued_at = NULL, attempts = attempts - 1,
                available_at = $3, updated_at = now()
            WHERE id = $1 AND status = 'running' AND stream_message_id = $2
            """;

    private static final String RECORD_WINDOW = """
            UPDATE digest_runs SET window_start = $2, window_end = $3, updated_at = now()
            WHERE id = $1 AND window_end IS NULL
            """;

    private static final String FINISH = """
            UPDATE digest_runs
            SET status = $3, event_count = $4, error = $5, bad_event_count = $6, bad_events = $7,
                finished_at = now(), updated_at = now()
            WHERE id = $1 AND status = 'running' AND stream_message_id = $2
            """;

    private static final String TOUCH_DIGEST = """
            UPDATE digest_digests SET last_run_at = now() WHERE id = $1
            """;

    // Back to the queue without a stream id: the re-publisher sends it when the backoff is over.
    private static final String RETRY_LATER = """
            UPDATE digest_runs
            SET status = 'queued', stream_message_id = NULL, enqueued_at = NULL, error = $3,
                available_at = $4, updated_at = now()
            WHERE id = $1 AND status = 'running' AND stream_message_id = $2
            """;

    static final int BAD_EVENTS_NOTED = 20;

    private final Pool pool;

    public RunStore(Pool pool) {
        this.pool = pool;
    }

    /** The claimed run, or null when the message no longer owns it (duplicate, or already done). */
    public Uni<ClaimedRun> claim(UUID runId, String messageId, String workerId) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(runId, workerId, messageId))
                .map(rows -> rows.size() == 0 ? null : toClaimed(rows.iterator().next()));
    }

    /**
     * Fixes a (non-test) run's window, closing at {@code end}: from the previous successful
     * run's end, or {@code lookback} before {@code end} for a first run. Null, with nothing
     * fixed, while another run of the digest is delivering a window of its own.
     */
    public Uni<Window> fixWindow(UUID runId, UUID digestId, Instant end, Duration lookback) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_DIGEST).execute(Tuple.of(digestId))
                .chain(() -> connection.preparedQuery(OPEN_WINDOW).execute(Tuple.of(digestId, runId)))
                .chain(open -> {
                    if (open.size() > 0) {
                        return Uni.createFrom().nullItem();
                    }
                    return connection.preparedQuery(PREVIOUS_WINDOW_END).execute(Tuple.of(digestId, runId))
                            .map(rows -> Window.closingAt(end, instant(rows.iterator().next(), "window_end"), lookback))
                            .call(window -> connection.preparedQuery(RECORD_WINDOW)
                                    .execute(Tuple.of(runId, utc(window.start()), utc(window.end()))));
                }));
    }

    /** Puts the run back in the queue until {@code availableAt}, giving back the attempt its claim counted. */
    public Uni<Boolean> waitTurn(UUID runId, String messageId, Instant availableAt) {
        return pool.preparedQuery(WAIT_TURN).execute(Tuple.of(runId, messageId, utc(availableAt)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** Fixes the run's window on its first attempt; later attempts keep it. */
    public Uni<Void> recordWindow(UUID runId, Instant start, Instant end) {
        return pool.preparedQuery(RECORD_WINDOW).execute(Tuple.of(runId, utc(start), utc(end))).replaceWithVoid();
    }

    /** Moves the run to a final status; false when this message no longer owns it. */
    public Uni<Boolean> finish(ClaimedRun run, String messageId, RunStatus status, int eventCount, String error,
            List<BadEvent> badEvents) {
        Tuple arguments = Tuple.of(run.id(), messageId, WireValue.of(status), eventCount, error, badEvents.size())
                .addValue(noted(badEvents));
        Uni<Boolean> finished = pool.preparedQuery(FINISH).execute(arguments)
                .map(rows -> rows.rowCount() > 0);
        if (run.trigger() == RunTrigger.TEST) {
            return finished;
        }
        return finished.call(done -> done
                ? pool.preparedQuery(TOUCH_DIGEST).execute(Tuple.of(run.digestId())).replaceWithVoid()
                : Uni.createFrom().voidItem());
    }

    public Uni<Boolean> retryLater(UUID runId, String messageId, String error, Instant availableAt) {
        return pool.preparedQuery(RETRY_LATER).execute(Tuple.of(runId, messageId, error, utc(availableAt)))
                .map(rows -> rows.rowCount() > 0);
    }

    /** The first {@value #BAD_EVENTS_NOTED} left-out events, with their errors; the count says how many in all. */
    private static JsonArray noted(List<BadEvent> badEvents) {
        JsonArray noted = new JsonArray();
        badEvents.stream().limit(BAD_EVENTS_NOTED).forEach(bad -> noted.add(new JsonObject()
                .put("eventId", bad.eventId().toString()).put("type", bad.type()).put("error", bad.error())));
        return noted;
    }

    private static ClaimedRun toClaimed(Row row) {
        return new ClaimedRun(row.getUUID("id"), row.getUUID("application_id"), row.getUUID("digest_id"),
                RunTrigger.fromWire(row.getString("trigger")), row.getString("test_recipient"),
                row.getInteger("attempts"), instant(row, "scheduled_for"), instant(row, "window_start"),
                instant(row, "window_end"));
    }

    static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
