package dev.digest.common.content;

import java.time.Duration;
import java.time.Instant;

/** A run's window over receipt time: (start, end]. */
public record Window(Instant start, Instant end) {

    /**
     * The window that closes at {@code end}: it starts where the previous successful run's
     * window ended, or {@code lookback} earlier for a digest's first run.
     */
    public static Window closingAt(Instant end, Instant previousEnd, Duration lookback) {
        Instant start = previousEnd != null && previousEnd.isBefore(end) ? previousEnd : end.minus(lookback);
        return new Window(start, end);
    }
}
