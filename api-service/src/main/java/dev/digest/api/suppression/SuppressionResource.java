package dev.digest.api.suppression;

import dev.digest.api.auth.CurrentCaller;
import dev.digest.api.auth.Roles;
import dev.digest.api.domain.NotFoundException;
import dev.digest.api.openapi.ApiDocumentation;
import dev.digest.api.web.KeyCursor;
import dev.digest.api.web.Page;
import dev.digest.api.web.ProblemException;
import dev.digest.common.content.Addresses;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.validation.Valid;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The application's suppression list: addresses no digest of the application sends to.
 * {@code PUT /suppressions/{address}} adds one (idempotent), {@code DELETE} takes it off.
 */
@Path("/api/v1/suppressions")
@RolesAllowed(Roles.READ)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = ApiDocumentation.RECIPIENTS)
public class SuppressionResource {

    private static final int MAX_LIMIT = 500;

    private final SuppressionStore store;
    private final CurrentCaller caller;

    public SuppressionResource(SuppressionStore store, CurrentCaller caller) {
        this.store = store;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "List suppressed addresses")
    public Uni<Page<Suppression>> list(@QueryParam("cursor") String cursor, @QueryParam("limit") Integer limit) {
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_LIMIT) {
            throw ProblemException.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return store.list(caller.applicationId(), KeyCursor.decode("suppressions", cursor), size + 1).map(rows -> {
            boolean more = rows.size() > size;
            List<Suppression> shown = more ? rows.subList(0, size) : rows;
            return new Page<>(List.copyOf(shown), more ? KeyCursor.encode("suppressions", shown.get(shown.size() - 1).address()) : null);
        });
    }

    @PUT
    @Path("/{address}")
    @RolesAllowed(Roles.WRITE)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Suppress an address")
    @APIResponse(responseCode = "201", description = "Suppressed now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Suppression.class)))
    @APIResponse(responseCode = "200", description = "Already suppressed",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Suppression.class)))
    public Uni<Response> suppress(@PathParam("address") String address, @Valid SuppressionRequest request) {
        return store.suppress(caller.applicationId(), normalised(address), request == null ? null : request.reason())
                .map(added -> Response.status(added.isNew() ? 201 : 200).entity(added.suppression()).build());
    }

    @DELETE
    @Path("/{address}")
    @RolesAllowed(Roles.WRITE)
    @Operation(summary = "Stop suppressing an address")
    @APIResponse(responseCode = "204", description = "No longer suppressed")
    public Uni<Response> remove(@PathParam("address") String address) {
        return store.remove(caller.applicationId(), normalised(address)).map(removed -> {
            if (!removed) {
                throw new NotFoundException("This address is not suppressed");
            }
            return Response.noContent().build();
        });
    }

    /** The address as the list keeps it; a 422 unless it looks like an email address. */
    private static String normalised(String address) {
        String value = Addresses.normalize(address);
        if (value.length() < 3 || value.length() > 320 || !value.matches("[^\\s@<>,;\"]+@[^\\s@<>,;\"]+")) {
            throw ProblemException.invalid("address", "must be an email address");
        }
        return value;
    }
}
