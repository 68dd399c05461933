package dev.digest.api.application;

import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Applications (tenants); admin key only. */
@Path("/api/v1/applications")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.APPLICATIONS)
public class ApplicationResource {

    private final ApplicationService service;
    private final Pagination pagination;

    public ApplicationResource(ApplicationService service, Pagination pagination) {
        this.service = service;
        this.pagination = pagination;
    }

    @POST
    @Operation(summary = "Create an application")
    @APIResponse(responseCode = "201", description = "The application, with its Location and ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplicationResponse.class)))
    @APIResponse(responseCode = "409", description = "The slug is taken")
    public Uni<Response> create(@Valid @NotNull ApplicationRequest request) {
        return service.create(request)
                .map(a -> Responses.created("/api/v1/applications/" + a.id, ApplicationResponse.from(a), a.version));
    }

    @GET
    @Operation(summary = "List applications")
    public Uni<Page<ApplicationResponse>> list(@QueryParam("slugPrefix") String slugPrefix,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.list(slugPrefix, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get an application")
    @APIResponse(responseCode = "200", description = "The application, with its ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplicationResponse.class)))
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(id).map(a -> Responses.ok(ApplicationResponse.from(a), a.version));
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Update an application")
    @APIResponse(responseCode = "200", description = "The application, with its new ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApplicationResponse.class)))
    @APIResponse(responseCode = "409", description = "The body's version is not the current one")
    @APIResponse(responseCode = "412", description = "If-Match names an older version")
    @APIResponse(responseCode = "428", description = "Neither If-Match nor a version was sent")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull ApplicationRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(id, request, expected).map(a -> Responses.ok(ApplicationResponse.from(a), a.version));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Delete an application and revoke its keys")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(id).replaceWith(Response.noContent().build());
    }
}
