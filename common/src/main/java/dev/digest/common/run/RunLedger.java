package dev.digest.common.run;

import dev.digest.common.Uuid7;
import dev.digest.common.WireValue;
import dev.digest.common.content.BadEvent;
import dev.digest.common.content.SampleEvents;
import dev.digest.common.content.Window;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The one owner of a run's state: every write to {@code digest_runs}, by either service, is
 * one of these named, conditional statements ({@link RunTransition}). Zero rows changed means
 * someone else moved the run first, and the caller lets go of it.
 *
 * <p>Ownership lives here, not in Redis: a claim takes a lease that the worker renews while
 * it works, and every later move names the claim it holds. A stream message is only a pointer
 * to the row: any message may claim a run that is due, a duplicate finds it taken, and a run
 * whose message Redis forgot is found by the reconciler from this table alone.
 */
@Singleton
public class RunLedger {

    /** The first events a run left out are kept with their errors; the count says how many in all. */
    public static final int BAD_EVENTS_NOTED = 20;

    // The instant a stream id stands for (Redis ids are "<milliseconds>-<sequence>").
    private static final String MESSAGE_TIME = "to_timestamp(split_part(%s::text, '-', 1)::bigint / 1000.0)";

    /**
     * {@link RunTransition#IMPORT}: the SQLite importer's one statement, a finished run of the old
     * stack entering as history. It is here so that this class lists every way a row enters the
     * table; the importer is a command-line JDBC program, hence the {@code ?} placeholders. Only
     * final statuses get in, so an import never leaves work for a worker.
     */
    public static final String IMPORT_FINISHED = """
            INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, scheduled_for, window_start,
                                     window_end, event_count, attempts, test_recipient, enqueued_at, started_at,
                                     finished_at, error, created_at, updated_at)
            SELECT * FROM (VALUES (?::uuid, ?::uuid, ?::uuid, ?::text, ?::text, ?::timestamptz, ?::timestamptz,
                                   ?::timestamptz, ?::int, ?::int, ?::text, ?::timestamptz, ?::timestamptz,
                                   ?::timestamptz, ?::text, ?::timestamptz, ?::timestamptz)) AS r
            WHERE r.column5 IN ('succeeded', 'failed', 'skipped', 'dead')
            ON CONFLICT DO NOTHING
            """;

    private static final String CREATE = """
            INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, test_recipient, test_events,
                                     available_at, created_at, updated_at)
            SELECT $1::uuid, d.application_id, d.id, $4::text, 'queued', $5::text, $7::jsonb,
                   now() + $6::bigint * interval '1 millisecond', now(), now()
            FROM digest_digests d WHERE d.application_id = $2 AND d.id = $3
            RETURNING created_at
            """;

    private static final String CREATE_SCHEDULED = """
            INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, scheduled_for, available_at,
                                     created_at, updated_at)
            SELECT r.id, r.application_id, r.digest_id, 'scheduled', 'queued', r.scheduled_for,
                   now() + $5::bigint * interval '1 millisecond', now(), now()
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[])
                AS r(id, application_id, digest_id, scheduled_for)
            ON CONFLICT (digest_id, scheduled_for) WHERE trigger = 'scheduled' DO NOTHING
            RETURNING id, application_id, digest_id, scheduled_for
            """;

    // Only while nobody has claimed the run since the publisher read it: a worker that claimed
    // it may already have handled the message and put the run back (waiting its turn, or for a
    // retry), and recording the message then would point the run at a job that is gone.
    private static final String PUBLISH = """
            UPDATE digest_runs r SET stream_message_id = p.message_id, enqueued_at = %s, updated_at = now()
            FROM unnest($1::uuid[], $2::text[], $3::int[]) AS p(id, message_id, claims)
            WHERE r.id = p.id AND r.status = 'queued' AND r.claims = p.claims AND r.stream_message_id IS NULL
            RETURNING r.id, r.enqueued_at
            """.formatted(MESSAGE_TIME.formatted("p.message_id"));

    private static final String DUE_FOR_PUBLICATION = """
            SELECT id, application_id, digest_id, attempts, claims FROM digest_runs
            WHERE status = 'queued' AND stream_message_id IS NULL AND available_at <= now()
            ORDER BY available_at
            LIMIT $1
            FOR UPDATE SKIP LOCKED
            """;

