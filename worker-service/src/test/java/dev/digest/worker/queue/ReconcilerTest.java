package dev.digest.worker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.digest.common.Uuid7;
import dev.digest.common.job.JobMessage;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs the database holds reach a final status by themselves, whatever Redis forgot. */
@QuarkusTest
class ReconcilerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    // A real SMTP server for the whole class (GreenMail's own JUnit extension).
    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(TestSmtp.setup()).withPerMethodLifecycle(false);

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;


    private static double metric(String series) {
        String body = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    private static long receivedBy(String recipient) {
        return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
            try {
                return message.getAllRecipients()[0].toString().equals(recipient);
            } catch (jakarta.mail.MessagingException e) {
                throw new IllegalStateException(e);
            }
        }).count();
    }

    @Test
    void aQueuedRunWhoseMessageRedisNoLongerHasIsPublishedAgain() throws Exception {
        double before = metric("digest_reconciler_actions_total{action=\"republished\"}");
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1);
        UUID run = fixture.queuedRun();
        // What Redis coming back empty leaves: the run points at a message that does not exist.
        fixture.update(run, "stream_message_id = '1-0', enqueued_at = now() - interval '1 minute'");

        Row done = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals("succeeded", done.getString("status"));
        assertTrue(!"1-0".equals(done.getString("stream_message_id")), "published under a new message");
        assertEquals(1, receivedBy(fixture.recipients().get(0)));
        assertTrue(metric("digest_reconciler_actions_total{action=\"republished\"}") >= before + 1);
    }

    @Test
    void aQueuedRunWhoseMessageWasAlreadyHandledIsPublishedAgain() throws Exception {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1);
        UUID run = fixture.queuedRun();
        // A message that exists and was delivered and acknowledged (here: a job for no run,
        // which a worker takes and lets go of) -- what the publish race used to record.
        String handled = redis.stream(String.class).xadd(queue.stream(),
                new JobMessage(Uuid7.next(), fixture.applicationId(), fixture.digestId(), 1, null).toFields());
        Awaitility.await().atMost(TIMEOUT).until(() -> delivered(handled) && redis.stream(String.class)
                .xpending(queue.stream(), queue.group(), StreamRange.of(handled, handled), 1).isEmpty());
        fixture.update(run, "claims = 1, attempts = 0, stream_message_id = '" + handled + "',"
                + " enqueued_at = now() - interval '1 minute', available_at = now() + interval '1 hour'");

        Row done = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals("succeeded", done.getString("status"));
        assertEquals(1, receivedBy(fixture.recipients().get(0)));
    }

    private boolean delivered(String id) {
        Response groups = redis.getReactive().execute("XINFO", "GROUPS", queue.stream()).await().atMost(TIMEOUT);
        for (Response group : groups) {
            if (queue.group().equals(group.get("name").toString())) {
                return StreamIds.compare(id, group.get("last-delivered-id").toString()) <= 0;
            }
        }
        return false;
    }

    @Test
    void aRunWhoseWorkerStoppedRenewingItsLeaseIsTakenBackAndResumesWhereItStopped() throws Exception {
        double before = metric("digest_reconciler_actions_total{action=\"requeued\"}");
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 3);
        UUID run = fixture.runningRun("gone-worker", Duration.ofSeconds(-1));
        fixture.sent(run, fixture.recipients().get(0));

        Row done = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");

        assertEquals("succeeded", done.getString("status"));
        assertEquals("test-worker", done.getString("worker_id"));
        assertEquals(0, receivedBy(fixture.recipients().get(0)), "the recipient sent before is not sent again");
        assertEquals(1, receivedBy(fixture.recipients().get(1)));
        assertEquals(1, receivedBy(fixture.recipients().get(2)));
        assertEquals(Map.of(fixture.recipients().get(0), "sent", fixture.recipients().get(1), "sent",
                fixture.recipients().get(2), "sent"), fixture.emailStatuses(run));
        assertTrue(metric("digest_reconciler_actions_total{action=\"requeued\"}") >= before + 1);
    }

    @Test
    void consumersOfGoneWorkersThatHoldNothingAreRemovedFromTheGroup() throws Exception {
        String gone = "gone-" + UUID.randomUUID();
        redis.getReactive().execute("XGROUP", "CREATECONSUMER", queue.stream(), queue.group(), gone)
                .await().atMost(TIMEOUT);
        assertTrue(consumers().contains(gone));

        Awaitility.await().atMost(TIMEOUT).until(() -> !consumers().contains(gone));

        assertTrue(consumers().contains("test-worker"), "a live consumer stays");
    }

    private List<String> consumers() {
        List<String> names = new ArrayList<>();
        redis.getReactive().execute("XINFO", "CONSUMERS", queue.stream(), queue.group()).await().atMost(TIMEOUT)
                .forEach(consumer -> names.add(consumer.get("name").toString()));
        return names;
    }
}
