package dev.digest.api.apikey;

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

/** An application's API keys; admin key only. DELETE revokes. */
@Path("/api/v1/applications/{applicationId}/api-keys")
@RolesAllowed(Roles.ADMIN)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.API_KEYS)
public class ApiKeyResource {

    private final ApiKeyService service;
    private final Pagination pagination;

    public ApiKeyResource(ApiKeyService service, Pagination pagination) {
        this.service = service;
        this.pagination = pagination;
    }

    @POST
    @Operation(summary = "Create an API key")
    @APIResponse(responseCode = "201", description = "The key, with its secret: shown in this answer only",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyResponse.class)))
    public Uni<Response> create(@PathParam("applicationId") UUID applicationId, @Valid @NotNull ApiKeyRequest request) {
        return service.create(applicationId, request).map(key -> Responses.created(
                "/api/v1/applications/" + applicationId + "/api-keys/" + key.id(), key, key.version()));
    }

    @GET
    @Operation(summary = "List an application's API keys")
    public Uni<Page<ApiKeyResponse>> list(@PathParam("applicationId") UUID applicationId,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.list(applicationId, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get an API key")
    @APIResponse(responseCode = "200", description = "The key (never its secret), with its ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyResponse.class)))
    public Uni<Response> get(@PathParam("applicationId") UUID applicationId, @PathParam("id") UUID id) {
        return service.get(applicationId, id).map(k -> Responses.ok(ApiKeyResponse.from(k), k.version));
    }

    @PUT
    @Path("/{id}")
    @Operation(summary = "Rename an API key or change its scopes")
    @APIResponse(responseCode = "200", description = "The key, with its new ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeyResponse.class)))
    @APIResponse(responseCode = "409", description = "The body's version is not the current one")
    @APIResponse(responseCode = "412", description = "If-Match names an older version")
    @APIResponse(responseCode = "428", description = "Neither If-Match nor a version was sent")
    public Uni<Response> update(@PathParam("applicationId") UUID applicationId, @PathParam("id") UUID id,
            @Valid @NotNull ApiKeyRequest request, @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(applicationId, id, request, expected)
                .map(k -> Responses.ok(ApiKeyResponse.from(k), k.version));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key")
    @APIResponse(responseCode = "204", description = "Revoked")
    public Uni<Response> revoke(@PathParam("applicationId") UUID applicationId, @PathParam("id") UUID id) {
        return service.revoke(applicationId, id).replaceWith(Response.noContent().build());
    }
}
