package dev.digest.worker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobMessage;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.mail.SmtpCircuit;
import dev.digest.worker.metrics.JobMetrics;
import dev.digest.worker.run.Outcome;
import dev.digest.worker.run.RunHandler;
import dev.digest.worker.support.OwnStream;
import dev.digest.worker.support.TimersOff;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.inject.Vetoed;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The consumer on its own: a real Redis stream of the test's own, and a handler whose outcome
 * the test decides, so that what is read, acknowledged and dead-lettered is the consumer's doing.
 */
@QuarkusTest
@TestProfile(TimersOff.class)
class JobConsumerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    ReactiveRedisDataSource reactiveRedis;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queueConfig;

    @Inject
    WorkerConfig workerConfig;

    @Inject
    JobMetrics metrics;

    @Inject
    SmtpCircuit smtp;

    private OwnStream own;
    private JobConsumer consumer;
    private ScriptedHandler handler;

    /** Answers each job with the outcome the test completes for its run. */
    @Vetoed
    static final class ScriptedHandler extends RunHandler {
        final List<JobMessage> received = new CopyOnWriteArrayList<>();
        final Map<UUID, CompletableFuture<Outcome>> outcomes = new ConcurrentHashMap<>();

        ScriptedHandler(ConsumerName name) {
            super(null, null, null, null, null, null, null, name);
        }

        @Override
        public Uni<Outcome> handle(JobMessage job, String messageId) {
            received.add(job);
            return Uni.createFrom().completionStage(outcome(job.runId()));
        }

        CompletableFuture<Outcome> outcome(UUID run) {
            return outcomes.computeIfAbsent(run, id -> new CompletableFuture<>());
        }
    }

    private void startConsumer(int concurrency) {
        own = OwnStream.of(queueConfig, workerConfig, Map.of("concurrency", concurrency));
        ConsumerName name = new ConsumerName(own.config());
        handler = new ScriptedHandler(name);
        consumer = new JobConsumer(new JobStream(reactiveRedis, own.queue(), own.config(), name), handler,
                own.config(), metrics, smtp, new SimpleMeterRegistry());
        consumer.start(null);
    }

    @AfterEach
    void stopConsumer() {
        if (consumer != null) {
            handler.outcomes.values().forEach(outcome -> outcome.complete(Outcome.SUCCEEDED));
            consumer.stop(null);
            own.delete(redis);
        }
    }

    private String publish(UUID run) {
        return redis.stream(String.class).xadd(own.queue().stream(),
                new JobMessage(run, UUID.randomUUID(), UUID.randomUUID(), 1, null).toFields());
    }

    private long pending() {
        return redis.stream(String.class).xpending(own.queue().stream(), own.queue().group()).getPendingCount();
    }

    private List<StreamMessage<String, String, String>> deadLetters() {
        return redis.stream(String.class).xrange(own.queue().deadLetterStream(), StreamRange.of("-", "+"));
    }

    @Test
    void theWorkerConsumesTheStreamAndGroupNamedBySettingsTheApiReadsToo() {
        Config config = ConfigProvider.getConfig();
        String stream = config.getValue("digest.queue.stream", String.class);
        String group = config.getValue("digest.queue.group", String.class);
        assertTrue(stream.endsWith(":worker:jobs"), "the test profile's stream, not the default: " + stream);

        Awaitility.await().atMost(TIMEOUT).until(() -> groupsOf(stream).contains(group));
    }

    private List<String> groupsOf(String stream) {
        List<String> names = new ArrayList<>();
        redis.execute("XINFO", "GROUPS", stream).forEach(group -> names.add(group.get("name").toString()));
        return names;
    }

    @Test
    void aJobIsAcknowledgedOnlyOnceTheHandlerHasAnOutcome() {
        startConsumer(4);
        UUID run = UUID.randomUUID();
        publish(run);

        Awaitility.await().atMost(TIMEOUT).until(() -> handler.received.size() == 1);
        assertEquals(run, handler.received.get(0).runId());
        assertEquals(1, pending(), "pending while the handler works");

        handler.outcome(run).complete(Outcome.RETRY);
        Awaitility.await().atMost(TIMEOUT).until(() -> pending() == 0);
        assertTrue(deadLetters().isEmpty());
    }

    @Test
    void aHandlerThatFailsLeavesTheJobPendingForAnotherConsumer() {
        startConsumer(4);
        UUID run = UUID.randomUUID();
        publish(run);
        Awaitility.await().atMost(TIMEOUT).until(() -> handler.received.size() == 1);

        handler.outcome(run).completeExceptionally(new IllegalStateException("database gone"));

        // Nothing to wait for but time: the failure must not acknowledge the job.
        Awaitility.await().during(Duration.ofMillis(500)).atMost(TIMEOUT).until(() -> pending() == 1);
    }

    @Test
    void aDeadJobIsCopiedToTheDeadLetterStreamAndAcknowledged() {
        startConsumer(4);
        UUID run = UUID.randomUUID();
        String id = publish(run);
        Awaitility.await().atMost(TIMEOUT).until(() -> handler.received.size() == 1);

        handler.outcome(run).complete(Outcome.DEAD);

        Awaitility.await().atMost(TIMEOUT).until(() -> pending() == 0 && deadLetters().size() == 1);
        Map<String, String> dead = deadLetters().get(0).payload();
        assertEquals(run.toString(), dead.get("runId"));
        assertEquals(id, dead.get("originalId"));
        assertEquals("attempts exhausted", dead.get("reason"));
    }

    @Test
    void aMalformedEntryIsDeadLetteredAndAcknowledgedWithoutReachingTheHandler() {
        startConsumer(4);
        String id = redis.stream(String.class).xadd(own.queue().stream(), Map.of("runId", "not-a-uuid"));

        Awaitility.await().atMost(TIMEOUT).until(() -> deadLetters().size() == 1);
        Map<String, String> dead = deadLetters().get(0).payload();
        assertEquals(id, dead.get("originalId"));
        assertEquals("not-a-uuid", dead.get("runId"));
        assertTrue(dead.get("reason").startsWith("malformed job: "), dead.get("reason"));
        Awaitility.await().atMost(TIMEOUT).until(() -> pending() == 0);
        assertTrue(handler.received.isEmpty());
    }

    @Test
    void noMoreJobsThanTheConcurrencyAreInFlight() {
        startConsumer(2);
        List<UUID> runs = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                UUID.randomUUID());
        runs.forEach(this::publish);

        Awaitility.await().atMost(TIMEOUT).until(() -> handler.received.size() == 2);
        // Three jobs wait in the stream, undelivered, while two are in flight.
        Awaitility.await().during(Duration.ofMillis(1500)).atMost(TIMEOUT)
                .until(() -> handler.received.size() == 2 && pending() == 2);

        handler.outcome(handler.received.get(0).runId()).complete(Outcome.SUCCEEDED);
        Awaitility.await().atMost(TIMEOUT).until(() -> handler.received.size() == 3);
        assertEquals(2, pending());

        runs.forEach(run -> handler.outcome(run).complete(Outcome.SUCCEEDED));
        Awaitility.await().atMost(TIMEOUT).until(() -> handler.received.size() == 5 && pending() == 0);
        assertEquals(List.copyOf(new java.util.TreeSet<>(runs)),
                handler.received.stream().map(JobMessage::runId).sorted().toList(), "each job handled once");
    }
}
