package dev.digest.worker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.support.OwnStream;
import dev.digest.worker.support.TimersOff;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.PendingMessage;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The stream commands against real Redis, on a stream and group of the test's own. */
@QuarkusTest
@TestProfile(TimersOff.class)
class JobStreamTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @Inject
    ReactiveRedisDataSource reactiveRedis;

    @Inject
    RedisDataSource redis;

    @Inject
    JobQueueConfig queueConfig;

    @Inject
    WorkerConfig workerConfig;

    private OwnStream own;
    private JobStream stream;

    @BeforeEach
    void ownStream() {
        own = OwnStream.of(queueConfig, workerConfig, Map.of("claimIdle", Duration.ofMillis(300),
                "readBlock", Duration.ofMillis(100)));
        stream = new JobStream(reactiveRedis, own.queue(), own.config(), new ConsumerName(own.config()));
        stream.ensureGroup().await().atMost(TIMEOUT);
    }

    @AfterEach
    void deleteStream() {
        own.delete(redis);
    }

    private String add(String run) {
        return redis.stream(String.class).xadd(own.queue().stream(), Map.of("runId", run));
    }

    private List<PendingMessage> pending() {
        return redis.stream(String.class).xpending(own.queue().stream(), own.queue().group(), StreamRange.of("-", "+"), 100);
    }

    @Test
    void ensuringTheGroupAgainIsHarmless() {
        stream.ensureGroup().await().atMost(TIMEOUT);
        assertEquals(List.of(), stream.readNew(10).await().atMost(TIMEOUT));
    }

    @Test
    void readNewDeliversEachNewMessageOnceAndLeavesItPendingWithThisConsumer() {
        String first = add("a");
        String second = add("b");
        String third = add("c");

        List<StreamMessage<String, String, String>> two = stream.readNew(2).await().atMost(TIMEOUT);
        List<StreamMessage<String, String, String>> rest = stream.readNew(10).await().atMost(TIMEOUT);
        List<StreamMessage<String, String, String>> none = stream.readNew(10).await().atMost(TIMEOUT);

        assertEquals(List.of(first, second), two.stream().map(StreamMessage::id).toList());
        assertEquals("a", two.get(0).payload().get("runId"));
        assertEquals(List.of(third), rest.stream().map(StreamMessage::id).toList());
        assertEquals(List.of(), none);
        assertEquals(3, pending().size());
        assertTrue(pending().stream().allMatch(message -> message.getConsumer().equals("unit-consumer")));

        stream.ack(first).await().atMost(TIMEOUT);
        assertEquals(List.of(second, third), pending().stream().map(PendingMessage::getMessageId).toList());
    }

    @Test
    void claimAbandonedTakesOnlyMessagesIdleLongerThanTheClaimTime() {
        String id = add("left-behind");
        redis.stream(String.class).xreadgroup(own.queue().group(), "ghost", own.queue().stream(), ">",
                new XReadGroupArgs().count(10));

        assertEquals(List.of(), stream.claimAbandoned(10).await().atMost(TIMEOUT), "not idle long enough yet");

        List<StreamMessage<String, String, String>> claimed = Awaitility.await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> stream.claimAbandoned(10).await().atMost(TIMEOUT), messages -> !messages.isEmpty());
        assertEquals(List.of(id), claimed.stream().map(StreamMessage::id).toList());
        assertEquals("left-behind", claimed.get(0).payload().get("runId"));
        assertEquals("unit-consumer", pending().get(0).getConsumer());
    }

    @Test
    void keepAliveStopsAMessageInWorkFromBeingClaimed() {
        String id = add("in-work");
        stream.readNew(10).await().atMost(TIMEOUT);
        Awaitility.await().atMost(TIMEOUT).until(() -> pending().get(0).getDurationSinceLastDelivery().toMillis() > 300);

        stream.keepAlive(List.of(id)).await().atMost(TIMEOUT);

        assertTrue(pending().get(0).getDurationSinceLastDelivery().toMillis() < 300, "idle time reset");
    }

    @Test
    void deadLetterCopiesTheEntryWithItsOriginalIdAndTheReason() {
        String id = add("doomed");
        StreamMessage<String, String, String> message = stream.readNew(10).await().atMost(TIMEOUT).get(0);

        stream.deadLetter(message, "attempts exhausted").await().atMost(TIMEOUT);

        List<StreamMessage<String, String, String>> dead = redis.stream(String.class)
                .xrange(own.queue().deadLetterStream(), StreamRange.of("-", "+"));
        assertEquals(1, dead.size());
        assertEquals(Map.of("runId", "doomed", "originalId", id, "reason", "attempts exhausted"), dead.get(0).payload());
        assertEquals(1, pending().size(), "dead-lettering does not acknowledge");
    }

    @Test
    void consumersListsEachConsumerOfTheGroupWithWhatItHolds() {
        add("a");
        add("b");
        stream.readNew(10).await().atMost(TIMEOUT);
        redis.stream(String.class).xgroupCreateConsumer(own.queue().stream(), own.queue().group(), "idle-one");

        Map<String, Long> held = new java.util.TreeMap<>();
        stream.consumers().await().atMost(TIMEOUT).forEach(consumer -> held.put(consumer.name(), consumer.pending()));
        assertEquals(Map.of("idle-one", 0L, "unit-consumer", 2L), held);

        stream.removeConsumer("idle-one").await().atMost(TIMEOUT);
        assertEquals(List.of("unit-consumer"),
                stream.consumers().await().atMost(TIMEOUT).stream().map(JobStream.GroupConsumer::name).toList());
    }
}
