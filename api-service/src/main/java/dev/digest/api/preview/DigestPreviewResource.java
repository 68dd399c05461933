package dev.digest.api.preview;

import dev.digest.api.auth.Roles;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.tenant.DigestOwner;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The email a digest would send if it ran now. */
@Path("/api/v1/digests/{id}/preview")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.DIGESTS)
public class DigestPreviewResource {

    private final PreviewService previews;
    private final DigestOwner owner;

    public DigestPreviewResource(PreviewService previews, DigestOwner owner) {
        this.previews = previews;
        this.owner = owner;
    }

    /**
     * The email a run started now would send (to {@code recipient}, default the first), with its
     * window and event count. Sends nothing and stores nothing.
     */
    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Render the email a run now would send")
    public Uni<DigestPreview> preview(@PathParam("id") UUID id, @QueryParam("recipient") String recipient) {
        return owner.of(id).chain(application -> previews.digest(application, id, recipient));
    }
}
