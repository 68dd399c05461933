package dev.digest.worker.queue;

import dev.digest.common.job.JobQueueConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.redis.datasource.stream.XTrimArgs;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Keeps the stream's memory bounded by removing entries every consumer is done with: those
 * older than both the oldest pending entry and the group's last delivered entry. A pending
 * or not yet delivered message is never trimmed.
 */
@ApplicationScoped
public class StreamTrimmer {

    private static final Logger LOG = Logger.getLogger(StreamTrimmer.class);

    private final ReactiveRedisDataSource redis;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final JobQueueConfig queue;

    public StreamTrimmer(ReactiveRedisDataSource redis, JobQueueConfig queue) {
        this.redis = redis;
        this.streams = redis.stream(String.class);
        this.queue = queue;
    }

    @Scheduled(every = "${digest.worker.trim-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return trim().onFailure().invoke(failure -> LOG.warnf("Trimming the stream failed: %s", failure.toString()))
                .onFailure().recoverWithNull().replaceWithVoid();
    }

    /** How many entries were removed from the job stream. */
    public Uni<Long> trim() {
        return trim(queue.stream(), queue.group());
    }

    /** How many entries were removed from {@code stream}, as far as {@code group} is done with them. */
    Uni<Long> trim(String stream, String group) {
        return lastDelivered(stream, group).chain(lastDelivered -> streams.xpending(stream, group)
                .chain(pending -> {
                    String keepFrom = pending.getPendingCount() > 0 ? StreamIds.lower(pending.getLowestId(), lastDelivered)
                            : lastDelivered;
                    if (keepFrom == null || "0-0".equals(keepFrom)) {
                        return Uni.createFrom().item(0L);
                    }
                    return streams.xtrim(stream, new XTrimArgs().minid(keepFrom));
                }));
    }

    /** The group's last delivered id, from XINFO GROUPS; null when the group does not exist. */
    private Uni<String> lastDelivered(String stream, String groupName) {
        return redis.execute("XINFO", "GROUPS", stream).map(groups -> {
            for (Response group : groups) {
                if (groupName.equals(group.get("name").toString())) {
                    return group.get("last-delivered-id").toString();
                }
            }
            return null;
        });
    }
}
