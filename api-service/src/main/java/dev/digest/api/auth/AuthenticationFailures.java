package dev.digest.api.auth;

import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.function.Supplier;

/**
 * Counts a failed authentication before it is answered. The limit lives with the rate limiter,
 * which depends on the caller's identity; this interface lets the refusals here use it.
 */
public interface AuthenticationFailures {

    /** Counts the failure; answers {@code refusal} while the client is under its limit, 429 past it. */
    Uni<Response> answer(ContainerRequestContext request, HttpServerRequest http, Supplier<Response> refusal);
}