    // A queued run may be claimed by any message once it is due, by the message recorded for
    // it, or by any message while it was not published since it was queued or re-queued (its
    // publisher may not have recorded the id yet: a worker can read the message first). A run
    // waiting out a backoff or its turn keeps the enqueued_at of its last message, so a stray
    // duplicate does not take it early. A running run only when its lease lapsed, or when its own
    // message was reclaimed from a consumer that stopped keeping it alive.
    private static final String CLAIM = """
            WITH claimed AS (
            UPDATE digest_runs
            SET status = 'running', attempts = attempts + 1, claims = claims + 1, turn_wait = false,
                started_at = now(), first_claimed_at = COALESCE(first_claimed_at, now()), worker_id = $2,
                stream_message_id = $3, enqueued_at = %s,
                lease_expires_at = now() + $4::bigint * interval '1 millisecond', updated_at = now()
            WHERE id = $1
              AND ((status = 'queued'
                    AND (available_at <= now() OR stream_message_id = $3 OR (enqueued_at IS NULL AND stream_message_id IS NULL)))
                OR (status = 'running' AND (lease_expires_at < now() OR stream_message_id = $3)))
            RETURNING id, application_id, digest_id, trigger, test_recipient, test_events, attempts, claims,
                      first_claimed_at, scheduled_for, window_start, window_end),
            -- A claim still running in the history is one whose worker stopped renewing its lease.
            lapsed AS (
                UPDATE digest_run_attempts a
                SET outcome = 'lapsed', finished_at = now(), updated_at = now(),
                    error = 'its worker stopped renewing the lease'
                FROM claimed c WHERE a.run_id = c.id AND a.outcome = 'running'),
            attempt AS (
                INSERT INTO digest_run_attempts (run_id, claim, attempt, application_id, worker_id, started_at)
                SELECT id, claims, attempts, application_id, $2, now() FROM claimed)
            SELECT * FROM claimed
            """.formatted(MESSAGE_TIME.formatted("$3"));

    private static final String RENEW_LEASES = """
            UPDATE digest_runs r SET lease_expires_at = now() + $3::bigint * interval '1 millisecond'
            FROM unnest($1::uuid[], $2::int[]) AS h(id, claims)
            WHERE r.id = h.id AND r.claims = h.claims AND r.status = 'running'
            RETURNING r.id
            """;

    // Windows of one digest are fixed one at a time, and a finishing run wakes the next under
    // the same lock, so a run cannot start waiting just after the run it waits for finished.
    private static final String LOCK_DIGEST = """
            SELECT pg_advisory_xact_lock(hashtextextended('digest-window:' || $1::uuid::text, 0))
            """;

    // Another non-test run of the digest whose window is fixed and not yet delivered (running,
    // or queued for a retry): this run's window starts where that one's ends once it succeeded.
    private static final String OPEN_WINDOW = """
            SELECT 1 FROM digest_runs
            WHERE digest_id = $1 AND id <> $2 AND trigger <> 'test' AND status IN ('queued', 'running')
              AND window_end IS NOT NULL
            LIMIT 1
            """;

    private static final String PREVIOUS_WINDOW_END = """
            SELECT max(window_end) AS window_end FROM digest_runs
            WHERE digest_id = $1 AND status = 'succeeded' AND trigger <> 'test' AND ($2::uuid IS NULL OR id <> $2)
            """;

    // The attempt it claimed is given back: the run did nothing but find its turn had not come.
    private static final String WAIT_TURN = """
            WITH waiting AS (
                UPDATE digest_runs
                SET status = 'queued', turn_wait = true, stream_message_id = NULL, attempts = attempts - 1,
                    lease_expires_at = NULL, available_at = now() + $3::bigint * interval '1 millisecond',
                    updated_at = now()
                WHERE id = $1 AND status = 'running' AND claims = $2
                RETURNING id, claims),
            given_back AS (
                DELETE FROM digest_run_attempts a USING waiting w WHERE a.run_id = w.id AND a.claim = w.claims)
            SELECT id FROM waiting
            """;

    private static final String FIX_WINDOW = """
            UPDATE digest_runs SET window_start = $3, window_end = $4, updated_at = now()
            WHERE id = $1 AND status = 'running' AND claims = $2 AND window_end IS NULL
            """;

