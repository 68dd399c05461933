package dev.digest.api.operations;

import dev.digest.common.job.JobQueueConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The job stream as Redis sees it, read in one pipelined round trip. */
@ApplicationScoped
public class StreamState {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Redis redis;
    private final JobQueueConfig queue;

    public StreamState(ReactiveRedisDataSource redis, JobQueueConfig queue) {
        this.redis = redis.getRedis();
        this.queue = queue;
    }

    /**
     * Stream length, the group's pending count and lag, dead letters, and the consumers. A
     * stream or group that does not exist yet (no job ever, or Redis came back empty) reads as empty.
     */
    public Uni<Snapshot> read() {
        List<Request> requests = List.of(
                Request.cmd(Command.XLEN).arg(queue.stream()),
                Request.cmd(Command.XLEN).arg(queue.deadLetterStream()),
                Request.cmd(Command.EXISTS).arg(queue.stream()));
        return redis.batch(requests).ifNoItem().after(TIMEOUT).fail().chain(basics -> {
            long length = basics.get(0).toLong();
            long dead = basics.get(1).toLong();
            if (basics.get(2).toLong() == 0) {
                return Uni.createFrom().item(new Snapshot(
                        new QueueSummary.Stream(queue.stream(), 0, 0, 0L, dead), List.of()));
            }
            return redis.send(Request.cmd(Command.XINFO).arg("GROUPS").arg(queue.stream()))
                    .ifNoItem().after(TIMEOUT).fail()
                    .chain(groups -> {
                        Response group = null;
                        for (Response candidate : groups) {
                            if (queue.group().equals(candidate.get("name").toString())) {
                                group = candidate;
                            }
                        }
                        if (group == null) {
                            return Uni.createFrom().item(new Snapshot(
                                    new QueueSummary.Stream(queue.stream(), length, 0, length, dead), List.of()));
                        }
                        // Redis reports no lag when it cannot tell (entries deleted since the
                        // group read); null says "unknown" rather than a wrong number.
                        Response lagValue = group.get("lag");
                        Long lag = lagValue == null ? null : lagValue.toLong();
                        QueueSummary.Stream stream = new QueueSummary.Stream(queue.stream(), length,
                                group.get("pending").toLong(), lag, dead);
                        return consumers().map(consumers -> new Snapshot(stream, consumers));
                    });
        });
    }

    private Uni<List<QueueSummary.Consumer>> consumers() {
        return redis.send(Request.cmd(Command.XINFO).arg("CONSUMERS").arg(queue.stream()).arg(queue.group()))
                .ifNoItem().after(TIMEOUT).fail()
                .map(rows -> {
                    List<QueueSummary.Consumer> consumers = new ArrayList<>();
                    for (Response row : rows) {
                        consumers.add(new QueueSummary.Consumer(row.get("name").toString(),
                                row.get("pending").toLong(), row.get("idle").toLong()));
                    }
                    return consumers;
                });
    }

    public record Snapshot(QueueSummary.Stream stream, List<QueueSummary.Consumer> consumers) {
    }
}
