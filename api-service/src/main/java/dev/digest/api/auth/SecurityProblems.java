package dev.digest.api.auth;

import dev.digest.api.web.ProblemMappers;
import dev.digest.api.web.ProblemType;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.List;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Answers Quarkus' security refusals in the API's one error shape: no key or an unknown or
 * revoked one is 401 (429 once the client address has failed too often), a key without the role
 * the endpoint allows is 403 naming what it lacks. Proactive authentication is off, so these
 * failures reach JAX-RS instead of being answered by the HTTP layer.
 */
public class SecurityProblems {

    private final AuthenticationFailures failures;
    private final CurrentCaller caller;

    public SecurityProblems(AuthenticationFailures failures, CurrentCaller caller) {
        this.failures = failures;
        this.caller = caller;
    }

    @ServerExceptionMapper
    public Uni<Response> anonymous(UnauthorizedException e, ContainerRequestContext request, HttpServerRequest http) {
        return unauthenticated(request, http, "Send an API key as 'Authorization: Bearer <key>'");
    }

    @ServerExceptionMapper
    public Uni<Response> unknownKey(AuthenticationFailedException e, ContainerRequestContext request,
            HttpServerRequest http) {
        return unauthenticated(request, http, "The API key is unknown or revoked");
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, ResourceInfo resource) {
        return ProblemMappers.respond(ProblemType.FORBIDDEN, whyForbidden(resource), List.of());
    }

    private Uni<Response> unauthenticated(ContainerRequestContext request, HttpServerRequest http, String detail) {
        return failures.answer(request, http, () -> ProblemMappers.respond(ProblemType.UNAUTHENTICATED, detail, List.of()));
    }

    private String whyForbidden(ResourceInfo resource) {
        RolesAllowed allowed = rolesOf(resource);
        if (allowed == null) {
            return "This endpoint is not open to API keys";
        }
        List<String> roles = List.of(allowed.value());
        if (roles.equals(List.of(Roles.ADMIN))) {
            return "This endpoint needs the admin key";
        }
        if (caller.admin()) {
            return "The admin key has no application; use an application's key";
        }
        String scope = roles.stream().filter(role -> !Roles.ADMIN.equals(role)).findFirst().orElse(Roles.READ);
        return "The API key lacks the '" + scope + "' scope";
    }

    private static RolesAllowed rolesOf(ResourceInfo resource) {
        Method method = resource == null ? null : resource.getResourceMethod();
        if (method == null) {
            return null;
        }
        RolesAllowed onMethod = method.getAnnotation(RolesAllowed.class);
        return onMethod != null ? onMethod : method.getDeclaringClass().getAnnotation(RolesAllowed.class);
    }
}
