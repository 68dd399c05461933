package dev.digest.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.mail.DigestMailer;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The worker end to end inside one process: real Redis stream, real PostgreSQL, real SMTP (GreenMail). */
@QuarkusTest
class RunHandlerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static GreenMail smtp;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    WorkerConfig config;

    @Inject
    JobQueueConfig queue;

    @Inject
    DigestMailer mailer;

    @BeforeAll
    static void startSmtp() {
        smtp = TestSmtp.server();
        smtp.start();
    }

    @AfterAll
    static void stopSmtp() {
        smtp.stop();
    }

    private RunFixture fixture(int recipients) {
        return RunFixture.create(pool, redis, queue.stream(), recipients);
    }

    /** Messages GreenMail received for the fixture's recipients. */
    private static List<MimeMessage> received(RunFixture fixture) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                Address[] to = message.getAllRecipients();
                return to != null && fixture.recipients().contains(to[0].toString());
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    private long pendingFor(String messageId) {
        return redis.stream(String.class).xpending(queue.stream(), queue.group(),
                io.quarkus.redis.datasource.stream.StreamRange.of(messageId, messageId), 10).size();
    }

    /** A series' value from the Prometheus endpoint, as a scraper reads it. */
    private static double metric(String series) {
        String body = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    @Test
    void recipientsBeyondOneChunkAreEachSentOnceAndLogged() throws Exception {
        int count = config.recipientChunk() * 2 + 17;
        RunFixture fixture = fixture(count);
        UUID run = fixture.queuedRun();
        fixture.sent(run, fixture.recipients().get(5));
        fixture.publish(run);

        Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals("succeeded", row.getString("status"));
        Map<String, String> statuses = fixture.emailStatuses(run);
        assertEquals(count, statuses.size());
        assertTrue(statuses.values().stream().allMatch("sent"::equals));
        List<MimeMessage> emails = received(fixture);
        assertEquals(count - 1, emails.size(), "every recipient once, but the one an earlier attempt sent");
        assertEquals(count - 1, emails.stream().map(email -> {
            try {
                return email.getMessageID();
            } catch (MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).distinct().count());
    }

    @Test
    void aRunSendsOneEmailPerRecipientAndRecordsEverything() throws Exception {
        double succeededBefore = metric("digest_jobs_processed_total{outcome=\"succeeded\"}");
        double sentBefore = metric("digest_emails_total{status=\"sent\"}");
        RunFixture fixture = fixture(3);
        UUID run = fixture.queuedRun();
        String messageId = fixture.publish(run);

        Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals("succeeded", row.getString("status"));
        assertEquals(1, row.getInteger("attempts"));
        assertEquals("test-worker", row.getString("worker_id"));
        assertEquals(messageId, row.getString("stream_message_id"));
        assertTrue(row.getOffsetDateTime("window_end") != null && row.getOffsetDateTime("finished_at") != null);
        assertEquals(Map.of("r0@" + domain(fixture), "sent", "r1@" + domain(fixture), "sent", "r2@" + domain(fixture), "sent"),
                fixture.emailStatuses(run));
        List<MimeMessage> emails = received(fixture);
        assertEquals(3, emails.size());
        for (MimeMessage email : emails) {
            String to = email.getAllRecipients()[0].toString();
            assertEquals(mailer.messageId(run, to), email.getMessageID());
            assertEquals("Digest Orders: 0", email.getSubject());
            assertEquals(null, email.getHeader("Cc"), "no empty Cc header");
            assertEquals("digest@localhost", email.getFrom()[0].toString());
        }
        Awaitility.await("acknowledged once the outcome was committed").atMost(TIMEOUT)
                .until(() -> fixture.acknowledged(queue.group(), messageId));
        assertEquals(succeededBefore + 1, metric("digest_jobs_processed_total{outcome=\"succeeded\"}"));
        assertEquals(sentBefore + 3, metric("digest_emails_total{status=\"sent\"}"));
    }

    @Test
    void theSameJobDeliveredTwiceSendsEachEmailOnce() throws Exception {
        RunFixture fixture = fixture(3);
        UUID run = fixture.queuedRun();
        String first = fixture.publish(run);
        String second = fixture.publish(run);

        assertEquals("succeeded", fixture.awaitStatus(run, TIMEOUT, "succeeded").getString("status"));
        Awaitility.await("both deliveries handled").atMost(TIMEOUT)
                .until(() -> fixture.acknowledged(queue.group(), first) && fixture.acknowledged(queue.group(), second));
        assertEquals(3, received(fixture).size());
    }

    @Test
    void smtpDownThenBackIsRetriedWithoutDuplicates() throws Exception {
        double failedBefore = metric("digest_emails_total{status=\"failed\"}");
        double retriedBefore = metric("digest_jobs_processed_total{outcome=\"retry\"}");
        RunFixture fixture = fixture(2);
        smtp.stop();
        UUID run;
        try {
            run = fixture.queuedRun();
            fixture.publish(run);
            // The first attempt's failure is recorded: then the run must be waiting, not failed or dead.
            Row failed = fixture.awaitRow(run, TIMEOUT,
                    row -> row.getInteger("attempts") >= 1 && row.getString("error") != null);
            assertEquals("queued", failed.getString("status"), "waiting out its backoff");
            assertTrue(failed.getString("error") != null);
        } finally {
            smtp = TestSmtp.server();
            smtp.start();
        }

        Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded", "dead");
        assertEquals("succeeded", row.getString("status"));
        assertTrue(row.getInteger("attempts") >= 2);
        assertEquals(2, received(fixture).size());
        assertTrue(fixture.emailStatuses(run).values().stream().allMatch("sent"::equals));
        assertTrue(metric("digest_emails_total{status=\"failed\"}") >= failedBefore + 2, "failed emails counted");
        assertTrue(metric("digest_jobs_processed_total{outcome=\"retry\"}") >= retriedBefore + 1, "retry counted");
    }

    @Test
    void exhaustedAttemptsDeadLetterTheJobAndMarkTheRunDead() throws Exception {
        RunFixture fixture = fixture(1);
        smtp.stop();
        UUID run;
        Row row;
        try {
            run = fixture.queuedRun();
            fixture.publish(run);
            row = fixture.awaitStatus(run, Duration.ofSeconds(30), "dead");
        } finally {
            smtp = TestSmtp.server();
            smtp.start();
        }
        assertEquals("dead", row.getString("status"));
        assertEquals(config.maxAttempts(), row.getInteger("attempts"));
        assertEquals(Map.of(fixture.recipients().get(0), "failed"), fixture.emailStatuses(run));
        List<StreamMessage<String, String, String>> dead = redis.stream(String.class)
                .xrange(queue.deadLetterStream(), io.quarkus.redis.datasource.stream.StreamRange.of("-", "+"));
        assertTrue(dead.stream().anyMatch(m -> run.toString().equals(m.payload().get("runId"))));
    }

    @Test
    void aJobLeftPendingByAVanishedConsumerIsReclaimedAndCompleted() throws Exception {
        RunFixture fixture = fixture(2);
        UUID run = fixture.queuedRun();
        // A consumer that reads the job and dies before acknowledging it. The running worker
        // may take the job first; then there is nothing to reclaim and the run still completes.
        redis.stream(String.class).xgroupCreateConsumer(queue.stream(), queue.group(), "ghost");
        String messageId = fixture.publish(run);
        redis.stream(String.class).xreadgroup(queue.group(), "ghost", queue.stream(), ">", new XReadGroupArgs().count(50));

        Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded");
        assertEquals("succeeded", row.getString("status"));
        assertEquals(2, received(fixture).size());
        Awaitility.await().atMost(TIMEOUT).until(() -> pendingFor(messageId) == 0);
    }

    private static String domain(RunFixture fixture) {
        return fixture.recipients().get(0).substring(fixture.recipients().get(0).indexOf('@') + 1);
    }

    @Test
    void aRunThatNeverReachedTheStreamIsPublishedOnceAndCompleted() throws Exception {
        RunFixture fixture = fixture(2);
        UUID run = fixture.unpublishedRun();

        Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals("succeeded", row.getString("status"));
        String streamId = row.getString("stream_message_id");
        assertTrue(streamId != null, "published by the re-publisher");
        long jobs = redis.stream(String.class).xrange(queue.stream(),
                        io.quarkus.redis.datasource.stream.StreamRange.of("-", "+")).stream()
                .filter(message -> run.toString().equals(message.payload().get("runId"))).count();
        assertEquals(1, jobs, "published once");
        Awaitility.await().atMost(TIMEOUT).until(() -> fixture.acknowledged(queue.group(), streamId));
        assertEquals(2, received(fixture).size());
    }

    @Test
    void successiveRunsSplitEventsWithoutOverlapOrGap() throws Exception {
        RunFixture fixture = fixture(1);
        fixture.event("{\"n\": 1}");
        fixture.event("{\"n\": 2}");
        UUID first = fixture.queuedRun();
        fixture.publish(first);
        Row one = fixture.awaitStatus(first, TIMEOUT, "succeeded", "failed", "dead");
        fixture.event("{\"n\": 3}");
        fixture.event("{\"n\": 4}");
        fixture.event("{\"n\": 5}");
        // A test run in between sees the pending events but moves nothing.
        UUID test = fixture.queuedTestRun(fixture.recipients().get(0));
        fixture.publish(test);
        Row tested = fixture.awaitStatus(test, TIMEOUT, "succeeded", "failed", "dead");
        UUID second = fixture.queuedRun();
        fixture.publish(second);
        Row two = fixture.awaitStatus(second, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals(2, one.getInteger("event_count"));
        assertEquals(3, two.getInteger("event_count"));
        assertEquals(one.getOffsetDateTime("window_end"), two.getOffsetDateTime("window_start"), "no gap, no overlap");
        assertEquals("succeeded", tested.getString("status"));
        assertEquals(3, tested.getInteger("event_count"));
        assertEquals(one.getOffsetDateTime("window_end"), tested.getOffsetDateTime("window_start"));
    }

    @Test
    void runsOfOneDigestStartedTogetherDeliverWindowsOneAfterAnother() throws Exception {
        RunFixture fixture = fixture(2);
        for (int i = 0; i < 7; i++) {
            fixture.event("{\"n\": " + i + "}");
        }
        double waitedBefore = metric("digest_jobs_processed_total{outcome=\"waiting\"}");
        List<UUID> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(fixture.queuedRun());
        }
        runs.forEach(fixture::publish);

        List<Row> done = new java.util.ArrayList<>();
        for (UUID run : runs) {
            done.add(fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead"));
        }
        done.sort(java.util.Comparator.comparing(row -> row.getOffsetDateTime("window_end")));
        int events = 0;
        for (int i = 0; i < done.size(); i++) {
            Row row = done.get(i);
            assertEquals("succeeded", row.getString("status"));
            events += row.getInteger("event_count");
            if (i > 0) {
                assertEquals(done.get(i - 1).getOffsetDateTime("window_end"), row.getOffsetDateTime("window_start"),
                        "each window starts where the one before it ended");
            }
        }
        assertEquals(7, events, "every event in exactly one run");
        System.out.printf("%nconcurrent runs of one digest: 5 runs, %d turns waited, windows chained%n",
                (long) (metric("digest_jobs_processed_total{outcome=\"waiting\"}") - waitedBefore));
    }

    @Test
    void aScheduledRunFinishingAfterALaterOneGetsAnEmptyWindowNotALookBack() throws Exception {
        RunFixture fixture = fixture(1);
        fixture.event("{\"n\": 1}");
        java.time.Instant now = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        UUID later = fixture.scheduledRun(now.plusSeconds(1));
        fixture.publish(later);
        Row second = fixture.awaitStatus(later, TIMEOUT, "succeeded", "failed", "dead");
        UUID earlier = fixture.scheduledRun(now.minusSeconds(60));
        fixture.publish(earlier);
        Row first = fixture.awaitStatus(earlier, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals(1, second.getInteger("event_count"));
        assertEquals(0, first.getInteger("event_count"), "the events already went out with the later run");
        assertEquals(first.getOffsetDateTime("window_start"), first.getOffsetDateTime("window_end"));
    }

    @Test
    void anEventStillCommittingWhenTheWindowClosesIsWaitedForAndIncluded() throws Exception {
        RunFixture fixture = fixture(1);
        fixture.event("{\"n\": 0}");
        io.vertx.mutiny.sqlclient.SqlConnection ingest = pool.getConnection().await().atMost(TIMEOUT);
        try {
            // As the api ingests: transaction id first, then received_at from the INSERT.
            var transaction = ingest.begin().await().atMost(TIMEOUT);
            ingest.query("SELECT pg_current_xact_id()").execute().await().atMost(TIMEOUT);
            ingest.preparedQuery("INSERT INTO digest_webhook_events (id, application_id, event_type_key, payload,"
                    + " occurred_at, received_at) VALUES ($1, $2, 'order', '{\"n\": 1}', now(), statement_timestamp())")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(dev.digest.common.Uuid7.next(), fixture.applicationId()))
                    .await().atMost(TIMEOUT);

            UUID run = fixture.queuedRun();
            fixture.publish(run);
            fixture.awaitStatus(run, TIMEOUT, "running");
            // The window waits for the open transaction: nothing is sent while it is open.
            Awaitility.await().during(Duration.ofSeconds(1)).atMost(TIMEOUT)
                    .until(() -> "running".equals(fixture.run(run).getString("status")) && received(fixture).isEmpty());

            transaction.commit().await().atMost(TIMEOUT);
            Row row = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");
            assertEquals("succeeded", row.getString("status"));
            assertEquals(2, row.getInteger("event_count"), "the event committed late is in this window");
        } finally {
            ingest.closeAndAwait();
        }
    }
}
