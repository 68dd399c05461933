package dev.digest.worker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.RunLedger;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.support.OwnStream;
import dev.digest.worker.support.RunFixture;
import dev.digest.worker.support.TimersOff;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The re-publisher on a stream of the test's own, with the application's timers off so that
 * only the test publishes. Other tests' due runs in the shared database may be published too;
 * the assertions are about this test's runs.
 */
@QuarkusTest
@TestProfile(TimersOff.class)
class RepublisherTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    Pool pool;

    @Inject
    RunLedger ledger;

    @Inject
    ReactiveRedisDataSource reactiveRedis;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queueConfig;

    @Inject
    WorkerConfig workerConfig;

    private OwnStream own;
    private Republisher republisher;
    private RunFixture fixture;

    @BeforeEach
    void ownStream() {
        own = OwnStream.of(queueConfig, workerConfig, Map.of());
        republisher = new Republisher(pool, ledger, reactiveRedis, own.queue());
        fixture = RunFixture.create(pool, redis, own.queue().stream(), 1);
    }

    @AfterEach
    void deleteStream() {
        own.delete(redis);
    }

    /** Publishes until nothing is due; fails when that takes longer than the bound. */
    private void publishAllDue() {
        Awaitility.await().atMost(TIMEOUT).until(() -> republisher.publishDue().await().atMost(TIMEOUT) == 0);
    }

    private List<StreamMessage<String, String, String>> jobsFor(UUID run) {
        return redis.stream(String.class).xrange(own.queue().stream(), StreamRange.of("-", "+")).stream()
                .filter(message -> run.toString().equals(message.payload().get("runId"))).toList();
    }

    @Test
    void aDueRunWithoutAStreamMessageIsPublishedAndItsMessageIdRecorded() {
        UUID run = fixture.unpublishedRun();

        publishAllDue();

        List<StreamMessage<String, String, String>> jobs = jobsFor(run);
        assertEquals(1, jobs.size());
        Row row = fixture.run(run);
        assertEquals(jobs.get(0).id(), row.getString("stream_message_id"));
        assertTrue(row.getOffsetDateTime("enqueued_at") != null);
        assertEquals("queued", row.getString("status"));
        Map<String, String> job = jobs.get(0).payload();
        assertEquals(fixture.applicationId().toString(), job.get("applicationId"));
        assertEquals(fixture.digestId().toString(), job.get("digestId"));
    }

    @Test
    void aPublishedRunIsNotPublishedAgain() {
        UUID run = fixture.unpublishedRun();
        publishAllDue();
        String recorded = fixture.run(run).getString("stream_message_id");

        publishAllDue();

        assertEquals(1, jobsFor(run).size());
        assertEquals(recorded, fixture.run(run).getString("stream_message_id"));
    }

    @Test
    void aRunWhoseTimeHasNotComeStaysUnpublished() {
        UUID later = fixture.queuedRun();

        publishAllDue();

        assertEquals(List.of(), jobsFor(later));
        assertNull(fixture.run(later).getString("stream_message_id"));
    }
}
