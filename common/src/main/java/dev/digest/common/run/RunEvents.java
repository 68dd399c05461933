package dev.digest.common.run;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Announces run state changes on a Redis pub/sub channel, a JSON array of changes per message,
 * which every api replica subscribes to and fans out to open consoles. It is a notification, not
 * a record: the run row is the truth, and a console that missed announcements (Redis down, a
 * reconnect) catches up from the database. So announcing never delays nor fails the move it
 * reports.
 */
@Singleton
public class RunEvents {

    private static final Logger LOG = Logger.getLogger(RunEvents.class);

    // About 180 bytes each: a message stays under 100 KB.
    static final int PER_MESSAGE = 500;

    private final Redis redis;
    private final String channel;

    public RunEvents(ReactiveRedisDataSource redis, RunEventsConfig config) {
        this.redis = redis.getRedis();
        this.channel = config.channel();
    }

    public String channel() {
        return channel;
    }

    public void announce(RunChange change) {
        announce(List.of(change));
    }

    /**
     * One message per {@value #PER_MESSAGE} changes, all in one pipelined round trip: a batch of
     * moves costs Redis and every subscribed replica one message, not one per run. Failures are
     * logged at debug and dropped.
     */
    public void announce(List<RunChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Request> requests = new ArrayList<>(changes.size() / PER_MESSAGE + 1);
        for (int from = 0; from < changes.size(); from += PER_MESSAGE) {
            List<RunChange> part = changes.subList(from, Math.min(changes.size(), from + PER_MESSAGE));
            requests.add(Request.cmd(Command.PUBLISH).arg(channel).arg(RunChange.toJson(part)));
        }
        Uni<?> sent = requests.size() == 1 ? redis.send(requests.get(0)) : redis.batch(requests);
        sent.subscribe().with(
                ok -> { },
                failure -> LOG.debugf("Run changes not announced (%s); consoles catch up from the database",
                        failure.toString()));
    }

    /** A change made now. */
    public static RunChange now(ClaimedRun run, RunStatus status) {
        return new RunChange(run.id(), run.applicationId(), run.digestId(), status, Instant.now());
    }
}
