package dev.digest.api.queue;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.run.Run;
import dev.digest.common.job.JobMessage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.OffsetDateTime;
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

    private final ReactiveStreamCommands<String, String, String> streams;
    private final Pool pool;
    private final ApiConfig.Queue config;
    private final Counter published;
    private final Counter deferred;

    public RunPublisher(ReactiveRedisDataSource redis, Pool pool, ApiConfig config, MeterRegistry registry) {
        this.streams = redis.stream(String.class);
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
}
