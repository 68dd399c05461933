package dev.digest.worker.queue;

import dev.digest.worker.config.WorkerConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XClaimArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The Redis stream commands the worker uses, bound to its stream, group and consumer name. */
@ApplicationScoped
public class JobStream {

    private final ReactiveStreamCommands<String, String, String> streams;
    private final WorkerConfig config;
    private final String consumer;

    public JobStream(ReactiveRedisDataSource redis, WorkerConfig config, ConsumerName consumer) {
        this.streams = redis.stream(String.class);
        this.config = config;
        this.consumer = consumer.get();
    }

    public String consumer() {
        return consumer;
    }

    /** Creates the group (and the stream) if missing; an existing group is fine. */
    public Uni<Void> ensureGroup() {
        return streams.xgroupCreate(config.stream(), config.group(), "0", new XGroupCreateArgs().mkstream())
                .onFailure(failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP"))
                .recoverWithNull();
    }

    /** New messages for this consumer, waiting up to the read block time. */
    public Uni<List<StreamMessage<String, String, String>>> readNew(int count) {
        return streams.xreadgroup(config.group(), consumer, config.stream(), ">",
                new XReadGroupArgs().count(count).block(config.readBlock()));
    }

    /** Messages idle longer than the claim time in any consumer's pending list, now this consumer's. */
    public Uni<List<StreamMessage<String, String, String>>> claimAbandoned(int count) {
        return streams.xautoclaim(config.stream(), config.group(), consumer, config.claimIdle(), "0-0", count)
                .map(claimed -> claimed.getMessages());
    }

    /** Resets the idle time of messages this consumer is still working on, so nobody claims them. */
    public Uni<Void> keepAlive(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return streams.xclaim(config.stream(), config.group(), consumer, Duration.ZERO, new XClaimArgs().justId(),
                ids.toArray(String[]::new)).replaceWithVoid();
    }

    public Uni<Void> ack(String id) {
        return streams.xack(config.stream(), config.group(), id).replaceWithVoid();
    }

    /** Copies a message to the dead-letter stream with the reason; the original is acknowledged separately. */
    public Uni<Void> deadLetter(StreamMessage<String, String, String> message, String reason) {
        Map<String, String> fields = new java.util.HashMap<>(message.payload());
        fields.put("originalId", message.id());
        fields.put("reason", reason);
        return streams.xadd(config.deadLetterStream(), fields).replaceWithVoid();
    }
}
