package dev.digest.api.emailtemplate;

import dev.digest.api.auth.CurrentCaller;
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

/** The caller's email templates. */
@Path("/api/v1/email-templates")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.EMAIL_TEMPLATES)
public class EmailTemplateResource {

    private final EmailTemplateService service;
    private final CurrentCaller caller;
    private final Pagination pagination;

    public EmailTemplateResource(EmailTemplateService service, CurrentCaller caller, Pagination pagination) {
        this.service = service;
        this.caller = caller;
        this.pagination = pagination;
    }

    @POST
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Create an email template")
    @APIResponse(responseCode = "201", description = "The template, with its Location and ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EmailTemplateResponse.class)))
    public Uni<Response> create(@Valid @NotNull EmailTemplateRequest request) {
        return service.create(caller.applicationId(), request).map(t ->
                Responses.created("/api/v1/email-templates/" + t.id, EmailTemplateResponse.from(t), t.version));
    }

    @GET
    @Operation(summary = "List email templates")
    public Uni<Page<EmailTemplateResponse>> list(@QueryParam("namePrefix") String namePrefix,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.list(caller.applicationId(), namePrefix, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get an email template")
    @APIResponse(responseCode = "200", description = "The template, with its ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EmailTemplateResponse.class)))
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(caller.applicationId(), id).map(t -> Responses.ok(EmailTemplateResponse.from(t), t.version));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Update an email template")
    @APIResponse(responseCode = "200", description = "The template, with its new ETag",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EmailTemplateResponse.class)))
    @APIResponse(responseCode = "409", description = "The body's version is not the current one")
    @APIResponse(responseCode = "412", description = "If-Match names an older version")
    @APIResponse(responseCode = "428", description = "Neither If-Match nor a version was sent")
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull EmailTemplateRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(caller.applicationId(), id, request, expected)
                .map(t -> Responses.ok(EmailTemplateResponse.from(t), t.version));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Delete an email template")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "409", description = "Digests or digest templates still use it")
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(caller.applicationId(), id).replaceWith(Response.noContent().build());
    }
}
