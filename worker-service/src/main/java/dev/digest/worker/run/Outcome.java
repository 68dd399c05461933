package dev.digest.worker.run;

import dev.digest.common.run.RunStatus;

/** What became of a job; the consumer acknowledges every outcome and dead-letters {@link #DEAD}. */
public enum Outcome {
    /** Every recipient was sent to (or skipped as unsubscribed). */
    SUCCEEDED,
    /** Empty window with the skip policy: no email. */
    SKIPPED,
    /** A permanent failure (a template that cannot render, a deleted digest): no retry. */
    FAILED,
    /** A transient failure; the run waits in the queue for its backoff. */
    RETRY,
    /** Another run of the digest was delivering its window; this one is back in the queue, its attempt not counted. */
    WAITING,
    /** Attempts exhausted. */
    DEAD,
    /** The message no longer owns its run (a duplicate, or the run is done). */
    IGNORED;

    /** The outcome of a run that reached this final status. */
    public static Outcome of(RunStatus status) {
        return switch (status) {
            case SUCCEEDED -> SUCCEEDED;
            case SKIPPED -> SKIPPED;
            case FAILED -> FAILED;
            case DEAD -> DEAD;
            default -> throw new IllegalArgumentException(status + " is not a status a worker finishes a run with");
        };
    }
}
