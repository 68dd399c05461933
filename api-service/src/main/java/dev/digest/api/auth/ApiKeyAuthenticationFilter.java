package dev.digest.api.auth;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.ratelimit.RateDecision;
import dev.digest.api.ratelimit.RateLimitHeaders;
import dev.digest.api.ratelimit.RateLimitedException;
import dev.digest.api.ratelimit.RateLimiter;
import dev.digest.api.ratelimit.RequestClass;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <key>} and enforces each resource's {@link Access}.
 *
 * <p>Missing, unknown and revoked keys are 401; a key without the needed scope is 403. An
 * authorized request then draws from its key's rate-limit bucket (429 past the limit).
 * Failures are thrown as problems so they share the API's one error shape.
 */
public class ApiKeyAuthenticationFilter {

    private static final String BEARER = "bearer ";

    private final ApiConfig config;
    private final ApiKeyLookup lookup;
    private final CurrentCaller currentCaller;
    private final RateLimiter limiter;

    public ApiKeyAuthenticationFilter(ApiConfig config, ApiKeyLookup lookup, CurrentCaller currentCaller,
            RateLimiter limiter) {
        this.limiter = limiter;
        this.config = config;
        this.lookup = lookup;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Void> authenticate(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        Access access = accessOf(resource);
        String client = http.remoteAddress() == null ? "unknown" : http.remoteAddress().hostAddress();
        if (access != null && access.open()) {
            return limit(request, RequestClass.OPEN, client);
        }
        String key = bearerKey(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (key == null) {
            return failedAuthentication(request, client, "Send an API key as 'Authorization: Bearer <key>'");
        }
        if (KeyHashing.sameKey(key, config.adminKey())) {
            return authorize(Caller.administrator(), access).chain(() -> limit(request, RequestClass.ADMIN, "admin"));
        }
        return lookup.find(key).onItem().transformToUni(caller -> caller == null
                ? failedAuthentication(request, client, "The API key is unknown or revoked")
                : authorize(caller, access).chain(() -> limit(request, classOf(access), caller.keyId().toString())));
    }

    /** A 401, or a 429 once the client address has failed too often: guessing keys is slow. */
    private Uni<Void> failedAuthentication(ContainerRequestContext request, String client, String detail) {
        return limit(request, RequestClass.AUTH_FAILURE, client)
                .chain(() -> Uni.createFrom().failure(unauthenticated(detail)));
    }

    /** Counts the request against its bucket; refused past the limit. */
    private Uni<Void> limit(ContainerRequestContext request, RequestClass bucket, String identity) {
        return limiter.take(bucket, identity).map(decision -> {
            request.setProperty(RateLimitHeaders.PROPERTY, decision);
            if (decision.outcome() == RateDecision.Outcome.LIMITED
                    || decision.outcome() == RateDecision.Outcome.UNAVAILABLE) {
                throw new RateLimitedException(decision);
            }
            return null;
        });
    }

    private static RequestClass classOf(Access access) {
        if (access.anyKey()) {
            return RequestClass.READ;
        }
        return switch (access.value()) {
            case READ -> RequestClass.READ;
            case WRITE -> RequestClass.WRITE;
            case INGEST -> RequestClass.INGEST;
        };
    }

    private Uni<Void> authorize(Caller caller, Access access) {
        currentCaller.set(caller);
        if (access == null) {
            return forbidden("This endpoint is not open to API keys");
        }
        if (access.anyKey()) {
            return Uni.createFrom().voidItem();
        }
        if (access.admin()) {
            return caller.admin() ? Uni.createFrom().voidItem() : forbidden("This endpoint needs the admin key");
        }
        if (caller.admin()) {
            if (access.orAdmin()) {
                return Uni.createFrom().voidItem();
            }
            return forbidden("The admin key has no application; use an application's key");
        }
        return caller.scopes().contains(access.value())
                ? Uni.createFrom().voidItem()
                : forbidden("The API key lacks the '" + access.value().wire() + "' scope");
    }

    private static Access accessOf(ResourceInfo resource) {
        if (resource == null || resource.getResourceMethod() == null) {
            return null;
        }
        Access onMethod = resource.getResourceMethod().getAnnotation(Access.class);
        return onMethod != null ? onMethod : resource.getResourceClass().getAnnotation(Access.class);
    }

    private static String bearerKey(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String key = authorization.substring(BEARER.length()).trim();
        return key.isEmpty() ? null : key;
    }

    private static ProblemException unauthenticated(String detail) {
        return new ProblemException(ProblemType.UNAUTHENTICATED, detail);
    }

    private static Uni<Void> forbidden(String detail) {
        return Uni.createFrom().failure(new ProblemException(ProblemType.FORBIDDEN, detail));
    }
}
