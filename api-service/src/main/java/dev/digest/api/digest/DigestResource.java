package dev.digest.api.digest;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.tenant.DigestOwner;
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

/** The caller's digests. Their runs, previews and schedules have resources of their own. */
@Path("/api/v1/digests")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.DIGESTS)
public class DigestResource {

    private final DigestService service;
    private final CurrentCaller caller;
    private final Pagination pagination;
    private final DigestOwner owner;

    public DigestResource(DigestService service, CurrentCaller caller, Pagination pagination, DigestOwner owner) {
        this.service = service;
        this.caller = caller;
        this.pagination = pagination;
        this.owner = owner;
    }

    @POST
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Create a digest")
    @APIResponse(responseCode = "201", description = "The digest, with its Location and ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DigestResponse.class)))
    public Uni<Response> create(@Valid @NotNull DigestRequest request) {
        return service.create(caller.applicationId(), request)
                .map(d -> Responses.created("/api/v1/digests/" + d.id, DigestResponse.from(d), d.version));
    }

    /** The admin key lists every application's digests (each names its application). */
    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "List digests")
    public Uni<Page<DigestResponse>> list(@QueryParam("enabled") Boolean enabled,
            @QueryParam("namePrefix") String namePrefix, @QueryParam("cursor") String cursor,
            @QueryParam("limit") Integer limit) {
        return service.list(caller.applicationId(), enabled, namePrefix, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Get a digest")
    @APIResponse(responseCode = "200", description = "The digest, with its ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DigestResponse.class)))
    public Uni<Response> get(@PathParam("id") UUID id) {
        return owner.of(id).chain(application -> service.get(application, id)).map(d -> Responses.ok(DigestResponse.from(d), d.version));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Update a digest")
    @APIResponse(responseCode = "200", description = "The digest, with its new ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DigestResponse.class)))
    @APIResponse(responseCode = "409", description = "The body's version is not the current one")
    @APIResponse(responseCode = "412", description = "If-Match names an older version")
    @APIResponse(responseCode = "428", description = "Neither If-Match nor a version was sent")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull DigestRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(caller.applicationId(), id, request, expected)
                .map(d -> Responses.ok(DigestResponse.from(d), d.version));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Delete a digest")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(caller.applicationId(), id).replaceWith(Response.noContent().build());
    }
}
