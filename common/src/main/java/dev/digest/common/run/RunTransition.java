package dev.digest.common.run;

import java.util.EnumSet;
import java.util.Set;

/**
 * Every move the run ledger makes, with the statuses it moves from and to. Each is one
 * conditional statement in {@link RunLedger}; the table is checked against
 * {@link RunStatus#next()} when the ledger loads, so no statement can make a move the
 * status machine forbids. A move that keeps the status (publish, renew) is allowed from it.
 */
public enum RunTransition {
    /** A person or the dispatcher asks for a run. */
    CREATE(EnumSet.noneOf(RunStatus.class), EnumSet.of(RunStatus.QUEUED)),
    /** Its job is on the stream: the stream id is recorded, unless a worker claimed it since. */
    PUBLISH(EnumSet.of(RunStatus.QUEUED), EnumSet.of(RunStatus.QUEUED)),
    /** A worker takes the run: queued and due, or running on a lease that lapsed. */
    CLAIM(EnumSet.of(RunStatus.QUEUED, RunStatus.RUNNING), EnumSet.of(RunStatus.RUNNING)),
    /** The worker still works on it. */
    RENEW_LEASE(EnumSet.of(RunStatus.RUNNING), EnumSet.of(RunStatus.RUNNING)),
    /** The run's window is fixed, after the previous successful run's. */
    FIX_WINDOW(EnumSet.of(RunStatus.RUNNING), EnumSet.of(RunStatus.RUNNING)),
    /** Another run of the digest holds a window open: back to the queue until it finishes. */
    WAIT_TURN(EnumSet.of(RunStatus.RUNNING), EnumSet.of(RunStatus.QUEUED)),
    /** The attempt's outcome. */
    FINISH(EnumSet.of(RunStatus.RUNNING),
            EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED, RunStatus.DEAD)),
    /** A transient failure: back to the queue after a backoff. */
    RETRY_LATER(EnumSet.of(RunStatus.RUNNING), EnumSet.of(RunStatus.QUEUED)),
    /** A person retries a failed or dead run. */
    REQUEUE(EnumSet.of(RunStatus.FAILED, RunStatus.DEAD), EnumSet.of(RunStatus.QUEUED)),
    /** A person gives up on a queued run before a worker takes it. */
    CANCEL(EnumSet.of(RunStatus.QUEUED), EnumSet.of(RunStatus.CANCELLED)),
    /** The reconciler takes back a run whose worker stopped renewing its lease. */
    REQUEUE_LAPSED(EnumSet.of(RunStatus.RUNNING), EnumSet.of(RunStatus.QUEUED)),
    /** The reconciler forgets a stream message that can no longer be delivered, so the run is published again. */
    REPUBLISH(EnumSet.of(RunStatus.QUEUED), EnumSet.of(RunStatus.QUEUED)),
    /** A finishing run wakes the next run of its digest that waits for its turn. */
    WAKE(EnumSet.of(RunStatus.QUEUED), EnumSet.of(RunStatus.QUEUED)),
    /** A run of the old stack enters as history, already finished: nothing is ever sent for it. */
    IMPORT(EnumSet.noneOf(RunStatus.class),
            EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED, RunStatus.DEAD)),
    /**
     * The retention purge removes a finished run past its age, and its email logs with it; never
     * the latest succeeded window of its digest, where the next window starts.
     */
    PURGE_FINISHED(EnumSet.of(RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.SKIPPED, RunStatus.DEAD,
            RunStatus.CANCELLED),
            EnumSet.noneOf(RunStatus.class));

    private final Set<RunStatus> from;
    private final Set<RunStatus> to;

    RunTransition(Set<RunStatus> from, Set<RunStatus> to) {
        this.from = from;
        this.to = to;
    }

    public Set<RunStatus> from() {
        return from;
    }

    public Set<RunStatus> to() {
        return to;
    }

    /** True when every move this transition can make is one the status machine allows. */
    public boolean allowedByStatusMachine() {
        for (RunStatus source : from) {
            for (RunStatus target : to) {
                if (source != target && !source.canMoveTo(target)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Fails when {@code source} is not a status this transition moves from. */
    public RunStatus checkSource(RunStatus source) {
        if (!from.contains(source)) {
            throw new IllegalArgumentException(this + " cannot move a run from " + source.wire());
        }
        return source;
    }

    /** Fails when {@code target} is not a status this transition moves to. */
    public RunStatus checkTarget(RunStatus target) {
        if (!to.contains(target)) {
            throw new IllegalArgumentException(this + " cannot move a run to " + target.wire());
        }
        return target;
    }
}
