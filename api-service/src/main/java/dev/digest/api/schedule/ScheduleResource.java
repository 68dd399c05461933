package dev.digest.api.schedule;

import dev.digest.api.auth.Roles;
import dev.digest.api.config.ApiConfig;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.tenant.DigestOwner;
import dev.digest.api.web.ProblemException;
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

/** When a digest fires next. */
@Path("/api/v1/digests/{id}/schedule")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.DIGESTS)
public class ScheduleResource {

    private final DigestSchedules schedules;
    private final DigestOwner owner;
    private final int maxPreview;

    public ScheduleResource(DigestSchedules schedules, DigestOwner owner, ApiConfig config) {
        this.schedules = schedules;
        this.owner = owner;
        this.maxPreview = config.schedule().maxPreview();
    }

    /** The next {@code count} instants the digest fires at (default 10), in UTC and in its own zone. */
    @GET
    @RolesAllowed({Roles.READ, Roles.ADMIN})
    @Operation(summary = "Show when a digest fires next")
    public Uni<ScheduleResponse> schedule(@PathParam("id") UUID id, @QueryParam("count") String count) {
        // Parsed here: a query parameter JAX-RS cannot convert would otherwise be a 404.
        int n;
        try {
            n = count == null ? 10 : Integer.parseInt(count.trim());
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 1 || n > maxPreview) {
            throw ProblemException.invalid("count", "must be a whole number between 1 and " + maxPreview);
        }
        int instants = n;
        return owner.of(id).chain(application -> schedules.upcoming(application, id, instants));
    }
}
