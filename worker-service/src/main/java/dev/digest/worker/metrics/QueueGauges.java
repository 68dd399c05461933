package dev.digest.worker.metrics;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.worker.config.WorkerConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The queue as a whole, as gauges: stream length, entries pending in the group (delivered,
 * not yet acknowledged), the group's lag (added, not yet delivered), and runs waiting in
 * PostgreSQL for a backoff or for Redis to come back, runs overdue and leases lapsed. They are
 * read on a timer rather than at scrape time, so a scrape never waits on Redis or the
 * database. Every worker reports the same queue figures; aggregate them with max(), not sum().
 */
@ApplicationScoped
public class QueueGauges {

    private static final Logger LOG = Logger.getLogger(QueueGauges.class);

    // Unfinished runs only (a partial index), however long the finished history grows.
    private static final String RUNS = """
            SELECT count(*) FILTER (WHERE status = 'queued' AND stream_message_id IS NULL) AS waiting,
                   count(*) FILTER (WHERE status = 'queued' AND available_at < now() - $1::bigint * interval '1 millisecond')
                       AS overdue,
                   count(*) FILTER (WHERE status = 'running' AND lease_expires_at < now()) AS lapsed
            FROM digest_runs WHERE status IN ('queued', 'running')
            """;

    private final ReactiveRedisDataSource redis;
    private final Pool pool;
    private final JobQueueConfig queue;
    private final WorkerConfig config;
    private final AtomicLong length = new AtomicLong();
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong lag = new AtomicLong();
    private final AtomicLong waiting = new AtomicLong();
    private final AtomicLong overdue = new AtomicLong();
    private final AtomicLong lapsed = new AtomicLong();

    public QueueGauges(ReactiveRedisDataSource redis, Pool pool, JobQueueConfig queue, WorkerConfig config,
            MeterRegistry registry) {
        this.redis = redis;
        this.pool = pool;
        this.queue = queue;
        this.config = config;
        Gauge.builder("digest.queue.length", length, AtomicLong::get)
                .description("Entries in the job stream").register(registry);
        Gauge.builder("digest.queue.pending", pending, AtomicLong::get)
                .description("Jobs delivered to a worker and not yet acknowledged").register(registry);
        Gauge.builder("digest.queue.lag", lag, AtomicLong::get)
                .description("Jobs in the stream not yet delivered to any worker").register(registry);
        Gauge.builder("digest.runs.waiting", waiting, AtomicLong::get)
                .description("Queued runs not on the stream: waiting out a retry backoff or for Redis")
                .register(registry);
        Gauge.builder("digest.runs.overdue", overdue, AtomicLong::get)
                .description("Queued runs due for longer than digest.worker.overdue-after and still not taken")
                .register(registry);
        Gauge.builder("digest.runs.lease.lapsed", lapsed, AtomicLong::get)
                .description("Running runs whose worker stopped renewing the lease, not yet taken back")
                .register(registry);
    }

    @Scheduled(every = "${digest.worker.metrics-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> refresh() {
        Uni<Void> stream = redis.execute("XLEN", queue.stream()).invoke(r -> length.set(r.toLong()))
                .chain(() -> redis.execute("XINFO", "GROUPS", queue.stream()))
                .invoke(this::readGroup)
                .replaceWithVoid();
        Uni<Void> database = pool.preparedQuery(RUNS).execute(Tuple.of(config.overdueAfter().toMillis()))
                .invoke(rows -> {
                    Row row = rows.iterator().next();
                    waiting.set(row.getLong("waiting"));
                    overdue.set(row.getLong("overdue"));
                    lapsed.set(row.getLong("lapsed"));
                })
                .replaceWithVoid();
        return Uni.join().all(stream, database).andCollectFailures().replaceWithVoid()
                .onFailure().invoke(failure -> LOG.debugf("Refreshing queue gauges failed: %s", failure.toString()))
                .onFailure().recoverWithNull();
    }

    private void readGroup(Response groups) {
        for (Response group : groups) {
            if (queue.group().equals(group.get("name").toString())) {
                pending.set(group.get("pending").toLong());
                Response groupLag = group.get("lag");
                // Redis reports no lag when it cannot tell (after some deletions); keep the last figure.
                if (groupLag != null) {
                    lag.set(groupLag.toLong());
                }
            }
        }
    }
}
