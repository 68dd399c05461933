package dev.digest.common.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.support.RunFixture;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The run ledger's statements against the real schema, with the worker's timers off so that
 * nothing but the test moves the runs.
 */
@QuarkusTest
@TestProfile(RunLedgerTest.LedgerOnly.class)
class RunLedgerTest {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Duration LEASE = Duration.ofMinutes(1);

    /** No re-publisher, reconciler or lease renewal. */
    public static class LedgerOnly implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.scheduler.enabled", "false");
        }
    }

    @Inject
    Pool pool;

    @Inject
    RedisDataSource redis;

    @Inject
    WorkerConfig config;

    @Inject
    RunLedger ledger;

    private RunFixture fixture() {
        return RunFixture.create(pool, redis, config.stream(), 1);
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
    void aWorkerWhoseRunWasTakenOverChangesNothing() throws Exception {
        RunFixture fixture = fixture();
        UUID run = fixture.queuedRun();
        ClaimedRun slow = claim(run, "100-0", Duration.ofMillis(1));
        Thread.sleep(20);

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
}
