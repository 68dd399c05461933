package dev.digest.common.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.digest.common.WireValue;
import java.util.EnumSet;
import java.util.Set;

/**
 * Where a run is in its life, with the moves it may make.
 *
 * <p>A move is made in SQL as {@code UPDATE … SET status = to WHERE status = from}; zero rows
 * changed means another worker or request moved it first.
 */
public enum RunStatus {
    QUEUED,
    RUNNING,
    SUCCEEDED,
    FAILED,
    SKIPPED,
    DEAD,
    /** Given up on by a person while queued: never sent; its window is left for the next run. */
    CANCELLED;

    /** The statuses this one may move to. */
    public Set<RunStatus> next() {
        return switch (this) {
            // A queued run is claimed by a worker, or given up on by an operator.
            case QUEUED -> EnumSet.of(RUNNING, DEAD, CANCELLED);
            // Released (shutdown, retry after backoff) goes back to queued.
            case RUNNING -> EnumSet.of(SUCCEEDED, FAILED, SKIPPED, QUEUED, DEAD);
            // Failed and dead runs may be retried by a person.
            case FAILED, DEAD -> EnumSet.of(QUEUED);
            case SUCCEEDED, SKIPPED, CANCELLED -> EnumSet.noneOf(RunStatus.class);
        };
    }

    public boolean canMoveTo(RunStatus target) {
        return next().contains(target);
    }

    public boolean isFinal() {
        return next().isEmpty();
    }

    @JsonValue
    public String wire() {
        return WireValue.of(this);
    }

    @JsonCreator
    public static RunStatus fromWire(String wire) {
        return WireValue.parse(RunStatus.class, wire);
    }
}
