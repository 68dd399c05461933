package dev.digest.api.ratelimit;

import dev.digest.api.auth.AuthenticationFailures;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/**
 * Limits failed authentications (no key, an unknown or revoked key) per client address: past the
 * limit the address gets 429 instead of 401, so keys cannot be guessed at speed.
 */
@ApplicationScoped
public class FailedAuthentications implements AuthenticationFailures {

    private final RateLimiter limiter;

    public FailedAuthentications(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public Uni<Response> answer(ContainerRequestContext request, HttpServerRequest http, Supplier<Response> refusal) {
        return limiter.take(RequestClass.AUTH_FAILURE, RateLimiter.clientOf(http)).map(decision -> {
            request.setProperty(RateLimitHeaders.PROPERTY, decision);
            return decision.refused() ? RateLimitHeaders.refused(decision) : refusal.get();
        });
    }
}