    private static final String FINISH = """
            WITH finished AS (
                UPDATE digest_runs
                SET status = $3, event_count = $4, error = $5, bad_event_count = $6, bad_events = $7,
                    lease_expires_at = NULL, finished_at = now(), updated_at = now()
                WHERE id = $1 AND status = 'running' AND claims = $2
                RETURNING id, claims),
            attempt AS (
                UPDATE digest_run_attempts a
                SET outcome = $3, error = $5, error_detail = $8, finished_at = now(), updated_at = now()
                FROM finished f WHERE a.run_id = f.id AND a.claim = f.claims)
            SELECT id FROM finished
            """;

    private static final String TOUCH_DIGEST = """
            UPDATE digest_digests SET last_run_at = now() WHERE id = $1
            """;

    // Oldest window first: scheduled runs by their instant, manual ones by when they were asked for.
    private static final String WAKE_NEXT = """
            UPDATE digest_runs SET turn_wait = false, available_at = now(), updated_at = now()
            WHERE id = (SELECT id FROM digest_runs WHERE digest_id = $1 AND status = 'queued' AND turn_wait
                        ORDER BY COALESCE(scheduled_for, created_at), id LIMIT 1)
              AND status = 'queued' AND turn_wait
            RETURNING id
            """;

    private static final String RETRY_LATER = """
            WITH waiting AS (
                UPDATE digest_runs
                SET status = 'queued', stream_message_id = NULL, error = $3, lease_expires_at = NULL,
                    available_at = $4, updated_at = now()
                WHERE id = $1 AND status = 'running' AND claims = $2
                RETURNING id, claims),
            attempt AS (
                UPDATE digest_run_attempts a
                SET outcome = 'retry', error = $3, error_detail = $5, finished_at = now(), updated_at = now()
                FROM waiting w WHERE a.run_id = w.id AND a.claim = w.claims)
            SELECT id FROM waiting
            """;

    // A null application is the admin's: any application's run.
    private static final String REQUEUE_SET = """
            UPDATE digest_runs
            SET status = 'queued', attempts = 0, error = NULL, stream_message_id = NULL, enqueued_at = NULL,
                finished_at = NULL, lease_expires_at = NULL, first_claimed_at = NULL, turn_wait = false,
                available_at = now() + $%d::bigint * interval '1 millisecond', updated_at = now()
            """;

    private static final String REQUEUE = REQUEUE_SET.formatted(3) + """
            WHERE id = $1 AND ($2::uuid IS NULL OR application_id = $2) AND status IN ('failed', 'dead')
            RETURNING id, application_id, digest_id, attempts, claims
            """;

    // Every failed or dead run matching the filter (null: any), in one statement.
    private static final String REQUEUE_MATCHING = REQUEUE_SET.formatted(6) + """
            WHERE status = ANY($1::text[]) AND ($2::uuid IS NULL OR application_id = $2)
              AND ($3::uuid IS NULL OR digest_id = $3)
              AND ($4::timestamptz IS NULL OR created_at >= $4) AND ($5::timestamptz IS NULL OR created_at < $5)
            RETURNING id, application_id, digest_id, attempts, claims
            """;

    private static final String RUN_DIGEST = """
            SELECT digest_id FROM digest_runs WHERE id = $1 AND ($2::uuid IS NULL OR application_id = $2)
            """;

    // Never sent: a worker's claim needs a queued run, so a message still on the stream finds it
    // gone. Its window, if one was fixed for a retry, is not a succeeded one, so the next run's
    // window starts before it and carries its events.
    private static final String CANCEL = """
            UPDATE digest_runs
            SET status = 'cancelled', turn_wait = false, lease_expires_at = NULL, finished_at = now(), updated_at = now()
            WHERE id = $1 AND ($2::uuid IS NULL OR application_id = $2) AND status = 'queued'
            RETURNING id, application_id, digest_id, window_end
            """;

    // Keeps the window and the per-recipient logs: the next claim resumes where the lost worker stopped.
    private static final String REQUEUE_LAPSED = """
            WITH taken AS (
                UPDATE digest_runs
                SET status = 'queued', stream_message_id = NULL, lease_expires_at = NULL, available_at = now(),
                    error = 'taken back: its worker stopped renewing the lease', updated_at = now()
                WHERE id IN (SELECT id FROM digest_runs WHERE status = 'running' AND lease_expires_at < now()
                             ORDER BY lease_expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
                  AND status = 'running' AND lease_expires_at < now()
                RETURNING id, application_id, digest_id, claims),
            lapsed AS (
                UPDATE digest_run_attempts a
                SET outcome = 'lapsed', finished_at = now(), updated_at = now(),
                    error = 'its worker stopped renewing the lease'
                FROM taken t WHERE a.run_id = t.id AND a.claim = t.claims AND a.outcome = 'running')
            SELECT id, application_id, digest_id FROM taken
            """;

