package dev.digest.api.application;

import dev.digest.api.auth.Roles;
import dev.digest.api.web.ExpectedVersion;
import dev.digest.api.web.Page;
import dev.digest.api.web.Pagination;
import dev.digest.api.web.Responses;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;

/** Applications (tenants); admin key only. */
@Path("/api/v1/applications")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApplicationResource {

    private final ApplicationService service;
    private final Pagination pagination;

    public ApplicationResource(ApplicationService service, Pagination pagination) {
        this.service = service;
        this.pagination = pagination;
    }

    @POST
    public Uni<Response> create(@Valid @NotNull ApplicationRequest request) {
        return service.create(request)
                .map(a -> Responses.created("/api/v1/applications/" + a.id, ApplicationResponse.from(a), a.version));
    }

    @GET
    public Uni<Page<ApplicationResponse>> list(@QueryParam("slugPrefix") String slugPrefix,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.list(slugPrefix, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(id).map(a -> Responses.ok(ApplicationResponse.from(a), a.version));
    }

    @PUT
    @Path("/{id}")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull ApplicationRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(id, request, expected).map(a -> Responses.ok(ApplicationResponse.from(a), a.version));
    }

    @DELETE
    @Path("/{id}")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(id).replaceWith(Response.noContent().build());
    }
}
