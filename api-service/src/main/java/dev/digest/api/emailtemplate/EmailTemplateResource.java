package dev.digest.api.emailtemplate;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.preview.PreviewService;
import dev.digest.api.preview.TemplatePreview;
import dev.digest.api.preview.TemplatePreviewRequest;
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

/** The caller's email templates. */
@Path("/api/v1/email-templates")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class EmailTemplateResource {

    private final EmailTemplateService service;
    private final CurrentCaller caller;
    private final Pagination pagination;
    private final PreviewService previews;

    public EmailTemplateResource(EmailTemplateService service, CurrentCaller caller, Pagination pagination,
            PreviewService previews) {
        this.previews = previews;
        this.service = service;
        this.caller = caller;
        this.pagination = pagination;
    }

    @POST
    @RolesAllowed(Roles.WRITE)
    public Uni<Response> create(@Valid @NotNull EmailTemplateRequest request) {
        return service.create(caller.applicationId(), request).map(t ->
                Responses.created("/api/v1/email-templates/" + t.id, EmailTemplateResponse.from(t), t.version));
    }

    @GET
    public Uni<Page<EmailTemplateResponse>> list(@QueryParam("namePrefix") String namePrefix,
            @QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        return service.list(caller.applicationId(), namePrefix, pagination.of(cursor, limit));
    }

    @GET
    @Path("/{id}")
    public Uni<Response> get(@PathParam("id") UUID id) {
        return service.get(caller.applicationId(), id).map(t -> Responses.ok(EmailTemplateResponse.from(t), t.version));
    }

    @PUT
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    public Uni<Response> update(@PathParam("id") UUID id, @Valid @NotNull EmailTemplateRequest request,
            @HeaderParam(HttpHeaders.IF_MATCH) String ifMatch) {
        ExpectedVersion expected = ExpectedVersion.of(ifMatch, request.version());
        return service.update(caller.applicationId(), id, request, expected)
                .map(t -> Responses.ok(EmailTemplateResponse.from(t), t.version));
    }

    /** Renders the template over sample events of the application's types; stores nothing. */
    @POST
    @Path("/{id}/preview")
    public Uni<TemplatePreview> preview(@PathParam("id") UUID id, @Valid TemplatePreviewRequest request) {
        TemplatePreviewRequest sample = request == null ? new TemplatePreviewRequest(null, null, null, null, null) : request;
        return previews.template(caller.applicationId(), id, sample);
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.WRITE)
    public Uni<Response> delete(@PathParam("id") UUID id) {
        return service.delete(caller.applicationId(), id).replaceWith(Response.noContent().build());
    }
}
