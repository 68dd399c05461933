package dev.digest.worker.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.RunLedger;
import dev.digest.worker.retention.RetentionPurge.Purged;
import dev.digest.worker.support.RunFixture;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XAddArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The purge with the test profile's ages (runs 1 day, event grace 1 hour, dead letters 1 hour,
 * first-window look-back 1 day) and its timer off: each test dates its own rows and calls it.
 */
@QuarkusTest
class RetentionPurgeTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    RetentionPurge purge;

    @Inject
    RunLedger ledger;

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    // The purge works in bounded rounds; rows left by other tests may come first.
    private void purgeAll() {
        for (int round = 0; round < 100; round++) {
            Purged purged = purge.purge().await().atMost(WAIT);
            if (purged.runs() == 0 && purged.events() == 0) {
                return;
            }
        }
    }

    private boolean exists(String table, UUID id) {
        return pool.preparedQuery("SELECT 1 FROM " + table + " WHERE id = $1").execute(Tuple.of(id))
                .await().atMost(WAIT).size() > 0;
    }

    private long emailLogs(UUID run) {
        return pool.preparedQuery("SELECT count(*) FROM digest_email_logs WHERE run_id = $1").execute(Tuple.of(run))
                .await().atMost(WAIT).iterator().next().getLong(0);
    }

    private static double metric(String series) {
        String body = RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        return body.lines().filter(line -> line.startsWith(series + " ")).mapToDouble(
                line -> Double.parseDouble(line.substring(series.length() + 1))).findFirst().orElse(0);
    }

    private static Duration days(int days) {
        return Duration.ofDays(days);
    }

    @Test
    void oldFinishedRunsGoWithTheirEmailLogs() {
        double before = metric("digest_retention_purged_total{kind=\"runs\"}");
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 2);
        UUID digest = fixture.digestId();
        UUID oldFailed = fixture.finishedRun(digest, "failed", "manual", days(10), days(10));
        fixture.sent(oldFailed, fixture.recipients().get(0));
        fixture.sent(oldFailed, fixture.recipients().get(1));
        UUID oldSucceeded = fixture.finishedRun(digest, "succeeded", "manual", days(9), days(9));
        fixture.sent(oldSucceeded, fixture.recipients().get(0));
        UUID oldSkipped = fixture.finishedRun(digest, "skipped", "manual", days(8), days(8));
        UUID latest = fixture.finishedRun(digest, "succeeded", "manual", days(5), days(5));
        fixture.sent(latest, fixture.recipients().get(0));
        // A test run's window moves nothing, so a later one does not count as the latest window.
        UUID oldTest = fixture.finishedRun(digest, "succeeded", "test", days(3), days(3));
        UUID recent = fixture.finishedRun(digest, "failed", "manual", Duration.ofHours(2), Duration.ofHours(2));

        purgeAll();

        assertFalse(exists("digest_runs", oldFailed), "a failed run past the age goes");
        assertEquals(0, emailLogs(oldFailed), "its email logs go with it");
        assertFalse(exists("digest_runs", oldSucceeded), "an older succeeded window goes");
        assertEquals(0, emailLogs(oldSucceeded));
        assertFalse(exists("digest_runs", oldSkipped));
        assertFalse(exists("digest_runs", oldTest), "test runs go by age like any other");
        assertTrue(exists("digest_runs", latest), "the digest's latest succeeded window stays: the next starts there");
        assertEquals(1, emailLogs(latest));
        assertTrue(exists("digest_runs", recent), "a run younger than the age stays");
        assertTrue(metric("digest_retention_purged_total{kind=\"runs\"}") >= before + 4);
    }

    @Test
    void workersPurgingAtOnceRemoveEachRunOnceAndKeepTheLatestWindow() {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1);
        List<UUID> old = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            old.add(fixture.finishedRun(fixture.digestId(), "succeeded", "manual", days(40 - i), days(40 - i)));
        }
        UUID latest = fixture.finishedRun(fixture.digestId(), "succeeded", "manual", days(5), days(5));

        // Four workers' batches of five at the same moment: each skips the rows another holds.
        List<Integer> removed = Uni.join().all(List.of(ledger.purgeFinished(days(1), 5), ledger.purgeFinished(days(1), 5),
                ledger.purgeFinished(days(1), 5), ledger.purgeFinished(days(1), 5))).andFailFast()
                .await().atMost(WAIT);
        purgeAll();

        assertEquals(4, removed.size());
        assertTrue(removed.stream().allMatch(count -> count <= 5), removed.toString());
        assertTrue(old.stream().noneMatch(run -> exists("digest_runs", run)), "every older run went");
        assertTrue(exists("digest_runs", latest));
    }

    @Test
    void queuedAndRunningRunsStayHoweverOld() {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1);
        UUID queued = fixture.queuedRun();
        UUID running = fixture.runningRun("another-worker", Duration.ofMinutes(5));
        // A failed run a person requeued keeps no finished_at; an old creation must not make it go.
        fixture.update(queued, "created_at = now() - interval '100 days', updated_at = now() - interval '100 days'");
        fixture.update(running, "created_at = now() - interval '100 days', started_at = now() - interval '100 days'");

        purgeAll();

        assertTrue(exists("digest_runs", queued));
        assertTrue(exists("digest_runs", running));
    }

    @Test
    void eventsEveryDigestMovedPastGoAndThoseADigestStillNeedsStay() {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1)
                .eventType("order", "Order", null).eventType("signup", "Signup", null)
                .eventType("invoice", "Invoice", null).eventTypes("order");
        fixture.finishedRun(fixture.digestId(), "succeeded", "manual", days(3), days(3));
        // Every type, four days behind: it still needs what was received since.
        UUID everything = fixture.digest();
        fixture.finishedRun(everything, "succeeded", "manual", days(4), days(4));
        // Signups only, with a retry pending on a window that starts six days ago.
        UUID signups = fixture.digest("signup");
        fixture.finishedRun(signups, "succeeded", "manual", days(2), days(2));
        UUID retrying = fixture.queuedRun();
        fixture.update(retrying, "digest_id = '" + signups + "', window_start = now() - interval '6 days',"
                + " window_end = now() - interval '5 days'");

        UUID oldOrder = fixture.event("order", days(5));
        UUID orderBehindOne = fixture.event("order", Duration.ofHours(80));
        UUID orderInGrace = fixture.event("order", Duration.ofHours(96).plusMinutes(30));
        UUID oldInvoice = fixture.event("invoice", Duration.ofHours(98));
        UUID newerInvoice = fixture.event("invoice", Duration.ofHours(90));
        UUID oldSignup = fixture.event("signup", days(7));
        UUID signupInOpenWindow = fixture.event("signup", Duration.ofHours(130));

        purgeAll();

        assertFalse(exists("digest_webhook_events", oldOrder), "both digests with orders moved past it");
        assertTrue(exists("digest_webhook_events", orderBehindOne), "the all-types digest has not reached it");
        assertTrue(exists("digest_webhook_events", orderInGrace), "moved past, but by less than the grace");
        assertFalse(exists("digest_webhook_events", oldInvoice), "only the all-types digest includes invoices");
        assertTrue(exists("digest_webhook_events", newerInvoice));
        assertFalse(exists("digest_webhook_events", oldSignup), "before the open window too");
        assertTrue(exists("digest_webhook_events", signupInOpenWindow), "a pending retry will read it again");
    }

    @Test
    void aDigestThatNeverRanKeepsItsFirstWindowLookBack() {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1).eventType("order", "Order", null);
        UUID insideLookback = fixture.event("order", Duration.ofHours(20));
        UUID lookbackPlusGrace = fixture.event("order", Duration.ofHours(24).plusMinutes(30));
        UUID older = fixture.event("order", Duration.ofHours(26));

        purgeAll();

        assertTrue(exists("digest_webhook_events", insideLookback), "its first run will include it");
        assertTrue(exists("digest_webhook_events", lookbackPlusGrace), "within the grace after the look-back");
        assertFalse(exists("digest_webhook_events", older), "no first window reaches that far back");
    }

    @Test
    void deadLettersOlderThanTheLimitAreTrimmed() {
        String deadLetters = queue.deadLetterStream();
        redis.key().del(deadLetters);
        long now = System.currentTimeMillis();
        var streams = redis.stream(String.class);
        streams.xadd(deadLetters, new XAddArgs().id((now - Duration.ofHours(3).toMillis()) + "-0"), Map.of("n", "old"));
        streams.xadd(deadLetters, new XAddArgs().id((now - Duration.ofHours(2).toMillis()) + "-0"), Map.of("n", "old"));
        String young = streams.xadd(deadLetters, new XAddArgs().id((now - Duration.ofMinutes(30).toMillis()) + "-0"),
                Map.of("n", "young"));

        Purged purged = purge.purge().await().atMost(WAIT);

        assertEquals(2, purged.deadLetters());
        List<String> left = streams.xrange(deadLetters, StreamRange.of("-", "+")).stream().map(StreamMessage::id).toList();
        assertEquals(List.of(young), left);
        redis.key().del(deadLetters);
    }
}
