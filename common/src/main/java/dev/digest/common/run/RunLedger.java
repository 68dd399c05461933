package dev.digest.common.run;

import dev.digest.common.Uuid7;
import dev.digest.common.WireValue;
import dev.digest.common.batch.Coalescer;
import dev.digest.common.batch.Rounds;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

    // Requests' runs created together (see Coalescer); a digest the application lacks gets none.
    private static final String CREATE = """
            INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, test_recipient, test_events,
                                     available_at, created_at, updated_at)
            SELECT r.id, d.application_id, d.id, r.trigger, 'queued', r.test_recipient, r.test_events::jsonb,
                   now() + r.grace_ms * interval '1 millisecond', now(), now()
            FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::bigint[], $7::text[])
                AS r(id, application_id, digest_id, trigger, test_recipient, grace_ms, test_events)
            JOIN digest_digests d ON d.application_id = r.application_id AND d.id = r.digest_id
            RETURNING id, created_at
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
            WITH input AS (
                SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::bigint[])
                    AS i(id, worker_id, message_id, lease_ms)),
            claimed AS (
                UPDATE digest_runs r
                SET status = 'running', attempts = r.attempts + 1, claims = r.claims + 1, turn_wait = false,
                    started_at = now(), first_claimed_at = COALESCE(r.first_claimed_at, now()),
                    worker_id = i.worker_id, stream_message_id = i.message_id, enqueued_at = %s,
                    lease_expires_at = now() + i.lease_ms * interval '1 millisecond', updated_at = now()
                FROM input i
                WHERE r.id = i.id
                  AND ((r.status = 'queued'
                        AND (r.available_at <= now() OR r.stream_message_id = i.message_id
                             OR (r.enqueued_at IS NULL AND r.stream_message_id IS NULL)))
                    OR (r.status = 'running' AND (r.lease_expires_at < now() OR r.stream_message_id = i.message_id)))
                RETURNING r.id, r.application_id, r.digest_id, r.trigger, r.test_recipient, r.test_events, r.attempts,
                          r.claims, r.first_claimed_at, r.scheduled_for, r.window_start, r.window_end,
                          r.worker_id, r.stream_message_id),
            -- A claim still running in the history is one whose worker stopped renewing its lease.
            lapsed AS (
                UPDATE digest_run_attempts a
                SET outcome = 'lapsed', finished_at = now(), updated_at = now(),
                    error = 'its worker stopped renewing the lease'
                FROM claimed c WHERE a.run_id = c.id AND a.outcome = 'running'),
            attempt AS (
                INSERT INTO digest_run_attempts (run_id, claim, attempt, application_id, worker_id, started_at)
                SELECT id, claims, attempts, application_id, worker_id, now() FROM claimed)
            SELECT * FROM claimed
            """.formatted(MESSAGE_TIME.formatted("i.message_id"));

    // The rows are locked in id order, as the batched finishes lock theirs: a renewal covering
    // runs that a finish batch is ending would otherwise deadlock with it. NO KEY UPDATE is the
    // lock a plain UPDATE takes: it does not wait for the key-share locks that email-log inserts
    // hold on their runs (the foreign key) until they commit.
    private static final String RENEW_LEASES = """
            WITH held AS (
                SELECT r.id FROM digest_runs r
                JOIN unnest($1::uuid[], $2::int[]) AS h(id, claims) ON r.id = h.id AND r.claims = h.claims
                WHERE r.status = 'running'
                ORDER BY r.id
                FOR NO KEY UPDATE OF r)
            UPDATE digest_runs r SET lease_expires_at = now() + $3::bigint * interval '1 millisecond'
            FROM held WHERE r.id = held.id
            RETURNING r.id
            """;

    // Windows of one digest are fixed one at a time, and a finishing run wakes the next under
    // the same lock, so a run cannot start waiting just after the run it waits for finished. A
    // batch takes its digests' locks in one order, so two batches may wait for each other but
    // never deadlock.
    private static final String LOCK_DIGEST = """
            SELECT pg_advisory_xact_lock(hashtextextended('digest-window:' || $1::uuid::text, 0))
            """;

    private static final String LOCK_DIGESTS = """
            SELECT pg_advisory_xact_lock(k) FROM (
                SELECT DISTINCT hashtextextended('digest-window:' || d::text, 0) AS k FROM unnest($1::uuid[]) AS d
                ORDER BY 1) locks
            """;

    // Per run: whether another non-test run of the digest has its window fixed and not yet
    // delivered (running, or queued for a retry), in which case this run's window starts where
    // that one's ends once it succeeded; and the end of the digest's last succeeded window.
    private static final String WINDOW_STATE = """
            SELECT i.holds AND EXISTS (
                       SELECT 1 FROM digest_runs o
                       WHERE o.digest_id = i.digest_id AND o.id <> i.id AND o.trigger <> 'test'
                         AND o.status IN ('queued', 'running') AND o.window_end IS NOT NULL) AS open,
                   (SELECT max(p.window_end) FROM digest_runs p
                    WHERE p.digest_id = i.digest_id AND p.status = 'succeeded' AND p.trigger <> 'test'
                      AND p.id <> i.id) AS previous_end
            FROM unnest($1::uuid[], $2::uuid[], $3::boolean[]) WITH ORDINALITY AS i(id, digest_id, holds, ord)
            ORDER BY i.ord
            """;

    private static final String PREVIOUS_WINDOW_END = """
            SELECT max(window_end) AS window_end FROM digest_runs
            WHERE digest_id = $1 AND status = 'succeeded' AND trigger <> 'test' AND ($2::uuid IS NULL OR id <> $2)
            """;

    // The attempt it claimed is given back: the run did nothing but find its turn had not come.
    private static final String WAIT_TURN = """
            WITH waiting AS (
                UPDATE digest_runs r
                SET status = 'queued', turn_wait = true, stream_message_id = NULL, attempts = r.attempts - 1,
                    lease_expires_at = NULL, available_at = now() + i.wait_ms * interval '1 millisecond',
                    updated_at = now()
                FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS i(id, claims, wait_ms)
                WHERE r.id = i.id AND r.status = 'running' AND r.claims = i.claims
                RETURNING r.id, r.claims),
            given_back AS (
                DELETE FROM digest_run_attempts a USING waiting w WHERE a.run_id = w.id AND a.claim = w.claims)
            SELECT id FROM waiting
            """;

    private static final String FIX_WINDOW = """
            UPDATE digest_runs r SET window_start = i.start_at, window_end = i.end_at, updated_at = now()
            FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[]) AS i(id, claims, start_at, end_at)
            WHERE r.id = i.id AND r.status = 'running' AND r.claims = i.claims AND r.window_end IS NULL
            RETURNING r.id
            """;

    // A run that held its digest's window marks the digest as run.
    private static final String FINISH = """
            WITH finished AS (
                UPDATE digest_runs r
                SET status = i.status, event_count = i.event_count, error = i.error,
                    bad_event_count = i.bad_event_count, bad_events = i.bad_events::jsonb,
                    lease_expires_at = NULL, finished_at = now(), updated_at = now()
                FROM unnest($1::uuid[], $2::int[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[], $8::text[])
                    AS i(id, claims, status, event_count, error, bad_event_count, bad_events, error_detail)
                WHERE r.id = i.id AND r.status = 'running' AND r.claims = i.claims
                RETURNING r.id, r.claims, r.digest_id, r.trigger, i.status, i.error, i.error_detail),
            attempt AS (
                UPDATE digest_run_attempts a
                SET outcome = f.status, error = f.error, error_detail = f.error_detail, finished_at = now(),
                    updated_at = now()
                FROM finished f WHERE a.run_id = f.id AND a.claim = f.claims),
            touched AS (
                UPDATE digest_digests d SET last_run_at = now()
                WHERE d.id IN (SELECT digest_id FROM finished WHERE trigger <> 'test'))
            SELECT id FROM finished
            """;

    // Per digest, its oldest waiting window first: scheduled runs by their instant, manual ones by
    // when they were asked for.
    private static final String WAKE_NEXT = """
            UPDATE digest_runs r SET turn_wait = false, available_at = now(), updated_at = now()
            FROM (SELECT (SELECT w.id FROM digest_runs w
                          WHERE w.digest_id = d AND w.status = 'queued' AND w.turn_wait
                          ORDER BY COALESCE(w.scheduled_for, w.created_at), w.id LIMIT 1) AS id
                  FROM unnest($1::uuid[]) AS d) next
            WHERE r.id = next.id AND r.status = 'queued' AND r.turn_wait
            RETURNING r.id, r.digest_id
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

    // Moves are batched across the runs worked on at once (see Coalescer): the api's creations
    // and a worker's claims, windows and finishes each take one statement per batch, not per run.
    private static final int MAX_BATCH = 500;
    // Window fixes and finishes take an advisory lock per digest; PostgreSQL's shared lock table
    // holds max_locks_per_transaction (64) times max_connections, so a batch takes at most 64.
    private static final int LOCKING_BATCH = 64;
    // One statement of a kind at a time: calls arriving meanwhile wait at most that statement's
    // time and share the next one. More in flight made smaller batches and more transactions
    // per run without finishing runs sooner (deploy/bench/throughput.py burst).
    private static final int BATCHES_IN_FLIGHT = 1;

    private final Pool pool;
    private final RunEvents events;
    private final Coalescer<Creation, CreatedRun> creations =
            new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::createAll);
    private final Coalescer<Claim, ClaimedRun> claims = new Coalescer<>(MAX_BATCH, BATCHES_IN_FLIGHT, this::claimAll);
    private final Coalescer<WindowFix, WindowTurn> windows =
            new Coalescer<>(LOCKING_BATCH, BATCHES_IN_FLIGHT, this::fixWindows);
    private final Coalescer<Finish, Finished> finishes = new Coalescer<>(LOCKING_BATCH, BATCHES_IN_FLIGHT, this::finishAll);

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
        return creations.submit(new Creation(Uuid7.next(), applicationId, digestId, trigger, testRecipient, testEvents,
                publishGrace));
    }

    private Uni<List<CreatedRun>> createAll(List<Creation> batch) {
        int n = batch.size();
        UUID[] ids = new UUID[n];
        UUID[] applications = new UUID[n];
        UUID[] digests = new UUID[n];
        String[] triggers = new String[n];
        String[] recipients = new String[n];
        Long[] graces = new Long[n];
        String[] samples = new String[n];
        for (int i = 0; i < n; i++) {
            Creation creation = batch.get(i);
            ids[i] = creation.id();
            applications[i] = creation.applicationId();
            digests[i] = creation.digestId();
            triggers[i] = creation.trigger().wire();
            recipients[i] = creation.testRecipient();
            graces[i] = creation.publishGrace().toMillis();
            samples[i] = creation.testEvents() == null ? null : SampleEvents.toJson(creation.testEvents()).encode();
        }
        Tuple arguments = Tuple.tuple(List.of(ids, applications, digests, triggers, recipients, graces, samples));
        return pool.preparedQuery(CREATE).execute(arguments).map(rows -> {
            Map<UUID, Instant> created = new HashMap<>();
            rows.forEach(row -> created.put(row.getUUID("id"), instant(row, "created_at")));
            List<CreatedRun> answers = new ArrayList<>(n);
            List<RunChange> changes = new ArrayList<>();
            for (Creation creation : batch) {
                Instant createdAt = created.get(creation.id());
                if (createdAt == null) {
                    answers.add(null);
                    continue;
                }
                changes.add(new RunChange(creation.id(), creation.applicationId(), creation.digestId(), RunStatus.QUEUED,
                        createdAt));
                answers.add(new CreatedRun(new PublishableRun(creation.id(), creation.applicationId(),
                        creation.digestId(), 0, 0), createdAt));
            }
            events.announce(changes);
            return answers;
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
        return claims.submit(new Claim(runId, messageId, workerId, lease));
    }

    // A message named twice in one batch is claimed in a second round, all rounds in one
    // transaction: a failure then leaves every claim of the batch undone, none half made.
    private Uni<List<ClaimedRun>> claimAll(List<Claim> batch) {
        Uni<List<ClaimedRun>> claimed = Rounds.distinct(batch, Claim::runId)
                ? claimRound(pool, batch)
                : pool.withTransaction(connection -> Rounds.distinctBy(batch, Claim::runId,
                        round -> claimRound(connection, round)));
        return claimed.invoke(runs -> events.announce(runs.stream().filter(Objects::nonNull)
                .map(run -> RunEvents.now(run, RunStatus.RUNNING)).toList()));
    }

    // Rows are updated in run id order, as every batch does, so two workers' claims cannot deadlock.
    private static Uni<List<ClaimedRun>> claimRound(SqlClient client, List<Claim> round) {
        List<Claim> ordered = round.stream().sorted(Comparator.comparing(Claim::runId)).toList();
        UUID[] ids = new UUID[ordered.size()];
        String[] workers = new String[ordered.size()];
        String[] messages = new String[ordered.size()];
        Long[] leases = new Long[ordered.size()];
        for (int i = 0; i < ordered.size(); i++) {
            Claim claim = ordered.get(i);
            ids[i] = claim.runId();
            workers[i] = claim.workerId();
            messages[i] = claim.messageId();
            leases[i] = claim.lease().toMillis();
        }
        return client.preparedQuery(CLAIM).execute(Tuple.of(ids, workers, messages, leases)).map(rows -> {
            Map<UUID, ClaimedRun> claimed = new HashMap<>();
            for (Row row : rows) {
                claimed.put(row.getUUID("id"), toClaimed(row));
            }
            return round.stream().map(claim -> claimed.get(claim.runId())).toList();
        });
    }

    /** {@link RunTransition#RENEW_LEASE} of runs a worker holds; the ids it still holds. */
    public Uni<Set<UUID>> renewLeases(List<ClaimedRun> held, Duration lease) {
        if (held.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<ClaimedRun> ordered = held.stream().sorted(Comparator.comparing(ClaimedRun::id)).toList();
        UUID[] ids = ordered.stream().map(ClaimedRun::id).toArray(UUID[]::new);
        Integer[] claims = ordered.stream().map(ClaimedRun::claim).toArray(Integer[]::new);
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
        return windows.submit(new WindowFix(run, end, lookback, turnWaitMax));
    }

    /** A test run's window: what the next window holds so far. It fixes nothing for other runs. */
    public Uni<WindowTurn> testWindow(ClaimedRun run, Instant end, Duration lookback) {
        return windows.submit(new WindowFix(run, end, lookback, Duration.ZERO));
    }

    // One transaction for the batch: the digests' locks, then per round (no digest twice) the
    // digests' state, the runs that wait their turn and the windows fixed.
    private Uni<List<WindowTurn>> fixWindows(List<WindowFix> batch) {
        UUID[] locked = batch.stream().filter(fix -> fix.run().holdsWindow()).map(fix -> fix.run().digestId())
                .toArray(UUID[]::new);
        return pool.withTransaction(connection -> (locked.length == 0 ? Uni.createFrom().voidItem()
                        : connection.preparedQuery(LOCK_DIGESTS).execute(Tuple.of((Object) locked)).replaceWithVoid())
                .chain(() -> Rounds.distinctBy(batch,
                        fix -> fix.run().holdsWindow() ? fix.run().digestId() : fix.run().id(),
                        round -> fixRound(connection, round))))
                .invoke(turns -> {
                    List<RunChange> waiting = new ArrayList<>();
                    for (int i = 0; i < batch.size(); i++) {
                        if (turns.get(i).waiting()) {
                            waiting.add(RunEvents.now(batch.get(i).run(), RunStatus.QUEUED));
                        }
                    }
                    events.announce(waiting);
                });
    }

    private Uni<List<WindowTurn>> fixRound(SqlClient connection, List<WindowFix> round) {
        UUID[] ids = round.stream().map(fix -> fix.run().id()).toArray(UUID[]::new);
        UUID[] digests = round.stream().map(fix -> fix.run().digestId()).toArray(UUID[]::new);
        Boolean[] holds = round.stream().map(fix -> fix.run().holdsWindow()).toArray(Boolean[]::new);
        return connection.preparedQuery(WINDOW_STATE).execute(Tuple.of(ids, digests, holds)).chain(state -> {
            List<WindowFix> waiting = new ArrayList<>();
            List<WindowFix> fixing = new ArrayList<>();
            List<Window> windows = new ArrayList<>();
            Window[] planned = new Window[round.size()];
            int i = 0;
            for (Row row : state) {
                WindowFix fix = round.get(i);
                if (row.getBoolean("open")) {
                    waiting.add(fix);
                } else {
                    planned[i] = Window.closingAt(fix.end(), instant(row, "previous_end"), fix.lookback());
                    fixing.add(fix);
                    windows.add(planned[i]);
                }
                i++;
            }
            return Uni.combine().all().unis(waitTurns(connection, waiting), recordWindows(connection, fixing, windows))
                    .with((waited, fixed) -> {
                        List<WindowTurn> turns = new ArrayList<>(round.size());
                        for (int k = 0; k < round.size(); k++) {
                            UUID id = round.get(k).run().id();
                            if (planned[k] == null) {
                                turns.add(waited.contains(id) ? WindowTurn.WAITING : WindowTurn.LOST);
                            } else {
                                turns.add(fixed.contains(id) ? new WindowTurn(planned[k], false) : WindowTurn.LOST);
                            }
                        }
                        return turns;
                    });
        });
    }

    private static Uni<Set<UUID>> waitTurns(SqlClient connection, List<WindowFix> waiting) {
        if (waiting.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = waiting.stream().map(fix -> fix.run().id()).toArray(UUID[]::new);
        Integer[] claims = waiting.stream().map(fix -> fix.run().claim()).toArray(Integer[]::new);
        Long[] waits = waiting.stream().map(fix -> fix.turnWaitMax().toMillis()).toArray(Long[]::new);
        return connection.preparedQuery(WAIT_TURN).execute(Tuple.of(ids, claims, waits)).map(RunLedger::ids);
    }

    private static Uni<Set<UUID>> recordWindows(SqlClient connection, List<WindowFix> fixing, List<Window> windows) {
        if (fixing.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        UUID[] ids = fixing.stream().map(fix -> fix.run().id()).toArray(UUID[]::new);
        Integer[] claims = fixing.stream().map(fix -> fix.run().claim()).toArray(Integer[]::new);
        OffsetDateTime[] starts = windows.stream().map(window -> utc(window.start())).toArray(OffsetDateTime[]::new);
        OffsetDateTime[] ends = windows.stream().map(window -> utc(window.end())).toArray(OffsetDateTime[]::new);
        return connection.preparedQuery(FIX_WINDOW).execute(Tuple.of(ids, claims, starts, ends)).map(RunLedger::ids);
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
        return finishes.submit(new Finish(run, RunTransition.FINISH.checkTarget(status), eventCount, error, errorDetail,
                badEvents));
    }

    // Runs that held their digest's window finish under the digests' locks, with the wake-up of
    // each digest's next waiting run in the same transaction; a run named twice (a second round)
    // makes the whole batch one transaction.
    private Uni<List<Finished>> finishAll(List<Finish> batch) {
        boolean locks = batch.stream().anyMatch(finish -> finish.run().holdsWindow());
        Uni<List<Finished>> finished;
        if (!Rounds.distinct(batch, finish -> finish.run().id())) {
            finished = pool.withTransaction(connection -> Rounds.distinctBy(batch, finish -> finish.run().id(),
                    round -> finishRound(connection, round)));
        } else if (locks) {
            finished = pool.withTransaction(connection -> finishRound(connection, batch));
        } else {
            finished = finishRound(pool, batch);
        }
        return finished.invoke(answers -> {
            List<RunChange> changes = new ArrayList<>();
            for (int i = 0; i < batch.size(); i++) {
                if (answers.get(i).done()) {
                    changes.add(RunEvents.now(batch.get(i).run(), batch.get(i).status()));
                }
            }
            events.announce(changes);
        });
    }

    // In a transaction whenever a run of the round held its window (the caller's to open).
    private static Uni<List<Finished>> finishRound(SqlClient client, List<Finish> round) {
        UUID[] locked = round.stream().filter(finish -> finish.run().holdsWindow())
                .map(finish -> finish.run().digestId()).distinct().toArray(UUID[]::new);
        Tuple arguments = finishArguments(round.stream().sorted(Comparator.comparing(finish -> finish.run().id()))
                .toList());
        Uni<Woken> done = locked.length == 0
                ? client.preparedQuery(FINISH).execute(arguments).map(rows -> new Woken(ids(rows), Set.of()))
                : client.preparedQuery(LOCK_DIGESTS).execute(Tuple.of((Object) locked))
                        .chain(() -> client.preparedQuery(FINISH).execute(arguments))
                        .chain(rows -> wakeNext(client, round, ids(rows)));
        return done.map(woken -> {
            List<Finished> answers = new ArrayList<>(round.size());
            for (Finish finish : round) {
                answers.add(!woken.finished().contains(finish.run().id()) ? Finished.LOST
                        : new Finished(true, finish.run().holdsWindow() && woken.digests().contains(finish.run().digestId())));
            }
            return answers;
        });
    }

    // Only a run that finished lets the next one have its digest's window: a run whose claim was
    // lost leaves that to the worker that took it over.
    private static Uni<Woken> wakeNext(SqlClient connection, List<Finish> round, Set<UUID> finished) {
        UUID[] digests = round.stream()
                .filter(finish -> finish.run().holdsWindow() && finished.contains(finish.run().id()))
                .map(finish -> finish.run().digestId()).distinct().toArray(UUID[]::new);
        if (digests.length == 0) {
            return Uni.createFrom().item(new Woken(finished, Set.of()));
        }
        return connection.preparedQuery(WAKE_NEXT).execute(Tuple.of((Object) digests)).map(rows -> {
            Set<UUID> woken = new HashSet<>();
            rows.forEach(row -> woken.add(row.getUUID("digest_id")));
            return new Woken(finished, woken);
        });
    }

    private static Set<UUID> ids(RowSet<Row> rows) {
        Set<UUID> ids = new HashSet<>();
        rows.forEach(row -> ids.add(row.getUUID("id")));
        return ids;
    }

    private static Tuple finishArguments(List<Finish> round) {
        int n = round.size();
        UUID[] ids = new UUID[n];
        Integer[] claims = new Integer[n];
        String[] statuses = new String[n];
        Integer[] eventCounts = new Integer[n];
        String[] errors = new String[n];
        Integer[] badCounts = new Integer[n];
        String[] badEvents = new String[n];
        String[] details = new String[n];
        for (int i = 0; i < n; i++) {
            Finish finish = round.get(i);
            ids[i] = finish.run().id();
            claims[i] = finish.run().claim();
            statuses[i] = finish.status().wire();
            eventCounts[i] = finish.eventCount();
            errors[i] = finish.error();
            badCounts[i] = finish.badEvents().size();
            badEvents[i] = noted(finish.badEvents()).encode();
            details[i] = finish.errorDetail();
        }
        return Tuple.tuple(List.of(ids, claims, statuses, eventCounts, errors, badCounts, badEvents, details));
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
                                        : connection.preparedQuery(WAKE_NEXT).execute(Tuple.of(new UUID[] {digestId}))
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

    private record Creation(UUID id, UUID applicationId, UUID digestId, RunTrigger trigger, String testRecipient,
            List<SampleEvents.Sample> testEvents, Duration publishGrace) {
    }

    private record Claim(UUID runId, String messageId, String workerId, Duration lease) {
    }

    private record WindowFix(ClaimedRun run, Instant end, Duration lookback, Duration turnWaitMax) {
    }

    private record Finish(ClaimedRun run, RunStatus status, int eventCount, String error, String errorDetail,
            List<BadEvent> badEvents) {
    }

    // The runs a finishing batch finished, and the digests whose next waiting run it woke.
    private record Woken(Set<UUID> finished, Set<UUID> digests) {
    }
}
