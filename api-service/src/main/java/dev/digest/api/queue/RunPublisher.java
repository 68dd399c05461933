package dev.digest.api.queue;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.run.Run;
import dev.digest.common.job.JobMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Command;
import io.vertx.mutiny.redis.client.Redis;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Appends a committed run's job to the stream and records the stream id on the run.
 *
 * <p>Redis being down is not the client's problem: the run stays {@code queued} without a
 * stream id, the request still succeeds, and the worker's re-publisher sends it later.
 */
@ApplicationScoped
public class RunPublisher {

    private static final Logger LOG = Logger.getLogger(RunPublisher.class);

    // Only a run nobody has published yet: a worker that already claimed it has set the id.
    private static final String RECORD = """
            UPDATE digest_runs SET stream_message_id = $2, enqueued_at = now(), updated_at = now()
            WHERE id = $1 AND stream_message_id IS NULL
            RETURNING enqueued_at
            """;

    // The same, for a batch: one statement records every stream id.
    private static final String RECORD_ALL = """
            UPDATE digest_runs r SET stream_message_id = p.message_id, enqueued_at = now(), updated_at = now()
            FROM unnest($1::uuid[], $2::text[]) AS p(id, message_id)
            WHERE r.id = p.id AND r.stream_message_id IS NULL
            """;

    private final ReactiveStreamCommands<String, String, String> streams;
    private final Redis redis;
    private final Pool pool;
    private final ApiConfig.Queue config;
    private final Counter published;
    private final Counter deferred;

    public RunPublisher(ReactiveRedisDataSource redis, Pool pool, ApiConfig config, MeterRegistry registry) {
        this.streams = redis.stream(String.class);
        this.redis = redis.getRedis();
        this.pool = pool;
        this.config = config.queue();
        this.published = Counter.builder("digest.jobs.enqueued").tag("result", "published")
                .description("Runs the api put on the job stream, or left for the re-publisher").register(registry);
        this.deferred = Counter.builder("digest.jobs.enqueued").tag("result", "deferred")
                .description("Runs the api put on the job stream, or left for the re-publisher").register(registry);
    }

    /** The run, with its stream id and enqueue time when publishing worked, unchanged when it did not. */
    public Uni<Run> publish(Run run) {
        JobMessage job = new JobMessage(run.id, run.applicationId, run.digestId, run.attempts + 1, null);
        return streams.xadd(config.stream(), job.toFields())
                .ifNoItem().after(config.publishTimeout()).fail()
                .invoke(() -> published.increment())
                .chain(messageId -> pool.preparedQuery(RECORD).execute(Tuple.of(run.id, messageId)).map(rows -> {
                    run.streamMessageId = messageId;
                    if (rows.size() > 0) {
                        OffsetDateTime enqueuedAt = rows.iterator().next().getOffsetDateTime("enqueued_at");
                        run.enqueuedAt = enqueuedAt.toInstant();
                    }
                    return run;
                }))
                .onFailure().recoverWithItem(failure -> {
                    deferred.increment();
                    LOG.warnf("Run %s not published now (%s); the re-publisher will send it", run.id, failure.toString());
                    return run;
                });
    }

    /**
     * Publishes many committed runs in one pipelined round trip and records their stream ids in
     * one statement. Returns how many were published; on a Redis failure none are, and the
     * re-publisher sends them after the publish grace.
     */
    public Uni<Integer> publishAll(List<JobMessage> jobs) {
        if (jobs.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        List<Request> requests = new ArrayList<>(jobs.size());
        for (JobMessage job : jobs) {
            Request xadd = Request.cmd(Command.XADD).arg(config.stream()).arg("*");
            for (Map.Entry<String, String> field : job.toFields().entrySet()) {
                xadd.arg(field.getKey()).arg(field.getValue());
            }
            requests.add(xadd);
        }
        return redis.batch(requests)
                .ifNoItem().after(config.publishTimeout()).fail()
                .chain(responses -> {
                    UUID[] ids = new UUID[jobs.size()];
                    String[] messageIds = new String[jobs.size()];
                    for (int i = 0; i < jobs.size(); i++) {
                        Response response = responses.get(i);
                        ids[i] = jobs.get(i).runId();
                        messageIds[i] = response.toString();
                    }
                    published.increment(jobs.size());
                    return pool.preparedQuery(RECORD_ALL).execute(Tuple.of(ids, messageIds)).replaceWith(jobs.size());
                })
                .onFailure().recoverWithItem(failure -> {
                    deferred.increment(jobs.size());
                    LOG.warnf("%d runs not published now (%s); the re-publisher will send them", jobs.size(),
                            failure.toString());
                    return 0;
                });
    }
}
