package dev.digest.worker.run;

import dev.digest.common.run.ClaimedRun;
import dev.digest.common.run.RunLedger;
import dev.digest.worker.config.WorkerConfig;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Keeps the leases of the runs this worker holds: renews them all in one statement on a
 * timer, and knows until when each is surely still this worker's (the local time of its last
 * renewal plus the lease, less a margin for clocks), which bounds how long an attempt may keep
 * trying to record what it did.
 */
@ApplicationScoped
public class LeaseKeeper {

    private static final Logger LOG = Logger.getLogger(LeaseKeeper.class);

    private final RunLedger ledger;
    private final Duration lease;
    private final Map<UUID, Held> held = new ConcurrentHashMap<>();

    public LeaseKeeper(RunLedger ledger, WorkerConfig config) {
        this.ledger = ledger;
        this.lease = config.lease();
    }

    public Duration lease() {
        return lease;
    }

    /** The run was just claimed (with a lease that starts now). */
    public void hold(ClaimedRun run) {
        held.put(run.id(), new Held(run, System.nanoTime()));
    }

    public void release(ClaimedRun run) {
        held.computeIfPresent(run.id(), (id, current) -> current.run().claim() == run.claim() ? null : current);
    }

    /** Nanosecond time (System.nanoTime) until which the run is still this worker's; past it, someone may take it. */
    public long deadline(ClaimedRun run) {
        Held current = held.get(run.id());
        long renewed = current == null ? System.nanoTime() : current.renewedAt();
        // A fifth of the lease is left for clock differences and for the statement in flight.
        return renewed + lease.toNanos() * 4 / 5;
    }

    public int size() {
        return held.size();
    }

    @Scheduled(every = "${digest.worker.lease-renew-every}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> renew() {
        List<ClaimedRun> runs = held.values().stream().map(Held::run).toList();
        if (runs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        long started = System.nanoTime();
        return ledger.renewLeases(runs, lease)
                .invoke(still -> record(runs, still, started))
                .onFailure().invoke(failure -> LOG.warnf("Renewing %d leases failed: %s", runs.size(), failure.toString()))
                .onFailure().recoverWithNull()
                .replaceWithVoid();
    }

    private void record(List<ClaimedRun> runs, Set<UUID> still, long renewedAt) {
        for (ClaimedRun run : runs) {
            if (still.contains(run.id())) {
                held.computeIfPresent(run.id(),
                        (id, current) -> current.run().claim() == run.claim() ? new Held(run, renewedAt) : current);
            } else if (held.containsKey(run.id())) {
                LOG.warnf("Run %s is no longer this worker's (its lease lapsed and it was taken over)", run.id());
            }
        }
    }

    private record Held(ClaimedRun run, long renewedAt) {
    }
}