    private static final String ON_STREAM_SINCE = """
            SELECT id, claims, stream_message_id, enqueued_at FROM digest_runs
            WHERE status = 'queued' AND stream_message_id IS NOT NULL
              AND enqueued_at < now() - $1::bigint * interval '1 millisecond'
              AND (enqueued_at, id) > ($2, $3)
            ORDER BY enqueued_at, id
            LIMIT $4
            """;

    private static final String REPUBLISH = """
            UPDATE digest_runs r SET stream_message_id = NULL, available_at = now(), updated_at = now()
            FROM unnest($1::uuid[], $2::int[], $3::text[]) AS l(id, claims, message_id)
            WHERE r.id = l.id AND r.status = 'queued' AND r.claims = l.claims AND r.stream_message_id = l.message_id
            RETURNING r.id
            """;

    // The oldest finished runs first, but never a digest's latest succeeded window: the next
    // window starts at its end (PREVIOUS_WINDOW_END), and deleting it would make the next run
    // send events again. Removing older runs cannot lower that maximum, so concurrent purges
    // are safe. Email logs go with their runs (ON DELETE CASCADE).
    private static final String PURGE_FINISHED = """
            DELETE FROM digest_runs
            WHERE id IN (SELECT r.id FROM digest_runs r
                         WHERE r.status IN ('succeeded', 'failed', 'skipped', 'dead', 'cancelled')
                           AND r.finished_at < now() - $1::bigint * interval '1 millisecond'
                           AND NOT COALESCE(r.status = 'succeeded' AND r.trigger <> 'test'
                                   AND r.window_end >= (SELECT max(l.window_end) FROM digest_runs l
                                                        WHERE l.digest_id = r.digest_id AND l.status = 'succeeded'
                                                          AND l.trigger <> 'test'), false)
                         ORDER BY r.finished_at
                         LIMIT $2
                         FOR UPDATE SKIP LOCKED)
              AND status IN ('succeeded', 'failed', 'skipped', 'dead', 'cancelled')
            """;

    static {
        for (RunTransition transition : RunTransition.values()) {
            if (!transition.allowedByStatusMachine()) {
                throw new IllegalStateException(transition + " makes a move RunStatus does not allow");
            }
        }
    }

    private final Pool pool;
    private final RunEvents events;

    public RunLedger(Pool pool, RunEvents events) {
        this.pool = pool;
        this.events = events;
    }

    // ---- creating and publishing ---------------------------------------------------------

