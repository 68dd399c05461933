package dev.digest.worker.queue;

import dev.digest.common.job.JobQueueConfig;
import dev.digest.common.run.RunLedger;
import dev.digest.worker.run.NextRunSignal;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.redis.datasource.stream.ReactiveStreamCommands;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Publishes queued runs that have no stream message and whose time has come: those whose
 * request found Redis down, those back from a retry backoff, those woken for their turn, and
 * those the reconciler found lost. Rows are locked with SKIP LOCKED, so any number of workers
 * share the work and each run is published once.
 */
@ApplicationScoped
public class Republisher implements NextRunSignal {

    private static final Logger LOG = Logger.getLogger(Republisher.class);

    private static final int BATCH = 200;

    private final Pool pool;
    private final RunLedger ledger;
    private final ReactiveStreamCommands<String, String, String> streams;
    private final JobQueueConfig queue;
    private final AtomicBoolean publishing = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();

    public Republisher(Pool pool, RunLedger ledger, ReactiveRedisDataSource redis, JobQueueConfig queue) {
        this.pool = pool;
        this.ledger = ledger;
        this.streams = redis.stream(String.class);
        this.queue = queue;
    }

    @Scheduled(every = "${digest.worker.republish-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        wake();
    }

    /** Publishes what is due now; calls that arrive while a round is running make one more round. */
    @Override
    public void wake() {
        if (!publishing.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        again.set(false);
        publishDue()
                .invoke(count -> {
                    if (count > 0) {
                        LOG.debugf("Published %d waiting runs", count);
                    }
                })
                .onFailure().invoke(failure -> LOG.warnf("Re-publishing failed: %s", failure.toString()))
                .onFailure().recoverWithItem(0)
                .subscribe().with(count -> {
                    publishing.set(false);
                    if (again.get() || count == BATCH) {
                        wake();
                    }
                });
    }

    /** How many runs were published. A Redis failure rolls the batch back, to be tried on the next tick. */
    public Uni<Integer> publishDue() {
        return pool.withTransaction(connection -> ledger.dueForPublication(connection, BATCH)
                .chain(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(
                                run -> streams.xadd(queue.stream(), run.job().toFields()))
                        .collect().asList()
                        .chain(messageIds -> ledger.recordPublished(connection, due, messageIds))
                        .map(List::size)));
    }
}
