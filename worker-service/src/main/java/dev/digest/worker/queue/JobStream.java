package dev.digest.worker.queue;

import dev.digest.common.batch.Coalescer;
import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.config.WorkerConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.StreamMessage;
import io.quarkus.redis.datasource.stream.XClaimArgs;
import io.quarkus.redis.datasource.stream.XGroupCreateArgs;
import io.quarkus.redis.datasource.stream.XReadGroupArgs;
import io.quarkus.redis.datasource.stream.XTrimArgs;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The Redis stream commands the worker uses, bound to its stream, group and consumer name. */
@ApplicationScoped
public class JobStream {

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final JobQueueConfig queue;
    private final WorkerConfig config;
    private final String consumer;
    private final Coalescer<String, Void> acks = new Coalescer<>(1_000, 2, this::ackAll);

    public JobStream(ReactiveRedisDataSource redis, JobQueueConfig queue, WorkerConfig config, ConsumerName consumer) {
        this.redis = redis;
        this.streams = redis.stream(String.class);
        this.queue = queue;
        this.config = config;
        this.consumer = consumer.get();
    }

    public String consumer() {
        return consumer;
    }

    public String streamName() {
        return queue.stream();
    }

    public String groupName() {
        return queue.group();
    }

    /** Creates the group (and the stream) if missing; an existing group is fine. */
    public Uni<Void> ensureGroup() {
        return streams.xgroupCreate(queue.stream(), queue.group(), "0", new XGroupCreateArgs().mkstream())
                .onFailure(failure -> String.valueOf(failure.getMessage()).contains("BUSYGROUP"))
                .recoverWithNull();
    }

    /** New messages for this consumer, waiting up to the read block time. */
    public Uni<List<StreamMessage<String, String, String>>> readNew(int count) {
        return streams.xreadgroup(queue.group(), consumer, queue.stream(), ">",
                new XReadGroupArgs().count(count).block(config.readBlock()));
    }

    /** Messages idle longer than the claim time in any consumer's pending list, now this consumer's. */
    public Uni<List<StreamMessage<String, String, String>>> claimAbandoned(int count) {
        return streams.xautoclaim(queue.stream(), queue.group(), consumer, config.claimIdle(), "0-0", count)
                .map(claimed -> claimed.getMessages());
    }

    /** Resets the idle time of messages this consumer is still working on, so nobody claims them. */
    public Uni<Void> keepAlive(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return streams.xclaim(queue.stream(), queue.group(), consumer, Duration.ZERO, new XClaimArgs().justId(),
                ids.toArray(String[]::new)).replaceWithVoid();
    }

    /** The group's last delivered id; "0-0" when the group (or the stream) does not exist. */
    public Uni<String> lastDelivered() {
        return redis.execute("XINFO", "GROUPS", queue.stream())
                .map(groups -> {
                    for (Response group : groups) {
                        if (queue.group().equals(group.get("name").toString())) {
                            return group.get("last-delivered-id").toString();
                        }
                    }
                    return "0-0";
                })
                .onFailure(failure -> String.valueOf(failure.getMessage()).contains("no such key"))
                .recoverWithItem("0-0");
    }

    /**
     * Which of these message ids Redis could still deliver: the entry exists and is either not
     * yet delivered to the group (after {@code lastDelivered}) or pending with a consumer.
     * One pipelined round trip.
     */
    public Uni<Set<String>> deliverable(List<String> ids, String lastDelivered) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        // Only a message the group has already delivered can be pending; asking about others
        // would also fail while the group does not exist yet (Redis came back empty).
        List<Request> requests = new ArrayList<>(ids.size() * 2);
        List<Integer> pendingAt = new ArrayList<>(ids.size());
        for (String id : ids) {
            requests.add(Request.cmd(Command.XRANGE).arg(queue.stream()).arg(id).arg(id).arg("COUNT").arg(1));
            if (StreamIds.compare(id, lastDelivered) <= 0) {
                pendingAt.add(requests.size());
                requests.add(Request.cmd(Command.XPENDING).arg(queue.stream()).arg(queue.group())
                        .arg(id).arg(id).arg(1));
            } else {
                pendingAt.add(-1);
            }
        }
        return redis.getRedis().batch(requests).map(responses -> {
            Set<String> deliverable = new HashSet<>();
            int at = 0;
            for (int i = 0; i < ids.size(); i++) {
                boolean exists = sizeOf(responses.get(at)) > 0;
                int pendingIndex = pendingAt.get(i);
                boolean undelivered = pendingIndex < 0;
                boolean pending = !undelivered && sizeOf(responses.get(pendingIndex)) > 0;
                at += undelivered ? 1 : 2;
                if (exists && (undelivered || pending)) {
                    deliverable.add(ids.get(i));
                }
            }
            return deliverable;
        });
    }

    /** The group's consumers: name, messages pending with it, milliseconds since it last read. */
    public Uni<List<GroupConsumer>> consumers() {
        return redis.execute("XINFO", "CONSUMERS", queue.stream(), queue.group()).map(rows -> {
            List<GroupConsumer> consumers = new ArrayList<>();
            for (Response row : rows) {
                consumers.add(new GroupConsumer(row.get("name").toString(), row.get("pending").toLong(),
                        row.get("idle").toLong()));
            }
            return consumers;
        });
    }

    /** Removes a consumer from the group; only ever called for one that holds nothing. */
    public Uni<Void> removeConsumer(String name) {
        return streams.xgroupDelConsumer(queue.stream(), queue.group(), name).replaceWithVoid();
    }

    /** A consumer of the group as XINFO CONSUMERS reports it. */
    public record GroupConsumer(String name, long pending, long idleMillis) {
    }

    private static int sizeOf(Response response) {
        return response == null ? 0 : response.size();
    }

    /** Acknowledges the message; the acknowledgements of jobs finishing together go in one XACK. */
    public Uni<Void> ack(String id) {
        return acks.submit(id);
    }

    private Uni<List<Void>> ackAll(List<String> ids) {
        return streams.xack(queue.stream(), queue.group(), ids.toArray(String[]::new))
                .map(acked -> Collections.<Void>nCopies(ids.size(), null));
    }

    /** Removes dead-letter entries added before {@code epochMillis}; how many. */
    public Uni<Long> trimDeadLettersBefore(long epochMillis) {
        return streams.xtrim(queue.deadLetterStream(), new XTrimArgs().minid(epochMillis + "-0"));
    }

    /** Copies a message to the dead-letter stream with the reason; the original is acknowledged separately. */
    public Uni<Void> deadLetter(StreamMessage<String, String, String> message, String reason) {
        Map<String, String> fields = new java.util.HashMap<>(message.payload());
        fields.put("originalId", message.id());
        fields.put("reason", reason);
        return streams.xadd(queue.deadLetterStream(), fields).replaceWithVoid();
    }
}
