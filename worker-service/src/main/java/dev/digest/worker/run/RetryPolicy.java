package dev.digest.worker.run;

import dev.digest.common.run.ClaimedRun;
import dev.digest.worker.config.WorkerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * When a failed attempt is tried again, and when a run is given up: after its attempts are
 * used <em>and</em> its retry time has run out, so a long outage of SMTP or the database
 * delays runs instead of killing them.
 */
@ApplicationScoped
public class RetryPolicy {

    private final WorkerConfig config;
    private final Backoff backoff;
    private final Clock clock;

    public RetryPolicy(WorkerConfig config, Clock clock) {
        this.config = config;
        this.backoff = new Backoff(config.backoffInitial(), config.backoffMax());
        this.clock = clock;
    }

    /** True when the run has used its budget, counting the attempt it is on. */
    public boolean exhausted(ClaimedRun run) {
        return run.attempts() >= config.maxAttempts() && !withinRetryTime(run);
    }

    /** True when a claim should not even try: more attempts than allowed (a run that crashes its workers). */
    public boolean overdrawn(ClaimedRun run) {
        return run.attempts() > config.maxAttempts() && !withinRetryTime(run);
    }

    /** When the next attempt may start. */
    public Instant nextAttempt(ClaimedRun run) {
        return clock.instant().plus(backoff.after(run.attempts()));
    }

    private boolean withinRetryTime(ClaimedRun run) {
        Instant first = run.firstClaimedAt() == null ? clock.instant() : run.firstClaimedAt();
        return Duration.between(first, clock.instant()).compareTo(config.retryFor()) < 0;
    }
}
