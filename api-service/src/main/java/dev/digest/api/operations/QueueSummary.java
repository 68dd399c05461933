package dev.digest.api.operations;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The queue at a glance. {@code runs} counts runs by status, plus {@code delayed} (queued runs
 * waiting out a retry backoff, the earliest due at {@code nextAvailableAt}) and
 * {@code waitingForTurn}. {@code stream} and {@code consumers} are the admin's only: an
 * application key sees its own runs' counts and nothing of the shared stream.
 */
public record QueueSummary(Map<String, Long> runs, Instant nextAvailableAt, Instant oldestQueuedAt,
        LastHour lastHour, Paused paused, Stream stream, List<Consumer> consumers) {

    /** Runs finished in the last hour, and per minute for the ones that had any. */
    public record LastHour(long succeeded, long failed, long dead, long skipped, double failureRate,
            List<Minute> perMinute) {
    }

    public record Minute(Instant minute, long succeeded, long failed) {
    }

    /**
     * Dispatch pauses: {@code global}; {@code application} for an application key (its own);
     * {@code applications} the paused ones, for the admin.
     */
    public record Paused(boolean global, Boolean application, List<UUID> applications) {
    }

    /** The job stream: entries, delivered but not acknowledged, not yet delivered, dead letters. */
    public record Stream(String name, long length, long pending, Long lag, long deadLetters) {
    }

    /** A worker of the consumer group: jobs it holds (in flight) and milliseconds since it last read. */
    public record Consumer(String name, long pending, long idleMillis) {
    }
}
