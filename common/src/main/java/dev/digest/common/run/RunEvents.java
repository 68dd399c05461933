package dev.digest.common.run;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Announces run state changes on a Redis pub/sub channel, which every api replica subscribes to
 * and fans out to open consoles. It is a notification, not a record: the run row is the truth,
 * and a console that missed announcements (Redis down, a reconnect) catches up from the database.
 * So announcing never delays nor fails the move it reports.
 */
@Singleton
public class RunEvents {

    private static final Logger LOG = Logger.getLogger(RunEvents.class);

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

    /** One pipelined round trip for many changes; failures are logged at debug and dropped. */
    public void announce(List<RunChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        List<Request> requests = new ArrayList<>(changes.size());
        for (RunChange change : changes) {
            requests.add(Request.cmd(Command.PUBLISH).arg(channel).arg(change.toJson()));
        }
        redis.batch(requests).subscribe().with(
                ok -> { },
                failure -> LOG.debugf("Run changes not announced (%s); consoles catch up from the database",
                        failure.toString()));
    }

    /** A change made now. */
    public static RunChange now(ClaimedRun run, RunStatus status) {
        return new RunChange(run.id(), run.applicationId(), run.digestId(), status, Instant.now());
    }
}
