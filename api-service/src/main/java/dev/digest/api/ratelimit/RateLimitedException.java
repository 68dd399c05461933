package dev.digest.api.ratelimit;

/** Refuses a request over its key's limit (429) or, fail-closed, one that could not be checked (503). */
public class RateLimitedException extends RuntimeException {

    private final RateDecision decision;

    public RateLimitedException(RateDecision decision) {
        super(null, null, false, false);
        this.decision = decision;
    }

    public RateDecision decision() {
        return decision;
    }
}
