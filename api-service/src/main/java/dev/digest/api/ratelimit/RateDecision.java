package dev.digest.api.ratelimit;

import java.time.Duration;

/**
 * The answer for one request, with what the {@code RateLimit-*} headers report: the limit, what
 * is left, and when the bucket is full again; {@code retryAfter} when refused.
 */
public record RateDecision(Outcome outcome, int limit, Duration period, long remaining, Duration retryAfter,
        Duration reset) {

    public enum Outcome {
        ALLOWED, LIMITED, UNCHECKED, UNAVAILABLE
    }

    static RateDecision of(int limit, Duration period, boolean allowed, long remaining, Duration wait, Duration full) {
        return new RateDecision(allowed ? Outcome.ALLOWED : Outcome.LIMITED, limit, period, remaining, wait, full);
    }

    static RateDecision unlimited(int limit) {
        return new RateDecision(Outcome.UNCHECKED, limit, Duration.ZERO, limit, Duration.ZERO, Duration.ZERO);
    }

    static RateDecision unavailable(int limit) {
        return new RateDecision(Outcome.UNAVAILABLE, limit, Duration.ZERO, 0, Duration.ofSeconds(1), Duration.ZERO);
    }

    /** Over the limit, or (fail-closed) not checked: the request is not served. */
    public boolean refused() {
        return outcome == Outcome.LIMITED || outcome == Outcome.UNAVAILABLE;
    }

    /** Whole seconds, rounded up: a client waiting this long will be let in. */
    public static long seconds(Duration duration) {
        long millis = duration.toMillis();
        return Math.max(1, (millis + 999) / 1000);
    }
}
