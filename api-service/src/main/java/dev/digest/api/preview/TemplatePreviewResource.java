package dev.digest.api.preview;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** A stored email template rendered over sample events. */
@Path("/api/v1/email-templates/{id}/preview")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.EMAIL_TEMPLATES)
public class TemplatePreviewResource {

    private final PreviewService previews;
    private final CurrentCaller caller;

    public TemplatePreviewResource(PreviewService previews, CurrentCaller caller) {
        this.previews = previews;
        this.caller = caller;
    }

    /** Renders the template over sample events of the application's types; stores nothing. */
    @POST
    @Operation(summary = "Render an email template over sample events")
    public Uni<TemplatePreview> preview(@PathParam("id") UUID id, @Valid TemplatePreviewRequest request) {
        TemplatePreviewRequest sample = request == null ? new TemplatePreviewRequest(null, null, null, null, null) : request;
        return previews.template(caller.applicationId(), id, sample);
    }
}
