package dev.digest.api.auth;

import dev.digest.api.config.ApiConfig;
import dev.digest.api.web.ProblemException;
import dev.digest.api.web.ProblemType;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates {@code Authorization: Bearer <key>} and enforces each resource's {@link Access}.
 *
 * <p>Missing, unknown and revoked keys are 401; a key without the needed scope is 403.
 * Failures are thrown as problems so they share the API's one error shape.
 */
public class ApiKeyAuthenticationFilter {

    private static final String BEARER = "bearer ";

    private final ApiConfig config;
    private final ApiKeyLookup lookup;
    private final CurrentCaller currentCaller;

    public ApiKeyAuthenticationFilter(ApiConfig config, ApiKeyLookup lookup, CurrentCaller currentCaller) {
        this.config = config;
        this.lookup = lookup;
        this.currentCaller = currentCaller;
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Uni<Void> authenticate(ContainerRequestContext request, ResourceInfo resource) {
        Access access = accessOf(resource);
        if (access != null && access.open()) {
            return Uni.createFrom().voidItem();
        }
        String key = bearerKey(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (key == null) {
            return Uni.createFrom().failure(unauthenticated("Send an API key as 'Authorization: Bearer <key>'"));
        }
        if (KeyHashing.sameKey(key, config.adminKey())) {
            return authorize(Caller.administrator(), access);
        }
        return lookup.find(key).onItem().transformToUni(caller -> caller == null
                ? Uni.createFrom().failure(unauthenticated("The API key is unknown or revoked"))
                : authorize(caller, access));
    }

    private Uni<Void> authorize(Caller caller, Access access) {
        currentCaller.set(caller);
        if (access == null) {
            return forbidden("This endpoint is not open to API keys");
        }
        if (access.admin()) {
            return caller.admin() ? Uni.createFrom().voidItem() : forbidden("This endpoint needs the admin key");
        }
        if (caller.admin()) {
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
