package dev.digest.worker.support;

import dev.digest.common.Uuid7;
import dev.digest.common.job.JobMessage;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;

/**
 * Rows a worker test needs, written straight to PostgreSQL (the worker has no API): an
 * application, an email template, a digest and queued runs, each test with its own.
 * Called from the test thread, so blocking here is fine.
 */
public record RunFixture(Pool pool, RedisDataSource redis, String stream, UUID applicationId, UUID digestId,
        List<String> recipients) {

    private static final Duration WAIT = Duration.ofSeconds(10);

    public static RunFixture create(Pool pool, RedisDataSource redis, String stream, int recipientCount) {
        UUID application = Uuid7.next();
        UUID template = Uuid7.next();
        UUID digest = Uuid7.next();
        String domain = "t" + application.toString().substring(24) + ".example.com";
        List<String> recipients = new ArrayList<>();
        for (int i = 0; i < recipientCount; i++) {
            recipients.add("r" + i + "@" + domain);
        }
        exec(pool, "INSERT INTO digest_applications (id, name, slug) VALUES ($1, 'worker test', $2)",
                Tuple.of(application, "w-" + application.toString().substring(24)));
        exec(pool, "INSERT INTO digest_email_templates (id, application_id, name, subject, html_body, text_body)"
                        + " VALUES ($1, $2, 'tpl', 'Digest {digest.name}: {eventCount}',"
                        + " '<h1>{digest.name}</h1><p>for {recipient}</p>', 'Digest for {recipient}')",
                Tuple.of(template, application));
        exec(pool, "INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients,"
                        + " email_template_id, empty_window) VALUES ($1, $2, 'Orders', '0 0 8 * * ?', 'UTC', $3, $4, 'send')",
                Tuple.of(digest, application, recipients.toArray(String[]::new), template));
        return new RunFixture(pool, redis, stream, application, digest, recipients);
    }

    /** Stores an event of type {@code order} (created on first use), received now, as the api does. */
    public void event(String payloadJson) {
        exec(pool, "INSERT INTO digest_event_types (id, application_id, key, name) VALUES ($1, $2, 'order', 'Order')"
                + " ON CONFLICT DO NOTHING", Tuple.of(Uuid7.next(), applicationId));
        exec(pool, "INSERT INTO digest_webhook_events (id, application_id, event_type_key, payload, occurred_at)"
                + " VALUES ($1, $2, 'order', $3::text::jsonb, now())", Tuple.of(Uuid7.next(), applicationId, payloadJson));
    }

    /** Replaces the digest's email template. */
    public RunFixture template(String subject, String html, String text) {
        exec(pool, "UPDATE digest_email_templates SET subject = $2, html_body = $3, text_body = $4"
                + " WHERE application_id = $1", Tuple.of(applicationId, subject, html, text));
        return this;
    }

    /** Sets what the digest does with an empty window: 'skip' or 'send'. */
    public RunFixture emptyWindow(String policy) {
        exec(pool, "UPDATE digest_digests SET empty_window = $2 WHERE id = $1", Tuple.of(digestId, policy));
        return this;
    }

    /** Creates an event type with a line template (null for the default line). */
    public RunFixture eventType(String key, String name, String lineTemplate) {
        exec(pool, "INSERT INTO digest_event_types (id, application_id, key, name, line_template) VALUES ($1, $2, $3, $4, $5)",
                Tuple.of(Uuid7.next(), applicationId, key, name, lineTemplate));
        return this;
    }

    /** Stores an event of an existing type, received now. */
    public UUID event(String type, String payloadJson) {
        UUID id = Uuid7.next();
        exec(pool, "INSERT INTO digest_webhook_events (id, application_id, event_type_key, payload, occurred_at)"
                + " VALUES ($1, $2, $3, $4::text::jsonb, now())", Tuple.of(id, applicationId, type, payloadJson));
        return id;
    }

    /** Stores an event of an existing type, received {@code ago} before now. */
    public UUID event(String type, Duration ago) {
        UUID id = Uuid7.next();
        exec(pool, "INSERT INTO digest_webhook_events (id, application_id, event_type_key, payload, occurred_at, received_at)"
                + " VALUES ($1, $2, $3, '{}'::jsonb, now(), now() - $4::bigint * interval '1 millisecond')",
                Tuple.of(id, applicationId, type, ago.toMillis()));
        return id;
    }

    /** Sets the event types the digest includes (none: every type). */
    public RunFixture eventTypes(String... types) {
        exec(pool, "UPDATE digest_digests SET event_types = $2 WHERE id = $1", Tuple.of(digestId, types));
        return this;
    }

    /** Another digest of the application, including {@code types} (none: every type), that never ran. */
    public UUID digest(String... types) {
        UUID digest = Uuid7.next();
        exec(pool, "INSERT INTO digest_digests (id, application_id, name, cron, time_zone, recipients, email_template_id,"
                        + " event_types) SELECT $1, application_id, 'Other', cron, time_zone, recipients, email_template_id, $3"
                        + " FROM digest_digests WHERE id = $2",
                Tuple.of(digest, digestId, types));
        return digest;
    }

    /**
     * A finished run of {@code digest} ({@code trigger} manual or test), which finished
     * {@code finishedAgo} before now with a window of an hour ending {@code windowEndAgo} before now.
     */
    public UUID finishedRun(UUID digest, String status, String trigger, Duration finishedAgo, Duration windowEndAgo) {
        UUID run = Uuid7.next();
        exec(pool, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, test_recipient, attempts,"
                        + " claims, window_start, window_end, started_at, finished_at, created_at, updated_at)"
                        + " SELECT $1, $2, $3, $4, $5, CASE WHEN $4 = 'test' THEN 'tester@example.com' END, 1, 1,"
                        + " w.end_at - interval '1 hour', w.end_at, f.at, f.at, f.at, f.at"
                        + " FROM (SELECT now() - $6::bigint * interval '1 millisecond' AS at) f,"
                        + " (SELECT now() - $7::bigint * interval '1 millisecond' AS end_at) w",
                Tuple.of(run, applicationId, digest, trigger, status, finishedAgo.toMillis())
                        .addValue(windowEndAgo.toMillis()));
        return run;
    }

    /** Records an unsubscribe, as the api's endpoint does. */
    public void unsubscribe(String recipient) {
        exec(pool, "INSERT INTO digest_unsubscribes (application_id, digest_id, recipient) VALUES ($1, $2, lower($3))",
                Tuple.of(applicationId, digestId, recipient));
    }

    /** A new queued manual run, not yet on the stream. */
    public UUID queuedRun() {
        UUID run = Uuid7.next();
        exec(pool, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, available_at)"
                + " VALUES ($1, $2, $3, 'manual', 'queued', now() + interval '1 hour')", Tuple.of(run, applicationId, digestId));
        return run;
    }

    /** A new queued scheduled run for {@code instant}, not yet on the stream. */
    public UUID scheduledRun(java.time.Instant instant) {
        UUID run = Uuid7.next();
        exec(pool, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, scheduled_for, available_at)"
                + " VALUES ($1, $2, $3, 'scheduled', 'queued', $4, now() + interval '1 hour')",
                Tuple.of(run, applicationId, digestId, instant.atOffset(java.time.ZoneOffset.UTC)));
        return run;
    }

    /** A new queued test run to one address, not yet on the stream. */
    public UUID queuedTestRun(String to) {
        UUID run = Uuid7.next();
        exec(pool, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, test_recipient, available_at)"
                + " VALUES ($1, $2, $3, 'test', 'queued', $4, now() + interval '1 hour')",
                Tuple.of(run, applicationId, digestId, to));
        return run;
    }

    /** A queued run nobody published, as the API leaves one when Redis was down; due for the re-publisher now. */
    public UUID unpublishedRun() {
        UUID run = Uuid7.next();
        exec(pool, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, available_at)"
                + " VALUES ($1, $2, $3, 'manual', 'queued', now())", Tuple.of(run, applicationId, digestId));
        return run;
    }

    /**
     * A run another worker holds: running, claimed once by {@code workerId}, its window fixed up
     * to now, its lease lapsing {@code leaseFromNow} from now (negative: already lapsed).
     */
    public UUID runningRun(String workerId, Duration leaseFromNow) {
        UUID run = Uuid7.next();
        exec(pool, "INSERT INTO digest_runs (id, application_id, digest_id, trigger, status, attempts, claims, worker_id,"
                + " started_at, first_claimed_at, window_start, window_end, stream_message_id, enqueued_at,"
                + " lease_expires_at, available_at)"
                + " VALUES ($1, $2, $3, 'manual', 'running', 1, 1, $4, now(), now(), now() - interval '1 hour', now(),"
                + " '1-0', now(), now() + $5::bigint * interval '1 millisecond', now())",
                Tuple.of(run, applicationId, digestId, workerId, leaseFromNow.toMillis()));
        return run;
    }

    /** Records a recipient of a run as already sent, as an earlier attempt would have left it. */
    public void sent(UUID run, String recipient) {
        exec(pool, "INSERT INTO digest_email_logs (id, application_id, run_id, recipient, status, attempts, sent_at)"
                + " VALUES ($1, $2, $3, $4, 'sent', 1, now())", Tuple.of(Uuid7.next(), applicationId, run, recipient));
    }

    /** Sets columns of a run, as a test needs a state the services would reach only by a race. */
    public void update(UUID run, String assignments) {
        exec(pool, "UPDATE digest_runs SET " + assignments + " WHERE id = $1", Tuple.of(run));
    }

    /** Appends the run's job to the test stream, as the API does; the stream id. */
    public String publish(UUID run) {
        return redis.stream(String.class).xadd(stream, new JobMessage(run, applicationId, digestId, 1, null).toFields());
    }

    public Row run(UUID run) {
        return pool.preparedQuery("SELECT * FROM digest_runs WHERE id = $1").execute(Tuple.of(run))
                .await().atMost(WAIT).iterator().next();
    }

    public Map<String, String> emailStatuses(UUID run) {
        Map<String, String> statuses = new java.util.TreeMap<>();
        pool.preparedQuery("SELECT recipient, status FROM digest_email_logs WHERE run_id = $1").execute(Tuple.of(run))
                .await().atMost(WAIT).forEach(row -> statuses.put(row.getString("recipient"), row.getString("status")));
        return statuses;
    }

    /** Waits until the run reaches one of {@code statuses}; its final row. Fails after {@code timeout}. */
    public Row awaitStatus(UUID run, Duration timeout, String... statuses) {
        return Awaitility.await("run " + run + " " + String.join(" or ", statuses)).atMost(timeout)
                .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(50))
                .until(() -> run(run), row -> List.of(statuses).contains(row.getString("status")));
    }

    /** Waits until the run's row satisfies {@code condition}; that row. Fails after {@code timeout}. */
    public Row awaitRow(UUID run, Duration timeout, java.util.function.Predicate<Row> condition) {
        return Awaitility.await("run " + run).atMost(timeout).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50)).until(() -> run(run), condition);
    }

    /**
     * Whether the group has read the stream message (its last delivered id is at or past it)
     * and nobody holds it unacknowledged.
     */
    public boolean acknowledged(String group, String messageId) {
        String lastDelivered = null;
        for (io.vertx.mutiny.redis.client.Response info : redis.execute("XINFO", "GROUPS", stream)) {
            if (group.equals(info.get("name").toString())) {
                lastDelivered = info.get("last-delivered-id").toString();
            }
        }
        return lastDelivered != null && compareIds(messageId, lastDelivered) <= 0
                && redis.stream(String.class).xpending(stream, group, StreamRange.of(messageId, messageId), 1).isEmpty();
    }

    private static int compareIds(String a, String b) {
        String[] x = a.split("-");
        String[] y = b.split("-");
        int byTime = Long.compare(Long.parseLong(x[0]), Long.parseLong(y[0]));
        return byTime != 0 ? byTime : Long.compare(Long.parseLong(x[1]), Long.parseLong(y[1]));
    }

    private static void exec(Pool pool, String sql, Tuple arguments) {
        pool.preparedQuery(sql).execute(arguments).await().atMost(WAIT);
    }
}
