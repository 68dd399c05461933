package dev.digest.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of the worker ({@code digest.worker.*}, or {@code DIGEST_WORKER_*} in the environment).
 * The stream, its group and the dead-letter stream are named where the api reads them too, in
 * common's {@link dev.digest.common.job.JobQueueConfig} ({@code digest.queue.*}).
 */
@ConfigMapping(prefix = "digest.worker")
public interface WorkerConfig {

    /**
     * This instance's consumer name. Must be unique among live workers and stable across a
     * restart of the same instance; defaults to host name and process id.
     */
    Optional<String> consumerName();

    /**
     * Jobs one instance works on at once. Their database work is batched (one statement of each
     * kind in flight), so more jobs at once mean bigger batches, not more connections. On two
     * cores 128 did best: 32 gave batches of two or three runs (README "Throughput").
     */
    @WithDefault("128")
    @Min(1)
    @Max(256)
    int concurrency();

    /**
     * Emails of one run sent at once, over the SMTP client's pooled connections
     * ({@code quarkus.mailer.max-pool-size} bounds them across runs).
     */
    @WithDefault("8")
    @Min(1)
    @Max(256)
    int sendsPerRun();

    /** Recipients of a run rendered and logged together, in one statement, before they are sent. */
    @WithDefault("200")
    @Min(1)
    @Max(10000)
    int recipientChunk();

    /** Attempts of a run (first try included) before it is marked dead. */
    @WithDefault("5")
    @Min(1)
    int maxAttempts();

    /** Wait before the second attempt; doubles on each further attempt. */
    @WithDefault("PT5S")
    Duration backoffInitial();

    /** Longest wait between attempts. */
    @WithDefault("PT10M")
    Duration backoffMax();

    /** How long a message may sit unacknowledged with a silent consumer before another worker claims it. */
    @WithDefault("PT60S")
    Duration claimIdle();

    /** How long one read waits for new jobs. */
    @WithDefault("PT2S")
    Duration readBlock();

    /** On shutdown, how long in-flight jobs may take to finish before they are left for other workers. */
    @WithDefault("PT30S")
    Duration shutdownWait();

    /** How often abandoned jobs are looked for, and in-flight ones kept claimed (well under {@link #claimIdle()}). */
    @WithDefault("10s")
    String reclaimEvery();

    /** How often runs waiting for publication (Redis outage, retry backoff) are looked for. */
    @WithDefault("2s")
    String republishEvery();

    /** How often the stream is trimmed of acknowledged entries. */
    @WithDefault("60s")
    String trimEvery();

    /** How often the queue gauges (stream length, pending, lag, waiting runs) are refreshed. */
    @WithDefault("15s")
    String metricsEvery();

    /**
     * Longest wait, when closing a window, for database transactions that may still be
     * committing events into it; past it the attempt is retried later.
     */
    @WithDefault("PT10S")
    Duration windowSettleMax();

    /**
     * How long a run waits in the queue, at the most, while another run of its digest delivers
     * a window (windows of one digest are delivered one after another). The finishing run wakes
     * the next one at once; this is only the safety net should that wake-up be lost.
     */
    @WithDefault("PT5M")
    Duration turnWaitMax();

    /**
     * How long a claimed run belongs to this worker without a renewal. The worker renews the
     * leases of its runs every {@link #leaseRenewEvery()}; a run whose lease lapsed (its worker
     * died, or lost PostgreSQL for that long) is taken back by the reconciler.
     */
    @WithDefault("PT60S")
    Duration lease();

    /** How often the leases of runs in flight are renewed (well under {@link #lease()}). */
    @WithDefault("10s")
    String leaseRenewEvery();

    /**
     * The retry budget in time: a run that failed is given up (dead) only once it has used
     * {@link #maxAttempts()} attempts and its first attempt is at least this long ago, so an
     * SMTP or database outage shorter than this does not kill runs that would succeed after it.
     */
    @WithDefault("PT1H")
    Duration retryFor();

    /** How often the reconciler compares the runs in PostgreSQL with the stream in Redis. */
    @WithDefault("5s")
    String reconcileEvery();

    /**
     * A queued run whose message was put on the stream longer ago than this is checked by the
     * reconciler: if Redis no longer holds a deliverable message for it, it is published again.
     */
    @WithDefault("PT30S")
    Duration undeliveredAfter();

    /** Queued runs on the stream the reconciler checks per tick (it pages through them all over ticks). */
    @WithDefault("500")
    @Min(1)
    int reconcileBatch();

    /**
     * A consumer in the group that holds no message and has not read for this long is a worker
     * that is gone; it is removed from the group.
     */
    @WithDefault("PT10M")
    Duration consumerExpiry();

    /** A queued run due for longer than this without being taken is counted as overdue (a metric to alert on). */
    @WithDefault("PT5M")
    Duration overdueAfter();

    /** Domain of the Message-IDs the worker derives from (run, recipient). */
    @WithDefault("digest.local")
    String messageIdDomain();

    /** What the retention purge keeps ({@code digest.worker.retention.*}). */
    Retention retention();

    /**
     * How long history is kept, and how fast the rest is removed. Every worker purges; the
     * statements skip rows another worker holds, so replicas share the work. A duration of zero
     * or less keeps that kind of data for ever.
     */
    interface Retention {

        /** Whether this worker purges at all. */
        @WithDefault("true")
        boolean enabled();

        /** How often the purge runs ({@code off} disables the timer). */
        @WithDefault("60s")
        String every();

        /**
         * Finished runs (with their email logs) are removed this long after they finished;
         * a digest's latest succeeded run is always kept, since its next window starts there.
         */
        @WithDefault("P90D")
        Duration runs();

        /**
         * An event is removed once every digest of its application that could include it has
         * delivered a window ending at least this long after the event was received (and it is
         * older than the first-window look-back plus this, for digests that have not run yet).
         */
        @WithDefault("P30D")
        Duration eventsGrace();

        /** Dead-letter stream entries are removed this long after they were added. */
        @WithDefault("P30D")
        Duration deadLetters();

        /** Rows one statement removes at the most: short transactions, short row locks. */
        @WithDefault("1000")
        @Min(1)
        @Max(100000)
        int batch();

        /** Batches of each kind one tick runs at the most, so a large backlog is worked off over ticks. */
        @WithDefault("10")
        @Min(1)
        int batchesPerTick();
    }
}
