package dev.digest.api.config;

import dev.digest.common.job.JobStreams;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Duration;

/** Configuration of the API service ({@code digest.*}, or {@code DIGEST_*} in the environment). */
@ConfigMapping(prefix = "digest")
public interface ApiConfig {

    /**
     * The bootstrap admin key ({@code DIGEST_ADMIN_KEY}): manages applications and their keys.
     * Required; at least 24 characters, so a short guessable key fails start-up.
     */
    @Size(min = 24)
    String adminKey();

    /** List paging. */
    Pagination pagination();

    /** Bounds on what one digest may hold. */
    Limits limits();

    /** The job stream runs are published to. */
    Queue queue();

    interface Queue {
        /** Redis stream the workers consume. */
        @WithDefault(JobStreams.STREAM)
        String stream();

        /**
         * How long a new run waits for its request to publish it before the worker's
         * re-publisher takes over (as it does when Redis was unreachable).
         */
        @WithDefault("PT15S")
        Duration publishGrace();

        /** How long a request waits for Redis before leaving the run to the re-publisher. */
        @WithDefault("PT2S")
        Duration publishTimeout();
    }

    interface Pagination {
        /** Page size when a request names none. */
        @WithDefault("50")
        @Min(1)
        int defaultLimit();

        /** Largest page a request may ask for. */
        @WithDefault("200")
        @Min(1)
        @Max(1000)
        int maxLimit();
    }

    interface Limits {
        /** Most recipients one digest may have. */
        @WithDefault("500")
        @Min(1)
        int maxRecipients();

        /** Most event types one digest may filter on. */
        @WithDefault("100")
        @Min(1)
        int maxEventTypesPerDigest();
    }
}
