package dev.digest.worker.queue;

import dev.digest.common.job.JobMessage;
import dev.digest.worker.config.WorkerConfig;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Publishes queued runs that have no stream message: those whose request found Redis down,
 * and those waiting out a retry backoff. Rows are locked with SKIP LOCKED, so any number of
 * workers share the work and each run is published once.
 */
@ApplicationScoped
public class Republisher {

    private static final Logger LOG = Logger.getLogger(Republisher.class);

    private static final String DUE = """
            SELECT id, application_id, digest_id, attempts FROM digest_runs
            WHERE status = 'queued' AND stream_message_id IS NULL AND available_at <= now()
            ORDER BY available_at
            LIMIT 200
            FOR UPDATE SKIP LOCKED
            """;

    private static final String RECORD = """
            UPDATE digest_runs SET stream_message_id = $2, enqueued_at = now(), updated_at = now() WHERE id = $1
            """;

    private final Pool pool;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final WorkerConfig config;

    public Republisher(Pool pool, ReactiveRedisDataSource redis, WorkerConfig config) {
        this.pool = pool;
        this.streams = redis.stream(String.class);
        this.config = config;
    }

    @Scheduled(every = "${digest.worker.republish-every:2s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return publishDue()
                .invoke(count -> {
                    if (count > 0) {
                        LOG.infof("Published %d waiting runs", count);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Re-publishing failed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** How many runs were published. A Redis failure rolls the batch back, to be tried on the next tick. */
    public Uni<Integer> publishDue() {
        return pool.withTransaction(connection -> connection.preparedQuery(DUE).execute()
                .chain(rows -> Multi.createFrom().iterable(rows)
                        .onItem().transformToUniAndConcatenate(row -> publish(connection, row))
                        .collect().asList()
                        .map(published -> published.size())));
    }

    private Uni<Void> publish(SqlConnection connection, Row row) {
        JobMessage job = new JobMessage(row.getUUID("id"), row.getUUID("application_id"), row.getUUID("digest_id"),
                row.getInteger("attempts") + 1, null);
        return streams.xadd(config.stream(), job.toFields())
                .chain(messageId -> connection.preparedQuery(RECORD).execute(Tuple.of(job.runId(), messageId)))
                .replaceWithVoid();
    }
}
