package dev.digest.worker.run;

import java.time.Duration;

/** Exponential backoff: {@code initial × 2^(attempt-1)}, capped at {@code max}. */
public record Backoff(Duration initial, Duration max) {

    /** The wait after failed attempt number {@code attempt} (1 for the first). */
    public Duration after(int attempt) {
        int doublings = Math.max(0, Math.min(attempt - 1, 30));
        Duration wait = initial.multipliedBy(1L << doublings);
        return wait.compareTo(max) > 0 ? max : wait;
    }
}
