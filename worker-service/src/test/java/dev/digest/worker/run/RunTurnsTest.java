package dev.digest.worker.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.Finished;
import dev.digest.common.run.PublishableRun;
import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunStatus;
import dev.digest.common.run.RunTrigger;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TestSmtp;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs of one digest take turns: a run that finds another delivering its window waits in the
 * queue until that one finishes and wakes it. Includes the race where the api records a stream
 * id after a worker already handled that message and put the run back.
 */
@QuarkusTest
class RunTurnsTest {

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

    @Inject
    RunLedger ledger;


    private long pendingFor(String messageId) {
        return redis.stream(String.class).xpending(queue.stream(), queue.group(), StreamRange.of(messageId, messageId), 10)
                .size();
    }

    private Finished finishAsItsWorkerWould(RunFixture fixture, UUID run) {
        Row row = fixture.run(run);
        ClaimedRun held = new ClaimedRun(run, fixture.applicationId(), fixture.digestId(), RunTrigger.MANUAL, null, null,
                row.getInteger("attempts"), row.getInteger("claims"), null, null, null, null);
        return ledger.finish(held, RunStatus.SUCCEEDED, 0, null, List.of()).await().atMost(TIMEOUT);
    }

    @Test
    void aStreamIdRecordedAfterAWorkerPutTheRunBackIsIgnoredAndTheRunStillCompletes() throws Exception {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 2);
        UUID delivering = fixture.runningRun("another-worker", Duration.ofHours(1));
        UUID run = fixture.queuedRun();
        // The api's XADD: a worker reads it at once, claims the run, finds the other run's window
        // open, puts the run back to wait for its turn and acknowledges the message...
        String message = fixture.publish(run);
        Row waiting = fixture.awaitRow(run, TIMEOUT, row -> row.getBoolean("turn_wait"));
        assertEquals("queued", waiting.getString("status"));
        assertEquals(0, waiting.getInteger("attempts"), "waiting for a turn uses no attempt");
        Awaitility.await("the worker acknowledged the message").atMost(TIMEOUT).until(() -> pendingFor(message) == 0);

        // ...and only then does the api record the message it published: nothing changes.
        var recorded = ledger.recordPublished(List.of(new PublishableRun(run, fixture.applicationId(),
                fixture.digestId(), 0, 0)), List.of(message)).await().atMost(TIMEOUT);
        assertTrue(recorded.isEmpty(), "a handled message is not recorded on a claimed run");
        assertNull(fixture.run(run).getString("stream_message_id"));

        // The delivering run finishes and wakes this one, which is published again and sent.
        assertEquals(new Finished(true, true), finishAsItsWorkerWould(fixture, delivering));
        Row done = fixture.awaitStatus(run, TIMEOUT, "succeeded", "failed", "dead");
        assertEquals("succeeded", done.getString("status"));
        assertEquals(1, done.getInteger("attempts"));
        assertEquals(2, done.getInteger("claims"), "claimed once to wait, once to run");
        assertEquals(fixture.run(delivering).getOffsetDateTime("window_end"), done.getOffsetDateTime("window_start"),
                "its window starts where the delivering run's ended");
        assertEquals(Map.of(fixture.recipients().get(0), "sent", fixture.recipients().get(1), "sent"),
                fixture.emailStatuses(run));
    }

    @Test
    void waitingRunsAreWokenOneAtATimeOldestFirst() throws Exception {
        RunFixture fixture = RunFixture.create(pool, redis, queue.stream(), 1);
        UUID delivering = fixture.runningRun("another-worker", Duration.ofHours(1));
        UUID first = fixture.queuedRun();
        UUID second = fixture.queuedRun();
        fixture.publish(first);
        fixture.publish(second);
        fixture.awaitRow(first, TIMEOUT, row -> row.getBoolean("turn_wait"));
        fixture.awaitRow(second, TIMEOUT, row -> row.getBoolean("turn_wait"));

        finishAsItsWorkerWould(fixture, delivering);

        assertEquals("succeeded", fixture.awaitStatus(first, TIMEOUT, "succeeded", "failed", "dead").getString("status"));
        // The first, finishing, wakes the second: no run polls for its turn.
        assertEquals("succeeded", fixture.awaitStatus(second, TIMEOUT, "succeeded", "failed", "dead").getString("status"));
        assertTrue(fixture.run(first).getOffsetDateTime("window_end")
                .isEqual(fixture.run(second).getOffsetDateTime("window_start")), "windows chain");
        assertEquals(2, fixture.run(second).getInteger("claims"));
    }
}
