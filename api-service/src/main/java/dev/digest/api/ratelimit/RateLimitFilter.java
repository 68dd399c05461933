package dev.digest.api.ratelimit;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import java.lang.reflect.Method;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Draws each request that got past authorization from its bucket: an application key's by
 * class of request (read, write, ingest), the admin key's own, and for endpoints that need no
 * key ({@code @PermitAll}) the client address's. Over the limit is a 429.
 *
 * <p>Quarkus checks {@code @RolesAllowed} before request filters run, so a refused request
 * (401, 403) costs nothing here; failed authentications have their own limit, see
 * {@link FailedAuthentications}.
 */
public class RateLimitFilter {

    private final RateLimiter limiter;
    private final CurrentIdentityAssociation identities;

    public RateLimitFilter(RateLimiter limiter, CurrentIdentityAssociation identities) {
        this.limiter = limiter;
        this.identities = identities;
    }

    @ServerRequestFilter(priority = Priorities.AUTHORIZATION)
    public Uni<Void> limit(ContainerRequestContext request, ResourceInfo resource, HttpServerRequest http) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return Uni.createFrom().voidItem();
        }
        if (isOpen(method)) {
            return take(request, RequestClass.OPEN, RateLimiter.clientOf(http));
        }
        return identities.getDeferredIdentity().chain(identity -> identity.isAnonymous()
                ? Uni.createFrom().voidItem()
                : take(request, classOf(identity, method), bucketOf(identity)));
    }

    /** Counts the request against its bucket; refused past the limit. */
    private Uni<Void> take(ContainerRequestContext request, RequestClass bucket, String identity) {
        return limiter.take(bucket, identity).map(decision -> {
            request.setProperty(RateLimitHeaders.PROPERTY, decision);
            if (decision.refused()) {
                throw new RateLimitedException(decision);
            }
            return null;
        });
    }

    private static boolean isOpen(Method method) {
        return method.isAnnotationPresent(PermitAll.class)
                || !method.isAnnotationPresent(RolesAllowed.class)
                        && method.getDeclaringClass().isAnnotationPresent(PermitAll.class);
    }

    /** The admin key has one bucket; an application key's depends on the scope the endpoint asks for. */
    private static RequestClass classOf(SecurityIdentity identity, Method method) {
        if (identity.hasRole(Roles.ADMIN)) {
            return RequestClass.ADMIN;
        }
        RolesAllowed allowed = method.getAnnotation(RolesAllowed.class);
        if (allowed == null) {
            allowed = method.getDeclaringClass().getAnnotation(RolesAllowed.class);
        }
        List<String> roles = allowed == null ? List.of() : List.of(allowed.value());
        if (roles.contains(Roles.INGEST)) {
            return RequestClass.INGEST;
        }
        return roles.contains(Roles.WRITE) ? RequestClass.WRITE : RequestClass.READ;
    }

    private static String bucketOf(SecurityIdentity identity) {
        Object keyId = identity.getAttribute(CurrentCaller.KEY_ID);
        return keyId == null ? Roles.ADMIN : keyId.toString();
    }
}
