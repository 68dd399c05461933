package dev.digest.worker.queue;

import dev.digest.common.run.RunLedger;
import dev.digest.common.run.RunLedger.OnStream;
import dev.digest.worker.config.WorkerConfig;
import dev.digest.worker.run.NextRunSignal;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Makes every run the database holds reach a final status, whatever Redis forgot. Each tick:
 * <ul>
 * <li>runs whose worker stopped renewing its lease go back to the queue (window and
 * per-recipient progress kept) and are published again;</li>
 * <li>queued runs on the stream for a while are checked against Redis, a page at a time: one
 * whose message no longer exists, or was delivered and is no longer pending, is published
 * again (Redis restarted empty, failed over to a lagging replica, or the message was handled
 * and the run put back);</li>
 * <li>consumers of workers that are gone, holding nothing, are removed from the group.</li>
 * </ul>
 * Every move is a conditional statement of the ledger, so any number of workers may
 * reconcile at once, and a duplicate message is harmless: the claim decides.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);

    private final RunLedger ledger;
    private final JobStream stream;
    private final NextRunSignal publisher;
    private final WorkerConfig config;
    private final Counter requeued;
    private final Counter republished;
    private final Counter consumersRemoved;
    private volatile OnStream cursor;

    public Reconciler(RunLedger ledger, JobStream stream, NextRunSignal publisher, WorkerConfig config,
            MeterRegistry registry) {
        this.ledger = ledger;
        this.stream = stream;
        this.publisher = publisher;
        this.config = config;
        this.requeued = Counter.builder("digest.reconciler.actions").tag("action", "requeued")
                .description("Runs the reconciler repaired: requeued (lease lapsed) or republished (message lost)")
                .register(registry);
        this.republished = Counter.builder("digest.reconciler.actions").tag("action", "republished")
                .description("Runs the reconciler repaired: requeued (lease lapsed) or republished (message lost)")
                .register(registry);
        this.consumersRemoved = Counter.builder("digest.reconciler.consumers.removed")
                .description("Consumers of workers that are gone, removed from the group").register(registry);
    }

    @Scheduled(every = "${digest.worker.reconcile-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> tick() {
        return reconcile()
                .onFailure().invoke(failure -> LOG.warnf("Reconciling failed: %s", failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    /** One round; what it repaired. */
    public Uni<Repairs> reconcile() {
        return requeueLapsed()
                .chain(lapsed -> republishLost().map(lost -> new Repairs(lapsed, lost)))
                .call(repairs -> repairs.any() ? Uni.createFrom().voidItem().invoke(publisher::wake)
                        : Uni.createFrom().voidItem())
                .call(this::removeGoneConsumers);
    }

    private Uni<Integer> requeueLapsed() {
        return ledger.requeueLapsed(config.reconcileBatch()).invoke(count -> {
            if (count > 0) {
                requeued.increment(count);
                LOG.warnf("Took back %d runs whose workers stopped renewing their leases", count);
            }
        });
    }

    private Uni<Integer> republishLost() {
        return ledger.onStreamSince(config.undeliveredAfter(), cursor, config.reconcileBatch()).chain(page -> {
            // Pages through all of them over ticks, then starts again from the oldest.
            cursor = page.size() < config.reconcileBatch() ? null : page.get(page.size() - 1);
            if (page.isEmpty()) {
                return Uni.createFrom().item(0);
            }
            List<String> ids = page.stream().map(OnStream::messageId).toList();
            return stream.lastDelivered()
                    .chain(lastDelivered -> stream.deliverable(ids, lastDelivered))
                    .chain(deliverable -> republish(page, deliverable));
        });
    }

    private Uni<Integer> republish(List<OnStream> page, Set<String> deliverable) {
        List<OnStream> lost = page.stream().filter(run -> !deliverable.contains(run.messageId())).toList();
        return ledger.republish(lost).invoke(count -> {
            if (count > 0) {
                republished.increment(count);
                LOG.warnf("Published %d queued runs again: Redis no longer held a deliverable message for them", count);
            }
        });
    }

    private Uni<Void> removeGoneConsumers() {
        long expiry = config.consumerExpiry().toMillis();
        return stream.consumers()
                .onFailure().recoverWithItem(List.of())
                .chain(consumers -> Multi.createFrom().iterable(consumers)
                        .filter(c -> c.pending() == 0 && c.idleMillis() > expiry && !c.name().equals(stream.consumer()))
                        .onItem().transformToUniAndConcatenate(c -> stream.removeConsumer(c.name())
                                .invoke(() -> {
                                    consumersRemoved.increment();
                                    LOG.infof("Removed consumer %s from the group: idle %d s, holding nothing",
                                            c.name(), c.idleMillis() / 1000);
                                }))
                        .collect().asList()
                        .replaceWithVoid());
    }

    /** What one round repaired. */
    public record Repairs(int requeued, int republished) {
        boolean any() {
            return requeued > 0 || republished > 0;
        }
    }
}