    /**
     * {@link RunTransition#CREATE}: a new queued run of the application's digest, which the
     * re-publisher leaves alone for {@code publishGrace} while its creator publishes it; a test
     * run may carry sample events to render instead of its window. Null when the application has
     * no such digest.
     */
    public Uni<CreatedRun> create(UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient,
            List<SampleEvents.Sample> testEvents, Duration publishGrace) {
        UUID id = Uuid7.next();
        Tuple arguments = Tuple.of(id, applicationId, digestId, trigger.wire(), testRecipient, publishGrace.toMillis())
                .addValue(testEvents == null ? null : SampleEvents.toJson(testEvents));
        return pool.preparedQuery(CREATE).execute(arguments)
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    Instant createdAt = instant(rows.iterator().next(), "created_at");
                    events.announce(new RunChange(id, applicationId, digestId, RunStatus.QUEUED, createdAt));
                    return new CreatedRun(new PublishableRun(id, applicationId, digestId, 0, 0), createdAt);
                });
    }

    /** Announces scheduled runs once the dispatcher's transaction that created them committed. */
    public void announceCreated(List<ScheduledRun> runs) {
        Instant now = Instant.now();
        events.announce(runs.stream()
                .map(run -> new RunChange(run.id(), run.applicationId(), run.digestId(), RunStatus.QUEUED, now))
                .toList());
    }

    /**
     * {@link RunTransition#CREATE} for the dispatcher, inside its transaction: one scheduled run
     * per (digest, instant), none where one exists already. The runs it created.
     */
    public Uni<List<ScheduledRun>> createScheduled(SqlClient transaction, List<ScheduledRun> runs,
            Duration publishGrace) {
        if (runs.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = new UUID[runs.size()];
        UUID[] applications = new UUID[runs.size()];
        UUID[] digests = new UUID[runs.size()];
        OffsetDateTime[] instants = new OffsetDateTime[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            ScheduledRun run = runs.get(i);
            ids[i] = run.id();
            applications[i] = run.applicationId();
            digests[i] = run.digestId();
            instants[i] = utc(run.scheduledFor());
        }
        return transaction.preparedQuery(CREATE_SCHEDULED)
                .execute(Tuple.of(ids, applications, digests, instants, publishGrace.toMillis()))
                .map(rows -> {
                    List<ScheduledRun> created = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        created.add(new ScheduledRun(row.getUUID("id"), row.getUUID("application_id"),
                                row.getUUID("digest_id"), instant(row, "scheduled_for")));
                    }
                    return created;
                });
    }

    /**
     * {@link RunTransition#PUBLISH}: records the stream ids of runs whose jobs were appended,
     * each only while nobody claimed the run since it was read. The ids of the runs recorded,
     * with their enqueue instants.
     */
    public Uni<List<PublishedAt>> recordPublished(SqlClient client, List<PublishableRun> runs, List<String> messageIds) {
        if (runs.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        UUID[] ids = new UUID[runs.size()];
        Integer[] claims = new Integer[runs.size()];
        for (int i = 0; i < runs.size(); i++) {
            ids[i] = runs.get(i).id();
            claims[i] = runs.get(i).claims();
        }
        return client.preparedQuery(PUBLISH).execute(Tuple.of(ids, messageIds.toArray(String[]::new), claims))
                .map(rows -> {
                    List<PublishedAt> recorded = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        recorded.add(new PublishedAt(row.getUUID("id"), instant(row, "enqueued_at")));
                    }
                    return recorded;
                });
    }

    public Uni<List<PublishedAt>> recordPublished(List<PublishableRun> runs, List<String> messageIds) {
        return recordPublished(pool, runs, messageIds);
    }

    /** Queued runs without a stream message whose time has come, locked for the caller's transaction. */
    public Uni<List<PublishableRun>> dueForPublication(SqlClient transaction, int limit) {
        return transaction.preparedQuery(DUE_FOR_PUBLICATION).execute(Tuple.of(limit)).map(rows -> {
            List<PublishableRun> due = new ArrayList<>(rows.size());
            for (Row row : rows) {
                due.add(new PublishableRun(row.getUUID("id"), row.getUUID("application_id"), row.getUUID("digest_id"),
                        row.getInteger("attempts"), row.getInteger("claims")));
            }
            return due;
        });
    }

    // ---- a worker's moves ----------------------------------------------------------------

    /** {@link RunTransition#CLAIM}: the claimed run, or null when this message does not get it. */
    public Uni<ClaimedRun> claim(UUID runId, String messageId, String workerId, Duration lease) {
        return pool.preparedQuery(CLAIM).execute(Tuple.of(runId, workerId, messageId, lease.toMillis()))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return null;
                    }
                    ClaimedRun claimed = toClaimed(rows.iterator().next());
                    events.announce(RunEvents.now(claimed, RunStatus.RUNNING));
                    return claimed;
                });
    }

    /** {@link RunTransition#RENEW_LEASE} of runs a worker holds; the ids it still holds. */
    public Uni<Set<UUID>> renewLeases(List<ClaimedRun> held, Duration lease) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = held.stream().map(ClaimedRun::id).toArray(UUID[]::new);
        Integer[] claims = held.stream().map(ClaimedRun::claim).toArray(Integer[]::new);
        return pool.preparedQuery(RENEW_LEASES).execute(Tuple.of(ids, claims, lease.toMillis())).map(rows -> {
            Set<UUID> still = new HashSet<>();
            rows.forEach(row -> still.add(row.getUUID("id")));
            return still;
        });
    }

    /**
     * {@link RunTransition#FIX_WINDOW} closing at {@code end}, from the previous successful run's
     * end (or {@code lookback} before {@code end} for a digest's first run); or, while another
     * run of the digest holds a window open, {@link RunTransition#WAIT_TURN} until it finishes
     * wakes this one ({@code turnWaitMax} at the most, as a safety net).
     */
    public Uni<WindowTurn> fixWindow(ClaimedRun run, Instant end, Duration lookback, Duration turnWaitMax) {
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_DIGEST).execute(Tuple.of(run.digestId()))
                .chain(() -> connection.preparedQuery(OPEN_WINDOW).execute(Tuple.of(run.digestId(), run.id())))
                .chain(open -> {
                    if (open.size() > 0) {
                        return connection.preparedQuery(WAIT_TURN)
                                .execute(Tuple.of(run.id(), run.claim(), turnWaitMax.toMillis()))
                                .map(rows -> {
                                    if (rows.size() == 0) {
                                        return WindowTurn.LOST;
                                    }
                                    events.announce(RunEvents.now(run, RunStatus.QUEUED));
                                    return WindowTurn.WAITING;
                                });
                    }
                    return previousWindowEnd(connection, run.digestId(), run.id())
                            .map(previous -> Window.closingAt(end, previous, lookback))
                            .chain(window -> recordWindow(connection, run, window)
                                    .map(recorded -> recorded ? new WindowTurn(window, false) : WindowTurn.LOST));
                }));
    }

    /** A test run's window: what the next window holds so far. It fixes nothing for other runs. */
    public Uni<WindowTurn> testWindow(ClaimedRun run, Instant end, Duration lookback) {
        return previousWindowEnd(pool, run.digestId(), run.id())
                .map(previous -> Window.closingAt(end, previous, lookback))
                .chain(window -> recordWindow(pool, run, window)
                        .map(recorded -> recorded ? new WindowTurn(window, false) : WindowTurn.LOST));
    }

    /**
     * {@link RunTransition#FINISH} with the attempt's outcome. A run that held its digest's
     * window wakes the next run waiting for its turn.
     */
    public Uni<Finished> finish(ClaimedRun run, RunStatus status, int eventCount, String error,
            List<BadEvent> badEvents) {
        return finish(run, status, eventCount, error, null, badEvents);
    }

    /** As above, with the failure's exception chain for the attempt history ({@code errorDetail}, may be null). */
    public Uni<Finished> finish(ClaimedRun run, RunStatus status, int eventCount, String error, String errorDetail,
            List<BadEvent> badEvents) {
        Tuple arguments = Tuple.of(run.id(), run.claim(), RunTransition.FINISH.checkTarget(status).wire(), eventCount,
                        error, badEvents.size())
                .addValue(noted(badEvents))
                .addValue(errorDetail);
        return finishing(run, arguments).invoke(finished -> {
            if (finished.done()) {
                events.announce(RunEvents.now(run, status));
            }
        });
    }

    private Uni<Finished> finishing(ClaimedRun run, Tuple arguments) {
        if (!run.holdsWindow()) {
            return pool.preparedQuery(FINISH).execute(arguments)
                    .map(rows -> rows.size() > 0 ? new Finished(true, false) : Finished.LOST);
        }
        return pool.withTransaction(connection -> connection.preparedQuery(LOCK_DIGEST).execute(Tuple.of(run.digestId()))
                .chain(() -> connection.preparedQuery(FINISH).execute(arguments))
                .chain(rows -> {
                    if (rows.size() == 0) {
                        return Uni.createFrom().item(Finished.LOST);
                    }
                    return connection.preparedQuery(TOUCH_DIGEST).execute(Tuple.of(run.digestId()))
                            .chain(() -> connection.preparedQuery(WAKE_NEXT).execute(Tuple.of(run.digestId())))
                            .map(woken -> new Finished(true, woken.size() > 0));
                }));
    }

    /** {@link RunTransition#RETRY_LATER}: back to the queue until {@code availableAt}; false when the claim was lost. */
    public Uni<Boolean> retryLater(ClaimedRun run, String error, Instant availableAt) {
        return retryLater(run, error, null, availableAt);
    }

    /** As above, with the failure's exception chain for the attempt history ({@code errorDetail}, may be null). */
    public Uni<Boolean> retryLater(ClaimedRun run, String error, String errorDetail, Instant availableAt) {
        return pool.preparedQuery(RETRY_LATER)
                .execute(Tuple.of(run.id(), run.claim(), error, utc(availableAt), errorDetail))
                .map(rows -> {
                    if (rows.size() == 0) {
                        return false;
                    }
                    events.announce(RunEvents.now(run, RunStatus.QUEUED));
                    return true;
                });
    }

    // ---- a person's moves ----------------------------------------------------------------

    /**
     * {@link RunTransition#REQUEUE} of a failed or dead run; null when it is in another state or
     * not the application's (a null application: any, for the admin).
     */
    public Uni<PublishableRun> requeue(UUID applicationId, UUID runId, Duration publishGrace) {
        return pool.preparedQuery(REQUEUE).execute(Tuple.of(runId, applicationId, publishGrace.toMillis()))
                .map(rows -> {
                    List<PublishableRun> requeued = requeued(rows);
                    return requeued.isEmpty() ? null : requeued.get(0);
                });
    }

    /**
     * {@link RunTransition#REQUEUE} of every run in one of {@code statuses} (failed or dead) that
     * matches the filter, in one statement; null filter values match anything. Runs already queued
     * are not matched, so asking twice re-queues nothing the second time.
     */
    public Uni<List<PublishableRun>> requeueMatching(Set<RunStatus> statuses, UUID applicationId, UUID digestId,
            Instant createdFrom, Instant createdBefore, Duration publishGrace) {
        String[] wire = statuses.stream().map(RunTransition.REQUEUE::checkSource).map(RunStatus::wire)
                .toArray(String[]::new);
        return pool.preparedQuery(REQUEUE_MATCHING)
                .execute(Tuple.of(wire, applicationId, digestId, utc(createdFrom), utc(createdBefore),
                        publishGrace.toMillis()))
                .map(this::requeued);
    }

    private List<PublishableRun> requeued(RowSet<Row> rows) {
        List<PublishableRun> requeued = new ArrayList<>(rows.size());
        List<RunChange> changes = new ArrayList<>(rows.size());
        Instant now = Instant.now();
        for (Row row : rows) {
            PublishableRun run = new PublishableRun(row.getUUID("id"), row.getUUID("application_id"),
                    row.getUUID("digest_id"), row.getInteger("attempts"), row.getInteger("claims"));
            requeued.add(run);
            changes.add(new RunChange(run.id(), run.applicationId(), run.digestId(), RunStatus.QUEUED, now));
        }
        events.announce(changes);
        return requeued;
    }

    /**
     * {@link RunTransition#CANCEL} of a queued run (a null application: any, for the admin). A run
     * that held its digest's window for a retry lets the next waiting run have its turn. False
     * when the run is not queued or not the application's.
     */
    public Uni<Boolean> cancel(UUID applicationId, UUID runId) {
        return pool.withTransaction(connection -> connection.preparedQuery(RUN_DIGEST)
                .execute(Tuple.of(runId, applicationId))
                .chain(found -> {
                    if (found.size() == 0) {
                        return Uni.createFrom().<RunChange>nullItem();
                    }
                    UUID digestId = found.iterator().next().getUUID("digest_id");
                    return connection.preparedQuery(LOCK_DIGEST).execute(Tuple.of(digestId))
                            .chain(() -> connection.preparedQuery(CANCEL).execute(Tuple.of(runId, applicationId)))
                            .chain(cancelled -> {
                                if (cancelled.size() == 0) {
                                    return Uni.createFrom().<RunChange>nullItem();
                                }
                                Row row = cancelled.iterator().next();
                                RunChange change = new RunChange(runId, row.getUUID("application_id"), digestId,
                                        RunStatus.CANCELLED, Instant.now());
                                return row.getValue("window_end") == null ? Uni.createFrom().item(change)
                                        : connection.preparedQuery(WAKE_NEXT).execute(Tuple.of(digestId))
                                                .replaceWith(change);
                            });
                }))
                .map(change -> {
                    if (change == null) {
                        return false;
                    }
                    events.announce(change);
                    return true;
                });
    }

    // ---- the reconciler's moves ----------------------------------------------------------

    /** {@link RunTransition#REQUEUE_LAPSED} of at most {@code limit} runs; how many. */
    public Uni<Integer> requeueLapsed(int limit) {
        return pool.preparedQuery(REQUEUE_LAPSED).execute(Tuple.of(limit)).map(rows -> {
            Instant now = Instant.now();
            List<RunChange> changes = new ArrayList<>(rows.size());
            for (Row row : rows) {
                changes.add(new RunChange(row.getUUID("id"), row.getUUID("application_id"), row.getUUID("digest_id"),
                        RunStatus.QUEUED, now));
            }
            events.announce(changes);
            return rows.size();
        });
    }

    /**
     * Queued runs on the stream for longer than {@code olderThan}, in (enqueued, id) order after
     * {@code after} (null for the start): the reconciler's page through them.
     */
    public Uni<List<OnStream>> onStreamSince(Duration olderThan, OnStream after, int limit) {
        OffsetDateTime afterTime = after == null ? OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC)
                : utc(after.enqueuedAt());
        UUID afterId = after == null ? new UUID(0, 0) : after.id();
        return pool.preparedQuery(ON_STREAM_SINCE).execute(Tuple.of(olderThan.toMillis(), afterTime, afterId, limit))
                .map(rows -> {
                    List<OnStream> page = new ArrayList<>(rows.size());
                    for (Row row : rows) {
                        page.add(new OnStream(row.getUUID("id"), row.getInteger("claims"),
                                row.getString("stream_message_id"), instant(row, "enqueued_at")));
                    }
                    return page;
                });
    }

    /**
     * {@link RunTransition#REPUBLISH}: these runs' messages can no longer be delivered; each is
     * due for publication again unless it moved meanwhile. How many were.
     */
    public Uni<Integer> republish(List<OnStream> lost) {
        if (lost.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        UUID[] ids = lost.stream().map(OnStream::id).toArray(UUID[]::new);
        Integer[] claims = lost.stream().map(OnStream::claims).toArray(Integer[]::new);
        String[] messages = lost.stream().map(OnStream::messageId).toArray(String[]::new);
        return pool.preparedQuery(REPUBLISH).execute(Tuple.of(ids, claims, messages)).map(rows -> rows.size());
    }

    // ---- the retention purge's move ------------------------------------------------------

    /**
     * {@link RunTransition#PURGE_FINISHED}: removes at most {@code limit} runs (with their email
     * logs) that finished longer than {@code olderThan} ago, keeping each digest's latest
     * succeeded window; how many. Rows another purge holds are skipped, not waited for.
     */
    public Uni<Integer> purgeFinished(Duration olderThan, int limit) {
        return pool.preparedQuery(PURGE_FINISHED).execute(Tuple.of(olderThan.toMillis(), limit))
                .map(rows -> rows.rowCount());
    }

    // ---- helpers -------------------------------------------------------------------------

    /**
     * Where the digest's next window starts: the end of its last successful non-test run
     * (other than {@code exceptRun}), or null.
     */
    public static Uni<Instant> previousWindowEnd(SqlClient client, UUID digestId, UUID exceptRun) {
        return client.preparedQuery(PREVIOUS_WINDOW_END).execute(Tuple.of(digestId, exceptRun))
                .map(rows -> instant(rows.iterator().next(), "window_end"));
    }

    private static Uni<Boolean> recordWindow(SqlClient client, ClaimedRun run, Window window) {
        return client.preparedQuery(FIX_WINDOW)
                .execute(Tuple.of(run.id(), run.claim(), utc(window.start()), utc(window.end())))
                .map(rows -> rows.rowCount() > 0);
    }

    private static JsonArray noted(List<BadEvent> badEvents) {
        JsonArray noted = new JsonArray();
        badEvents.stream().limit(BAD_EVENTS_NOTED).forEach(bad -> noted.add(new JsonObject()
                .put("eventId", bad.eventId().toString()).put("type", bad.type()).put("error", bad.error())));
        return noted;
    }

    private static ClaimedRun toClaimed(Row row) {
        return new ClaimedRun(row.getUUID("id"), row.getUUID("application_id"), row.getUUID("digest_id"),
                WireValue.parse(RunTrigger.class, row.getString("trigger")), row.getString("test_recipient"),
                SampleEvents.fromJson((JsonArray) row.getValue("test_events")), row.getInteger("attempts"), row.getInteger("claims"), instant(row, "first_claimed_at"),
                instant(row, "scheduled_for"),
                instant(row, "window_start"), instant(row, "window_end"));
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toInstant();
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /** A run just created, with the claim count (zero) its publisher records against. */
    public record CreatedRun(PublishableRun run, Instant createdAt) {
    }

    /** A scheduled run: planned by the dispatcher, or as created. */
    public record ScheduledRun(UUID id, UUID applicationId, UUID digestId, Instant scheduledFor) {
    }

    /** A run whose stream id was recorded, and the instant its message was appended. */
    public record PublishedAt(UUID id, Instant enqueuedAt) {
    }

    /** A queued run on the stream, as the reconciler checks it against Redis. */
    public record OnStream(UUID id, int claims, String messageId, Instant enqueuedAt) {
    }
}
