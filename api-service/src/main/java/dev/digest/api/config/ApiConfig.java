package dev.digest.api.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import java.time.Duration;

/**
 * Configuration of the API service ({@code digest.*}, or {@code DIGEST_*} in the environment).
 * What it shares with the workers has mappings of its own in common: the job queue
 * ({@code digest.queue.*}), run events ({@code digest.events.*}) and content ({@code digest.content.*}).
 */
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

    /** The cron dispatcher. */
    Schedule schedule();

    /** Requests per API key, counted in Redis across every replica. */
    RateLimit rateLimit();

    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        /**
         * What happens when Redis cannot answer: {@code true} lets the request through (the
         * default: ingestion and reads keep working through a Redis outage, which already leaves
         * runs to the re-publisher); {@code false} refuses it with 503.
         */
        @WithDefault("true")
        boolean failOpen();

        /** Longest wait for Redis before the fail-open/closed rule applies. */
        @WithDefault("PT0.2S")
        Duration timeout();

        /** GET requests of an application key. */
        @WithDefault("1200")
        @Min(1)
        int read();

        /** Creating, changing and deleting, and starting runs. */
        @WithDefault("300")
        @Min(1)
        int write();

        /** {@code POST /events}; a batch counts once. */
        @WithDefault("3000")
        @Min(1)
        int ingest();

        /** Requests with the admin key. */
        @WithDefault("300")
        @Min(1)
        int admin();

        /** Requests without a key (the unsubscribe links), per client address. */
        @WithDefault("60")
        @Min(1)
        int open();

        /**
         * Failed authentications (no key, an unknown or revoked key) per client address: past it
         * the address gets 429 instead of 401, so keys cannot be guessed at speed.
         */
        @WithDefault("30")
        @Min(1)
        int authFailures();

        /**
         * The period each limit is per. Each is a token bucket: a key may burst up to its limit,
         * and gets its allowance back evenly over the period.
         */
        @WithDefault("PT1M")
        Duration period();
    }

    interface Schedule {
        /**
         * Whether this replica dispatches due digests. Any number may: a due instant yields one
         * run however many dispatch at once. Turn it off for API-only replicas.
         */
        @WithDefault("true")
        boolean enabled();

        /**
         * How often due digests are looked for. Quarkus' scheduler checks its triggers once a
         * second, so shorter periods act as one second; cron instants are whole seconds anyway.
         */
        @WithDefault("1s")
        String tick();

        /** Digests claimed per database transaction. */
        @WithDefault("500")
        @Min(1)
        @Max(10000)
        int batchSize();

        /** Most digests one tick dispatches; the rest wait for the next tick (or another replica). */
        @WithDefault("20000")
        @Min(1)
        int maxPerTick();

        /**
         * Runs created in one dispatch from which the dispatcher has PostgreSQL re-read the runs
         * table's statistics ({@code ANALYZE digest_runs}): after a burst of new runs the planner
         * otherwise keeps stale row counts and the workers' window queries scan every queued run
         * (autovacuum catches up only a minute or more later, and not at all where it is off).
         * 0 turns it off.
         */
        @WithDefault("1000")
        @Min(0)
        int analyzeAfter();

        /**
         * With the {@code skip} missed-run policy, how late an instant may be dispatched and still
         * count as on time; older missed instants are dropped. ({@code coalesce} runs the latest.)
         */
        @WithDefault("PT1M")
        Duration misfireGrace();

        /** Most instants listed by {@code GET /digests/{id}/schedule}. */
        @WithDefault("100")
        @Min(1)
        @Max(1000)
        int maxPreview();
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

        /** Most events one {@code POST /events} may carry. */
        @WithDefault("1000")
        @Min(1)
        @Max(10000)
        int maxEventsPerRequest();

        /** Most sample events a template preview or a test send may carry (each is rendered, not stored). */
        @WithDefault("1000")
        @Min(1)
        @Max(10000)
        int maxSampleEvents();

        /**
         * Deepest nesting of objects and arrays in a request body (the event payload is two levels
         * down). Its default (32) is in application.properties: the JSON parser is configured during
         * static initialisation, where only property files are read.
         */
        @Min(4)
        @Max(1000)
        int maxJsonDepth();

        /** Longest string in a request body, in characters (templates are the longest fields); default 1048576, as above. */
        @Min(1024)
        int maxJsonStringLength();

        /** Largest event payload, in bytes of JSON. */
        @WithDefault("65536")
        @Min(64)
        int maxPayloadBytes();
    }
}
