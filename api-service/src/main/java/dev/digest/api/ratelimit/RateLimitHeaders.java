package dev.digest.api.ratelimit;

import dev.digest.api.web.ProblemMappers;
import dev.digest.api.web.ProblemType;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Reports the caller's limit on every answer ({@code RateLimit-Limit}, {@code -Remaining},
 * {@code -Reset} in seconds, and {@code RateLimit-Policy}), and answers a refused request.
 */
public class RateLimitHeaders {

    public static final String PROPERTY = "digest.rate-limit";

    @ServerResponseFilter
    public void report(ContainerRequestContext request, ContainerResponseContext response) {
        if (request.getProperty(PROPERTY) instanceof RateDecision decision
                && decision.outcome() != RateDecision.Outcome.UNCHECKED) {
            add(response.getHeaders(), decision);
        }
    }

    @ServerExceptionMapper
    public Response limited(RateLimitedException e) {
        return refused(e.decision());
    }

    /** 429 with {@code Retry-After} and the limit's headers; 503 when the limit could not be checked. */
    static Response refused(RateDecision decision) {
        if (decision.outcome() == RateDecision.Outcome.UNAVAILABLE) {
            return Response.fromResponse(ProblemMappers.respond(ProblemType.UNAVAILABLE,
                    "The rate limit cannot be checked right now; try again shortly", List.of()))
                    .header("Retry-After", RateDecision.seconds(decision.retryAfter())).build();
        }
        Response problem = ProblemMappers.respond(ProblemType.RATE_LIMITED, "This API key made more than "
                + decision.limit() + " such requests in " + decision.period() + "; retry after "
                + RateDecision.seconds(decision.retryAfter()) + " s", List.of());
        Response.ResponseBuilder builder = Response.fromResponse(problem)
                .header("Retry-After", RateDecision.seconds(decision.retryAfter()));
        Response built = builder.build();
        add(built.getHeaders(), decision);
        return built;
    }

    private static void add(MultivaluedMap<String, Object> headers, RateDecision decision) {
        headers.putSingle("RateLimit-Limit", decision.limit());
        headers.putSingle("RateLimit-Remaining", decision.remaining());
        headers.putSingle("RateLimit-Reset", decision.reset().isZero() ? 0 : RateDecision.seconds(decision.reset()));
        headers.putSingle("RateLimit-Policy", decision.limit() + ";w=" + decision.period().toSeconds());
    }
}
