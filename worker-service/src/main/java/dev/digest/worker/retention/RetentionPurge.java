package dev.digest.worker.retention;

import dev.digest.common.content.ContentConfig;
import dev.digest.common.run.RunLedger;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.queue.JobStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Removes history past its retention: finished runs with their email logs, events every digest
 * has moved past, and old dead-letter entries. Each statement removes one bounded batch and
 * skips rows another worker holds, so any number of workers may purge at once and no lock is
 * held for long on tables the services write.
 */
@ApplicationScoped
public class RetentionPurge {

    private static final Logger LOG = Logger.getLogger(RetentionPurge.class);

    private final RunLedger ledger;
    private final ExpiredEvents events;
    private final JobStream stream;
    private final WorkerConfig.Retention retention;
    private final ContentConfig content;
    private final Clock clock;
    private final Counter runsPurged;
    private final Counter eventsPurged;
    private final Counter deadLettersPurged;

    public RetentionPurge(RunLedger ledger, ExpiredEvents events, JobStream stream, WorkerConfig config,
            ContentConfig content, Clock clock, MeterRegistry registry) {
        this.ledger = ledger;
        this.events = events;
        this.stream = stream;
        this.retention = config.retention();
        this.content = content;
        this.clock = clock;
        this.runsPurged = purged(registry, "runs");
        this.eventsPurged = purged(registry, "events");
        this.deadLettersPurged = purged(registry, "dead_letters");
    }

    private static Counter purged(MeterRegistry registry, String kind) {
        return Counter.builder("digest.retention.purged").tag("kind", kind)
                .description("Rows or entries the retention purge removed: runs (email logs with them), events, dead letters")
                .register(registry);
    }

    @Scheduled(every = "${digest.worker.retention.every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        if (!retention.enabled()) {
            return Uni.createFrom().voidItem();
        }
        return purge()
                .onFailure().invoke(failure -> LOG.warnf("Purging old history failed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One round: up to the configured batches of each kind; what it removed. */
    public Uni<Purged> purge() {
        return purgeRuns().chain(runs -> purgeEvents()
                .chain(removedEvents -> purgeDeadLetters().map(dead -> new Purged(runs, removedEvents, dead))))
                .invoke(purged -> {
                    if (purged.any()) {
                        LOG.infof("Retention removed %d runs, %d events, %d dead letters", purged.runs(),
                                purged.events(), purged.deadLetters());
                    }
                });
    }

    private Uni<Integer> purgeRuns() {
        if (!purges(retention.runs())) {
            return Uni.createFrom().item(0);
        }
        return inBatches(() -> ledger.purgeFinished(retention.runs(), retention.batch())
                .invoke(removed -> runsPurged.increment(removed)), retention.batchesPerTick());
    }

    private Uni<Integer> purgeEvents() {
        if (!purges(retention.eventsGrace())) {
            return Uni.createFrom().item(0);
        }
        return inBatches(() -> events.purge(content.firstWindowLookback(), retention.eventsGrace(), retention.batch())
                .invoke(removed -> eventsPurged.increment(removed)), retention.batchesPerTick());
    }

    private Uni<Long> purgeDeadLetters() {
        if (!purges(retention.deadLetters())) {
            return Uni.createFrom().item(0L);
        }
        // Stream ids are the milliseconds the entry was added at, so trimming by id is by age.
        long before = clock.millis() - retention.deadLetters().toMillis();
        return stream.trimDeadLettersBefore(before).invoke(removed -> deadLettersPurged.increment(removed));
    }

    // Batch after batch while each comes back full, each its own statement (and transaction).
    private Uni<Integer> inBatches(Supplier<Uni<Integer>> batch, int batchesLeft) {
        return batch.get().chain(removed -> removed < retention.batch() || batchesLeft <= 1
                ? Uni.createFrom().item(removed)
                : inBatches(batch, batchesLeft - 1).map(more -> removed + more));
    }

    // Zero or less keeps that kind for ever.
    private static boolean purges(Duration keptFor) {
        return !keptFor.isZero() && !keptFor.isNegative();
    }

    /** What one round removed. */
    public record Purged(int runs, int events, long deadLetters) {
        public boolean any() {
            return runs > 0 || events > 0 || deadLetters > 0;
        }
    }
}
