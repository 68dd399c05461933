package dev.digest.common.content;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** A run's window over receipt time: (start, end]. */
public record Window(Instant start, Instant end) {

    /**
     * The window that closes at {@code closingAt}: it starts where the previous successful run's
     * window ended (empty if that is already past {@code closingAt}), or {@code lookback}
     * earlier for a digest's first run.
     */
    public static Window closingAt(Instant closingAt, Instant previousEnd, Duration lookback) {
        // PostgreSQL keeps microseconds and rounds the rest: an end with nanoseconds could be
        // stored a microsecond later than the instant the events were read up to, and an event
        // in that microsecond would belong to no window.
        Instant end = closingAt.truncatedTo(ChronoUnit.MICROS);
        if (previousEnd == null) {
            return new Window(end.minus(lookback), end);
        }
        // A later window already went out (runs of a backlog can finish out of order): this
        // one is empty rather than a look-back that would send those events again.
        Instant start = previousEnd.isBefore(end) ? previousEnd : end;
        return new Window(start, end);
    }
}
