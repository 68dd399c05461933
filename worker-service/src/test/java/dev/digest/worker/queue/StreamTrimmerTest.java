package dev.digest.worker.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.digest.common.testing.TestCheckout;
import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.redis.datasource.stream.StreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.StreamRange;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Trimming on a stream of its own, so the running consumer does not interfere. */
@QuarkusTest
class StreamTrimmerTest {

    private static final String STREAM = "digest:test:" + TestCheckout.id() + ":trim";
    private static final String GROUP = "trim-group";

    @Inject
    StreamTrimmer trimmer;

    @Inject
    RedisDataSource redis;

    private List<String> ids(StreamCommands<String, String, String> streams) {
        return streams.xrange(STREAM, StreamRange.of("-", "+")).stream().map(StreamMessage::id).toList();
    }

    @Test
    void onlyEntriesEveryConsumerIsDoneWithAreRemoved() {
        StreamCommands<String, String, String> streams = redis.stream(String.class);
        redis.key().del(STREAM);
        streams.xgroupCreate(STREAM, GROUP, "0", new XGroupCreateArgs().mkstream());
        List<String> added = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            added.add(streams.xadd(STREAM, Map.of("n", Integer.toString(i))));
        }
        streams.xreadgroup(GROUP, "c", STREAM, ">", new XReadGroupArgs().count(10));
        streams.xack(STREAM, GROUP, added.subList(0, 5).toArray(String[]::new));
        List<String> undelivered = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            undelivered.add(streams.xadd(STREAM, Map.of("n", "late" + i)));
        }

        long removed = trimmer.trim(STREAM, GROUP).await().atMost(Duration.ofSeconds(5));

        assertEquals(5, removed, "the five acknowledged entries before the oldest pending one");
        List<String> kept = new ArrayList<>(added.subList(5, 10));
        kept.addAll(undelivered);
        assertEquals(kept, ids(streams), "pending and undelivered entries stay");

        streams.xack(STREAM, GROUP, added.subList(5, 10).toArray(String[]::new));
        trimmer.trim(STREAM, GROUP).await().atMost(Duration.ofSeconds(5));
        List<String> last = new ArrayList<>(List.of(added.get(9)));
        last.addAll(undelivered);
        assertEquals(last, ids(streams), "nothing at or after the last delivered entry is removed");
        redis.key().del(STREAM);
    }
}
