package dev.digest.common.job;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The job queue ({@code digest.queue.*}, {@code DIGEST_QUEUE_*}): the api publishes runs to the
 * stream, the workers consume it in their group and dead-letter what they give up on, and the
 * api's console reads all three. Both services read this one mapping, so they cannot be given
 * different names for the same stream.
 */
@ConfigMapping(prefix = "digest.queue")
public interface JobQueueConfig {

    /** The Redis stream of jobs. */
    @WithDefault("digest:jobs")
    String stream();

    /** The consumer group all workers share on that stream (the console shows its pending, lag and consumers). */
    @WithDefault("digest-workers")
    String group();

    /** Where workers put the jobs of runs whose attempts are exhausted; the console lists, retries and discards them. */
    @WithDefault("digest:jobs:dead")
    String deadLetterStream();

    /**
     * How long a new run is left to the api request that created it to publish before the
     * workers' re-publisher may send it (as it does when Redis was unreachable). Read by the api.
     */
    @WithDefault("PT15S")
    Duration publishGrace();

    /** How long an api request waits for Redis before leaving the run to the re-publisher. Read by the api. */
    @WithDefault("PT2S")
    Duration publishTimeout();

    /**
     * Runs an api replica may have waiting to be published (requests arriving faster than
     * Redis and PostgreSQL take their jobs); past it, run requests are refused with 503 and
     * Retry-After instead of creating runs that wait. Read by the api.
     */
    @WithDefault("5000")
    int publishBacklog();
}
