package dev.digest.api.digesttemplate;

import dev.digest.api.auth.CurrentCaller;
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

/** The caller's digest templates (presets for new digests). */
@Path("/api/v1/digest-templates")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DigestTemplateResource {

    private final DigestTemplateService service;
    private final CurrentCaller caller;
    private final Pagination pagination;

    public DigestTemplateResource(DigestTemplateService service, CurrentCaller caller, Pagination pagination) {
        this.service = service;
        this.caller = caller;
        this.pagination = pagination;
    }

    @POST
    @RolesAllowed(Roles.WRITE)
    public Uni<Response> create(@Valid @NotNull DigestTemplateRequest request) {
        return service.create(caller.applicationId(), request).map(t ->
                Responses.created("/api/v1/digest-templates/" + t.id, DigestTemplateResponse.from(t), t.version));
    }

    @GET
    public Uni<Page<DigestTemplateResponse>> list(@QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return service.list(caller.applicationId(), pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(caller.applicationId(), id).map(t -> Responses.ok(DigestTemplateResponse.from(t), t.version));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull DigestTemplateRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(caller.applicationId(), id, request, expected)
                .map(t -> Responses.ok(DigestTemplateResponse.from(t), t.version));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(caller.applicationId(), id).replaceWith(Response.noContent().build());
    }
}
