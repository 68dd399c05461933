package dev.digest.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TimersOff;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The run ledger's statements against the real schema, with the worker's timers off so that
 * nothing but the test moves the runs.
 */
@QuarkusTest
@TestProfile(TimersOff.class)
class RunLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(1);

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queue;

    @Inject
    RunLedger ledger;

    @Inject
    RunEvents events;

    private RunFixture fixture() {
        return RunFixture.create(pool, redis, queue.stream(), 1);
    }

    private ClaimedRun claim(UUID run, String message, Duration lease) {
        return ledger.claim(run, message, "ledger-test", lease).await().atMost(WAIT);
    }

    @Test
    void anyMessageClaimsANewRunButOnlyOneClaimSucceeds() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();

        ClaimedRun first = claim(run, "100-0", LEASE);
        ClaimedRun duplicate = claim(run, "200-0", LEASE);

        assertNotNull(first);
        assertEquals(1, first.claim());
        assertNull(duplicate, "a running run with a live lease is not claimed again");
        assertEquals("1970-01-01T00:00:00.100Z", fixture.run(run).getOffsetDateTime("enqueued_at").toInstant().toString(),
                "enqueued at the instant the claiming message stands for");
    }

    @Test
    void aRunWaitingOutItsBackoffIsClaimedOnlyByItsOwnMessageOrOnceDue() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        ClaimedRun claimed = claim(run, "100-0", LEASE);
        assertTrue(ledger.retryLater(claimed, "smtp down", Instant.now().plusSeconds(3600)).await().atMost(WAIT));

        assertNull(claim(run, "100-0", LEASE), "the old message no longer claims it");
        assertNull(claim(run, "300-0", LEASE), "nor does a stray duplicate before its time");

        fixture.update(run, "available_at = now()");
        ClaimedRun again = claim(run, "400-0", LEASE);
        assertEquals(2, again.claim());
        assertEquals(2, again.attempts());
    }

    @Test
    void aRequeuedRunIsClaimedByItsNewMessageEvenBeforeThePublisherRecordsIt() {
        RunFixture fixture = fixture();
        UUID run = fixture.finishedRun(fixture.digestId(), "dead", "manual", Duration.ofMinutes(5), Duration.ofHours(2));
        assertNotNull(ledger.requeue(fixture.applicationId(), run, Duration.ofMinutes(1)).await().atMost(WAIT));

        // The request appended the message; a worker read it before the request recorded its id.
        ClaimedRun claimed = claim(run, "500-0", LEASE);

        assertNotNull(claimed, "the retry is taken at once, not when the reconciler finds its message gone");
        assertEquals(2, claimed.claim());
        assertEquals(1, claimed.attempts());
        assertNull(claim(run, "600-0", LEASE), "a duplicate does not claim it again");
    }

    @Test
    void aWorkerWhoseRunWasTakenOverChangesNothing() throws Exception {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        ClaimedRun slow = claim(run, "100-0", Duration.ofMillis(1));
        org.awaitility.Awaitility.await("the lease lapsed").atMost(WAIT).until(() -> pool.preparedQuery(
                "SELECT lease_expires_at < now() FROM digest_runs WHERE id = $1").execute(io.vertx.mutiny.sqlclient.Tuple.of(run))
                .await().atMost(WAIT).iterator().next().getBoolean(0));

        ClaimedRun taker = claim(run, "200-0", LEASE);

        assertEquals(2, taker.claim(), "a lapsed lease is taken over");
        assertEquals(Finished.LOST, ledger.finish(slow, RunStatus.SUCCEEDED, 0, null, List.of()).await().atMost(WAIT));
        assertTrue(!ledger.retryLater(slow, "x", Instant.now()).await().atMost(WAIT));
        assertEquals(Set.of(), ledger.renewLeases(List.of(slow), LEASE).await().atMost(WAIT));
        assertEquals(Set.of(run), ledger.renewLeases(List.of(taker), LEASE).await().atMost(WAIT));
        assertEquals(new Finished(true, false), ledger.finish(taker, RunStatus.SUCCEEDED, 0, null, List.of())
                .await().atMost(WAIT));
        assertEquals("succeeded", fixture.run(run).getString("status"));
    }

    /**
     * An email log being written for a run holds a key-share lock on the run's row (the foreign
     * key) until it commits; renewing the run's lease must not wait for it, or the two deadlock
     * when a renewal and a batch of logs cover the same runs in different orders.
     */
    @Test
    void renewingALeaseDoesNotWaitForAnEmailLogBeingWrittenForTheRun() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        ClaimedRun claimed = claim(run, "100-0", LEASE);
        io.vertx.mutiny.sqlclient.SqlConnection writer = pool.getConnection().await().atMost(WAIT);
        try {
            writer.query("BEGIN").execute().await().atMost(WAIT);
            writer.preparedQuery("INSERT INTO digest_email_logs (id, application_id, run_id, recipient, status, subject, attempts)"
                            + " VALUES (gen_random_uuid(), $1, $2, 'a@example.com', 'sending', 's', 1)")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(fixture.applicationId(), run)).await().atMost(WAIT);

            assertEquals(Set.of(run), ledger.renewLeases(List.of(claimed), LEASE).await().atMost(Duration.ofSeconds(5)),
                    "renewed while the log's transaction is still open");
        } finally {
            writer.query("ROLLBACK").execute().await().atMost(WAIT);
            writer.close().await().atMost(WAIT);
        }
    }

    @Test
    void aStreamIdIsRecordedOnlyWhileNobodyClaimedTheRun() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        PublishableRun asCreated = new PublishableRun(run, fixture.applicationId(), fixture.digestId(), 0, 0);

        var recorded = ledger.recordPublished(List.of(asCreated), List.of("1700000000000-0")).await().atMost(WAIT);
        assertEquals(1, recorded.size());
        assertEquals(Instant.ofEpochMilli(1_700_000_000_000L), recorded.get(0).enqueuedAt());

        UUID other = fixture.queuedRun();
        claim(other, "100-0", LEASE);
        fixture.update(other, "status = 'queued', stream_message_id = NULL");
        assertTrue(ledger.recordPublished(List.of(new PublishableRun(other, fixture.applicationId(),
                fixture.digestId(), 0, 0)), List.of("100-0")).await().atMost(WAIT).isEmpty());
    }

    @Test
    void aLapsedLeaseIsRequeuedKeepingItsWindow() throws Exception {
        RunFixture fixture = fixture();
        UUID run = fixture.runningRun("gone-worker", Duration.ofSeconds(-1));

        assertTrue(ledger.requeueLapsed(1000).await().atMost(WAIT) >= 1);

        var row = fixture.run(run);
        assertEquals("queued", row.getString("status"));
        assertNull(row.getString("stream_message_id"), "due for publication");
        assertNotNull(row.getOffsetDateTime("window_end"), "window kept");
    }

    @Test
    void finishRefusesAStatusThatIsNotAnOutcome() {
        RunFixture fixture = fixture();
        ClaimedRun claimed = claim(fixture.queuedRun(), "100-0", LEASE);
        assertThrows(IllegalArgumentException.class,
                () -> ledger.finish(claimed, RunStatus.QUEUED, 0, null, List.of()));
    }

    private List<io.vertx.mutiny.sqlclient.Row> attempts(UUID run) {
        List<io.vertx.mutiny.sqlclient.Row> rows = new java.util.ArrayList<>();
        pool.preparedQuery("SELECT * FROM digest_run_attempts WHERE run_id = $1 ORDER BY claim")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(run)).await().atMost(WAIT).forEach(rows::add);
        return rows;
    }

    @Test
    void eachClaimIsInTheAttemptHistoryWithHowItEnded() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        ClaimedRun first = claim(run, "100-0", LEASE);
        assertEquals("running", attempts(run).get(0).getString("outcome"));

        assertTrue(ledger.retryLater(first, "smtp down", "java.net.ConnectException: refused\n    at Smtp.send",
                Instant.now().plusSeconds(3600)).await().atMost(WAIT));
        fixture.update(run, "available_at = now()");
        ClaimedRun second = claim(run, "400-0", LEASE);
        ledger.finish(second, RunStatus.SUCCEEDED, 3, null, List.of()).await().atMost(WAIT);

        var history = attempts(run);
        assertEquals(2, history.size());
        assertEquals(1, history.get(0).getInteger("attempt"));
        assertEquals("retry", history.get(0).getString("outcome"));
        assertEquals("smtp down", history.get(0).getString("error"));
        assertTrue(history.get(0).getString("error_detail").startsWith("java.net.ConnectException"));
        assertNotNull(history.get(0).getOffsetDateTime("finished_at"));
        assertEquals("ledger-test", history.get(0).getString("worker_id"));
        assertEquals(2, history.get(1).getInteger("attempt"));
        assertEquals("succeeded", history.get(1).getString("outcome"));
        assertNotNull(history.get(1).getOffsetDateTime("finished_at"));
    }

    @Test
    void aClaimWhoseLeaseLapsedIsMarkedLapsedWhenTakenOver() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        claim(run, "100-0", Duration.ofMillis(1));
        org.awaitility.Awaitility.await().atMost(WAIT).until(() ->
                fixture.run(run).getOffsetDateTime("lease_expires_at").toInstant().isBefore(Instant.now()));

        ClaimedRun taker = claim(run, "200-0", LEASE);

        assertEquals(2, taker.claim());
        var history = attempts(run);
        assertEquals(List.of("lapsed", "running"), history.stream().map(row -> row.getString("outcome")).toList());
    }

    @Test
    void aCancelledRunIsNeverClaimedAndCancellingTwiceChangesNothing() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();

        assertTrue(ledger.cancel(fixture.applicationId(), run).await().atMost(WAIT));
        assertTrue(!ledger.cancel(fixture.applicationId(), run).await().atMost(WAIT), "already cancelled");

        var row = fixture.run(run);
        assertEquals("cancelled", row.getString("status"));
        assertNotNull(row.getOffsetDateTime("finished_at"));
        assertNull(claim(run, "100-0", LEASE), "a message still on the stream finds it gone");
        fixture.update(run, "available_at = now()");
        assertNull(claim(run, "200-0", LEASE));
    }

    @Test
    void onlyQueuedRunsOfTheApplicationAreCancelled() {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        assertTrue(!ledger.cancel(UUID.randomUUID(), run).await().atMost(WAIT), "another application's");
        claim(run, "100-0", LEASE);
        assertTrue(!ledger.cancel(fixture.applicationId(), run).await().atMost(WAIT), "running");
        assertEquals("running", fixture.run(run).getString("status"));
    }

    @Test
    void cancellingARunThatHeldTheWindowLetsTheNextRunHaveItsTurn() {
        RunFixture fixture = fixture();
        UUID holder = fixture.queuedRun();
        UUID next = fixture.queuedRun();
        ClaimedRun held = claim(holder, "100-0", LEASE);
        assertTrue(!ledger.fixWindow(held, Instant.now(), Duration.ofDays(1), Duration.ofMinutes(5))
                .await().atMost(WAIT).waiting());
        ledger.retryLater(held, "smtp down", Instant.now().plusSeconds(3600)).await().atMost(WAIT);

        ClaimedRun waiting = claim(next, "200-0", LEASE);
        assertTrue(ledger.fixWindow(waiting, Instant.now(), Duration.ofDays(1), Duration.ofMinutes(5))
                .await().atMost(WAIT).waiting(), "the retrying run holds the window");
        assertTrue(attempts(next).isEmpty(), "waiting for a turn gives the attempt back");

        assertTrue(ledger.cancel(null, holder).await().atMost(WAIT), "the admin cancels any application's run");

        var woken = fixture.run(next);
        assertEquals("queued", woken.getString("status"));
        assertTrue(!woken.getBoolean("turn_wait"), "woken");
        assertTrue(!woken.getOffsetDateTime("available_at").toInstant().isAfter(Instant.now()), "due now");
    }

    @Test
    void aBulkRetryRequeuesOnlyMatchingFailedOrDeadRunsAndOnlyOnce() {
        RunFixture fixture = fixture();
        UUID otherDigest = fixture.digest();
        UUID failed = fixture.finishedRun(fixture.digestId(), "failed", "manual", Duration.ofMinutes(5), Duration.ofHours(2));
        UUID dead = fixture.finishedRun(fixture.digestId(), "dead", "manual", Duration.ofMinutes(5), Duration.ofHours(2));
        UUID succeeded = fixture.finishedRun(fixture.digestId(), "succeeded", "manual", Duration.ofMinutes(5),
                Duration.ofHours(2));
        UUID elsewhere = fixture.finishedRun(otherDigest, "failed", "manual", Duration.ofMinutes(5), Duration.ofHours(2));

        var requeued = ledger.requeueMatching(Set.of(RunStatus.FAILED, RunStatus.DEAD), fixture.applicationId(),
                fixture.digestId(), null, null, Duration.ZERO).await().atMost(WAIT);

        assertEquals(Set.of(failed, dead), requeued.stream().map(PublishableRun::id).collect(java.util.stream.Collectors.toSet()));
        assertEquals("queued", fixture.run(failed).getString("status"));
        assertEquals("succeeded", fixture.run(succeeded).getString("status"));
        assertEquals("failed", fixture.run(elsewhere).getString("status"));
        assertTrue(ledger.requeueMatching(Set.of(RunStatus.FAILED, RunStatus.DEAD), fixture.applicationId(),
                fixture.digestId(), null, null, Duration.ZERO).await().atMost(WAIT).isEmpty(), "nothing the second time");
        assertThrows(IllegalArgumentException.class, () -> ledger.requeueMatching(Set.of(RunStatus.RUNNING),
                fixture.applicationId(), null, null, null, Duration.ZERO));
    }

    @Test
    void everyMoveIsAnnouncedOnTheRunChannel() {
        RunFixture fixture = fixture();
        java.util.concurrent.BlockingQueue<RunChange> heard = new java.util.concurrent.LinkedBlockingQueue<>();
        var subscriber = redis.pubsub(String.class).subscribe(events.channel(), message -> {
            for (RunChange change : RunChange.listFromJson(message)) {
                if (change.applicationId().equals(fixture.applicationId())) {
                    heard.add(change);
                }
            }
        });
        try {
            UUID run = fixture.queuedRun();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
                // The subscription is asynchronous: claim only once a ping would reach it.
                redis.pubsub(String.class).publish(events.channel(), new RunChange(UUID.randomUUID(),
                        fixture.applicationId(), fixture.digestId(), RunStatus.QUEUED, Instant.now()).toJson());
                return heard.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS) != null;
            });
            heard.clear();
            ClaimedRun claimed = claim(run, "100-0", LEASE);
            ledger.finish(claimed, RunStatus.SUCCEEDED, 0, null, List.of()).await().atMost(WAIT);

            List<RunStatus> statuses = new java.util.ArrayList<>();
            org.awaitility.Awaitility.await().atMost(WAIT).until(() -> {
                RunChange change = heard.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (change != null && change.runId().equals(run)) {
                    statuses.add(change.status());
                }
                return statuses.size() >= 2;
            });
            assertEquals(List.of(RunStatus.RUNNING, RunStatus.SUCCEEDED), statuses);
        } finally {
            subscriber.unsubscribe();
        }
    }
}
